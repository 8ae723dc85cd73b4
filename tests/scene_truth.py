"""Stand-ins for tests of editing by words: a segmenter that answers with the generator's
ground truth through the vision-tasks heads (so the real decoding, ``read_outputs``, runs on
exact masks) and a tiny untrained text-to-image model."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from neuralens import diffusion
from neuralens.data.captioned_scenes import prompt_attributes, render_scenes
from neuralens.detection.centernet import encode_boxes
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.tasks.vision import OFFSET_SCALE, center_offset_target


class TruthSegmenter(nn.Module):
    """The vision-tasks heads' outputs for known scenes, read off their ground truth."""

    def __init__(self, images: np.ndarray, instances: np.ndarray, shapes: np.ndarray) -> None:
        super().__init__()
        self.images, self.instances, self.shapes = images, instances, shapes

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        pixels = (images * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
        index = [next(i for i, known in enumerate(self.images) if np.array_equal(known, p))
                 for p in pixels]  # fmt: skip
        instances = torch.from_numpy(self.instances[index])  # (N, K, H, W)
        labels = torch.from_numpy(self.shapes[index])  # (N, K)
        slot = (instances.float().argmax(1) + 1) * instances.any(1)  # (N, H, W)
        rows, cols = instances.any(3), instances.any(2)  # (N, K, H), (N, K, W)
        first = lambda hits: hits.float().argmax(2)  # noqa: E731
        last = lambda hits: hits.shape[2] - hits.flip(2).float().argmax(2)  # noqa: E731
        boxes = torch.stack([first(cols), first(rows), last(cols), last(rows)], 2).float()
        size = images.shape[-1]
        targets = encode_boxes(boxes, labels, 3, (size // 4, size // 4), 4)
        semantic = torch.where(slot > 0, labels.gather(1, (slot - 1).clamp(min=0).flatten(1))
                               .view_as(slot) + 1, 0)  # fmt: skip
        return {
            "presence": torch.zeros(len(images), 3),
            "heatmap": torch.logit(targets.heatmap.clamp(1e-4, 1 - 1e-4)),
            "size": targets.size, "offset": targets.offset,
            "mask": 20 * F.one_hot(semantic.long(), 4).permute(0, 3, 1, 2).float(),
            "center_offset": center_offset_target(slot, boxes) / OFFSET_SCALE,
            "image": images,
        }  # fmt: skip


def truth_segmenter(data) -> TruthSegmenter:
    return TruthSegmenter(data.images, data.instances, data.attributes.shapes)


def scene(prompt: str, seed: int = 1):
    """A rendered scene of a complete prompt: (image, instances, its segmenter)."""
    attributes = prompt_attributes([prompt])
    images, instances, _, _ = render_scenes(attributes, seed=seed)
    return images[0], instances[0], TruthSegmenter(images, instances, attributes.shapes)


def tiny_text_model() -> tuple[nn.Module, diffusion.Schedule]:
    torch.manual_seed(0)
    config = TextEpsUNetConfig(image_size=32, channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config).eval()
    with torch.no_grad():  # an untrained model that predicts some noise, not none
        model.out.weight.normal_(0, 0.3)
    return model, diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=50))
