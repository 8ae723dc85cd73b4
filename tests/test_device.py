from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens.device import pick, seed_everything


def test_pick_cpu_and_auto():
    assert pick("cpu") == torch.device("cpu")
    assert pick("auto").type in {"cpu", "cuda", "mps"}


def test_unknown_or_absent_devices_are_clear_errors():
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        pick("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            pick("cuda")


def test_seed_everything_repeats_every_generator():
    seed_everything(3)
    first = (np.random.rand(), torch.rand(1).item())  # noqa: NPY002 - the global RNG is the point
    seed_everything(3)
    assert (np.random.rand(), torch.rand(1).item()) == first  # noqa: NPY002


def test_threads_follow_the_free_cores():
    from neuralens.device import threads_for

    assert [threads_for(2, free) for free in (2.0, 1.9, 1.5, 1.0, 0.3, 0.0)] == [2, 2, 1, 1, 1, 1]
    assert threads_for(16, 15.8) == 16 and threads_for(4, 9.0) == 4


def test_choose_threads_counts_only_cores_this_process_may_use():
    import os

    from neuralens.device import allowed_cores, choose_threads, free_cores

    assert allowed_cores() == sorted(os.sched_getaffinity(0))
    assert 0 <= free_cores(0.05) <= len(allowed_cores())
    assert 1 <= choose_threads(0.05) <= len(allowed_cores())
