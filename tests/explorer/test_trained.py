"""Models trained in chapter 11 found again by run id; anything else falls back to shipped."""

from __future__ import annotations

import os
import stat
import tempfile
import time

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


def test_runs_beyond_the_size_cap_go_oldest_first(tmp_path, monkeypatch):
    monkeypatch.setattr(trained, "runs_folder", lambda: tmp_path)
    runs = [tmp_path / (letter * 32) for letter in "abc"]
    for age, folder in enumerate(reversed(runs)):
        folder.mkdir()
        (folder / "model.safetensors").write_bytes(bytes(1000))
        os.utime(folder, (time.time() - 60 * (age + 1),) * 2)
    assert trained.prune_runs(max_total_bytes=2500) == [runs[0]]
    assert trained.prune_runs(max_total_bytes=2500) == []
    assert trained.prune_runs(max_age_s=90, max_total_bytes=10**9) == [runs[1]]


def test_runs_live_in_a_private_folder_of_this_user(tmp_path, monkeypatch):
    """Old code: a shared /tmp/neuralens-explorer-runs that another local user could replace."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = trained.runs_folder()
    assert folder.parent == tmp_path and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert folder.stat().st_uid == os.getuid() and trained.runs_folder() == folder
    folder.chmod(0o777)  # opened to others (or planted by someone else): refused
    with pytest.raises(ValueError, match="not a private folder of this user"):
        trained.runs_folder()
    folder.rmdir()
    folder.symlink_to(tmp_path)
    with pytest.raises(ValueError, match="not a private folder of this user"):
        trained.runs_folder()
