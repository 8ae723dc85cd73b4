"""Models trained in chapter 11 found again by run id; anything else falls back to shipped."""

from __future__ import annotations

import os

import pytest
import torch

from neuralens import checkpoints
from neuralens.explorer import trained
from neuralens.models import MLP, MLPConfig


def test_a_saved_run_is_found_and_a_bad_id_is_not(tmp_path, monkeypatch):
    monkeypatch.setattr(trained, "runs_folder", lambda: tmp_path)
    run = "0123456789abcdef0123456789abcdef"
    torch.manual_seed(0)
    model = MLP(MLPConfig(hidden_sizes=(4,), num_classes=3))
    checkpoints.save_model(trained.run_checkpoint(run), model, data="pets",
                           metrics={"test_accuracy": 0.5}, classes=["a", "b", "c"])  # fmt: skip
    mine = trained.trained({"run": run})
    assert mine.classes == ("a", "b", "c") and "your MLP trained on pets" in mine.source
    assert trained.trained({"run": "../../etc/passwd"}) is None
    assert trained.trained({"run": "f" * 32}) is None  # no such run (deleted temp folder)
    assert trained.trained(None) is None
    with pytest.raises(ValueError, match="not a run id"):
        trained.run_checkpoint("../x")


def test_choose_falls_back_to_the_shipped_model_and_says_why():
    chosen = trained.choose("cnn", trained.TRAINED_CHOICE, None)
    assert chosen.source.startswith("shipped CNN") and "no CNN of yours" in chosen.source
    assert trained.choose("mlp", trained.SHIPPED_CHOICE, None).source.startswith("shipped MLP")


def test_old_runs_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(trained, "runs_folder", lambda: tmp_path)
    old, new = tmp_path / ("a" * 32), tmp_path / ("b" * 32)
    for folder in (old, new, tmp_path / "not-a-run"):
        folder.mkdir()
    os.utime(old, (0, 0))
    os.utime(tmp_path / "not-a-run", (0, 0))
    assert trained.prune_runs() == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b" * 32, "not-a-run"]
