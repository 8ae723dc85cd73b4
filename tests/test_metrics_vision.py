"""COCO AP through pycocotools and IoU per class, on cases whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from neuralens.metrics_vision import CocoRecords, coco_average_precision, iou_per_class, mean_iou


def _records(predicted_boxes, scores, labels=None):
    records = CocoRecords(num_classes=2)
    image = records.add_image([[0, 0, 10, 10], [20, 20, 30, 30]], [0, 1])
    labels = labels if labels is not None else [0] * len(scores)
    records.add_predictions(image, predicted_boxes, scores, labels)
    return records


def test_perfect_boxes_score_one_and_a_missed_class_halves_the_mean():
    perfect = _records([[0, 0, 10, 10], [20, 20, 30, 30]], [0.9, 0.8], [0, 1])
    assert coco_average_precision(perfect) == {"map_50": 1.0, "map": 1.0}
    half = _records([[0, 0, 10, 10]], [0.9], [0])
    assert coco_average_precision(half)["map_50"] == pytest.approx(0.5)


def test_a_loose_box_counts_at_iou_half_but_not_at_stricter_thresholds():
    # IoU of [0, 0, 10, 12] with [0, 0, 10, 10] is 100 / 120 = 0.83: hit for t <= 0.80 only
    loose = _records([[0, 0, 10, 12], [20, 20, 30, 30]], [0.9, 0.9], [0, 1])
    result = coco_average_precision(loose)
    assert result["map_50"] == 1.0 and 0.7 < result["map"] < 1.0


def test_empty_predictions_and_duplicates():
    assert coco_average_precision(_records([], [])) == {"map_50": 0.0, "map": 0.0}
    duplicate = _records(
        [[0, 0, 10, 10], [0, 0, 10, 10], [20, 20, 30, 30]], [0.9, 0.8, 0.7], [0, 0, 1]
    )
    # the duplicate is a false positive ranked below the hit: AP stays 1 for class 0
    assert coco_average_precision(duplicate)["map_50"] == 1.0
    ranked_first = _records(
        [[0, 0, 10, 10], [0, 0, 10, 10], [20, 20, 30, 30]], [0.8, 0.9, 0.7], [0, 0, 1]
    )
    assert coco_average_precision(ranked_first)["map_50"] == 1.0  # either copy may be the hit


def test_empty_ground_truth_image_only_adds_false_positives():
    records = CocoRecords(num_classes=1)
    first = records.add_image([[0, 0, 10, 10]], [0])
    records.add_predictions(first, [[0, 0, 10, 10]], [0.5], [0])
    second = records.add_image(np.zeros((0, 4)), np.zeros(0, dtype=int))
    records.add_predictions(second, [[0, 0, 5, 5]], [0.9], [0])  # ranked above the hit
    assert coco_average_precision(records)["map_50"] == pytest.approx(0.5, abs=0.01)


def test_mask_ap_uses_the_masks():
    records = CocoRecords(num_classes=1)
    mask = np.zeros((1, 8, 8), dtype=bool)
    mask[0, 2:6, 2:6] = True
    image = records.add_image([[2, 2, 6, 6]], [0], mask)
    half = mask.copy()
    half[0, 2:6, 4:6] = False  # IoU 0.5 of the mask: a hit at 0.5, a miss above
    records.add_predictions(image, [[2, 2, 6, 6]], [0.9], [0], half)
    result = coco_average_precision(records, "segm")
    assert result["map_50"] == 1.0 and result["map"] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="kind"):
        coco_average_precision(records, "keypoints")


def test_iou_per_class_hand_computed():
    y = np.array([[0, 0, 1, 1], [2, 2, 2, 0]])
    y_hat = np.array([[0, 1, 1, 1], [2, 2, 0, 0]])
    # class 0: hits 2, union 4; class 1: hits 2, union 3; class 2: hits 2, union 3
    assert iou_per_class(y, y_hat, 3) == pytest.approx([0.5, 2 / 3, 2 / 3])
    assert mean_iou(y, y_hat, 3) == pytest.approx((0.5 + 4 / 3) / 3)
    assert np.isnan(iou_per_class(y, y_hat, 4)[3])
    with pytest.raises(ValueError, match="differ in size"):
        iou_per_class(y, y_hat[:, :2], 3)
