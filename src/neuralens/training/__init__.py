"""The one training loop for every torch model, split by concern.

- :mod:`~neuralens.training.loop`: ``fit(model, loss_fn, data, config, on_step, evaluate)``
- :mod:`~neuralens.training.config`: ``TrainConfig`` (validated; the CLI's flags)
- :mod:`~neuralens.training.batches`: ``Batches``, images + named targets on the device
- :mod:`~neuralens.training.augment`: shifts and flips that move masks and boxes too
- :mod:`~neuralens.training.optim`: optimizer, schedule, gradient clipping, EMA of the weights
- :mod:`~neuralens.training.distributed`: torchrun / DDP helpers
- :mod:`~neuralens.training.state`: the resume state

Names load on first use, so ``neuralens.training.config`` (what the CLI's flags are built
from) imports without torch.
"""

from __future__ import annotations

import importlib

_HOMES = {
    "fit": "loop", "mean_metrics": "loop", "LossFn": "loop", "OnStep": "loop",
    "TrainConfig": "config", "recorded": "config",
    "Batch": "batches", "Batches": "batches", "to_float_images": "batches",
    "channels_first": "batches",
    "random_shift": "augment", "shift_batch": "augment", "flip_batch": "augment",
    "learning_rate": "optim", "make_optimizer": "optim", "WeightAverage": "optim",
    "init_distributed": "distributed", "close_distributed": "distributed",
    "distributed_world": "distributed",
}  # fmt: skip
__all__ = sorted(_HOMES)


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'neuralens.training' has no attribute {name!r}")
    return getattr(importlib.import_module(f"neuralens.training.{_HOMES[name]}"), name)
