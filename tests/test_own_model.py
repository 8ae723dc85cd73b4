"""Train your own: data from any source, the held-out report, the saved model and its snippet."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from neuralens import checkpoints
from neuralens.engine.mnist import engine_mlp
from neuralens.models import MLPConfig
from neuralens.studies import own_model
from neuralens.tasks.classify import train_classifier
from neuralens.training import TrainConfig


def make_folder(root: Path) -> Path:
    """Two classes a tiny network can tell apart: dark squares and bright squares."""
    for name, value in (("dark", 20), ("bright", 230)):
        for k in range(5):
            (root / name).mkdir(parents=True, exist_ok=True)
            Image.new("L", (32, 32), value + k).save(root / name / f"{k}.png")
    return root


def test_named_and_folder_sources_give_training_data(tmp_path):
    mini = own_model.training_data("mnist-mini", train_limit=50)
    assert len(mini.data) == 50 and mini.classes[3] == "3" and mini.name == "mnist-mini"
    mine = own_model.training_data(own_model.FOLDER, make_folder(tmp_path / "squares"))
    assert mine.classes == ("bright", "dark") and mine.name == "squares"
    assert tuple(mine.data.images.shape) == (8, 1, 28, 28) and len(mine.data.eval_images) == 2
    assert "mnist-mini" in own_model.available_datasets()
    with pytest.raises(ValueError, match="needs a folder"):
        own_model.training_data(own_model.FOLDER)


def test_heldout_report_and_engine_report():
    probabilities = np.array([[0.7, 0.3], [0.2, 0.8], [0.9, 0.1]])
    report = own_model.heldout_report(probabilities, np.array([0, 0, 1]))
    assert report.accuracy == pytest.approx(1 / 3)
    assert report.mistakes.tolist() == [2, 1] and report.confusion.sum() == 3
    untrained = own_model.engine_report(engine_mlp(0))
    assert untrained.confusion.shape == (10, 10) and 0 <= untrained.accuracy <= 1


def test_saved_model_reloads_and_its_snippet_runs(tmp_path):
    training = own_model.training_data(own_model.FOLDER, make_folder(tmp_path / "squares"))
    config = TrainConfig(num_epochs=2, batch_size=4, device="cpu", progress=False)
    model, history = train_classifier("mlp", training.data, config,
                                      model_config=MLPConfig(hidden_sizes=(8,)))  # fmt: skip
    report = own_model.torch_report(model, training.data)
    archive = own_model.save_for_reuse(tmp_path / "run", model, training, history, report.accuracy)
    names = zipfile.ZipFile(archive).namelist()
    assert names == ["model.safetensors", "model.json", "use_model.py"]
    meta = checkpoints.load(tmp_path / "run" / "model.safetensors").metadata
    assert meta["classes"] == ["bright", "dark"] and meta["metrics"]["test_accuracy"] >= 0
    done = subprocess.run([sys.executable, "use_model.py"], cwd=tmp_path / "run", text=True,
                          capture_output=True, env={**os.environ}, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert set(eval(done.stdout)) <= {"bright", "dark"}  # five predicted class names
