"""Objects as points (Zhou et al. 2019, "CenterNet"): boxes <-> heatmaps, sizes, offsets.

A one-stage, anchor-free detector. The image is cut into cells of ``stride`` pixels;
for each class one heatmap says how likely a cell holds an object's centre. The
training target is a Gaussian bump around each centre (eq. 1 of the paper,
Y = exp(-((x - p_x)^2 + (y - p_y)^2) / (2 sigma^2))) so near-misses cost less. At the
centre cell two more maps give the box's width and height and two the centre's
position inside the cell (the offset lost by rounding to cells). Decoding keeps
the cells that are the largest of their 3x3 neighbourhood (a max-pool: the
paper's replacement for most of NMS), reads size and offset there, and gives boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional as F

from neuralens.detection.boxes import nms


def gaussian_sigma(widths: torch.Tensor, heights: torch.Tensor, stride: int) -> torch.Tensor:
    """The bump's standard deviation in cells: a sixth of the box's smaller side, >= 0.5.

    A box shifted by about one sigma still overlaps its target strongly, so those
    cells are penalised less (TTFNet's rule, Liu et al. 2020, with alpha = 1).

    >>> gaussian_sigma(torch.tensor([24.0, 4.0]), torch.tensor([12.0, 4.0]), stride=4).tolist()
    [0.5, 0.5]
    """
    return (torch.minimum(widths, heights) / stride / 6).clamp(min=0.5)


@dataclass(frozen=True)
class HeatmapTargets:
    """Training targets at stride s: heatmap (N, K, h, w), size and offset (N, 2, h, w),
    ``centers`` bool (N, h, w) marking the cells where size and offset are learned."""

    heatmap: torch.Tensor
    size: torch.Tensor
    offset: torch.Tensor
    centers: torch.Tensor


def encode_boxes(
    boxes: torch.Tensor, labels: torch.Tensor, num_classes: int, out_size: tuple[int, int],
    stride: int,
) -> HeatmapTargets:  # fmt: skip
    """Boxes (N, M, 4) xyxy pixels with labels (N, M) (-1 = padding) -> heatmap targets.

    Size is stored in cells (w / s, h / s); offset is centre / s minus its cell's index.
    Where two centres of the same class fall in one cell, the heatmap keeps the
    larger value and the later box's size (one cell can hold one object).

    >>> t = encode_boxes(torch.tensor([[[4., 8., 12., 16.]]]), torch.tensor([[1]]), 2, (4, 4), 4)
    >>> t.heatmap[0, 1, 3, 2].item(), t.size[:, :, 3, 2].tolist(), t.offset[:, :, 3, 2].tolist()
    (1.0, [[2.0, 2.0]], [[0.0, 0.0]])
    """
    n, height, width = boxes.shape[0], *out_size
    heatmap = torch.zeros(n * num_classes, height * width)
    size = torch.zeros(n, 2, height, width)
    offset = torch.zeros(n, 2, height, width)
    centers = torch.zeros(n, height, width, dtype=torch.bool)
    image, slot = torch.nonzero(labels >= 0, as_tuple=True)
    if len(image) == 0:
        return HeatmapTargets(heatmap.view(n, num_classes, height, width), size, offset, centers)
    chosen = boxes[image, slot] / stride  # (M, 4) in cells
    center = (chosen[:, :2] + chosen[:, 2:]) / 2  # (M, 2) x, y
    cell = center.floor().long().clamp(min=0)
    cell[:, 0] = cell[:, 0].clamp(max=width - 1)
    cell[:, 1] = cell[:, 1].clamp(max=height - 1)
    wh = chosen[:, 2:] - chosen[:, :2]
    sigma = gaussian_sigma(wh[:, 0] * stride, wh[:, 1] * stride, stride)
    ys, xs = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    distance2 = (xs[None] - cell[:, 0, None, None]) ** 2 + (ys[None] - cell[:, 1, None, None]) ** 2
    bumps = torch.exp(-distance2 / (2 * sigma[:, None, None] ** 2))  # (M, h, w), 1 at the cell
    rows = image * num_classes + labels[image, slot]
    bumps = bumps.view(len(rows), -1)
    heatmap.scatter_reduce_(0, rows[:, None].expand_as(bumps), bumps, "amax")
    size[image, :, cell[:, 1], cell[:, 0]] = wh
    offset[image, :, cell[:, 1], cell[:, 0]] = center - cell
    centers[image, cell[:, 1], cell[:, 0]] = True
    return HeatmapTargets(heatmap.view(n, num_classes, height, width), size, offset, centers)


@dataclass(frozen=True)
class Detections:
    """One image's detections: boxes (M, 4) xyxy pixels, scores (M,), labels (M,)."""

    boxes: torch.Tensor
    scores: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.scores)


def decode_heatmaps(
    heatmap_logits: torch.Tensor,
    size: torch.Tensor,
    offset: torch.Tensor,
    stride: int,
    score_threshold: float = 0.3,
    iou_threshold: float = 0.5,
    max_objects: int = 50,
) -> list[Detections]:
    """Heads' outputs (N, K, h, w), (N, 2, h, w), (N, 2, h, w) -> detections per image.

    Peaks = cells equal to the max of their 3x3 neighbourhood; the ``max_objects``
    best peaks above ``score_threshold`` become boxes (clipped to the image), then
    class-wise NMS at ``iou_threshold`` removes duplicates the peak rule missed.

    >>> t = encode_boxes(torch.tensor([[[4., 8., 12., 16.]]]), torch.tensor([[1]]), 2, (4, 4), 4)
    >>> logits = torch.logit(t.heatmap.clamp(1e-4, 1 - 1e-4))
    >>> found = decode_heatmaps(logits, t.size, t.offset, stride=4)[0]
    >>> found.boxes.tolist(), found.labels.tolist()
    ([[4.0, 8.0, 12.0, 16.0]], [1])
    """
    probability = torch.sigmoid(heatmap_logits)
    peaks = probability * (F.max_pool2d(probability, 3, stride=1, padding=1) == probability)
    n, num_classes, height, width = probability.shape
    scores, flat = peaks.reshape(n, -1).topk(min(max_objects, num_classes * height * width))
    labels, cell = flat // (height * width), flat % (height * width)
    ys, xs = cell // width, cell % width
    found = []
    for i in range(n):
        keep = scores[i] > score_threshold
        y, x = ys[i][keep], xs[i][keep]
        wh = size[i, :, y, x].T.clamp(min=0)  # (M, 2) cells
        center = torch.stack([x, y], dim=1) + offset[i, :, y, x].T  # (M, 2) cells
        boxes = torch.cat([center - wh / 2, center + wh / 2], dim=1) * stride
        limits = boxes.new_tensor([width, height, width, height]) * stride
        boxes = torch.minimum(boxes.clamp(min=0), limits)  # boxes end at the image's edges
        kept = nms(boxes, scores[i][keep], iou_threshold, labels[i][keep])
        found.append(Detections(boxes[kept], scores[i][keep][kept], labels[i][keep][kept]))
    return found
