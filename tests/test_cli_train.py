"""`neuralens train` / `neuralens eval`: JSON out, one-line errors (exit 2) that overwrite
nothing, and an interrupted run that --resume finishes with the same weights."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
import torch
from typer.testing import CliRunner

from neuralens import checkpoints
from neuralens.cli import app, main
from neuralens.models import CNN, CNNConfig

runner = CliRunner()
TINY = ["--train-limit", "600", "--batch-size", "50", "--threads", "1"]


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The real entry point (ValueError -> one line, exit 2) in this process."""
    monkeypatch.setattr(sys, "argv", ["neuralens", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    captured = capsys.readouterr()
    return stopped.value.code, captured.out, captured.err


def test_dry_run_trains_one_step_and_writes_nothing(tmp_path):
    result = runner.invoke(app, ["train", "cnn", "--dry-run", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["steps"] == 1 and 0 <= summary["test_accuracy"] <= 1
    assert list(tmp_path.iterdir()) == []


def test_engine_models_train_through_the_same_command():
    result = runner.invoke(app, ["train", "engine-mlp", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["model"] == "engine-mlp" and 0 <= summary["test_accuracy"] <= 1


def test_train_then_eval_json(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["train", "mlp", "--epochs", "1", "--out", str(out), "--json", *TINY]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["steps"] == 12 and summary["weights"] == str(out / "mlp.safetensors")
    result = runner.invoke(app, ["eval", "mlp", "--weights", summary["weights"], "--json"])
    report = json.loads(result.output)
    assert report["accuracy"] == pytest.approx(summary["test_accuracy"])
    assert len(report["per_class_accuracy"]) == 10 and len(report["confusion_matrix"]) == 10
    assert sum(map(sum, report["confusion_matrix"])) == report["num_examples"] == 2000
    meta = checkpoints.load(out / "mlp.safetensors").metadata
    assert (
        meta["metrics"]["test_accuracy"] == summary["test_accuracy"]
        and meta["data"] == "mnist-mini"
    )


@pytest.fixture
def bad_files(tmp_path):
    """A folder of files that are not the CNN's weights, each in its own way."""
    cnn = checkpoints.save_model(tmp_path / "cnn.safetensors", CNN(CNNConfig()))
    content = cnn.read_bytes()
    (tmp_path / "truncated.safetensors").write_bytes(content[: len(content) // 2])
    (tmp_path / "corrupt.safetensors").write_bytes(b"\x07" * 64)
    torch.save({"weight": torch.zeros(3)}, tmp_path / "model.pt")
    checkpoints.save_model(tmp_path / "segmenter.safetensors", CNN(CNNConfig()), task="segment")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval", "mlp", "--weights", "{dir}/cnn.safetensors"], "holds weights for a 'cnn' model"),
        (["eval", "cnn", "--weights", "{dir}/truncated.safetensors"], "truncated"),
        (["eval", "cnn", "--weights", "{dir}/corrupt.safetensors"], "not a complete safetensors"),
        (["eval", "cnn", "--weights", "{dir}/model.pt"], "pickle file"),
        (["eval", "vgg"], "unknown task or model 'vgg'"),
        (["eval", "cnn", "--data", "cifar"], "unknown dataset 'cifar'"),
        (["train", "resnet", "--out", "{dir}"], "unknown task or model 'resnet'"),
        (["train", "cnn", "--data", "imagenet", "--out", "{dir}"], "unknown dataset 'imagenet'"),
        (["train", "cnn", "--epochs", "0", "--out", "{dir}"], "(--epochs) must be at least 1"),
        (["train", "cnn", "--lr", "0", "--out", "{dir}"], "lr must be greater than 0, got 0.0"),
        (["train", "mlp", "--lr", "nan", "--out", "{dir}"], "lr must be a finite number"),
        (["train", "cnn", "--grad-clip", "-1", "--out", "{dir}"], "grad_clip must be greater"),
        (["train", "cnn", "--optimizer", "lbfgs", "--out", "{dir}"], "unknown optimizer 'lbfgs'"),
        (["train", "cnn", "--threads", "-1", "--out", "{dir}"], "--threads must be 0 (automatic)"),
        (["train", "cnn", "--train-limit", "5", "--out", "{dir}/new"], "hold 4 of the 10 classes"),
        (["train", "engine-mlp", "--lr", "0", "--out", "{dir}"], "greater than 0, got 0.0"),
        (["train", "engine-mlp", "--grad-clip", "1", "--out", "{dir}"], "takes only --epochs"),
        (["eval", "cnn", "--weights", "{dir}/segmenter.safetensors"], "task 'segment', not"),
        (["train", "cnn", "--out", "{dir}/done"], "cnn.safetensors exists: pass --overwrite"),
        (["train", "cnn", "--epochs", "x"], "Invalid value for '--epochs'"),
        (["trian", "cnn"], "No such command 'trian'"),
        (["eval", "cnn", "--weights", "{dir}"], "is a folder, not a checkpoint"),
        (["train", "cnn", "--target-acc", "99", "--out", "{dir}"], "fraction"),
        (["train", "cnn", "--resume", "--out", "{dir}/truncated"], "truncated"),
        (["train", "engine-cnn", "--data", "mnist", "--out", "{dir}"], "mnist-mini only"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_overwrites_nothing(
    bad_files, monkeypatch, capsys, args, message
):
    (bad_files / "done").mkdir()  # a finished run: its weights are never silently replaced
    (bad_files / "done" / "cnn.safetensors").write_bytes(
        (bad_files / "cnn.safetensors").read_bytes()
    )
    (bad_files / "truncated").mkdir()  # a run folder whose training state got cut short
    state = bad_files / "truncated" / "cnn.state.safetensors"
    state.write_bytes((bad_files / "truncated.safetensors").read_bytes())
    before = {path: path.read_bytes() for path in bad_files.rglob("*") if path.is_file()}
    code, out, err = run_main(monkeypatch, capsys, *[a.format(dir=bad_files) for a in args])
    assert code == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err
    after = {path: path.read_bytes() for path in bad_files.rglob("*") if path.is_file()}
    assert after == before


def test_interrupted_run_resumes_to_the_same_weights(tmp_path):
    """SIGINT after the first epoch's checkpoint; --resume ends where an uninterrupted run does."""
    command = [sys.executable, "-m", "neuralens", "train", "mlp", "--epochs", "8", "--json", *TINY]
    reference = subprocess.run([*command, "--out", str(tmp_path / "a")], capture_output=True,
                               text=True, timeout=120)  # fmt: skip
    assert reference.returncode == 0, reference.stderr
    out = tmp_path / "b"

    # a shell's background job (`make test &`, nohup) starts with SIGINT ignored, and children
    # inherit that: give the run the default handling a learner's terminal gives it
    def default_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    process = subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=default_sigint)  # fmt: skip
    state = out / "mlp.state.safetensors"
    deadline = time.monotonic() + 60
    while not state.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert process.returncode == 130  # stopped by the interrupt, not finished
    assert 1 <= checkpoints.load(state).metadata["epoch"] < 8  # whole, never half-written
    resumed = subprocess.run([*command, "--out", str(out), "--resume"], capture_output=True,
                             text=True, timeout=120)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    first = checkpoints.load(tmp_path / "a" / "mlp.safetensors").tensors
    second = checkpoints.load(out / "mlp.safetensors").tensors
    assert first.keys() == second.keys()
    assert all(torch.equal(first[name], second[name]) for name in first)
    assert json.loads(resumed.stdout)["steps"] == json.loads(reference.stdout)["steps"] == 96


def test_train_autoencoder_dry_run_reports_its_reconstruction_error(tmp_path):
    args = ["train", "vae", "--latent", "2", "--dry-run", "--json", "--out", str(tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["latent_dim"] == 2 and summary["steps"] == 1 and 0 < summary["test_mse"] < 1
    assert list(tmp_path.iterdir()) == []


def test_train_latent_flag_errors_are_one_line(monkeypatch, capsys):
    code, _, err = run_main(monkeypatch, capsys, "train", "autoencoder", "--latent", "0")
    assert code == 2 and "--latent must be at least 1" in err
    code, _, err = run_main(monkeypatch, capsys, "train", "cnn", "--latent", "4", "--dry-run")
    assert code == 2 and "--latent applies to autoencoder and vae only" in err
