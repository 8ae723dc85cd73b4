"""Optimisation: the optimizer, the learning-rate schedule, gradient clipping, an EMA of weights.

Gradient descent moves every weight against its gradient, ``w <- w - lr * grad``; Adam
scales each step by running moments of the gradient. Clipping bounds the step when one
batch gives a huge gradient; the exponential moving average (EMA) of the weights, used
for evaluation and saving, smooths the last steps' noise (VAEs and diffusion models
sample from the average, Ho et al. 2020, "Denoising Diffusion Probabilistic Models").
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

from neuralens.training.config import TrainConfig


def learning_rate(step: int, total_steps: int, config: TrainConfig) -> float:
    """The learning rate at ``step`` (0-based) of ``total_steps``.

    onecycle: linear warm-up from lr/25 to lr over ``warmup_fraction`` of the steps,
    then linear annealing to 0 (Smith's one-cycle policy, its linear variant).

    >>> config = TrainConfig(lr=1.0, warmup_fraction=0.5)
    >>> [round(learning_rate(step, 4, config), 2) for step in range(4)]
    [0.04, 0.52, 1.0, 0.5]
    """
    if config.schedule == "constant":
        return config.lr
    progress = step / max(total_steps, 1)
    if config.schedule == "cosine":
        return config.lr * 0.5 * (1 + math.cos(math.pi * progress))
    warmup = config.warmup_fraction
    if progress < warmup:
        start = config.lr / 25
        return start + (config.lr - start) * progress / warmup
    return config.lr * (1 - (progress - warmup) / (1 - warmup))


def make_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """The optimizer ``config`` names, over ``model``'s parameters."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            parameters, lr=config.lr, momentum=config.momentum, nesterov=config.momentum > 0,
            weight_decay=config.weight_decay,
        )  # fmt: skip
    optimizer = torch.optim.AdamW if config.optimizer == "adamw" else torch.optim.Adam
    return optimizer(parameters, lr=config.lr, weight_decay=config.weight_decay)


def clip_gradients(model: nn.Module, max_norm: float | None) -> None:
    """Scale all gradients down together so their global L2 norm is at most ``max_norm``.

    >>> layer = nn.Linear(1, 1, bias=False); layer.weight.grad = torch.tensor([[10.0]])
    >>> clip_gradients(layer, 2.0); round(layer.weight.grad.item(), 4)
    2.0
    """
    if max_norm is not None:
        nn.utils.clip_grad_norm_(model.parameters(), max_norm)


class WeightAverage:
    """An exponential moving average of a model's weights: ``w_ema <- d w_ema + (1 - d) w``.

    Buffers (batch-norm statistics) are copied, not averaged. ``swapped_in(model)``
    puts the average into the model for a block (evaluation, saving), then restores.

    >>> layer = nn.Linear(1, 1, bias=False); _ = nn.init.zeros_(layer.weight)
    >>> ema = WeightAverage(layer, decay=0.5)
    >>> with torch.no_grad(): _ = layer.weight.fill_(1.0)
    >>> ema.update(layer); ema.tensors["weight"].item()
    0.5
    """

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.decay = decay
        self.tensors = {k: v.detach().clone() for k, v in model.state_dict().items()}
        self.weights = {name for name, _ in model.named_parameters()}  # the rest are buffers

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """One step of the average, after an optimizer step."""
        for key, value in model.state_dict().items():
            average = self.tensors[key]
            if key in self.weights:
                average.lerp_(value.detach(), 1 - self.decay)
            else:
                average.copy_(value)

    @contextmanager
    def swapped_in(self, model: nn.Module) -> Iterator[nn.Module]:
        """``model`` holding the averaged weights inside the block, its own ones after."""
        own = {k: v.detach().clone() for k, v in model.state_dict().items()}
        model.load_state_dict(self.tensors)
        try:
            yield model
        finally:
            model.load_state_dict(own)


@contextmanager
def averaged(model: nn.Module, ema: WeightAverage | None) -> Iterator[nn.Module]:
    """The EMA weights in ``model`` for the block when there is an average; else ``model``."""
    if ema is None:
        yield model
        return
    with ema.swapped_in(model):
        yield model
