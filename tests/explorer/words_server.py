"""`python words_server.py PORT`: the explorer with an untrained tiny text-to-image model.

The page's mechanics (streaming, the vocabulary message, the attention figure) need no
trained model; the browser tests use this server while the shipped weights are absent.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import torch

from neuralens import checkpoints, diffusion
from neuralens.explorer import words_page
from neuralens.explorer.app import serve
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.tasks.text_to_image import load_text_to_image


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


if __name__ == "__main__":
    weights = tiny_weights(Path(tempfile.mkdtemp(prefix="neuralens-words-")))
    words_page.shipped_model = lambda: load_text_to_image(weights)
    serve(port=int(sys.argv[1]))
