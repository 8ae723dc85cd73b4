"""`neuralens train/eval vision-tasks` on your own folder of scenes; errors are one line."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from neuralens.cli import app, main

runner = CliRunner()


def _folder(tmp_path, count=5):
    """``count`` 64x64 scenes with one square 'cup' each (COCO JSON, PNG masks)."""
    (tmp_path / "images").mkdir(parents=True)
    (tmp_path / "masks").mkdir()
    rng = np.random.default_rng(0)
    images, annotations = [], []
    for i in range(count):
        picture = rng.integers(0, 60, (64, 64, 3), dtype=np.uint8)
        x, y = (int(v) for v in rng.integers(4, 40, size=2))
        picture[y : y + 16, x : x + 16] = 230
        Image.fromarray(picture).save(tmp_path / "images" / f"s{i}.png")
        ids = np.zeros((64, 64), np.uint8)
        ids[y : y + 16, x : x + 16] = 1
        Image.fromarray(ids).save(tmp_path / "masks" / f"s{i}.png")
        images.append({"id": i + 1, "file_name": f"images/s{i}.png", "width": 64, "height": 64})
        annotations.append({"id": i + 1, "image_id": i + 1, "category_id": 1,
                            "bbox": [x, y, 16, 16]})  # fmt: skip
    coco = {"images": images, "annotations": annotations, "categories": [{"id": 1, "name": "cup"}]}
    (tmp_path / "annotations.json").write_text(json.dumps(coco))
    return tmp_path


def test_dry_run_on_a_folder_trains_one_step_and_reports_every_metric(tmp_path):
    folder = _folder(tmp_path / "scenes", count=40)
    out = tmp_path / "runs"
    result = runner.invoke(app, ["train", "vision-tasks", "--data", str(folder), "--dry-run",
                                 "--json", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["steps"] == 1 and summary["task"] == "vision-tasks"
    assert {"box_map_50", "mean_iou", "instance_map_50"} <= set(summary)
    assert not out.exists()


def test_a_missing_folder_is_one_line_on_stderr(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", ["neuralens", "train", "vision-tasks", "--data",
                                      str(tmp_path / "nowhere"), "--dry-run"])  # fmt: skip
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1 and "nowhere" in err


def test_eval_of_a_folder_needs_weights(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(sys, "argv", ["neuralens", "eval", "vision-tasks", "--data",
                                      str(_folder(tmp_path))])  # fmt: skip
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2 and "give --weights" in capsys.readouterr().err
