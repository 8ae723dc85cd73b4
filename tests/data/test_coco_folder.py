"""Your own scenes from a folder: COCO JSON boxes + PNG instance masks, and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from neuralens.data.coco import load_coco_folder
from neuralens.data.errors import DatasetError


def _write(folder, width=40, height=20, boxes=((2, 2, 10, 8),), masks=True, extra=None):
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "masks").mkdir(exist_ok=True)
    Image.fromarray(np.full((height, width, 3), 200, np.uint8)).save(folder / "images" / "a.png")
    ids = np.zeros((height, width), np.uint8)
    annotations = []
    for k, (x, y, w, h) in enumerate(boxes):
        ids[y : y + h, x : x + w] = k + 1
        annotations.append({"id": k + 1, "image_id": 1, "category_id": 7, "bbox": [x, y, w, h]})
    if masks:
        Image.fromarray(ids).save(folder / "masks" / "a.png")
    coco = {"images": [{"id": 1, "file_name": "images/a.png", "width": width, "height": height}],
            "annotations": annotations, "categories": [{"id": 7, "name": "cup"}]}  # fmt: skip
    coco.update(extra or {})
    (folder / "annotations.json").write_text(json.dumps(coco))
    return folder


def test_a_wide_image_is_padded_to_a_square_then_resized(tmp_path):
    scenes, classes = load_coco_folder(_write(tmp_path), size=20)
    assert classes == ("cup",)
    assert scenes.images.shape == (1, 20, 20, 3) and scenes.counts.tolist() == [1]
    # 40x20 -> padded to 40x40 -> half size: the 10x8 box at (2, 2) becomes 5x4 at (1, 1)
    assert scenes.boxes[0, 0].tolist() == [1, 1, 6, 5]
    assert (scenes.images[0, 12:] == 0).all()  # the padding is black
    assert scenes.semantic[0].max() == 1 and scenes.instances[0, 0].sum() == 20


def test_without_masks_each_box_is_filled(tmp_path):
    scenes, _ = load_coco_folder(_write(tmp_path, masks=False), size=40)
    assert scenes.instances[0, 0].sum() == 10 * 8


def test_bad_folders_name_the_file(tmp_path):
    with pytest.raises(DatasetError, match="not a folder"):
        load_coco_folder(tmp_path / "nothing")
    with pytest.raises(DatasetError, match="no annotations.json"):
        load_coco_folder(tmp_path)
    folder = _write(tmp_path / "outside", boxes=((35, 2, 10, 8),))
    with pytest.raises(DatasetError, match=r"a.png: box .* outside"):
        load_coco_folder(folder)
    folder = _write(
        tmp_path / "missing", extra={"images": [{"id": 1, "file_name": "images/b.png"}]}
    )
    with pytest.raises(DatasetError, match="b.png is named in annotations.json but does not exist"):
        load_coco_folder(folder)
    folder = _write(tmp_path / "size")
    Image.fromarray(np.zeros((5, 5), np.uint8)).save(folder / "masks" / "a.png")
    with pytest.raises(
        DatasetError, match=r"masks/a.png is 5x5 pixels but its image a.png is 40x20"
    ):
        load_coco_folder(folder)
    folder = _write(tmp_path / "broken")
    (folder / "images" / "a.png").write_bytes(b"not a png")
    with pytest.raises(DatasetError, match="a.png is not a readable image"):
        load_coco_folder(folder)
    folder = _write(tmp_path / "json")
    (folder / "annotations.json").write_text("{")
    with pytest.raises(DatasetError, match="annotations.json is not COCO JSON"):
        load_coco_folder(folder)
    folder = _write(tmp_path / "empty", extra={"images": [], "annotations": []})
    with pytest.raises(DatasetError, match="lists no images"):
        load_coco_folder(folder)
