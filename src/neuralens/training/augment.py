"""Augmentation: varied copies of the same data, the image and what lies on it moved together.

A shifted digit is still the same digit; a shifted scene still has its object where the
mask and the box now say. Every function takes a batch dict (see :mod:`batches`) and
moves ``images``, every per-pixel target (a tensor whose last two axes are the image's
height and width: masks, heatmaps) and the ``boxes`` (xyxy pixels) by the same amount.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

BOXES, BOX_LABELS = "boxes", "box_labels"
PADDING = -1  # the value of a box row (and its label) that holds no object


def random_shift(
    X: torch.Tensor,
    max_shift: int,
    generator: torch.Generator | None = None,
    offsets: torch.Tensor | None = None,
) -> torch.Tensor:
    """Shift each image of (N, [C,] H, W) by its own random (dy, dx) in [-max_shift, max_shift].

    Pixels shifted in are background (0). Runs on X's device with one gather. ``offsets``
    (2, N, 1) in [0, 2 max_shift] gives the shifts (plus max_shift) instead of ``generator``:
    the content moves by ``max_shift - offsets`` pixels (down, right).

    >>> X = torch.zeros(1, 3, 3, dtype=torch.uint8); X[0, 1, 1] = 255
    >>> int(random_shift(X, 1, torch.Generator().manual_seed(0)).sum()) in (0, 255)
    True
    """
    squeeze = X.ndim == 3
    X = X.unsqueeze(1) if squeeze else X  # (N, C, H, W)
    N, _, H, W = X.shape
    padded = F.pad(X, (max_shift,) * 4)  # (N, C, H + 2s, W + 2s)
    if offsets is None:
        size = (2, N, 1)
        offsets = torch.randint(0, 2 * max_shift + 1, size, device=X.device, generator=generator)
    rows = offsets[0] + torch.arange(H, device=X.device)  # (N, H) rows to read
    cols = offsets[1] + torch.arange(W, device=X.device)  # (N, W) columns to read
    batch = torch.arange(N, device=X.device)[:, None, None]
    shifted = padded[batch, :, rows[:, :, None], cols[:, None, :]]  # (N, H, W, C)
    shifted = shifted.permute(0, 3, 1, 2)  # (N, C, H, W)
    return shifted[:, 0] if squeeze else shifted


def per_pixel(batch: dict[str, torch.Tensor]) -> list[str]:
    """The targets laid over the image pixel by pixel (same height and width)."""
    size = batch["images"].shape[-2:]
    return [key for key, value in batch.items()
            if key != "images" and value.ndim >= 3 and value.shape[-2:] == size]  # fmt: skip


def drop_outside(batch: dict[str, torch.Tensor], boxes: torch.Tensor) -> dict:
    """Clip moved boxes (N, K, 4) to the image; a box pushed fully out becomes padding."""
    height, width = batch["images"].shape[-2:]
    valid = batch[BOX_LABELS] >= 0  # (N, K)
    limits = boxes.new_tensor([width, height, width, height])
    boxes = torch.minimum(boxes.clamp(min=0), limits)
    inside = (boxes[..., 2] > boxes[..., 0]) & (boxes[..., 3] > boxes[..., 1]) & valid
    return {**batch, BOXES: torch.where(inside[..., None], boxes, PADDING),
            BOX_LABELS: torch.where(inside, batch[BOX_LABELS], PADDING)}  # fmt: skip


def shift_batch(batch: dict[str, torch.Tensor], max_shift: int, offsets: torch.Tensor) -> dict:
    """Shift images, per-pixel targets and boxes by ``max_shift - offsets`` (2, N, 1) pixels.

    >>> images = torch.zeros(1, 1, 4, 4); images[0, 0, 1, 1] = 1
    >>> batch = {"images": images, "boxes": torch.tensor([[[1., 1., 2., 2.]]]),
    ...          "box_labels": torch.tensor([[0]])}
    >>> moved = shift_batch(batch, 1, torch.tensor([[[0]], [[2]]]))  # down 1, left 1
    >>> moved["images"][0, 0].nonzero().tolist(), moved["boxes"].tolist()
    ([[2, 0]], [[[0.0, 2.0, 1.0, 3.0]]])
    """
    moved = dict(batch)
    for key in ["images", *per_pixel(batch)]:
        moved[key] = random_shift(batch[key], max_shift, offsets=offsets)
    if BOXES in batch:
        dy, dx = (max_shift - offsets[:, :, 0]).to(batch[BOXES].dtype)  # (N,) each
        step = torch.stack([dx, dy, dx, dy], dim=-1)[:, None, :]  # (N, 1, 4)
        moved = drop_outside(moved, batch[BOXES] + step)
    return moved


def flip_batch(batch: dict[str, torch.Tensor], flips: torch.Tensor) -> dict:
    """Mirror left-right the images (and per-pixel targets, boxes) where ``flips`` (N,) is True.

    >>> batch = {"images": torch.arange(3.).reshape(1, 1, 1, 3)}
    >>> flip_batch(batch, torch.tensor([True]))["images"].flatten().tolist()
    [2.0, 1.0, 0.0]
    """
    moved = dict(batch)
    for key in ["images", *per_pixel(batch)]:
        where = flips.view(-1, *[1] * (batch[key].ndim - 1))
        moved[key] = torch.where(where, batch[key].flip(-1), batch[key])
    if BOXES in batch:
        width = batch["images"].shape[-1]
        boxes = batch[BOXES]
        mirrored = torch.stack([width - boxes[..., 2], boxes[..., 1],
                                width - boxes[..., 0], boxes[..., 3]], dim=-1)  # fmt: skip
        keep = flips[:, None, None] & (batch[BOX_LABELS] >= 0)[..., None]
        moved[BOXES] = torch.where(keep, mirrored, boxes)
    return moved
