"""The one training loop for every torch model: ``fit(model, loss_fn, data, config, on_step)``.

The lecture's recipe, step by step: take a batch, compute the loss, backpropagate
its gradient, move every weight a little against it; repeat; check on held-out
data. Only the model-specific part changes between a classifier, a detector, a
U-Net, a VAE and a diffusion model: ``loss_fn(model, batch) -> (loss, metrics)``.

How to call it::

    from neuralens.data import load_mnist
    from neuralens.device import seed_everything
    from neuralens.models import CNN, CNNConfig
    from neuralens.training import TensorData, TrainConfig, classification_loss, fit

    seed_everything(0)                       # before building: the initial weights are seeded
    model = CNN(CNNConfig())
    data = TensorData.from_arrays(*load_mnist("train"), *load_mnist("test"), max_shift=1)
    config = TrainConfig(num_epochs=1, target=0.99, checkpoint_path="run/state.safetensors")
    history = fit(model, classification_loss, data, config,
                  on_step=lambda live: print(live["step"], live["loss"]))
    history.last("eval_accuracy")

- ``data``: a :class:`TensorData` holding the whole dataset as tensors on the training
  device (uint8 images are sliced and scaled to [0, 1] there, shifted there when
  ``max_shift`` > 0); ``X_eval``/``y_eval`` (and ``eval_fn``) give the evaluation.
  Images become (N, C, H, W) float batches; float features (wine) pass as they are.
- ``loss_fn(model, batch)``: ``batch`` is ``(X, y)`` on the device (``y`` may be None);
  returns the scalar loss and a dict of metric tensors or floats (e.g. ``accuracy``).
- ``on_step(live)``: called every ``log_every`` steps and after each evaluation with a
  dict of live numbers (``epoch``, ``step``, ``total_steps``, ``loss``, ``lr``, metrics,
  ``eval_*``); return True to stop training cleanly.
- Full batch (wine): ``TrainConfig(batch_size=None)``. Device: ``config.device``
  ("auto" = CUDA, then MPS, then CPU). Mixed precision (bfloat16) on CUDA.
- Resume: ``checkpoint_path`` is rewritten atomically after every epoch with the
  weights, the optimizer, the RNG state and the epoch/step; ``resume=True`` continues
  from it to the same result as an uninterrupted run.
- Several processes: under ``torchrun`` (``torch.distributed`` initialised) the model
  is wrapped in DistributedDataParallel and each rank takes its shard of every global
  batch, so a run matches a single-process run with the same global ``batch_size``.

>>> import torch
>>> from neuralens.models import MLP, MLPConfig
>>> X = torch.randint(0, 256, (64, 8, 8), dtype=torch.uint8)
>>> y = (X.float().mean((1, 2)) > 127).long()
>>> data = TensorData(X, y, X_eval=X, y_eval=y)
>>> config = TrainConfig(num_epochs=2, batch_size=16, device="cpu", progress=False)
>>> history = fit(MLP(MLPConfig(image_size=8, num_classes=2)), classification_loss, data, config)
>>> history.last("step"), 0.0 <= history.last("eval_accuracy") <= 1.0
(8.0, True)
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from neuralens import checkpoints
from neuralens.device import pick, seed_everything
from neuralens.history import History

OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("onecycle", "cosine", "constant")

Batch = tuple[torch.Tensor, torch.Tensor | None]
LossFn = Callable[[nn.Module, Batch], tuple[torch.Tensor, dict]]
OnStep = Callable[[dict[str, float]], object]


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
    seed: int = 0  # shuffling, augmentation, dropout
    device: str = "auto"  # auto, cpu, cuda or mps
    mixed_precision: bool = True  # bfloat16 autocast on CUDA (ignored elsewhere)
    eval_every: int = 0  # also evaluate every this many steps (0: at epoch ends only)
    eval_batch_size: int = 1000  # evaluation batch size (no gradients: can be large)
    log_every: int = 10  # log a History row and call on_step every this many steps
    target: float | None = None  # stop once target_metric reaches this value
    target_metric: str = "eval_accuracy"  # the metric ``target`` watches
    checkpoint_path: str | None = None  # training state, rewritten after every epoch
    resume: bool = False  # continue from checkpoint_path when it exists
    progress: bool = True  # show a progress bar (rank 0 only)

    def __post_init__(self) -> None:
        if self.num_epochs < 1:
            raise ValueError(f"num_epochs (--epochs) must be at least 1, got {self.num_epochs}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1 (or None), got {self.batch_size}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"unknown optimizer {self.optimizer!r}; choose {', '.join(OPTIMIZERS)}"
            )
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r}; choose {', '.join(SCHEDULES)}")
        if not 0 <= self.warmup_fraction < 1:
            raise ValueError(f"warmup_fraction must be in [0, 1), got {self.warmup_fraction}")
        if self.eval_every < 0 or self.log_every < 1 or self.eval_batch_size < 1:
            raise ValueError("eval_every must be >= 0, log_every and eval_batch_size >= 1")


@dataclass
class TensorData:
    """A whole dataset as tensors on one device; batches are sliced (and scaled) there.

    ``X``: uint8 images (N, H, W) or (N, C, H, W), scaled to [0, 1] per batch, or float
    features (N, D) used as they are. ``y``: (N,) labels or targets, or None.
    ``max_shift``: shift each training image by up to this many pixels (augmentation).
    ``eval_fn(model, data) -> dict``: replaces the default evaluation (mean loss_fn
    metrics over ``X_eval``); its keys should start with ``eval_``.
    """

    X: torch.Tensor
    y: torch.Tensor | None = None
    X_eval: torch.Tensor | None = None
    y_eval: torch.Tensor | None = None
    max_shift: int = 0
    eval_fn: Callable[[nn.Module, TensorData], dict[str, float]] | None = None
    name: str = ""  # recorded in checkpoints, e.g. "mnist"

    def __post_init__(self) -> None:
        for X, y, split in ((self.X, self.y, "X"), (self.X_eval, self.y_eval, "X_eval")):
            if X is not None and y is not None and len(X) != len(y):
                raise ValueError(f"{split} has {len(X)} rows but its targets have {len(y)}")
        if self.max_shift and (self.X.dtype != torch.uint8 or self.X.ndim < 3):
            raise ValueError("max_shift augments images only: X must be uint8 (N, H, W)")

    @classmethod
    def from_arrays(
        cls, X, y=None, X_eval=None, y_eval=None, device: str | torch.device = "cpu", **options
    ) -> TensorData:
        """Copy arrays (or tensors) to ``device`` once: floats as float32, integer targets int64."""
        device = pick(device) if isinstance(device, str) else device

        def put(array, targets=False):
            if array is None:
                return None
            tensor = torch.as_tensor(np.asarray(array) if not torch.is_tensor(array) else array)
            if tensor.is_floating_point():  # float64 tables (pandas) meet float32 weights
                return tensor.to(device, torch.float32)
            # class labels (and masks) index a loss: int64; images stay uint8 until batched
            return tensor.to(device, torch.int64 if targets else None)

        return cls(put(X), put(y, True), put(X_eval), put(y_eval, True), **options)

    @property
    def device(self) -> torch.device:
        return self.X.device

    def __len__(self) -> int:
        return len(self.X)

    def to(self, device: torch.device) -> TensorData:
        """This data on ``device`` (the same object when it is already there)."""
        if self.device == device:
            return self
        move = {name: getattr(self, name) for name in ("X", "y", "X_eval", "y_eval")}
        moved = {name: None if t is None else t.to(device) for name, t in move.items()}
        return TensorData(**moved, max_shift=self.max_shift, eval_fn=self.eval_fn, name=self.name)

    def prepare(self, X: torch.Tensor) -> torch.Tensor:
        """uint8 images -> float (N, C, H, W) in [0, 1]; float features pass unchanged."""
        if X.dtype != torch.uint8:
            return X
        X = X.unsqueeze(1) if X.ndim == 3 else X  # (N, H, W) -> (N, 1, H, W)
        return X.float().div_(255)

    def batch(
        self,
        index: torch.Tensor,
        generator: torch.Generator | None = None,
        part: slice | None = None,
    ) -> Batch:
        """Rows ``index[part]``, sliced on the device, shifted when ``max_shift`` > 0.

        The shifts are drawn for the whole of ``index``, then cut to ``part``: each process
        of a distributed run takes its part of the very batch a single process would see.
        """
        part = part or slice(None)
        rows = index[part]
        X = self.X[rows]
        if self.max_shift and generator is not None:
            size = (2, len(index), 1)  # (dy, dx) per image of the whole batch
            draws = torch.randint(
                0, 2 * self.max_shift + 1, size, device=X.device, generator=generator
            )
            X = random_shift(X, self.max_shift, offsets=draws[:, part])
        return self.prepare(X), None if self.y is None else self.y[rows]

    def eval_batches(self, batch_size: int):
        """The evaluation set in order, as ``(X, y)`` batches."""
        if self.X_eval is None:
            return
        for start in range(0, len(self.X_eval), batch_size):
            y = None if self.y_eval is None else self.y_eval[start : start + batch_size]
            yield self.prepare(self.X_eval[start : start + batch_size]), y


def random_shift(
    X: torch.Tensor,
    max_shift: int,
    generator: torch.Generator | None = None,
    offsets: torch.Tensor | None = None,
) -> torch.Tensor:
    """Shift each image of (N, [C,] H, W) by its own random (dy, dx) in [-max_shift, max_shift].

    Pixels shifted in are background (0). Runs on X's device with one gather. ``offsets``
    (2, N, 1) in [0, 2 max_shift] gives the shifts (plus max_shift) instead of ``generator``.

    >>> X = torch.zeros(1, 3, 3, dtype=torch.uint8); X[0, 1, 1] = 255
    >>> int(random_shift(X, 1, torch.Generator().manual_seed(0)).sum()) in (0, 255)
    True
    """
    squeeze = X.ndim == 3
    X = X.unsqueeze(1) if squeeze else X  # (N, C, H, W)
    N, _, H, W = X.shape
    padded = F.pad(X, (max_shift,) * 4)  # (N, C, H + 2s, W + 2s)
    if offsets is None:
        size = (2, N, 1)
        offsets = torch.randint(0, 2 * max_shift + 1, size, device=X.device, generator=generator)
    rows = offsets[0] + torch.arange(H, device=X.device)  # (N, H) rows to read
    cols = offsets[1] + torch.arange(W, device=X.device)  # (N, W) columns to read
    batch = torch.arange(N, device=X.device)[:, None, None]
    shifted = padded[batch, :, rows[:, :, None], cols[:, None, :]]  # (N, H, W, C)
    shifted = shifted.permute(0, 3, 1, 2)  # (N, C, H, W)
    return shifted[:, 0] if squeeze else shifted


def classification_loss(model: nn.Module, batch: Batch) -> tuple[torch.Tensor, dict]:
    """Cross-entropy of the logits against the labels, with the batch's accuracy.

    >>> def undecided(X):  # equal scores for 3 classes: loss ln 3, argmax picks class 0
    ...     return torch.zeros(len(X), 3)
    >>> batch = (torch.zeros(4, 2), torch.tensor([0, 1, 2, 0]))
    >>> loss, metrics = classification_loss(undecided, batch)
    >>> round(loss.item(), 4), metrics["accuracy"].item()
    (1.0986, 0.5)
    """
    X, y = batch
    logits = model(X)  # (N, num_classes)
    loss = F.cross_entropy(logits.float(), y)
    accuracy = (logits.argmax(dim=1) == y).float().mean()
    return loss, {"accuracy": accuracy.detach()}


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


def init_distributed(device: str = "auto") -> tuple[int, int]:
    """Join the process group ``torchrun`` describes (env WORLD_SIZE > 1); (rank, world size).

    NCCL between GPUs (each rank on GPU LOCAL_RANK), gloo between CPU processes. Without
    torchrun this does nothing and returns (0, 1).
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1 or distributed_world()[1] > 1:
        return distributed_world()
    use_gpu = device in ("auto", "cuda") and torch.cuda.is_available()
    if use_gpu:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    torch.distributed.init_process_group("nccl" if use_gpu else "gloo")
    return distributed_world()


def close_distributed() -> None:
    """Leave the process group (end of a torchrun run); nothing to do without one."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        torch.distributed.destroy_process_group()


def distributed_world() -> tuple[int, int]:
    """(rank, world size): (0, 1) unless torch.distributed is initialised (torchrun)."""
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


@torch.no_grad()
def evaluate(
    model: nn.Module, loss_fn: LossFn, data: TensorData, batch_size: int = 1000
) -> dict[str, float]:
    """Mean loss and metrics of ``loss_fn`` over the evaluation set, keys prefixed ``eval_``."""
    if data.eval_fn is not None:
        return dict(data.eval_fn(model, data))
    was_training = model.training
    model.eval()
    totals: dict[str, torch.Tensor] = {}
    count = 0
    for X, y in data.eval_batches(batch_size):
        loss, metrics = loss_fn(model, (X, y))
        for name, value in {"loss": loss, **metrics}.items():
            totals[name] = totals.get(name, 0) + torch.as_tensor(value).float() * len(X)
        count += len(X)
    model.train(was_training)
    return {f"eval_{name}": (total / count).item() for name, total in totals.items()}


@dataclass
class _Run:
    """Where a run stands: what a checkpoint must hold to continue it exactly."""

    epoch: int = 0  # epochs completed
    step: int = 0  # optimizer steps taken
    train_time: float = 0.0  # seconds spent training (evaluation excluded)
    history: History = field(default_factory=History)


def _save_state(path: str, model: nn.Module, optimizer, run: _Run, config, data) -> None:
    """Atomically write weights, optimizer state, RNG state and the run's position."""
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    state = optimizer.state_dict()
    values: dict[str, dict[str, object]] = {}
    for index, slots in state["state"].items():
        for name, value in slots.items():
            if torch.is_tensor(value):
                tensors[f"optimizer.{index}.{name}"] = value
            else:
                values.setdefault(str(index), {})[name] = value
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available():
        for index, rng in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"rng.cuda.{index}"] = rng
    metadata = {
        **checkpoints.model_metadata(model),
        "data": data.name,
        "seed": config.seed,
        "train_config": asdict(config),
        "epoch": run.epoch,
        "step": run.step,
        "train_time": run.train_time,
        "history": run.history.to_dict(),
        "optimizer": {"param_groups": state["param_groups"], "values": values},
    }
    checkpoints.save(path, tensors, metadata)


def _load_state(path: str, model: nn.Module, optimizer) -> _Run:
    """Restore what :func:`_save_state` wrote; refuse a checkpoint of another model."""
    checkpoint = checkpoints.load(path)
    meta = checkpoint.metadata
    mine = checkpoints.model_metadata(model)
    if "epoch" not in meta or meta.get("model") != mine["model"]:
        raise checkpoints.CheckpointError(
            f"{path} is not a training checkpoint of a {mine['model']!r} model; "
            "point --out at a fresh folder or drop --resume"
        )
    if meta.get("config") != json.loads(json.dumps(mine["config"])):  # tuples are lists in JSON
        raise checkpoints.CheckpointError(
            f"{path} was trained with model config {meta.get('config')}, not {mine['config']}"
        )
    model.load_state_dict(checkpoints.model_tensors(checkpoint.tensors))
    slots: dict[int, dict[str, object]] = {}
    for key, value in checkpoint.tensors.items():
        if key.startswith("optimizer."):
            _, index, name = key.split(".", 2)
            slots.setdefault(int(index), {})[name] = value
    for index, named in meta["optimizer"]["values"].items():
        slots.setdefault(int(index), {}).update(named)
    optimizer.load_state_dict({"state": slots, "param_groups": meta["optimizer"]["param_groups"]})
    torch.set_rng_state(checkpoint.tensors["rng.torch"])
    cuda_states = [checkpoint.tensors[k] for k in sorted(checkpoint.tensors) if "rng.cuda" in k]
    if cuda_states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda_states[: torch.cuda.device_count()])
    history = History.from_dict(meta["history"])
    return _Run(meta["epoch"], meta["step"], meta["train_time"], history)


def _progress_bar(enabled: bool, total: int):
    """A rich progress bar with the live loss/accuracy, or a stand-in that does nothing."""
    if not enabled:
        return nullcontext(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("[bold]train"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[live]}"), transient=False,
    )  # fmt: skip
    bar.add_task("train", total=total, live="")  # the bar's only task: task_ids[0]
    return bar


def _summary(live: dict[str, float]) -> str:
    shown = ("epoch", "loss", "accuracy", "eval_loss", "eval_accuracy")
    return "  ".join(f"{k} {live[k]:.4g}" for k in shown if k in live)


def fit(
    model: nn.Module,
    loss_fn: LossFn,
    data: TensorData,
    config: TrainConfig,
    on_step: OnStep | None = None,
) -> History:
    """Train ``model`` on ``data`` by minimising ``loss_fn``; return the logged History.

    Rows: every ``log_every`` steps ``epoch, step, lr, loss, <metrics>, train_time``
    (training seconds, evaluation excluded); after each evaluation the ``eval_*``
    numbers too. ``model`` ends on the training device, in eval mode.
    """
    if config.resume and not config.checkpoint_path:
        raise ValueError("resume=True needs a checkpoint_path to resume from")
    device = pick(config.device)
    if device.type == "cuda" and device.index is None:  # the GPU torchrun gave this rank
        device = torch.device("cuda", torch.cuda.current_device())
    data = data.to(device)
    model.to(device)
    rank, world = distributed_world()
    batch_size = min(config.batch_size or len(data), len(data))
    if batch_size % world:
        raise ValueError(f"batch_size {batch_size} must divide evenly over {world} processes")
    steps_per_epoch = len(data) // batch_size  # the last, incomplete batch is dropped
    total_steps = steps_per_epoch * config.num_epochs
    seed_everything(config.seed)
    optimizer = make_optimizer(model, config)
    run = _Run()
    if config.resume and Path(config.checkpoint_path).exists():
        run = _load_state(config.checkpoint_path, model, optimizer)
    trainer = model
    if world > 1:
        ids = [device.index] if device.type == "cuda" else None
        trainer = nn.parallel.DistributedDataParallel(model, device_ids=ids)
    use_amp = config.mixed_precision and device.type == "cuda"
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if use_amp else nullcontext()
    shard = batch_size // world
    stop = False
    bar_cm = _progress_bar(config.progress and rank == 0, total_steps)

    def report(live: dict[str, float]) -> bool:
        """Log a row, update the bar, call the hook; True when training should stop."""
        run.history.log(**live)
        if bar is not None:
            bar.update(bar.task_ids[0], completed=run.step, live=_summary(live))
        wanted = bool(on_step(dict(live))) if on_step is not None and rank == 0 else False
        if world > 1:  # every rank stops together, when any asks
            flag = torch.tensor([float(wanted)], device=device)
            torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
            wanted = bool(flag.item())
        return wanted

    def evaluate_now(live: dict[str, float]) -> bool:
        scores = evaluate(model, loss_fn, data, config.eval_batch_size)
        live.update(scores)
        reached = scores.get(config.target_metric, -math.inf) >= (config.target or math.inf)
        return report(live) or reached

    with bar_cm as bar:
        if bar is not None:
            bar.update(bar.task_ids[0], completed=run.step)
        model.train()
        for epoch in range(run.epoch, config.num_epochs):
            # one generator per epoch, identical on every rank: the same permutation to shard
            generator = torch.Generator(device=device).manual_seed(config.seed * 100_003 + epoch)
            order = torch.randperm(len(data), device=device, generator=generator)
            sums: dict[str, torch.Tensor] = {}
            since = 0
            tick = time.perf_counter()
            for index in range(steps_per_epoch):
                batch_rows = order[index * batch_size : (index + 1) * batch_size]
                batch = data.batch(batch_rows, generator, slice(rank * shard, (rank + 1) * shard))
                lr = learning_rate(run.step, total_steps, config)
                for group in optimizer.param_groups:
                    group["lr"] = lr
                with autocast:
                    loss, metrics = loss_fn(trainer, batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                run.step += 1
                since += 1
                for name, value in {"loss": loss, **metrics}.items():
                    sums[name] = sums.get(name, 0) + torch.as_tensor(value).detach().float()
                end_of_epoch = index == steps_per_epoch - 1
                due_eval = config.eval_every and run.step % config.eval_every == 0
                if run.step % config.log_every and not end_of_epoch and not due_eval:
                    continue
                live = {"epoch": epoch + (index + 1) / steps_per_epoch, "step": run.step,
                        "total_steps": total_steps, "lr": lr}  # fmt: skip
                live.update({name: (total / since).item() for name, total in sums.items()})
                run.train_time += time.perf_counter() - tick  # .item() above synchronised
                live["train_time"] = run.train_time
                sums, since = {}, 0
                has_eval = data.X_eval is not None or data.eval_fn is not None
                if has_eval and (end_of_epoch or due_eval):
                    stop = evaluate_now(live)
                else:
                    stop = report(live)
                tick = time.perf_counter()
                if stop:
                    break
            if end_of_epoch:  # a checkpoint only ever holds whole epochs
                run.epoch = epoch + 1
                if config.checkpoint_path and rank == 0:
                    _save_state(config.checkpoint_path, model, optimizer, run, config, data)
            if stop:
                break
    model.eval()
    return run.history
