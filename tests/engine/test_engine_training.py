"""The engine behaves like torch where it claims to: gradients accumulate until zero_grad;
its training config refuses bad values with a clear error."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens.engine.layers import Conv2d, Dense
from neuralens.engine.training import TrainConfig


@pytest.mark.parametrize("make", [lambda: (Dense(3, 2, rng=0), np.ones((4, 3))),
                                  lambda: (Conv2d(1, 2, 3, padding=1, rng=0),
                                           np.ones((2, 1, 5, 5)))])  # fmt: skip
def test_two_backward_calls_double_the_gradient_as_in_torch(make):
    layer, x = make()
    grad_y = np.ones_like(layer(x))
    layer.backward(grad_y)
    once = [p.grad.copy() for p in layer.parameters()]
    layer(x)
    layer.backward(grad_y)
    for first, twice in zip(once, (p.grad for p in layer.parameters()), strict=True):
        np.testing.assert_allclose(twice, 2 * first)
    layer.zero_grad()
    assert all(not p.grad.any() for p in layer.parameters())
    # torch does the same: .grad accumulates over backward calls
    weight = torch.tensor(layer.parameters()[0].value, requires_grad=True)
    for _ in range(2):
        (weight * 1.0).sum().backward()
    assert torch.equal(weight.grad, torch.full_like(weight, 2.0))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"batch_size": 0}, "batch_size must be an integer of at least 1, got 0"),
        ({"num_epochs": 0}, "num_epochs must be an integer of at least 1, got 0"),
        ({"lr": 0.0}, "lr must be a finite number greater than 0, got 0.0"),
        ({"lr": float("nan")}, "lr must be a finite number"),
        ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
        ({"max_shift": -1}, "max_shift must be an integer >= 0"),
    ],
)
def test_bad_engine_settings_are_explained(options, message):
    with pytest.raises(ValueError, match=message):
        TrainConfig(**options)
