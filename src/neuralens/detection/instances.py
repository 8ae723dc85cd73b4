"""Instance segmentation: from a class per pixel to a mask per object.

Panoptic-DeepLab (Cheng et al. 2020) predicts, for every pixel, the offset to
its object's centre; each foreground pixel then votes for the detected centre
closest to where its offset points (eq. "k_{i,j} = argmin_k ||C_k - ((i, j) + O(i, j))||").
Pixels of two touching objects point at two different centres, so they split
where connected components -- the baseline -- would see one blob.
"""

from __future__ import annotations

import numpy as np
import torch
from skimage.measure import label as connected_label


def group_instances(
    semantic: torch.Tensor, center_offset: torch.Tensor, centers: torch.Tensor,
    center_labels: torch.Tensor, same_class: bool = True,
) -> torch.Tensor:  # fmt: skip
    """Assign each foreground pixel to a centre of its own class: an instance id map.

    ``same_class=False`` is Panoptic-DeepLab's class-agnostic grouping: the nearest
    centre of any class (the instance's class then comes from its centre).

    Parameters
    ----------
    semantic : (H, W) int, 0 = background, c + 1 = class c.
    center_offset : (2, H, W) float, (dx, dy) in pixels from each pixel to its centre.
    centers : (M, 2) float, detected centres (x, y) in pixels.
    center_labels : (M,) int, the class of each centre.

    Returns
    -------
    (H, W) int64: index into ``centers``, -1 for background and for pixels whose
    class has no detected centre.

    >>> semantic = torch.tensor([[1, 1, 1, 1]])
    >>> offset = torch.tensor([[[0.5, -0.5, 0.5, -0.5]], [[0.0, 0.0, 0.0, 0.0]]])
    >>> centers = torch.tensor([[1.0, 0.0], [3.0, 0.0]])
    >>> group_instances(semantic, offset, centers, torch.tensor([0, 0]))
    tensor([[0, 0, 1, 1]])
    """
    height, width = semantic.shape
    ids = torch.full((height, width), -1, dtype=torch.long)
    ys, xs = torch.nonzero(semantic > 0, as_tuple=True)
    if len(ys) == 0 or len(centers) == 0:
        return ids
    pointed = torch.stack([xs, ys], dim=1).float() + center_offset[:, ys, xs].T  # (P, 2)
    distance = torch.cdist(pointed, centers.float())  # (P, M)
    allowed = (semantic[ys, xs] - 1)[:, None] == center_labels[None, :]
    if not same_class:
        allowed = torch.ones_like(allowed)
    distance = distance.masked_fill(~allowed, float("inf"))
    nearest = distance.argmin(dim=1)
    has_centre = allowed.any(dim=1)
    ids[ys[has_centre], xs[has_centre]] = nearest[has_centre]
    return ids


def connected_components(semantic: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """The baseline: each 4-connected blob of one class is one instance.

    Returns (class id, bool mask (H, W)) per blob; touching objects of one class merge.

    >>> [(c, m.sum()) for c, m in connected_components(np.array([[1, 1, 0, 2], [0, 0, 0, 2]]))]
    [(0, np.int64(2)), (1, np.int64(2))]
    """
    blobs = []
    for value in np.unique(semantic):
        if value == 0:
            continue
        labelled = connected_label(semantic == value, connectivity=1)
        blobs.extend((int(value) - 1, labelled == blob) for blob in range(1, labelled.max() + 1))
    return blobs
