"""The :class:`Task` record and its :class:`Recipe`: what every task module fills in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from neuralens.training.batches import Batches
from neuralens.training.config import TrainConfig
from neuralens.training.loop import LossFn

AUGMENTATIONS = ("", "handwriting")  # besides max_shift and hflip: none, or another hand's


@dataclass(frozen=True)
class Recipe:
    """A tested way to train one model for a task: its config, the training config, augmentation."""

    model: str  # a name of neuralens.models.MODELS
    model_config: object  # that model's config dataclass (sizes fitted to the data at build)
    train: TrainConfig  # the training recipe
    max_shift: int = 0  # pixels of random shift per training image (targets move along)
    hflip: bool = False  # mirror half the training images left-right
    augment: str = ""  # "handwriting": change training digits as other hands would

    def __post_init__(self) -> None:
        if self.augment not in AUGMENTATIONS:
            raise ValueError(f"unknown augment {self.augment!r} in the {self.model} recipe; "
                             f"choose one of {AUGMENTATIONS}")  # fmt: skip


@dataclass(frozen=True)
class Task:
    """One kind of job a network does (classify, segment, detect, reconstruct, denoise).

    ``loss_fn(model, batch) -> (loss, metrics)`` trains it; ``evaluate(model, data) -> dict``
    (``eval_*`` keys; None: the mean of loss_fn's metrics) judges it during training;
    ``targets`` names what its batches carry besides ``"images"``; ``records`` names the
    metadata its checkpoints hold beyond the common ones (e.g. ``"classes"``);
    ``metrics`` the names its checkpoints record scores under. ``make_data(dataset,
    device, train_limit, recipe) -> (Batches, classes)`` and ``report(model, dataset) ->
    dict`` let the CLI train and evaluate it on a named dataset; ``scores(report)`` picks the
    metrics its checkpoint records.
    """

    name: str
    summary: str  # one line, shown by `neuralens train --help`
    loss_fn: LossFn
    recipes: tuple[Recipe, ...]  # the first is the default
    targets: tuple[str, ...] = ()
    evaluate: Callable[[nn.Module, Batches], dict[str, float]] | None = None
    records: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()  # what make_data accepts; the first is the default
    make_data: Callable[..., tuple[Batches, tuple[str, ...] | None]] | None = None
    report: Callable[[nn.Module, str], dict] | None = None
    scores: Callable[[dict], dict] | None = None  # report -> the metrics a checkpoint records
    components: dict | None = None  # saved in the checkpoint (e.g. a diffusion model's schedule)

    def __post_init__(self) -> None:
        if not self.recipes:
            raise ValueError(f"task {self.name!r} needs at least one recipe")

    @property
    def recipe(self) -> Recipe:
        """The default recipe."""
        return self.recipes[0]

    @property
    def models(self) -> tuple[str, ...]:
        return tuple(recipe.model for recipe in self.recipes)

    def recipe_for(self, model: str) -> Recipe:
        """The recipe of ``model`` for this task."""
        for recipe in self.recipes:
            if recipe.model == model:
                return recipe
        raise ValueError(f"task {self.name!r} has no recipe for model {model!r}; "
                         f"it trains {', '.join(self.models)}")  # fmt: skip
