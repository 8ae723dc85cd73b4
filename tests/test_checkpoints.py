"""Checkpoints: round trip, metadata, atomic writes, and every kind of bad file refused."""

from __future__ import annotations

import json
import os
import pickle

import pytest
import torch
from safetensors.torch import save_file

from neuralens import __version__, checkpoints
from neuralens.checkpoints import CheckpointError, load_model, save_model
from neuralens.models import CNN, MLP, CNNConfig, MLPConfig


@pytest.fixture
def saved_mlp(tmp_path):
    model = MLP(MLPConfig(image_size=6, hidden_sizes=(5,)))
    path = save_model(tmp_path / "mlp.safetensors", model, metrics={"test_accuracy": 0.5},
                      data="mnist-mini", seed=3)  # fmt: skip
    return model, path


def test_round_trip_keeps_weights_and_metadata(saved_mlp):
    model, path = saved_mlp
    loaded = load_model(path, expected="mlp")
    for (name, a), (_, b) in zip(
        model.state_dict().items(), loaded.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    meta = checkpoints.load(path).metadata
    assert (
        meta["config"]["hidden_sizes"] == [5] and meta["seed"] == 3 and meta["data"] == "mnist-mini"
    )
    assert meta["metrics"] == {"test_accuracy": 0.5} and meta["version"] == __version__
    assert json.loads(path.with_suffix(".json").read_text()) == meta  # the readable copy


def test_weights_of_another_architecture_are_refused(saved_mlp, tmp_path):
    _, path = saved_mlp
    with pytest.raises(CheckpointError, match="holds weights for a 'mlp' model, not 'cnn'"):
        load_model(path, expected="cnn")
    # same name, different shapes: the metadata lies about the tensors
    other = save_model(tmp_path / "cnn.safetensors", CNN(CNNConfig(image_size=8, channels=(2,))))
    content = checkpoints.load(other)
    content.metadata["config"]["channels"] = [3]
    checkpoints.save(tmp_path / "bad.safetensors", content.tensors, content.metadata)
    with pytest.raises(CheckpointError, match="does not fit a 'cnn' model"):
        load_model(tmp_path / "bad.safetensors")


@pytest.mark.parametrize("cut", [0, 5, 40, -3])
def test_truncated_files_are_refused(saved_mlp, tmp_path, cut):
    _, path = saved_mlp
    content = path.read_bytes()
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(content[:cut] if cut >= 0 else content[:cut])
    with pytest.raises(CheckpointError, match="truncated|empty"):
        load_model(broken)


def test_corrupt_header_and_foreign_safetensors_are_refused(saved_mlp, tmp_path):
    _, path = saved_mlp
    content = bytearray(path.read_bytes())
    content[10:20] = b"\x00" * 10  # garble the JSON header
    corrupt = tmp_path / "corrupt.safetensors"
    corrupt.write_bytes(bytes(content))
    with pytest.raises(CheckpointError, match="corrupt|truncated"):
        load_model(corrupt)
    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(2)}, foreign)
    with pytest.raises(CheckpointError, match="not a neuralens checkpoint"):
        load_model(foreign)
    with pytest.raises(CheckpointError, match="does not exist"):
        load_model(tmp_path / "nothing.safetensors")


class _Trap:
    """Unpickling this would create a file: proof that neuralens never unpickles."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pickle_files_are_refused_never_unpickled(tmp_path):
    marker = tmp_path / "unpickled"
    torch.save({"weight": torch.zeros(2), "trap": _Trap(marker)}, tmp_path / "model.pt")
    (tmp_path / "plain.pkl").write_bytes(pickle.dumps(_Trap(marker)))
    for name in ("model.pt", "plain.pkl"):
        with pytest.raises(CheckpointError, match="pickle file"):
            load_model(tmp_path / name)
    assert not marker.exists()


def test_a_failed_write_leaves_the_old_checkpoint_whole(saved_mlp, monkeypatch):
    model, path = saved_mlp
    before = path.read_bytes()

    def disk_full(_fd):
        raise OSError("no space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="no space"):
        save_model(path, MLP(MLPConfig(image_size=6, hidden_sizes=(7,))))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["mlp.json", "mlp.safetensors"]


def test_shipped_names_are_checked():
    with pytest.raises(CheckpointError, match="no shipped weights for 'resnet'"):
        checkpoints.load_shipped("resnet")


def test_a_checkpoint_from_before_tasks_loads_as_a_classifier(tmp_path):
    """Files written before task metadata (no task, classes, input, sha256) still load."""
    model = MLP(MLPConfig(image_size=4, hidden_sizes=(3,)))
    legacy = {"format": "neuralens-checkpoint", "version": "0.1.0", "model": "mlp",
              "config": {"image_size": 4, "hidden_sizes": [3]},
              "metrics": {"test_accuracy": 0.5}}  # fmt: skip
    path = tmp_path / "old.safetensors"
    save_file(model.state_dict(), path, metadata={"neuralens": json.dumps(legacy)})
    loaded = load_model(path, expected="mlp", task="classify")
    assert torch.equal(loaded.output.weight, model.output.weight)
    assert checkpoints.task_of(checkpoints.load(path).metadata) == "classify"


def test_altered_tensors_fail_their_sha256(saved_mlp, tmp_path):
    _, path = saved_mlp
    content = bytearray(path.read_bytes())
    content[-1] ^= 0xFF  # one bit pattern of the last weight changed, the header intact
    altered = tmp_path / "altered.safetensors"
    altered.write_bytes(bytes(content))
    with pytest.raises(CheckpointError, match="do not match the SHA-256"):
        load_model(altered)


def test_task_and_input_spec_are_recorded_and_checked(tmp_path):
    model = CNN(CNNConfig(image_size=8, channels=(2,)))
    path = save_model(tmp_path / "c.safetensors", model, classes=("a", "b"))
    meta = checkpoints.load(path).metadata
    assert meta["task"] == "classify" and meta["classes"] == ["a", "b"]
    assert meta["input"] == {"channels": 1, "height": 8, "width": 8, "value_range": [0, 1]}
    with pytest.raises(CheckpointError, match="task 'classify', not 'denoise'"):
        load_model(path, task="denoise")
    with pytest.raises(ValueError, match="input_spec must hold channels"):
        save_model(tmp_path / "d.safetensors", model, input_spec={"size": 8})
    assert not (tmp_path / "d.safetensors").exists()


def test_a_header_size_starting_with_the_pickle_byte_is_still_safetensors(tmp_path):
    """A header of 128 + 256 k bytes starts the file with 0x80, as a pickle does."""
    model = MLP(MLPConfig(image_size=4, hidden_sizes=(3,)))
    for padding in range(300):
        path = save_model(tmp_path / "m.safetensors", model, note="x" * padding)
        if path.read_bytes()[:1] == b"\x80":
            break
    assert path.read_bytes()[:1] == b"\x80"
    assert load_model(path).config.hidden_sizes == (3,)


def test_a_config_that_lies_about_huge_layers_is_refused_before_allocating(saved_mlp, tmp_path):
    _, path = saved_mlp
    content = checkpoints.load(path)
    content.metadata["config"]["hidden_sizes"] = [10**9]  # 24 GB of float32 if ever built
    liar = checkpoints.save(tmp_path / "liar.safetensors", content.tensors, content.metadata)
    with pytest.raises(
        CheckpointError, match=r"config implies hidden.0.bias of shape \(1000000000,\)"
    ):
        load_model(liar)


def test_stale_temporaries_are_removed_and_the_json_copy_comes_back(saved_mlp):
    model, path = saved_mlp
    stale = path.parent / f".{path.name}.999999999.dead.tmp"  # no process has that id
    stale.write_bytes(b"half a write")
    save_model(path, model)
    assert not stale.exists()
    path.with_suffix(".json").unlink()
    meta = checkpoints.load(path).metadata
    assert json.loads(path.with_suffix(".json").read_text()) == meta
