"""Train and judge any registered task on a named dataset: what ``neuralens train``/``eval`` call.

Build the recipe's model with its sizes fitted to the data (image size, channels, number
of classes), ``fit`` it with the task's loss, score it with the task's report, and save
the weights with the task's metadata (task, classes, input spec, metrics).
"""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

from torch import nn

from neuralens import checkpoints
from neuralens.device import pick, seed_everything
from neuralens.history import History
from neuralens.models import build_model
from neuralens.tasks.task import Recipe, Task
from neuralens.training.batches import Batches
from neuralens.training.config import TrainConfig, recorded
from neuralens.training.distributed import distributed_world
from neuralens.training.loop import OnStep, fit


def fitted_config(config: object, data: Batches, classes) -> object:
    """``config`` with the sizes the data dictates: image size, channels, number of classes."""
    names = {field.name for field in fields(config)}
    sizes: dict[str, int] = {}
    if data.images.ndim == 4:
        _, channels, height, width = data.images.shape
        sizes.update(image_size=width, num_channels=channels, in_channels=channels)
    elif data.images.ndim == 2:
        sizes["num_features"] = data.images.shape[1]
    if classes:
        sizes["num_classes"] = len(classes)
    return replace(config, **{name: value for name, value in sizes.items() if name in names})


def train_model(task: Task, recipe: Recipe, data: Batches, train: TrainConfig, classes=None,
                model_config: object = None, on_step: OnStep | None = None
                ) -> tuple[nn.Module, History]:  # fmt: skip
    """Build ``recipe``'s model (seeded by ``train.seed``) fitted to ``data`` and train it."""
    config = fitted_config(model_config or recipe.model_config, data, classes)
    seed_everything(train.seed)  # the initial weights depend on the seed only
    model = build_model(recipe.model, config)
    history = fit(model, task.loss_fn, data, train, on_step=on_step, evaluate=task.evaluate)
    return model, history


def weights_paths(out_dir: Path, name: str) -> tuple[Path, Path]:
    """(final weights, resumable training state) of model ``name`` in ``out_dir``."""
    return out_dir / f"{name}.safetensors", out_dir / f"{name}.state.safetensors"


def train_and_save(task: Task, recipe: Recipe, dataset: str, train: TrainConfig,
                   out_dir: Path | None = None, train_limit: int | None = None,
                   on_step: OnStep | None = None) -> dict:  # fmt: skip
    """Train ``recipe`` for ``task`` on ``dataset`` (``train`` replaces its training config),
    score it with the task's report and save it with its metadata in ``out_dir``.

    Under torchrun every rank trains on its shard; rank 0 evaluates and writes. With
    ``out_dir`` the training state is saved after every epoch (``train.resume`` continues).
    """
    if task.make_data is None:
        raise ValueError(f"task {task.name!r} has no named datasets to train on here")
    rank, _ = distributed_world()
    weights, state = weights_paths(out_dir, recipe.model) if out_dir else (None, None)
    if state is not None:
        train = replace(train, checkpoint_path=str(state))
    data, classes = task.make_data(dataset, pick(train.device), train_limit, recipe)
    model, history = train_model(task, recipe, data, train, classes, on_step=on_step)
    summary = {
        "task": task.name,
        "model": recipe.model,
        "data": dataset,
        "seed": train.seed,
        "steps": int(history.last("step")) if len(history) else 0,
        "train_time": history.last("train_time") if "train_time" in history else 0.0,
    }
    if rank != 0:
        return summary
    report = task.report(model, dataset) if task.report is not None else {}
    metrics = task.scores(report) if task.scores is not None else {}
    summary.update(metrics)
    if "per_class_accuracy" in report:
        summary["per_class_accuracy"] = report["per_class_accuracy"]
    if weights is not None:
        checkpoints.save_model(weights, model, task=task.name, classes=classes,
                               input_spec=data.input_spec(), metrics=metrics, data=dataset,
                               seed=train.seed, max_shift=recipe.max_shift,
                               augment=recipe.augment if data.handwriting else "",
                               components=task.components, train_config=recorded(train),
                               history=history.to_dict())  # fmt: skip
        summary["weights"] = str(weights)
    return summary


def evaluate_saved(task: Task, model: nn.Module, dataset: str) -> dict:
    """The task's report of a loaded model on ``dataset``'s test split."""
    if task.report is None:
        raise ValueError(f"task {task.name!r} has no evaluation on named datasets")
    return task.report(model, dataset)
