"""Several processes (``torchrun``): join the group, know your rank, agree on stopping.

Under torchrun the model is wrapped in DistributedDataParallel and each rank takes its
shard of every global batch, so a run matches a single-process run with the same global
``batch_size``: DDP averages the shards' gradients, which is the whole batch's gradient.
The draws a loss makes itself (a diffusion step t and its noise, a VAE's z, dropout) come
from each rank's own stream (:func:`rank_seed`): the same seed on every rank would hand
shard k of every rank the very same t and noise, half the draws a single process makes.
"""

from __future__ import annotations

import os

import torch


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


def rank_seed(seed: int, rank: int) -> int:
    """The seed of rank ``rank``'s own random draws; rank 0 (and a single process) keeps ``seed``.

    >>> rank_seed(3, 0), rank_seed(3, 1) != rank_seed(3, 0)
    (3, True)
    """
    return seed + 1_000_003 * rank


def gather(value: object) -> list[object]:
    """Every rank's ``value`` (picklable), in rank order, on every rank; ``[value]`` alone."""
    world = distributed_world()[1]
    if world == 1:
        return [value]
    values: list[object] = [None] * world
    torch.distributed.all_gather_object(values, value)
    return values


def any_rank(flag: bool, device: torch.device) -> bool:
    """True on every rank when ``flag`` is True on any (all ranks stop together)."""
    if distributed_world()[1] == 1:
        return flag
    tensor = torch.tensor([float(flag)], device=device)
    torch.distributed.all_reduce(tensor, op=torch.distributed.ReduceOp.MAX)
    return bool(tensor.item())


def wrap(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """``model`` in DistributedDataParallel when several processes train; else unchanged."""
    if distributed_world()[1] == 1:
        return model
    ids = [device.index] if device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=ids)
