"""IoU, NMS, heatmap encoding/decoding and instance grouping on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens.detection import (
    box_iou,
    connected_components,
    decode_heatmaps,
    encode_boxes,
    group_instances,
    nms,
)


def test_iou_hand_computed():
    a = torch.tensor([[0.0, 0, 4, 4]])
    b = torch.tensor([[2.0, 2, 6, 6], [0, 0, 4, 4], [4, 0, 8, 4], [0, 0, 2, 4]])
    # overlap 2x2 = 4, union 16 + 16 - 4 = 28; identical; touching edges; half inside
    assert torch.allclose(box_iou(a, b), torch.tensor([[4 / 28, 1.0, 0.0, 0.5]]))


def test_iou_of_empty_sets_is_an_empty_matrix():
    assert box_iou(torch.zeros(0, 4), torch.zeros(3, 4)).shape == (0, 3)
    assert box_iou(torch.zeros(2, 4), torch.zeros(0, 4)).shape == (2, 0)
    with pytest.raises(ValueError, match=r"\(M, 4\)"):
        box_iou(torch.zeros(2, 3), torch.zeros(2, 4))


def test_nms_keeps_one_of_duplicates_and_all_of_distinct_boxes():
    boxes = torch.tensor([[0.0, 0, 10, 10], [0, 0, 10, 10], [10, 0, 20, 10], [1, 0, 11, 10]])
    scores = torch.tensor([0.5, 0.9, 0.8, 0.7])
    # duplicates (IoU 1) and a shifted copy (IoU 9/11 = 0.82) collapse onto the best score;
    # the touching box (IoU 0) survives
    assert nms(boxes, scores, 0.5).tolist() == [1, 2]
    assert nms(boxes, scores, 0.85).tolist() == [1, 2, 3]  # 0.82 < 0.85: the shifted one stays
    assert nms(torch.zeros(0, 4), torch.zeros(0)).tolist() == []
    with pytest.raises(ValueError, match="iou_threshold"):
        nms(boxes, scores, 1.5)


def test_encode_decode_round_trip_for_touching_objects():
    boxes = torch.tensor([[[8.0, 8, 24, 24], [24, 8, 40, 20], [0, 0, 0, 0]]])  # two touch at x=24
    labels = torch.tensor([[0, 1, -1]])
    targets = encode_boxes(boxes, labels, 2, (12, 12), 4)
    assert targets.centers.sum() == 2
    assert targets.heatmap[0, 0].max() == 1 and targets.heatmap[0, 1].max() == 1
    assert targets.heatmap[0, 0, 4, 4] == 1  # centre (16, 16) / 4 = cell (4, 4)
    logits = torch.logit(targets.heatmap.clamp(1e-4, 1 - 1e-4))
    found = decode_heatmaps(logits, targets.size, targets.offset, stride=4)[0]
    order = found.labels.argsort()
    assert torch.allclose(found.boxes[order], boxes[0, :2])
    assert found.scores.min() > 0.99


def test_decode_of_an_empty_heatmap_finds_nothing():
    logits = torch.full((2, 3, 8, 8), -10.0)
    found = decode_heatmaps(logits, torch.zeros(2, 2, 8, 8), torch.zeros(2, 2, 8, 8), stride=4)
    assert [len(d) for d in found] == [0, 0]
    empty = encode_boxes(torch.full((1, 2, 4), -1.0), torch.tensor([[-1, -1]]), 3, (8, 8), 4)
    assert empty.heatmap.sum() == 0 and not empty.centers.any()


def test_touching_same_class_objects_split_by_their_offsets():
    # two 2x2 squares of class 0 side by side: one blob, two objects
    semantic = torch.zeros(2, 4, dtype=torch.long)
    semantic[:, :] = 1
    centers = torch.tensor([[1.0, 1.0], [3.0, 1.0]])
    xs = torch.arange(4).float() + 0.5
    dx = torch.where(xs < 2, 1.0 - xs, 3.0 - xs).expand(2, 4)
    dy = (1.0 - (torch.arange(2).float() + 0.5))[:, None].expand(2, 4)
    ids = group_instances(semantic, torch.stack([dx, dy]), centers, torch.tensor([0, 0]))
    assert ids.tolist() == [[0, 0, 1, 1], [0, 0, 1, 1]]
    assert len(connected_components(semantic.numpy())) == 1  # the baseline sees one object


def test_pixels_without_a_centre_of_their_class_stay_unassigned():
    semantic = torch.tensor([[1, 2]])
    ids = group_instances(
        semantic, torch.zeros(2, 1, 2), torch.tensor([[0.5, 0.5]]), torch.tensor([0])
    )
    assert ids.tolist() == [[0, -1]]
    none = group_instances(semantic, torch.zeros(2, 1, 2), torch.zeros(0, 2), torch.zeros(0))
    assert (none == -1).all()
    assert connected_components(np.zeros((3, 3), dtype=np.uint8)) == []


def test_class_agnostic_grouping_takes_the_nearest_centre_of_any_class():
    # the mask head called the right pixel class 2, but it points at the class-0 centre
    semantic = torch.tensor([[1, 2]])
    offset = torch.tensor([[[0.0, -1.0]], [[0.0, 0.0]]])
    centers, labels = torch.tensor([[0.5, 0.5]]), torch.tensor([0])
    assert group_instances(semantic, offset, centers, labels).tolist() == [[0, -1]]
    assert group_instances(semantic, offset, centers, labels, same_class=False).tolist() == [[0, 0]]
