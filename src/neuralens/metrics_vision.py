"""Standard scores of the vision tasks: COCO average precision, IoU per class.

Average precision (AP) is the area under a detector's precision-recall curve: the
detections of all images are sorted by score, each counts as a hit if it overlaps
a not-yet-matched true object of its class by IoU >= t. mAP@0.5 averages AP over
classes at t = 0.5; COCO's mAP averages it over t = 0.50, 0.55, ..., 0.95 too, so
it rewards tight boxes. Both come from pycocotools' ``COCOeval`` -- the reference
implementation -- not from our own code. Masks are scored the same way with mask
IoU. Semantic segmentation is scored by IoU per class, |pred AND true| / |pred OR true|
over all pixels of all images, and their mean.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field

import numpy as np
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


@dataclass
class CocoRecords:
    """Ground truth and predictions of many images in COCO's JSON form, filled image by image."""

    num_classes: int
    truth: list[dict] = field(default_factory=list)
    predictions: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)

    def add_image(self, boxes, labels, masks=None) -> int:
        """Add one image's true objects: boxes (M, 4) xyxy, labels (M,), masks bool (M, H, W)."""
        image_id = len(self.images) + 1
        height, width = (0, 0) if masks is None else np.shape(masks)[-2:]
        self.images.append({"id": image_id, "height": int(height), "width": int(width)})
        for k, (box, label) in enumerate(zip(np.asarray(boxes), np.asarray(labels), strict=True)):
            record = _record(image_id, box, int(label), None if masks is None else masks[k])
            record |= {"id": len(self.truth) + 1, "iscrowd": 0}
            self.truth.append(record)
        return image_id

    def add_predictions(self, image_id: int, boxes, scores, labels, masks=None) -> None:
        """Add one image's predictions (scores (M,) in [0, 1])."""
        for k, (box, score, label) in enumerate(
            zip(np.asarray(boxes), np.asarray(scores), np.asarray(labels), strict=True)
        ):
            record = _record(image_id, box, int(label), None if masks is None else masks[k])
            self.predictions.append(record | {"score": float(score)})


def _record(image_id: int, box, label: int, mask) -> dict:
    x0, y0, x1, y1 = (float(v) for v in box)
    record = {"image_id": image_id, "category_id": label + 1, "bbox": [x0, y0, x1 - x0, y1 - y0]}
    if mask is not None:
        rle = mask_utils.encode(np.asfortranarray(np.asarray(mask, dtype=np.uint8)))
        rle["counts"] = rle["counts"].decode("ascii")
        record |= {"segmentation": rle, "area": float(mask_utils.area(rle))}
    else:
        record["area"] = (x1 - x0) * (y1 - y0)
    return record


def coco_average_precision(records: CocoRecords, kind: str = "bbox") -> dict[str, float]:
    """mAP@0.5 and COCO mAP@[.5:.95] for ``kind`` "bbox" (boxes) or "segm" (masks).

    No predictions at all gives AP 0; images without true objects count only through
    their false detections.

    >>> records = CocoRecords(num_classes=1)
    >>> image = records.add_image([[0, 0, 10, 10]], [0])
    >>> records.add_predictions(image, [[0, 0, 10, 10]], [0.9], [0])
    >>> coco_average_precision(records)
    {'map_50': 1.0, 'map': 1.0}
    """
    if kind not in ("bbox", "segm"):
        raise ValueError(f"kind must be 'bbox' or 'segm', got {kind!r}")
    if not records.predictions or not records.truth:
        return {"map_50": 0.0, "map": 0.0}
    truth = COCO()
    truth.dataset = {
        "images": records.images,
        "annotations": records.truth,
        "categories": [{"id": c + 1} for c in range(records.num_classes)],
    }
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints its progress
        truth.createIndex()
        evaluation = COCOeval(truth, truth.loadRes(records.predictions), kind)
        evaluation.params.maxDets = [1, 10, 100]
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
    return {
        "map_50": round(float(evaluation.stats[1]), 4),
        "map": round(float(evaluation.stats[0]), 4),
    }


def iou_per_class(y: np.ndarray, y_hat: np.ndarray, num_classes: int) -> np.ndarray:
    """IoU of each class over all pixels: |pred AND true| / |pred OR true|; NaN if never seen.

    >>> iou_per_class(np.array([[0, 1, 1]]), np.array([[0, 1, 0]]), 2).round(3).tolist()
    [0.5, 0.5]
    """
    y, y_hat = np.asarray(y).ravel(), np.asarray(y_hat).ravel()
    if y.shape != y_hat.shape:
        raise ValueError(f"masks differ in size: {y.shape} vs {y_hat.shape}")
    confusion = np.bincount(y * num_classes + y_hat, minlength=num_classes**2).reshape(
        num_classes, num_classes
    )
    hits = np.diag(confusion).astype(float)
    union = confusion.sum(0) + confusion.sum(1) - hits
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, hits / union, np.nan)


def mean_iou(y: np.ndarray, y_hat: np.ndarray, num_classes: int) -> float:
    """Mean of ``iou_per_class`` over the classes that occur (background included)."""
    return float(np.nanmean(iou_per_class(y, y_hat, num_classes)))
