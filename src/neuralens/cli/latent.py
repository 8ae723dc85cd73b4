"""`neuralens train autoencoder|vae [--latent 4] [--data mnist|fashion-mnist|FOLDER]`.

The ``reconstruct`` task's recipe, trained through the one ``fit``; the checkpoint also
stores where the training images' latent numbers lie (the sliders' bounds and the
Gaussian an auto-encoder samples from), so the explorer and ``studies.latent`` use it
like the shipped models.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

LATENT_MODELS = ("autoencoder", "vae")


def train_latent(name: str, data: str | None, latent: int | None, overrides: dict, out: Path,
                 train_limit: int | None, dry_run: bool, as_json: bool) -> None:  # fmt: skip
    """Train ``name`` with ``latent`` numbers on ``data``; write ``out/NAME-K.safetensors``."""
    from neuralens.studies.latent import train_latent_model

    latent = 4 if latent is None else latent
    if latent < 1:
        raise ValueError(f"--latent must be at least 1 (numbers per image), got {latent}")
    unknown = sorted(set(overrides) - {"num_epochs", "seed"})
    if unknown:
        flags = ", ".join("--" + key.replace("_", "-") for key in unknown)
        raise ValueError(f"{name} takes --epochs and --seed from the training flags, not {flags}")
    data = data or "mnist-mini"
    path = None if dry_run else out / f"{name}-{latent}.safetensors"
    if path is not None and path.exists():
        raise ValueError(f"{path} exists; choose another --out (nothing is overwritten)")

    def show(live: dict[str, float]) -> None:
        if not as_json and "eval_mse" in live:
            typer.echo(f"epoch {live['epoch']:.2f}  loss {live['loss']:.4f}  "
                       f"test MSE per pixel {live['eval_mse']:.4f}")  # fmt: skip

    epochs = 1 if dry_run else overrides.get("num_epochs")
    if dry_run:  # one batch of the recipe: a single step
        from neuralens.tasks.reconstruct import TASK

        train_limit = TASK.recipe_for(name).train.batch_size
    _, summary = train_latent_model(
        name, data, path, latent_dim=latent, num_epochs=epochs, seed=overrides.get("seed", 0),
        train_limit=train_limit, on_step=show,
    )  # fmt: skip
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"{name} ({latent} latent numbers) on {data}: test MSE per pixel "
               f"{summary['test_mse']:.4f} after {summary['steps']} steps "
               f"({summary['train_time']:.1f} s of training)")  # fmt: skip
    if path is not None:
        typer.echo(f"wrote {path}")
