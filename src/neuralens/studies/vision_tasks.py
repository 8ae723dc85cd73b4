"""The lecture's vision tasks on one scene, with the shipped U-Nets (shapes, digit scenes).

What the explorer's chapters 1 and 8 and lesson 04 call: draw a scene (or prepare an
uploaded picture), run the U-Net once, decode its heads at the learner's thresholds.
"""

from __future__ import annotations

import functools

import numpy as np
import torch
from PIL import Image

from neuralens.data.coco import square_resize
from neuralens.data.digit_scenes import DIGIT_SCENE_CLASSES, make_digit_scenes
from neuralens.data.shapes import SHAPE_CLASSES, make_shapes
from neuralens.tasks.vision import SceneReading, float_images, predict, read_outputs

# kind -> (shipped weights, class names, the class of the yes/no question)
SCENE_KINDS = {
    "shapes": ("unet-shapes", SHAPE_CLASSES, SHAPE_CLASSES.index("triangle")),
    "digit scenes": ("unet-digit-scenes", DIGIT_SCENE_CLASSES, 7),
}


def _kind(kind: str) -> tuple[str, tuple[str, ...], int]:
    if kind not in SCENE_KINDS:
        raise ValueError(f"unknown scene kind {kind!r}; choose one of {', '.join(SCENE_KINDS)}")
    return SCENE_KINDS[kind]


def scene_classes(kind: str) -> tuple[str, ...]:
    """The object classes of ``kind`` ("shapes" or "digit scenes")."""
    return _kind(kind)[1]


def question_class(kind: str) -> int:
    """The class of the chapter's yes/no question: triangle for shapes, 7 for digits."""
    return _kind(kind)[2]


@functools.lru_cache(maxsize=len(SCENE_KINDS))
def shipped_model(kind: str) -> torch.nn.Module:
    """The shipped U-Net trained on ``kind`` scenes, in eval mode."""
    from neuralens.checkpoints import load_model, shipped_path

    return load_model(shipped_path(_kind(kind)[0]), expected="unet").eval()


def new_scene(kind: str, seed: int, noise: float = 0.0) -> np.ndarray:
    """One held-out test scene, uint8 (H, W, 3): 64x64 shapes or 96x96 digit scenes, with
    Gaussian noise of std ``noise`` (fraction of the 0-255 range) when asked."""
    _kind(kind)
    if kind == "shapes":
        image = make_shapes(1, seed=100_000 + seed, max_objects=4, overlap=True).images[0]
    else:
        image = make_digit_scenes(1, "test", seed=100_000 + seed).images[0]
    if noise:
        rng = np.random.default_rng(seed)
        image = np.clip(image + rng.normal(0, 255 * noise, image.shape), 0, 255).astype(np.uint8)
    return image


def prepare_picture(picture: np.ndarray, kind: str) -> np.ndarray:
    """An uploaded picture as the model's input: RGB, padded to a square at the bottom and
    right (black), resized to the scenes' side (64 or 96 pixels)."""
    picture = np.asarray(picture)
    if picture.ndim == 2:
        picture = np.repeat(picture[..., None], 3, axis=2)
    if picture.ndim != 3 or picture.shape[2] not in (3, 4) or min(picture.shape[:2]) < 1:
        raise ValueError(f"a picture is (H, W, 3) RGB or (H, W) gray, got shape {picture.shape}")
    side = 64 if kind == "shapes" else 96
    return square_resize(picture[..., :3].astype(np.uint8), side, Image.Resampling.BILINEAR)[0]


@functools.lru_cache(maxsize=64)
def _outputs(kind: str, image_bytes: bytes, side: int) -> dict[str, torch.Tensor]:
    image = np.frombuffer(image_bytes, dtype=np.uint8).reshape(1, side, side, 3)
    return predict(shipped_model(kind), float_images(image))


def head_outputs(kind: str, image: np.ndarray) -> dict[str, torch.Tensor]:
    """The raw outputs of every head for one scene (cached: sliders only re-decode)."""
    return _outputs(kind, np.ascontiguousarray(image).tobytes(), image.shape[0])


def read_scene(kind: str, image: np.ndarray, score_threshold: float = 0.3,
               iou_threshold: float = 0.5) -> SceneReading:  # fmt: skip
    """What the shipped model says about ``image``, boxes kept above ``score_threshold``
    and de-duplicated by NMS at ``iou_threshold``."""
    return read_outputs(head_outputs(kind, image), score_threshold, iou_threshold)[0]


def output_shapes(outputs: dict[str, torch.Tensor], reading: SceneReading) -> dict[str, str]:
    """Tensor shapes of the four outputs, raw head -> what the learner reads."""
    heat = tuple(outputs["heatmap"].shape)
    return {
        "number": f"logits {tuple(outputs['presence'].shape)} -> sigmoid",
        "boxes": f"heatmaps {heat} -> boxes {tuple(reading.detections.boxes.shape)}",
        "mask": f"logits {tuple(outputs['mask'].shape)} -> argmax {tuple(reading.semantic.shape)}",
        "image": f"{tuple(outputs['image'].shape)}",
    }


def last_layers(model: torch.nn.Module) -> dict[str, str]:
    """What the last layer of each head is, read from the model itself."""
    k = model.config.num_classes
    presence, box_conv, pixel_conv = model.presence, model.box_head[-1], model.pixel_head
    return {
        "number": f"Linear({presence.in_features} -> {presence.out_features}): one unit per "
        "class, each through a sigmoid",
        "boxes": f"Conv 1x1 ({box_conv.in_channels} -> {box_conv.out_channels}): {k} class "
        "heatmaps + 4 numbers per box (width, height, centre dx, dy)",
        "mask": f"Conv 1x1 ({pixel_conv.in_channels} -> {k + 1} of its {pixel_conv.out_channels}"
        f" channels): one channel per class (+ background), argmax per pixel",
        "image": f"Conv 1x1 ({pixel_conv.in_channels} -> 3 of its channels): 3 channels "
        "(R, G, B) added to the input",
    }
