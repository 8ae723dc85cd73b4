"""Boxes: how much two boxes overlap (IoU) and non-maximum suppression.

A box is (x0, y0, x1, y1) in pixel edges: x0 <= x < x1 covers the object's columns.
A detector proposes many overlapping boxes for one object; non-maximum suppression
keeps the best-scored one and drops every other box of the same class that overlaps
it by more than an IoU threshold.
"""

from __future__ import annotations

import torch


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    """Area of each box, (M, 4) -> (M,); zero for degenerate boxes."""
    return (boxes[:, 2] - boxes[:, 0]).clamp(min=0) * (boxes[:, 3] - boxes[:, 1]).clamp(min=0)


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Intersection over union of every pair: (M, 4), (P, 4) -> (M, P).

    IoU = area(A intersect B) / area(A union B), 1 for identical boxes, 0 for disjoint
    ones (touching edges share no pixel). Empty inputs give an empty matrix.

    >>> a, b = torch.tensor([[0.0, 0, 2, 2]]), torch.tensor([[1.0, 0, 3, 2], [2, 0, 4, 2]])
    >>> box_iou(a, b)
    tensor([[0.3333, 0.0000]])
    """
    if a.ndim != 2 or b.ndim != 2 or a.shape[-1] != 4 or b.shape[-1] != 4:
        raise ValueError(
            f"box_iou expects (M, 4) and (P, 4) boxes, got {tuple(a.shape)}, {tuple(b.shape)}"
        )
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])  # (M, P, 2)
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])  # (M, P, 2)
    intersection = (bottom_right - top_left).clamp(min=0).prod(dim=-1)  # (M, P)
    union = box_area(a)[:, None] + box_area(b)[None, :] - intersection
    return torch.where(union > 0, intersection / union.clamp(min=1e-12), torch.zeros_like(union))


def nms(
    boxes: torch.Tensor,
    scores: torch.Tensor,
    iou_threshold: float = 0.5,
    labels: torch.Tensor | None = None,
) -> torch.Tensor:
    """Greedy non-maximum suppression: indices of the kept boxes, best score first.

    Repeatedly keep the best remaining box and drop the boxes overlapping it with
    IoU > ``iou_threshold``. With ``labels``, only boxes of the same class suppress
    each other (a disk does not hide a touching rectangle).

    Parameters
    ----------
    boxes : (M, 4) xyxy; scores : (M,); labels : (M,) int or None.

    >>> boxes = torch.tensor([[0., 0., 10, 10], [1, 1, 10, 10], [20, 20, 30, 30]])
    >>> nms(boxes, torch.tensor([0.9, 0.8, 0.7])).tolist()
    [0, 2]
    >>> nms(boxes, torch.tensor([0.9, 0.8, 0.7]), labels=torch.tensor([0, 1, 0])).tolist()
    [0, 1, 2]
    """
    if not 0 <= iou_threshold <= 1:
        raise ValueError(f"iou_threshold is an IoU in [0, 1], got {iou_threshold}")
    if boxes.shape[0] != scores.shape[0]:
        raise ValueError(f"{boxes.shape[0]} boxes but {scores.shape[0]} scores")
    order = torch.argsort(scores, descending=True, stable=True)
    overlaps = box_iou(boxes, boxes)  # (M, M)
    if labels is not None:
        overlaps = overlaps * (labels[:, None] == labels[None, :])
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for index in order.tolist():
        if suppressed[index]:
            continue
        keep.append(index)
        suppressed |= overlaps[index] > iou_threshold
    return torch.tensor(keep, dtype=torch.long)
