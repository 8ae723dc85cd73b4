"""The one training loop for every torch model: ``fit(model, loss_fn, data, config, on_step)``.

The lecture's recipe, step by step: take a batch, compute the loss, backpropagate
its gradient, move every weight a little against it; repeat; check on held-out
data. Only the model-specific part changes between a classifier, a detector, a
U-Net, a VAE and a diffusion model: ``loss_fn(model, batch) -> (loss, metrics)``.

- ``data``: :class:`~neuralens.training.batches.Batches`, the dataset on the training device;
  a batch is a dict (``"images"`` plus named targets such as ``"labels"`` or ``"mask"``).
- ``on_step(live)``: called every ``log_every`` steps and after each evaluation with the
  live numbers (``epoch``, ``step``, ``total_steps``, ``loss``, ``lr``, metrics, ``eval_*``);
  return True to stop cleanly. ``on_batch(live)`` is called after every step with the
  cheap ones (``step``, ``epoch``, ``lr``; ``loss`` as a tensor, not synchronised).
- ``evaluate(model, data) -> dict`` (keys ``eval_*``); default: the mean of ``loss_fn``'s
  loss and metrics over the evaluation split.
- ``config.grad_clip``, ``config.ema_decay``: see :mod:`neuralens.training.optim`; with an
  EMA the evaluation uses the averaged weights and the model ends holding them.
- Resume (``checkpoint_path``, ``resume``) continues to the same weights as an uninterrupted
  run; under ``torchrun`` every rank takes its shard of each global batch and makes its own
  random draws (``distributed.rank_seed``), and a resume continues each rank's own stream.
- A loss or weight that turns NaN or infinite stops training with a ValueError before
  anything is written.

>>> import torch
>>> from neuralens.models import MLP, MLPConfig
>>> from neuralens.tasks.classify import classification_loss
>>> X = torch.randint(0, 256, (64, 8, 8), dtype=torch.uint8)
>>> y = (X.float().mean((1, 2)) > 127).long()
>>> data = Batches(X, {"labels": y}, eval_images=X, eval_targets={"labels": y})
>>> config = TrainConfig(num_epochs=2, batch_size=16, device="cpu", progress=False)
>>> history = fit(MLP(MLPConfig(image_size=8, num_classes=2)), classification_loss, data, config)
>>> history.last("step"), 0.0 <= history.last("eval_accuracy") <= 1.0
(8.0, True)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import torch
from torch import nn

from neuralens.device import native_bfloat16, pick, seed_everything
from neuralens.history import History, prefixed
from neuralens.training.batches import Batch, Batches
from neuralens.training.config import TrainConfig
from neuralens.training.distributed import any_rank, distributed_world, gather, rank_seed, wrap
from neuralens.training.optim import (
    WeightAverage,
    averaged,
    clip_gradients,
    learning_rate,
    make_optimizer,
)
from neuralens.training.state import Run, load_state, rng_states, save_state

LossFn = Callable[[nn.Module, Batch], tuple[torch.Tensor, dict]]
OnStep = Callable[[dict[str, float]], object]
Evaluate = Callable[[nn.Module, Batches], dict[str, float]]


@torch.no_grad()
def mean_metrics(model: nn.Module, loss_fn: LossFn, data: Batches, batch_size: int = 1000
                 ) -> dict[str, float]:  # fmt: skip
    """Mean loss and metrics of ``loss_fn`` over the evaluation split, keys ``eval_*``."""
    was_training = model.training
    model.eval()
    totals: dict[str, torch.Tensor] = {}
    count = 0
    for batch in data.eval_batches(batch_size):
        loss, metrics = loss_fn(model, batch)
        size = len(batch["images"])
        for name, value in {"loss": loss, **metrics}.items():
            totals[name] = totals.get(name, 0) + torch.as_tensor(value).float() * size
        count += size
    model.train(was_training)
    return prefixed({name: (total / count).item() for name, total in totals.items()})


def check_finite(live: dict[str, float], model: nn.Module) -> None:
    """Raise a ValueError when a logged number or a weight is NaN or infinite (diverged)."""
    bad = [name for name, value in live.items() if not math.isfinite(value)]
    if not bad and all(torch.isfinite(p).all() for p in model.parameters()):
        return
    what = f"{', '.join(bad)} became non-finite" if bad else "a weight became non-finite"
    raise ValueError(
        f"training diverged at step {int(live['step'])}: {what}; lower the "
        "learning rate or set grad_clip (nothing was saved from this step)"
    )


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


def mixed_precision(device: torch.device, config: TrainConfig) -> torch.autocast | nullcontext:
    """The autocast the training steps run in: bfloat16 on CUDA (``mixed_precision``), and
    on a CPU with native bfloat16 when ``cpu_bfloat16`` asks; float32 otherwise.

    Matrix products and convolutions then run on bfloat16 copies of their inputs (8 bits
    of mantissa, float32's range); the weights, their gradients and Adam's state stay
    float32.
    """
    if device.type == "cuda" and config.mixed_precision:
        return torch.autocast("cuda", dtype=torch.bfloat16)
    if device.type == "cpu" and config.cpu_bfloat16 and native_bfloat16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return nullcontext()


def fit(model: nn.Module, loss_fn: LossFn, data: Batches, config: TrainConfig,
        on_step: OnStep | None = None, evaluate: Evaluate | None = None,
        on_batch: OnStep | None = None) -> History:  # fmt: skip
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
    seed_everything(rank_seed(config.seed, rank))  # each rank its own t, noise, dropout
    optimizer = make_optimizer(model, config)
    ema = WeightAverage(model, config.ema_decay) if config.ema_decay else None
    run = Run()
    if config.resume and Path(config.checkpoint_path).exists():
        run = load_state(config.checkpoint_path, model, optimizer, ema, rank)
    trainer = wrap(model, device)
    autocast = mixed_precision(device, config)
    shard = batch_size // world

    def evaluation() -> dict[str, float]:
        with averaged(model, ema):
            if evaluate is not None:
                return prefixed(evaluate(model, data))
            return mean_metrics(model, loss_fn, data, config.eval_batch_size)

    def report(live: dict[str, float], with_eval: bool) -> bool:
        """Check, evaluate, log a row, update the bar, call the hook; True: stop."""
        check_finite(live, model)
        reached = False
        if with_eval:
            scores = evaluation()
            live.update(scores)
            reached = scores.get(config.target_metric, -math.inf) >= (config.target or math.inf)
        run.history.log(**live)
        if bar is not None:
            bar.update(bar.task_ids[0], completed=run.step, live=_summary(live))
        wanted = bool(on_step(dict(live))) if on_step is not None and rank == 0 else False
        return any_rank(wanted, device) or reached

    stop = False
    with _progress_bar(config.progress and rank == 0, total_steps) as bar:
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
                rows = order[index * batch_size : (index + 1) * batch_size]
                batch = data.batch(rows, generator, slice(rank * shard, (rank + 1) * shard))
                lr = learning_rate(run.step, total_steps, config)
                for group in optimizer.param_groups:
                    group["lr"] = lr
                with autocast:
                    loss, metrics = loss_fn(trainer, batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                clip_gradients(model, config.grad_clip)
                optimizer.step()
                if ema is not None:
                    ema.update(model)
                run.step += 1
                since += 1
                epoch_now = epoch + (index + 1) / steps_per_epoch
                if on_batch is not None:
                    on_batch({"step": run.step, "epoch": epoch_now, "lr": lr, "loss": loss})
                for name, value in {"loss": loss, **metrics}.items():
                    sums[name] = sums.get(name, 0) + torch.as_tensor(value).detach().float()
                end_of_epoch = index == steps_per_epoch - 1
                due_eval = config.eval_every and run.step % config.eval_every == 0
                if run.step % config.log_every and not end_of_epoch and not due_eval:
                    continue
                live = {"epoch": epoch_now, "step": run.step, "total_steps": total_steps, "lr": lr}
                live.update({name: (total / since).item() for name, total in sums.items()})
                run.train_time += time.perf_counter() - tick  # .item() above synchronised
                live["train_time"] = run.train_time
                sums, since = {}, 0
                has_eval = data.has_eval or evaluate is not None
                stop = report(live, has_eval and bool(end_of_epoch or due_eval))
                tick = time.perf_counter()
                if stop:
                    break
            if end_of_epoch:  # a checkpoint only ever holds whole epochs
                run.epoch = epoch + 1
                if config.checkpoint_path:
                    rngs = gather(rng_states()) if world > 1 else None  # all ranks take part
                    if rank == 0:
                        save_state(config.checkpoint_path, model, optimizer, run, config,
                                   data.name, ema, rngs)  # fmt: skip
                    if world > 1:  # no rank goes on (or resumes) before the file is there
                        torch.distributed.barrier()
            if stop:
                break
    if ema is not None:  # the model ends holding the average: what is evaluated and saved
        model.load_state_dict(ema.tensors)
    model.eval()
    return run.history
