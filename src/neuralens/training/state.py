"""Resume state: what a checkpoint must hold to continue a run to the very same result.

Weights, the optimizer's moments, the EMA of the weights, every RNG state (each rank's own,
under torchrun) and the run's position (epoch, step, History), rewritten atomically after
every epoch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import torch
from torch import nn

from neuralens import checkpoints
from neuralens.history import History
from neuralens.training.config import TrainConfig
from neuralens.training.distributed import rank_seed
from neuralens.training.optim import WeightAverage


@dataclass
class Run:
    """Where a run stands: what a checkpoint must hold to continue it exactly."""

    epoch: int = 0  # epochs completed
    step: int = 0  # optimizer steps taken
    train_time: float = 0.0  # seconds spent training (evaluation excluded)
    history: History = field(default_factory=History)


def save_state(
    path: str,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    run: Run,
    config: TrainConfig,
    data_name: str,
    ema: WeightAverage | None = None,
    rank_rngs: list[dict[str, torch.Tensor]] | None = None,
) -> None:
    """Atomically write weights, optimizer state, EMA, RNG state and the run's position.

    ``rank_rngs``: every rank's :func:`rng_states` under torchrun (rank 0's are this
    process's own); each rank resumes its own stream.
    """
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    if ema is not None:
        tensors.update({f"ema.{k}": v for k, v in ema.tensors.items()})
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
    for rank, states in enumerate((rank_rngs or [])[1:], start=1):  # rank 0's: the keys above
        tensors.update({f"rank{rank}.rng.{name}": state for name, state in states.items()})
    metadata = {
        **checkpoints.model_metadata(model),
        "data": data_name,
        "seed": config.seed,
        "train_config": asdict(config),
        "epoch": run.epoch,
        "step": run.step,
        "train_time": run.train_time,
        "history": run.history.to_dict(),
        "optimizer": {"param_groups": state["param_groups"], "values": values},
    }
    checkpoints.save(path, tensors, metadata)


def rng_states() -> dict[str, torch.Tensor]:
    """This process's RNG states: the CPU's, and its current GPU's when there is one."""
    states = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state()
    return states


def load_state(path: str, model: nn.Module, optimizer: torch.optim.Optimizer,
               ema: WeightAverage | None = None, rank: int = 0) -> Run:  # fmt: skip
    """Restore what :func:`save_state` wrote; refuse a checkpoint of another model.

    Rank ``rank`` > 0 resumes its own saved RNG stream; from a checkpoint written by fewer
    processes it starts a fresh stream of its own, seeded by the seed, the step and the rank.
    """
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
    if ema is not None:
        named = {k.removeprefix("ema."): v for k, v in checkpoint.tensors.items()
                 if k.startswith("ema.")}  # fmt: skip
        if not named:
            raise checkpoints.CheckpointError(f"{path} holds no EMA weights; drop --ema-decay "
                                              "or --resume")  # fmt: skip
        ema.tensors = {k: v.to(ema.tensors[k].device) for k, v in named.items()}
    slots: dict[int, dict[str, object]] = {}
    for key, value in checkpoint.tensors.items():
        if key.startswith("optimizer."):
            _, index, name = key.split(".", 2)
            slots.setdefault(int(index), {})[name] = value
    for index, named in meta["optimizer"]["values"].items():
        slots.setdefault(int(index), {}).update(named)
    optimizer.load_state_dict({"state": slots, "param_groups": meta["optimizer"]["param_groups"]})
    if rank == 0:
        torch.set_rng_state(checkpoint.tensors["rng.torch"])
        cuda_states = [checkpoint.tensors[k] for k in sorted(checkpoint.tensors)
                       if k.startswith("rng.cuda.")]  # fmt: skip
        if cuda_states and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(cuda_states[: torch.cuda.device_count()])
    elif f"rank{rank}.rng.torch" in checkpoint.tensors:
        torch.set_rng_state(checkpoint.tensors[f"rank{rank}.rng.torch"])
        if f"rank{rank}.rng.cuda" in checkpoint.tensors and torch.cuda.is_available():
            torch.cuda.set_rng_state(checkpoint.tensors[f"rank{rank}.rng.cuda"])
    else:
        torch.manual_seed(rank_seed(int(meta["seed"]) + int(meta["step"]), rank))
    return Run(meta["epoch"], meta["step"], meta["train_time"], History.from_dict(meta["history"]))
