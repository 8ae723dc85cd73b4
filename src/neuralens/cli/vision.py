"""`neuralens train vision-tasks` and `neuralens eval vision-tasks` (thin commands).

``--data`` is ``shapes``, ``digit-scenes`` or a folder of your own scenes (COCO JSON +
PNG masks, see ``neuralens.data.coco``). Bad input is a ``ValueError`` raised before
anything is written: one line on stderr, exit code 2.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import typer

SHIPPED_BY_DATA = {"shapes": "unet-shapes", "digit-scenes": "unet-digit-scenes",
                   "captioned-scenes": "unet-captioned-scenes"}  # fmt: skip


def train_vision(data: str, epochs: int | None, seed: int, device: str, out: Path,
                 train_limit: int | None, dry_run: bool, as_json: bool) -> None:  # fmt: skip
    """Train the U-Net on every head for ``data``; print and save its metrics and weights."""
    from neuralens.tasks.run import train_and_save
    from neuralens.tasks.vision import TASK

    data = "shapes" if data == "mnist-mini" else data  # the train command's default dataset
    recipe = TASK.recipe
    config = replace(recipe.train, num_epochs=1 if dry_run else epochs or recipe.train.num_epochs,
                     seed=seed, device=device, progress=not as_json)  # fmt: skip
    limit = recipe.train.batch_size if dry_run else train_limit
    summary = train_and_save(TASK, recipe, data, config, out_dir=None if dry_run else out,
                             train_limit=limit)  # fmt: skip
    _print(summary, as_json)


def evaluate_vision(data: str, weights: Path | None, as_json: bool) -> None:
    """Every metric of trained (or shipped) U-Net weights on ``data``'s test scenes."""
    from neuralens import checkpoints
    from neuralens.tasks.vision import report

    data = "shapes" if data == "mnist-mini" else data  # the eval command's default dataset
    if weights is None:
        if data not in SHIPPED_BY_DATA:
            raise ValueError(f"no shipped weights for {data!r}; give --weights (shipped: "
                             f"{', '.join(SHIPPED_BY_DATA)})")  # fmt: skip
        weights = checkpoints.shipped_path(SHIPPED_BY_DATA[data])
    model = checkpoints.load_model(weights, expected="unet")
    _print({"model": "unet", "weights": str(weights), **report(model, data)}, as_json)


def _print(summary: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary))
        return
    for key, value in summary.items():
        typer.echo(f"{key:>26}: {value}")
