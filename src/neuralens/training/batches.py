"""A dataset as tensors on the training device: images plus named targets, sliced per batch.

A batch is a ``dict[str, torch.Tensor]``: ``"images"`` float (N, C, H, W) in [0, 1] (or a
float table (N, D), passed as it is) and the named targets of the same rows: ``"labels"``
(N,) int64, ``"mask"`` (N, H, W) int64 or any other per-pixel target, ``"boxes"`` (N, K, 4)
xyxy pixels with ``"box_labels"`` (N, K) (padding rows -1), or any tensor of length N.
Augmentation moves the image **and** what lies on it: a shift moves the mask and the boxes
by the same pixels (:mod:`neuralens.training.augment`).

>>> import torch
>>> images = torch.zeros(4, 8, 8, 3, dtype=torch.uint8)  # channels-last, as photos come
>>> data = Batches.from_arrays(images, {"labels": [0, 1, 0, 1]})
>>> batch = data.batch(torch.arange(2))
>>> batch["images"].shape, batch["images"].dtype, batch["labels"].tolist()
(torch.Size([2, 3, 8, 8]), torch.float32, [0, 1])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from neuralens.training.augment import BOX_LABELS, BOXES, flip_batch, shift_batch
from neuralens.training.handwriting import HandwritingConfig, handwriting

Batch = dict[str, torch.Tensor]
LAYOUTS = ("auto", "NCHW", "NHWC", "NHW", "ND")
CHANNEL_COUNTS = (1, 2, 3, 4)  # gray, gray + alpha, RGB, RGBA: what a channel axis can hold


def to_float_images(images: torch.Tensor) -> torch.Tensor:
    """uint8 pixels 0..255 -> float32 in [0, 1]; float images pass unchanged.

    The one place neuralens scales pixels for a network.

    >>> to_float_images(torch.tensor([0, 255], dtype=torch.uint8)).tolist()
    [0.0, 1.0]
    """
    return images.float().div_(255) if images.dtype == torch.uint8 else images


def channels_first(images: torch.Tensor, layout: str = "auto") -> torch.Tensor:
    """Images of any layout as (N, C, H, W) (a view where possible); tables (N, D) unchanged.

    ``layout``: "NCHW", "NHWC" (channels last, e.g. photos and ``make_shapes``), "NHW"
    (gray), "ND" (a table), or "auto": 3-D is gray (N, H, W); 4-D is channels-last when
    its last axis holds 1-4 channels and its second does not.

    >>> channels_first(torch.zeros(2, 5, 5, 3)).shape
    torch.Size([2, 3, 5, 5])
    >>> channels_first(torch.zeros(2, 3, 5, 5, 1))
    Traceback (most recent call last):
    ...
    ValueError: images must be (N, C, H, W), (N, H, W, C), (N, H, W) or a table (N, D); got shape (2, 3, 5, 5, 1)
    """  # noqa: E501
    if layout not in LAYOUTS:
        raise ValueError(f"unknown image layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    shape = tuple(images.shape)
    expected = {"NCHW": 4, "NHWC": 4, "NHW": 3, "ND": 2}.get(layout)
    if expected is not None and images.ndim != expected:
        raise ValueError(f"layout {layout} needs a {expected}-D array, got shape {shape}")
    if images.ndim == 2 or images.ndim == 3:
        return images if images.ndim == 2 else images.unsqueeze(1)  # (N, H, W) -> (N, 1, H, W)
    if images.ndim != 4:
        raise ValueError("images must be (N, C, H, W), (N, H, W, C), (N, H, W) or a table "
                         f"(N, D); got shape {shape}")  # fmt: skip
    if layout == "auto":
        last, second = shape[3] in CHANNEL_COUNTS, shape[1] in CHANNEL_COUNTS
        if last == second:
            raise ValueError(f"cannot tell the channel axis of images of shape {shape}: expected "
                             "(N, C, H, W) or (N, H, W, C) with C in 1..4; pass layout="
                             "'NCHW' or 'NHWC'")  # fmt: skip
        layout = "NHWC" if last else "NCHW"
    return images.permute(0, 3, 1, 2) if layout == "NHWC" else images  # (N,H,W,C)->(N,C,H,W)


def as_tensor(array, device: torch.device | str = "cpu", target: bool = False) -> torch.Tensor:
    """An array (or tensor) on ``device``: floats as float32 (the weights' type); integer
    targets as int64 (they index a loss); uint8 images stay uint8 until batched."""
    tensor = array if torch.is_tensor(array) else torch.as_tensor(np.asarray(array))
    if tensor.is_floating_point():
        return tensor.to(device, torch.float32)
    return tensor.to(device, torch.int64 if target else None)


def _named(targets, what: str) -> dict:
    if targets is None:
        return {}
    if isinstance(targets, Mapping):
        return dict(targets)
    raise ValueError(f"{what} must be a dict of named targets like {{'labels': y}}, "
                     f"got {type(targets).__name__}")  # fmt: skip


@dataclass
class Batches:
    """A whole dataset as tensors on one device; batches are sliced, augmented and scaled there.

    ``images``: (N, C, H, W) uint8 (scaled to [0, 1] per batch) or float, or a float table
    (N, D). ``targets``: named tensors of length N. ``eval_images``/``eval_targets``: the
    evaluation split. ``max_shift``: shift each training image (and its masks and boxes) by
    up to this many pixels; ``hflip``: mirror half the training images left-right;
    ``handwriting``: change each training digit as another hand would (rotation, scale,
    shear, pen thickness, wobble: :mod:`neuralens.training.handwriting`); it moves only
    the image, so it is for per-image targets (labels).
    """

    images: torch.Tensor
    targets: dict[str, torch.Tensor] = field(default_factory=dict)
    eval_images: torch.Tensor | None = None
    eval_targets: dict[str, torch.Tensor] = field(default_factory=dict)
    max_shift: int = 0
    hflip: bool = False
    handwriting: HandwritingConfig | None = None
    name: str = ""  # recorded in checkpoints, e.g. "mnist"
    layout: str = "auto"  # of images and eval_images; see channels_first

    def __post_init__(self) -> None:
        self.images = channels_first(self.images, self.layout)
        if self.eval_images is not None:
            self.eval_images = channels_first(self.eval_images, self.layout)
        self.layout = "NCHW" if self.images.ndim == 4 else "ND"  # converted once
        for images, targets, split in (
            (self.images, self.targets, "training"),
            (self.eval_images, self.eval_targets, "evaluation"),
        ):
            for key, target in targets.items():
                if images is None or len(target) != len(images):
                    count = 0 if images is None else len(images)
                    raise ValueError(f"{split} target {key!r} has {len(target)} rows but there "
                                     f"are {count} {split} images; one row per image")  # fmt: skip
        if not isinstance(self.max_shift, int) or self.max_shift < 0:
            raise ValueError(f"max_shift must be an integer >= 0, got {self.max_shift!r}")
        if (self.max_shift or self.hflip) and self.images.ndim != 4:
            raise ValueError(
                "max_shift and hflip augment images only: images must be "
                f"(N, C, H, W), got a table of shape {tuple(self.images.shape)}"
            )
        if self.handwriting is not None:
            self._check_handwriting()
        if BOXES in self.targets and BOX_LABELS not in self.targets:
            raise ValueError(f"target {BOXES!r} needs {BOX_LABELS!r} beside it (-1 padding rows)")

    def _check_handwriting(self) -> None:
        """Handwriting changes would leave a mask or boxes behind: per-image targets only."""
        if self.images.ndim != 4:
            raise ValueError("handwriting augments images (N, C, H, W), got a table of shape "
                             f"{tuple(self.images.shape)}")  # fmt: skip
        on_pixels = [key for key, target in self.targets.items() if target.ndim > 1]
        if on_pixels:
            raise ValueError(f"handwriting moves only the images, so it takes per-image targets "
                             f"(one value per image, like labels); {', '.join(on_pixels)} "
                             "would no longer lie on the image")  # fmt: skip

    @classmethod
    def from_arrays(cls, images, targets: Mapping | None = None, eval_images=None,
                    eval_targets: Mapping | None = None, device: torch.device | str = "cpu",
                    layout: str = "auto", **options) -> Batches:  # fmt: skip
        """Copy arrays to ``device`` once, images converted to (N, C, H, W) (see
        :func:`channels_first`); floats become float32, integer targets int64."""
        from neuralens.device import pick

        device = pick(device) if isinstance(device, str) else device

        def put_images(array):
            return None if array is None else as_tensor(array, device)

        def put_targets(named, what):
            return {k: as_tensor(v, device, target=True) for k, v in _named(named, what).items()}

        return cls(put_images(images), put_targets(targets, "targets"), put_images(eval_images),
                   put_targets(eval_targets, "eval_targets"), layout=layout,
                   **options)  # fmt: skip

    @property
    def device(self) -> torch.device:
        return self.images.device

    @property
    def has_eval(self) -> bool:
        return self.eval_images is not None

    def __len__(self) -> int:
        return len(self.images)

    def to(self, device: torch.device) -> Batches:
        """This data on ``device`` (the same object when it is already there)."""
        if self.device == device:
            return self
        move = lambda named: {k: v.to(device) for k, v in named.items()}  # noqa: E731
        eval_images = None if self.eval_images is None else self.eval_images.to(device)
        return replace(self, images=self.images.to(device), targets=move(self.targets),
                       eval_images=eval_images, eval_targets=move(self.eval_targets))  # fmt: skip

    def batch(self, index: torch.Tensor, generator: torch.Generator | None = None,
              part: slice | None = None) -> Batch:  # fmt: skip
        """Rows ``index[part]``, sliced on the device, augmented when a ``generator`` is given.

        The random draws are made for the whole of ``index``, then cut to ``part``: each
        process of a distributed run takes its part of the very batch one process would see.
        Handwriting changes are drawn for the part's rows (equal parts keep every process's
        generator in step).
        """
        part = part or slice(None)
        rows = index[part]
        batch = {"images": self.images[rows], **{k: v[rows] for k, v in self.targets.items()}}
        if generator is not None and self.max_shift:
            size = (2, len(index), 1)  # (dy, dx) + max_shift per image of the whole batch
            draws = torch.randint(0, 2 * self.max_shift + 1, size, device=self.device,
                                  generator=generator)  # fmt: skip
            batch = shift_batch(batch, self.max_shift, draws[:, part])
        if generator is not None and self.hflip:
            flips = torch.rand(len(index), device=self.device, generator=generator) < 0.5
            batch = flip_batch(batch, flips[part])
        batch["images"] = to_float_images(batch["images"])
        if generator is not None and self.handwriting is not None:  # on the [0, 1] floats
            batch["images"] = handwriting(batch["images"], self.handwriting, generator)
        return batch

    def eval_batches(self, batch_size: int) -> Iterator[Batch]:
        """The evaluation split in order, as batches (nothing when there is none)."""
        if self.eval_images is None:
            return
        for start in range(0, len(self.eval_images), batch_size):
            rows = slice(start, start + batch_size)
            yield {"images": to_float_images(self.eval_images[rows]),
                   **{k: v[rows] for k, v in self.eval_targets.items()}}  # fmt: skip

    def input_spec(self) -> dict:
        """What a model trained on this data takes: channels, height, width, value range."""
        if self.images.ndim != 4:
            return {"features": int(self.images.shape[1])}
        _, channels, height, width = self.images.shape
        return {"channels": channels, "height": height, "width": width, "value_range": [0, 1]}
