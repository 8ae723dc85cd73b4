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
