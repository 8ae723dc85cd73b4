"""The maths of detection and instance segmentation: boxes, IoU, NMS, heatmaps, grouping."""

from neuralens.detection.boxes import box_iou, nms
from neuralens.detection.centernet import Detections, decode_heatmaps, encode_boxes
from neuralens.detection.instances import connected_components, group_instances

__all__ = [
    "Detections",
    "box_iou",
    "connected_components",
    "decode_heatmaps",
    "encode_boxes",
    "group_instances",
    "nms",
]
