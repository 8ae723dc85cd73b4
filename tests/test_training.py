"""The one training loop: learning, hooks, early stop, resume, augmentation, full batch."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from neuralens import checkpoints
from neuralens.data import load_mnist
from neuralens.device import seed_everything
from neuralens.models import MLP, MLPConfig
from neuralens.tasks.classify import classification_loss
from neuralens.training import Batches, TrainConfig, fit, random_shift

QUIET = {"device": "cpu", "progress": False}


@pytest.fixture(scope="module")
def digits():
    """2,000 mini-MNIST training digits, 500 test digits, on the CPU."""
    X, y = load_mnist("train")
    X_test, y_test = load_mnist("test")
    return Batches.from_arrays(X[:2000], {"labels": y[:2000]}, X_test[:500],
                               {"labels": y_test[:500]}, name="mini")  # fmt: skip


def small_mlp() -> MLP:
    seed_everything(0)
    return MLP(MLPConfig(hidden_sizes=(32,)))


def weights(model) -> list[torch.Tensor]:
    return [value.clone() for value in model.state_dict().values()]


def test_fit_learns_digits_and_logs_rows(digits):
    history = fit(
        small_mlp(),
        classification_loss,
        digits,
        TrainConfig(num_epochs=2, batch_size=100, log_every=5, **QUIET),
    )
    assert history.last("eval_accuracy") > 0.7  # chance is 0.1
    assert history.last("step") == 40 and history["loss"][-1] < history["loss"][0]
    assert {"epoch", "lr", "accuracy", "train_time", "eval_loss"} <= set(history.keys())


def test_on_step_streams_live_metrics_and_can_stop(digits):
    seen = []

    def hook(live):
        seen.append(live)
        return live["step"] >= 6  # request a stop

    history = fit(
        small_mlp(),
        classification_loss,
        digits,
        TrainConfig(num_epochs=3, batch_size=100, log_every=3, **QUIET),
        hook,
    )
    assert [row["step"] for row in seen] == [3, 6] and history.last("step") == 6
    assert {"loss", "accuracy", "lr", "total_steps"} <= set(seen[0])


def test_target_accuracy_stops_early(digits):
    config = TrainConfig(num_epochs=5, batch_size=100, eval_every=5, target=0.5, **QUIET)
    history = fit(small_mlp(), classification_loss, digits, config)
    assert history.last("eval_accuracy") >= 0.5 and history.last("step") < 100


def test_resume_after_a_stop_ends_with_the_same_weights(digits, tmp_path):
    path = tmp_path / "a.safetensors"
    config = TrainConfig(
        num_epochs=3, batch_size=200, log_every=5, checkpoint_path=str(path), **QUIET
    )
    reference = small_mlp()
    fit(reference, classification_loss, digits, config)
    config = replace(config, checkpoint_path=str(tmp_path / "b.safetensors"))
    stopped = small_mlp()  # interrupted in epoch 2: the checkpoint holds epoch 1
    fit(stopped, classification_loss, digits, config, on_step=lambda live: live["step"] >= 15)
    assert checkpoints.load(config.checkpoint_path).metadata["epoch"] == 1
    resumed = small_mlp()
    history = fit(resumed, classification_loss, digits, replace(config, resume=True))
    for a, b in zip(weights(reference), weights(resumed), strict=True):
        assert torch.equal(a, b)
    assert history.last("step") == 30


def test_resume_refuses_another_model(digits, tmp_path):
    path = tmp_path / "state.safetensors"
    fit(
        small_mlp(),
        classification_loss,
        digits,
        TrainConfig(num_epochs=1, batch_size=500, checkpoint_path=str(path), **QUIET),
    )
    other = MLP(MLPConfig(hidden_sizes=(8,)))
    with pytest.raises(checkpoints.CheckpointError, match="model config"):
        fit(
            other,
            classification_loss,
            digits,
            TrainConfig(num_epochs=1, checkpoint_path=str(path), resume=True, **QUIET),
        )


def test_full_batch_float_features_and_a_custom_eval():
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(120, 3, generator=generator)
    y = (X[:, 0] + X[:, 1] > 0).long()  # a line separates the two classes

    def eval_fn(model, data):
        predicted = model(data.eval_images).argmax(1)
        return {"accuracy": (predicted == data.eval_targets["labels"]).float().mean().item()}

    data = Batches(X, {"labels": y}, eval_images=X, eval_targets={"labels": y})
    model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    history = fit(
        model,
        classification_loss,
        data,
        TrainConfig(num_epochs=60, batch_size=None, lr=0.05, **QUIET),
        evaluate=eval_fn,
    )
    assert history.last("step") == 60  # one step per epoch: the whole set is one batch
    assert history.last("eval_accuracy") > 0.9


def test_random_shift_moves_whole_images_within_bounds():
    X = torch.zeros(64, 7, 7, dtype=torch.uint8)
    X[:, 3, 3] = 255  # one ink pixel in the middle
    shifted = random_shift(X, 2, torch.Generator().manual_seed(1))
    rows, cols = torch.nonzero(shifted, as_tuple=True)[1:]
    assert shifted.shape == X.shape and (shifted.sum((1, 2)) == 255).all()
    assert rows.min() >= 1 and rows.max() <= 5 and cols.min() >= 1 and cols.max() <= 5
    assert len(set(zip(rows.tolist(), cols.tolist(), strict=True))) > 10  # shifts vary


def test_seeded_runs_repeat_exactly(digits):
    config = TrainConfig(num_epochs=1, batch_size=250, **QUIET)
    first, second = small_mlp(), small_mlp()
    fit(first, classification_loss, replace(digits, max_shift=1), config)
    fit(second, classification_loss, replace(digits, max_shift=1), config)
    for a, b in zip(weights(first), weights(second), strict=True):
        assert torch.equal(a, b)


def test_bad_settings_are_explained(digits):
    with pytest.raises(ValueError, match="num_epochs .* at least 1, got 0"):
        TrainConfig(num_epochs=0)
    with pytest.raises(ValueError, match="unknown optimizer"):
        TrainConfig(optimizer="lbfgs")
    with pytest.raises(ValueError, match="'labels' has 2 rows but there are 3 training images"):
        Batches(torch.zeros(3, 2), {"labels": torch.zeros(2)})
    with pytest.raises(ValueError, match="max_shift and hflip augment images only"):
        Batches(torch.zeros(3, 2), {"labels": torch.zeros(3)}, max_shift=1)


def test_a_model_without_labels_trains_through_the_same_loop():
    """An autoencoder-style loss (no y): fit and its default evaluation need no labels."""
    X = torch.randint(0, 256, (64, 6, 6), dtype=torch.uint8)
    data = Batches.from_arrays(X, eval_images=X[:16])
    assert data.targets == {}

    def reconstruction_loss(model, batch):
        images = batch["images"]  # (N, 1, 6, 6) in [0, 1]
        return torch.nn.functional.mse_loss(model(images), images.flatten(1)), {}

    seed_everything(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(36, 8), torch.nn.Linear(8, 36))
    history = fit(model, reconstruction_loss, data,
                  TrainConfig(num_epochs=20, batch_size=16, lr=1e-2, **QUIET))  # fmt: skip
    assert history["eval_loss"][-1] < 0.5 * history["loss"][0]


def test_float_tables_and_targets_become_float32():
    data = Batches.from_arrays(np.zeros((4, 2)), {"y": np.array([0.5, 1.5, 2.0, 3.0])})
    assert data.targets["y"].dtype == torch.float32 and data.images.dtype == torch.float32
    labels = Batches.from_arrays(np.zeros((2, 2)), {"labels": np.array([1, 0])})
    assert labels.targets["labels"].dtype == torch.int64  # class indices index the loss


def test_a_diverging_run_stops_and_writes_nothing(digits, tmp_path):
    """A loss that turns infinite stops training with a clear error; no state is written."""
    path = tmp_path / "state.safetensors"
    calls = []

    def exploding_loss(model, batch):
        loss, metrics = classification_loss(model, batch)
        calls.append(1)
        return (loss * float("inf") if len(calls) >= 3 else loss), metrics

    config = TrainConfig(num_epochs=2, batch_size=100, log_every=5, checkpoint_path=str(path),
                         **QUIET)  # fmt: skip
    with pytest.raises(ValueError, match="diverged at step 5: loss became non-finite"):
        fit(small_mlp(), exploding_loss, digits, config)
    assert not path.exists()


def test_cpu_bfloat16_runs_the_steps_in_bfloat16_only_where_the_cpu_has_it(monkeypatch):
    from neuralens.training import loop

    cpu = torch.device("cpu")
    asked = TrainConfig(cpu_bfloat16=True, device="cpu")
    monkeypatch.setattr(loop, "native_bfloat16", lambda: True)
    with loop.mixed_precision(cpu, asked):
        assert torch.mm(torch.ones(2, 2), torch.ones(2, 2)).dtype == torch.bfloat16
    with loop.mixed_precision(cpu, TrainConfig(device="cpu")):  # not asked: float32
        assert torch.mm(torch.ones(2, 2), torch.ones(2, 2)).dtype == torch.float32
    monkeypatch.setattr(loop, "native_bfloat16", lambda: False)  # emulated: slower, so off
    with loop.mixed_precision(cpu, asked):
        assert torch.mm(torch.ones(2, 2), torch.ones(2, 2)).dtype == torch.float32


def test_native_bfloat16_reads_the_cpu_flags(tmp_path):
    from neuralens.device import native_bfloat16

    def cpu(flags: str) -> str:
        path = tmp_path / f"cpuinfo-{len(flags)}"
        path.write_text(f"processor\t: 0\nflags\t\t: {flags}\n\nprocessor\t: 1\n")
        return str(path)

    assert native_bfloat16(cpu("fpu avx2 avx512f avx512_bf16 avx512_vnni"))
    assert native_bfloat16(cpu("fpu avx2 amx_bf16 amx_tile"))
    assert not native_bfloat16(cpu("fpu avx2 avx512f avx512bw"))  # bfloat16 emulated
    assert not native_bfloat16(str(tmp_path / "absent"))  # not Linux
