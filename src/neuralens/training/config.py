"""How to train: one dataclass, validated when built; the CLI builds its flags from its fields.

A bad value is an error naming the field and what it accepts, never silently replaced
(``lr=0`` does not fall back to a recipe's rate).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("onecycle", "cosine", "constant")
DEVICES = ("auto", "cpu", "cuda", "mps")


def check_number(
    name: str,
    value: object,
    low: float,
    high: float = math.inf,
    *,
    integer: bool = False,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """Raise a ValueError unless ``value`` is a finite number (an integer) in the range given.

    >>> check_number("lr", 0.0, 0, low_open=True)
    Traceback (most recent call last):
    ...
    ValueError: lr must be greater than 0, got 0.0
    """  # fmt: skip
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type or not math.isfinite(value):
        raise ValueError(f"{name} must be {'an integer' if integer else 'a finite number'}, "
                         f"got {value!r}")  # fmt: skip
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if not (too_low or too_high):
        return
    if high == math.inf:
        span = f"greater than {low:g}" if low_open else f"at least {low:g}"
    else:
        span = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    raise ValueError(f"{name} must be {span}, got {value!r}")


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    """Raise a ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(choices)}")


@dataclass
class TrainConfig:
    """How to train; the CLI builds its flags from these fields, checkpoints store them."""

    num_epochs: int = 1  # passes over the training set
    batch_size: int | None = 128  # images per step (global, over all ranks); None = full batch
    lr: float = 3e-3  # peak learning rate
    optimizer: str = "adam"  # adam, adamw or sgd (with momentum, Nesterov)
    weight_decay: float = 0.0  # L2 pull of the weights towards 0
    momentum: float = 0.9  # sgd only
    schedule: str = "onecycle"  # onecycle (warm up, then anneal to 0), cosine or constant
    warmup_fraction: float = 0.2  # onecycle: share of the steps spent warming up
    grad_clip: float | None = None  # clip the gradients' global L2 norm to this (None: off)
    ema_decay: float | None = None  # EMA of the weights, used to evaluate and save (None: off)
    seed: int = 0  # shuffling, augmentation, dropout
    device: str = "auto"  # auto, cpu, cuda or mps
    mixed_precision: bool = True  # bfloat16 autocast on CUDA (ignored elsewhere)
    cpu_bfloat16: bool = False  # bfloat16 autocast on a CPU that has it natively (else ignored)
    eval_every: int = 0  # also evaluate every this many steps (0: at epoch ends only)
    eval_batch_size: int = 1000  # evaluation batch size (no gradients: can be large)
    log_every: int = 10  # log a History row and call on_step every this many steps
    target: float | None = None  # stop once target_metric reaches this value
    target_metric: str = "eval_accuracy"  # the metric ``target`` watches
    checkpoint_path: str | None = None  # training state, rewritten after every epoch
    resume: bool = False  # continue from checkpoint_path when it exists
    progress: bool = True  # show a progress bar (rank 0 only)

    def __post_init__(self) -> None:
        check_number("num_epochs (--epochs)", self.num_epochs, 1, integer=True)
        if self.batch_size is not None:
            check_number("batch_size", self.batch_size, 1, integer=True)
        check_number("lr", self.lr, 0, low_open=True)
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        check_number("weight_decay", self.weight_decay, 0)
        check_number("momentum", self.momentum, 0, 1, high_open=True)
        check_choice("schedule", self.schedule, SCHEDULES)
        check_number("warmup_fraction", self.warmup_fraction, 0, 1, high_open=True)
        if self.grad_clip is not None:
            check_number("grad_clip", self.grad_clip, 0, low_open=True)
        if self.ema_decay is not None:
            check_number("ema_decay", self.ema_decay, 0, 1, low_open=True, high_open=True)
        check_number("seed", self.seed, 0, integer=True)
        check_choice("device", self.device, DEVICES)
        check_number("eval_every", self.eval_every, 0, integer=True)
        check_number("eval_batch_size", self.eval_batch_size, 1, integer=True)
        check_number("log_every", self.log_every, 1, integer=True)
        if self.target is not None:
            check_number("target (--target-acc)", self.target, -math.inf)
            if self.target_metric.endswith("accuracy") and not 0 < self.target <= 1:
                raise ValueError(f"target (--target-acc) is a fraction in (0, 1], like 0.99; "
                                 f"got {self.target}")  # fmt: skip
        if not self.target_metric.startswith("eval_"):
            raise ValueError(f"target_metric names an evaluation metric (eval_...), "
                             f"got {self.target_metric!r}")  # fmt: skip


# what a run's place on disk and its display are; a shipped checkpoint records neither
RUN_ONLY_FIELDS = ("checkpoint_path", "resume", "progress")


def recorded(config: TrainConfig) -> dict:
    """The fields of ``config`` a saved model records: how it was trained, not where or how shown.

    >>> "checkpoint_path" in recorded(TrainConfig(checkpoint_path="build/x.safetensors"))
    False
    """
    return {f.name: getattr(config, f.name) for f in fields(config)
            if f.name not in RUN_ONLY_FIELDS}  # fmt: skip
