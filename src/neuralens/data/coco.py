"""Your own scenes: a folder of images, PNG instance masks and boxes in COCO JSON.

    my_scenes/
      annotations.json     COCO: "images" (id, file_name), "annotations" (image_id,
                           category_id, bbox [x, y, w, h]), "categories" (id, name)
      images/a.png ...     the pictures, named by file_name (relative to the folder)
      masks/a.png ...      optional, one per image: 0 = background, k = the k-th
                           annotation of that image (in the JSON's order)

Read with pycocotools' ``COCO``. The rule for other sizes: each image is padded at
the bottom and right to a square (black), then resized to ``size`` x ``size``
(bilinear for the picture, nearest for the mask); boxes are scaled the same way.
Anything that does not fit -- a missing or unreadable file, a mask of another size
than its image, a box outside its image, an empty folder -- stops with one
``DatasetError`` naming the file.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from pycocotools.coco import COCO

from neuralens.data.errors import DatasetError
from neuralens.data.shapes import Shapes, mask_box

ANNOTATIONS = "annotations.json"


def _read(path: Path, mode: str) -> np.ndarray:
    """One image file as an array (``mode`` "RGB" or "L"), or a DatasetError naming it."""
    if not path.is_file():
        raise DatasetError(f"{path} is named in {ANNOTATIONS} but does not exist")
    try:
        with Image.open(path) as image:
            return np.asarray(image.convert(mode))
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise DatasetError(
            f"{path} is not a readable image ({error}); remove or replace it"
        ) from error


def square_resize(
    array: np.ndarray, size: int, resample: Image.Resampling
) -> tuple[np.ndarray, float]:
    """Pad at the bottom/right to a square, resize to ``size``; returns it and the scale."""
    side = max(array.shape[:2])
    padded = np.zeros((side, side, *array.shape[2:]), dtype=array.dtype)
    padded[: array.shape[0], : array.shape[1]] = array
    resized = Image.fromarray(padded).resize((size, size), resample)
    return np.asarray(resized), size / side


def _load_index(folder: Path) -> COCO:
    path = folder / ANNOTATIONS
    if not path.is_file():
        raise DatasetError(f"{folder} has no {ANNOTATIONS}; see neuralens.data.coco for the layout")
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # pycocotools prints progress
            return COCO(str(path))
    except (json.JSONDecodeError, KeyError, TypeError, AssertionError) as error:
        raise DatasetError(f"{path} is not COCO JSON ({error!r})") from error


def load_coco_folder(
    folder: str | Path, size: int = 64, max_objects: int = 8
) -> tuple[Shapes, tuple]:
    """Read ``folder`` (layout above) into a ``Shapes`` batch and the class names.

    Classes are the COCO categories in id order (class k = the k-th category). Without
    a mask for an image, each object's mask is its box (filled).
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder of scenes (images/, masks/, {ANNOTATIONS})")
    index = _load_index(folder)
    category_ids = sorted(index.getCatIds())
    if not index.getImgIds():
        raise DatasetError(f"{folder / ANNOTATIONS} lists no images")
    classes = tuple(index.loadCats(c)[0].get("name", str(c)) for c in category_ids)
    scenes = [_scene(folder, index, image_id, category_ids, size, max_objects)
              for image_id in sorted(index.getImgIds())]  # fmt: skip
    images, labels, boxes, semantic, instances = (
        np.stack(part) for part in zip(*scenes, strict=True)
    )
    return Shapes(images, labels, boxes, semantic, instances, (labels >= 0).sum(1)), classes


def _scene(
    folder: Path, index: COCO, image_id: int, category_ids: list, size: int, max_objects: int
):
    info = index.loadImgs(image_id)[0]
    image_path = folder / info["file_name"]
    picture = _read(image_path, "RGB")
    height, width = picture.shape[:2]
    annotations = index.loadAnns(index.getAnnIds(imgIds=image_id))
    if len(annotations) > max_objects:
        raise DatasetError(f"{image_path} has {len(annotations)} objects, more than {max_objects}")
    mask_path = folder / "masks" / (Path(info["file_name"]).stem + ".png")
    ids = _read(mask_path, "L") if mask_path.exists() else None
    if ids is not None and ids.shape != (height, width):
        raise DatasetError(f"{mask_path} is {ids.shape[1]}x{ids.shape[0]} pixels but its image "
                           f"{image_path.name} is {width}x{height}")  # fmt: skip
    if ids is not None and ids.max() > len(annotations):
        raise DatasetError(f"{mask_path} holds object {ids.max()} but {ANNOTATIONS} gives "
                           f"{image_path.name} {len(annotations)} objects")  # fmt: skip
    labels = np.full(max_objects, -1, dtype=np.int64)
    masks = np.zeros((max_objects, height, width), dtype=bool)
    for k, annotation in enumerate(annotations):
        x, y, w, h = annotation["bbox"]
        if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > width or y + h > height:
            raise DatasetError(f"{image_path}: box {annotation['bbox']} lies outside the "
                               f"{width}x{height} image")  # fmt: skip
        labels[k] = category_ids.index(annotation["category_id"])
        if ids is None:
            masks[k, int(y) : int(np.ceil(y + h)), int(x) : int(np.ceil(x + w))] = True
        else:
            masks[k] = ids == k + 1
    picture, _ = square_resize(picture, size, Image.Resampling.BILINEAR)
    resized = np.zeros((max_objects, size, size), dtype=bool)
    box_out = np.zeros((max_objects, 4), dtype=np.float32)
    semantic = np.zeros((size, size), dtype=np.uint8)
    for k in np.flatnonzero(labels >= 0):
        resized[k] = (
            square_resize(masks[k].astype(np.uint8) * 255, size, Image.Resampling.NEAREST)[0] > 0
        )
        if not resized[k].any():
            raise DatasetError(f"{image_path}: object {k + 1} has no pixels at {size}x{size}")
        box_out[k] = mask_box(resized[k])
        semantic[resized[k]] = labels[k] + 1
    return picture, labels, box_out, semantic, resized
