"""Pick where tensors live (CPU, CUDA GPU, Apple MPS), how many CPU threads, and seed every RNG."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import numpy as np
import torch

from neuralens.training.config import DEVICES


def pick(name: str = "auto") -> torch.device:
    """The device to train on: ``auto`` takes CUDA, then MPS, then the CPU.

    >>> pick("cpu")
    device(type='cpu')
    """
    if name not in DEVICES:
        raise ValueError(f"unknown device {name!r}; choose one of {', '.join(DEVICES)}")
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' asked for, but torch sees no CUDA GPU; use --device cpu")
    if name == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' asked for, but this machine has no Apple MPS; use cpu")
    return torch.device(name)


@cache
def native_bfloat16(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """Whether this CPU multiplies bfloat16 numbers natively (AVX512-BF16 or AMX-BF16).

    Read from the Linux CPU flags in ``cpuinfo``; False where there are none. Without
    them torch emulates bfloat16 on the CPU, slower than float32, so autocast is not
    worth it there.
    """
    try:
        with open(cpuinfo) as info:
            flags = next((line.split() for line in info if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (all devices) and return a torch generator seeded alike.

    Python's string hashing (PYTHONHASHSEED) is fixed at interpreter start, not here.
    """
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - legacy global RNG, seeded for third-party code
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run torch on ``count`` CPU threads inside the block, then restore the previous count.

    Tiny models (a few dozen weights on a table) spend most of a step handing work
    between threads; on one thread they train many times faster.

    >>> with torch_threads(1):
    ...     torch.get_num_threads()
    1
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# A core counts as free when at least this much of it (1 - slack) sat idle while we looked.
FREE_CORE_SLACK = 0.25


def allowed_cores() -> list[int]:
    """The CPU cores this process may run on (its affinity set; all cores where unknown)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def _idle_and_total(cores: list[int]) -> tuple[int, int]:
    """Idle and total clock ticks of ``cores`` since boot, from /proc/stat (Linux)."""
    idle = total = 0
    with open("/proc/stat") as stat:
        for line in stat:
            name, *ticks = line.split()
            if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cores:
                numbers = [int(tick) for tick in ticks[:8]]  # user nice system idle iowait ...
                idle += numbers[3] + numbers[4]
                total += sum(numbers)
    return idle, total


def free_cores(interval: float = 0.1) -> float:
    """How many of this process's cores other programs leave idle: a number in [0, cores].

    Linux: the idle share of each allowed core over ``interval`` seconds (/proc/stat),
    summed. Elsewhere: the core count minus the 1-minute load average.
    """
    cores = allowed_cores()
    if not os.path.exists("/proc/stat"):
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
        return max(0.0, len(cores) - load)
    idle_before, total_before = _idle_and_total(cores)
    time.sleep(interval)
    idle_after, total_after = _idle_and_total(cores)
    if total_after == total_before:  # no tick went by: nothing to tell, assume all free
        return float(len(cores))
    return len(cores) * (idle_after - idle_before) / (total_after - total_before)


def threads_for(cores: int, free: float) -> int:
    """One thread per free core (``free`` may be fractional), at least 1, at most ``cores``.

    >>> threads_for(2, 2.0), threads_for(2, 1.0), threads_for(2, 1.5), threads_for(8, 0.0)
    (2, 1, 1, 1)
    """
    return max(1, min(cores, int(free + FREE_CORE_SLACK)))


def choose_threads(interval: float = 0.1) -> int:
    """Torch CPU threads to train with now: one per core that no other program is using.

    Notes
    -----
    torch's intra-op threads (OpenMP) meet at the end of every operation and spin while
    they wait. If another program holds one of the cores, the thread placed there runs
    only in the time slices the scheduler gives it, and every small operation of a
    training step waits for it. Measured on a shared 2-core machine: CNN training steps
    (batch 128) on 2 threads took ~10x the wall time and ~10x the CPU time of 1 thread.
    One thread per free core never waits for a busy one. Call it once, before training.
    """
    return threads_for(len(allowed_cores()), free_cores(interval))
