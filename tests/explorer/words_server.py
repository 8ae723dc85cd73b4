"""`python words_server.py PORT`: the explorer with an untrained tiny text-to-image model
and a stand-in segmenter that knows the first random scenes' true objects.

The page's mechanics (streaming, the vocabulary message, the attention figure, the kept
pixels of an edit) need no trained model; the browser tests use this server while the
shipped weights are absent.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from neuralens import checkpoints, diffusion
from neuralens.data.captioned_scenes import make_captioned_scenes
from neuralens.explorer import words_page
from neuralens.explorer.app import serve
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.tasks.text_to_image import load_text_to_image

RANDOM_SCENES = 10  # random scenes 0-9 can be edited on this server


def tiny_weights(folder: Path) -> Path:
    """A small text-to-image model whose words change its drawing (attention switched on)."""
    torch.manual_seed(0)
    config = TextEpsUNetConfig(channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config)
    with torch.no_grad():
        model.out.weight.normal_(0, 0.1)
        for block in (model.down_attention["1"], model.middle_attention):
            block.attention.to_out.weight.normal_(0, 0.5)
    path = folder / "tiny-text-to-image.safetensors"
    schedule = asdict(diffusion.ScheduleConfig())
    return checkpoints.save_model(path, model, task="text-to-image",
                                  components={"schedule": schedule})  # fmt: skip


def truth_of_random_scenes(count: int = RANDOM_SCENES):
    """A segmenter answering with the true objects of the page's random scenes 0..count-1."""
    sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/: the stand-in segmenter
    from scene_truth import TruthSegmenter

    scenes = [make_captioned_scenes(1, seed=i, paraphrase=False) for i in range(count)]
    return TruthSegmenter(*(np.concatenate([getattr(data, name) for data in scenes])
                            for name in ("images", "instances", "labels")))  # fmt: skip


if __name__ == "__main__":
    weights = tiny_weights(Path(tempfile.mkdtemp(prefix="neuralens-words-")))
    words_page.shipped_model = lambda: load_text_to_image(weights)
    segmenter = truth_of_random_scenes()
    words_page.shipped_segmenter = lambda: segmenter
    serve(port=int(sys.argv[1]))
