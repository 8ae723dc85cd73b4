"""`neuralens train TASK-OR-MODEL` and `neuralens eval`: dispatched through the task registry.

The training flags are the fields of :class:`~neuralens.training.config.TrainConfig` (their
comments are the help); a flag given replaces the recipe's value, and the config checks it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from neuralens.cli.app import app
from neuralens.cli.flags import JsonFlag, config_flags
from neuralens.training.config import TrainConfig

# flags that keep their earlier, shorter names; the rest are --field-name
FLAG_NAMES = {"num_epochs": "--epochs", "target": "--target-acc"}
# set by the command itself: the folder comes from --out, the progress bar from --json
NOT_FLAGS = ("checkpoint_path", "progress")
ENGINE_FLAGS = ("num_epochs", "lr", "batch_size", "seed")  # what the NumPy engine's loop takes


def _engine_models() -> tuple[str, ...]:
    from neuralens.engine.mnist import MODELS

    return tuple(MODELS)


def _list_choices() -> None:
    from neuralens.tasks import TASKS

    for task in TASKS.values():
        typer.echo(f"{task.name}: {task.summary}; models {', '.join(task.models)}")
    typer.echo(f"NumPy engine (classify on mnist-mini): {', '.join(_engine_models())}")


def _train_engine(name: str, data: str | None, overrides: dict, limit, quiet: bool) -> dict:
    """The NumPy engine's MNIST models (mini MNIST only): lazily imported, trained, summarised."""
    from neuralens.engine.mnist import train_engine

    if data not in (None, "mnist-mini"):
        raise ValueError(f"{name} trains on mnist-mini only (NumPy is slow), not {data!r}")
    unused = sorted(set(overrides) - set(ENGINE_FLAGS))
    if unused:
        raise ValueError(
            f"the NumPy engine takes only --epochs, --lr, --batch-size and --seed; "
            f"not {', '.join('--' + k.replace('_', '-') for k in unused)}"
        )

    def on_epoch(live: dict[str, float]) -> None:
        if not quiet:
            typer.echo("  ".join(f"{key} {value:.4g}" for key, value in live.items()))

    run = train_engine(name, overrides.get("num_epochs"), overrides.get("lr"),
                       overrides.get("batch_size", 64), overrides.get("seed", 0), limit,
                       on_epoch=on_epoch)  # fmt: skip
    return {"model": name, "data": "mnist-mini", "seed": overrides.get("seed", 0),
            "test_accuracy": run.test_accuracy, "history": run.history.to_dict()}  # fmt: skip


@app.command()
@config_flags(TrainConfig, skip=NOT_FLAGS, names=FLAG_NAMES)
def train(
    name: Annotated[
        str, typer.Argument(help="A task or a model; `neuralens train list` lists them.")
    ],
    data: Annotated[
        str | None,
        typer.Option(help="Dataset (the task's default: mnist-mini, bundled).", show_default=False),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Folder for the weights and the training state.")
    ] = Path("runs"),
    train_limit: Annotated[
        int | None, typer.Option(help="Use only the first N training images.")
    ] = None,
    threads: Annotated[
        int, typer.Option(help="CPU threads for torch (0: one per core other programs leave free).")
    ] = 0,
    dry_run: Annotated[bool, typer.Option(help="One step on one batch; writes nothing.")] = False,
    latent: Annotated[
        int | None, typer.Option(help="autoencoder, vae: latent numbers per image (4).")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option(help="Replace the weights and state already in --out.")
    ] = False,
    as_json: JsonFlag = False,
    overrides: dict | None = None,
) -> None:
    """Train a task's model; save its weights (safetensors + metadata) and the resumable state.

    Runs as is under `torchrun --nproc_per_node N` (DistributedDataParallel: NCCL on GPUs,
    gloo on CPUs; --batch-size is the global batch, split over the processes).
    """
    overrides = dict(overrides or {})
    if name == "list":
        _list_choices()
        return
    if threads < 0:
        raise ValueError(f"--threads must be 0 (automatic) or a positive count, got {threads}")
    import torch

    from neuralens.device import choose_threads

    # spinning OpenMP threads beside a busy core slow small steps ~10x: use the free cores only
    torch.set_num_threads(threads or choose_threads())
    if name in _engine_models():
        if dry_run:
            overrides["num_epochs"] = 1
        summary = _train_engine(name, data, overrides, train_limit or (64 if dry_run else None),
                                as_json)  # fmt: skip
        typer.echo(
            json.dumps(summary) if as_json else f"test accuracy {summary['test_accuracy']:.4f}"
        )
        return
    epochs, seed = overrides.get("num_epochs"), overrides.get("seed", 0)
    device = overrides.get("device", "auto")
    if name == "vision-tasks":  # one U-Net, every head; --data shapes, digit-scenes or FOLDER
        from neuralens.cli.vision import train_vision

        return train_vision(data or "shapes", epochs, seed, device, out, train_limit, dry_run,
                            as_json)  # fmt: skip
    if name == "diffusion":  # the denoise task: its own recipe, schedule and checkpoint
        from neuralens.cli.diffusion import train_diffusion

        return train_diffusion(data or "mnist-mini", epochs, seed, device, out, train_limit,
                               dry_run, as_json)  # fmt: skip
    if name in ("autoencoder", "vae"):  # the reconstruct task, --latent K numbers per image
        from neuralens.cli.latent import train_latent

        return train_latent(name, data, latent, overrides, out, train_limit, dry_run, as_json)
    if latent is not None:
        raise ValueError("--latent applies to autoencoder and vae only")
    _train_task(name, data, out, train_limit, dry_run, overwrite, as_json, overrides)


def _train_task(name: str, data, out: Path, train_limit, dry_run: bool, overwrite: bool,
                as_json: bool, overrides: dict) -> None:  # fmt: skip
    from neuralens import training
    from neuralens.tasks import resolve
    from neuralens.tasks.run import train_and_save, weights_paths

    task, recipe = resolve(name)
    data = data or task.datasets[0]
    if data not in task.datasets:
        raise ValueError(f"unknown dataset {data!r} for {task.name}; choose one of "
                         f"{', '.join(task.datasets)}")  # fmt: skip
    config = replace(recipe.train, **overrides)  # the config checks every value given
    rank, _ = training.init_distributed(config.device)
    config = replace(config, progress=not as_json and rank == 0)
    if dry_run:
        config = replace(config, num_epochs=1)
    weights, state = weights_paths(out, recipe.model)
    if not (dry_run or config.resume or overwrite) and (weights.exists() or state.exists()):
        found = weights if weights.exists() else state
        raise ValueError(f"{found} exists: pass --overwrite to replace it, --resume to "
                         "continue its run, or another --out")  # fmt: skip
    if config.resume and not state.exists():
        typer.echo(f"nothing to resume in {out}: starting from scratch", err=True)
    try:
        summary = train_and_save(
            task,
            recipe,
            data,
            config,
            out_dir=None if dry_run else out,
            train_limit=config.batch_size if dry_run else train_limit,
        )
    finally:
        training.close_distributed()
    if rank != 0:
        return
    if as_json:
        typer.echo(json.dumps(summary))
        return
    scores = "  ".join(f"{k} {v:.4f}" for k, v in summary.items() if k in task.metrics
                       and isinstance(v, float))  # fmt: skip
    typer.echo(f"{recipe.model} on {data}: {scores} after {summary['steps']} steps "
               f"({summary['train_time']:.1f} s of training)")  # fmt: skip
    if "weights" in summary:
        typer.echo(f"wrote {summary['weights']}")


@app.command("eval")
def evaluate(
    name: Annotated[str, typer.Argument(help="A task or a model, as for `neuralens train`.")],
    data: Annotated[
        str | None,
        typer.Option(help="Dataset (the task's default: mnist-mini, bundled).", show_default=False),
    ] = None,
    weights: Annotated[
        Path | None, typer.Option(help="A .safetensors from `neuralens train` (default: shipped).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The task's scores of trained (or shipped) weights, e.g. accuracy, per class, confusion."""
    if name == "vision-tasks":  # every metric of the U-Net's heads, --data shapes|digit-scenes
        from neuralens.cli.vision import evaluate_vision

        return evaluate_vision(data or "shapes", weights, as_json)
    from neuralens import checkpoints
    from neuralens.tasks import TASKS, resolve
    from neuralens.tasks.run import evaluate_saved

    task, recipe = resolve(name)
    data = data or task.datasets[0]
    if data not in task.datasets:
        raise ValueError(f"unknown dataset {data!r} for {task.name}; choose one of "
                         f"{', '.join(task.datasets)}")  # fmt: skip
    if weights is None:
        network, weights = (
            checkpoints.load_shipped(recipe.model),
            checkpoints.shipped_path(recipe.model),
        )
    else:
        expected = None if name in TASKS else recipe.model
        network = checkpoints.load_model(weights, expected=expected, task=task.name)
    model = checkpoints.model_metadata(network)["model"]
    report = {"task": task.name, "model": model, "weights": str(weights),
              **evaluate_saved(task, network, data)}  # fmt: skip
    if as_json:
        typer.echo(json.dumps(report))
        return
    typer.echo(f"{model} ({weights}) on {data}: accuracy {report['accuracy']:.4f} "
               f"({report['num_examples']} test images)")  # fmt: skip
    for label, value in zip(report["classes"], report["per_class_accuracy"], strict=True):
        typer.echo(f"  {label:>12}: {value:.4f}")
