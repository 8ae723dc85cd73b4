"""Finite-difference gradient checks for every layer, optimizers, init, and the import rule."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from neuralens import engine
from neuralens.engine.optim import SGD, Adam

LAYERS = [
    (lambda: engine.Dense(5, 3), (4, 5)),
    (lambda: engine.Dense(5, 3, bias=False, init="glorot"), (2, 5)),
    (lambda: engine.Conv2d(2, 3, 3), (2, 2, 6, 5)),
    (lambda: engine.Conv2d(2, 3, 2, stride=2, padding=1), (2, 2, 5, 6)),
    (lambda: engine.MaxPool2d(2), (2, 3, 6, 6)),
    (lambda: engine.MaxPool2d(3, stride=1), (1, 2, 5, 6)),
    (lambda: engine.AvgPool2d(2), (2, 3, 5, 4)),
    (lambda: engine.ReLU(), (3, 7)),
    (lambda: engine.Sigmoid(), (3, 7)),
    (lambda: engine.Tanh(), (3, 7)),
    (lambda: engine.Flatten(), (2, 3, 4, 4)),
    (lambda: engine.Sequential(engine.Conv2d(1, 2, 3, padding=1), engine.ReLU(),
                               engine.MaxPool2d(2), engine.Flatten(), engine.Dense(8, 3)),
     (2, 1, 4, 4)),
]  # fmt: skip


@pytest.mark.parametrize("make, shape", LAYERS, ids=lambda v: repr(v()) if callable(v) else "")
def test_layer_gradients_match_finite_differences(make, shape):
    layer = make()
    x = np.random.default_rng(1).normal(size=shape)
    errors = engine.gradcheck(layer, x)
    assert "input" in errors and len(errors) == 1 + len(layer.parameters())
    assert max(errors.values()) < 1e-6, errors


def test_gradcheck_catches_a_wrong_backward():
    class WrongReLU(engine.ReLU):
        def backward(self, grad_y):
            return grad_y  # forgets the (x > 0) factor

    errors = engine.gradcheck(WrongReLU(), np.random.default_rng(0).normal(size=(3, 4)))
    assert errors["input"] > 0.1


def test_backward_before_forward_is_explained():
    with pytest.raises(ValueError, match="forward pass first"):
        engine.Dense(2, 2).backward(np.ones((1, 2)))


def test_init_is_seeded_and_scaled():
    a, b = engine.Dense(300, 200, rng=7), engine.Dense(300, 200, rng=7)
    np.testing.assert_array_equal(a.weight.value, b.weight.value)
    assert abs(a.weight.value.std() - np.sqrt(2 / 300)) < 0.005  # He: variance 2 / fan_in
    glorot = engine.Dense(300, 200, init="glorot").weight.value
    assert abs(glorot.std() - np.sqrt(2 / 500)) < 0.005  # Glorot: variance 2 / (in + out)
    with pytest.raises(ValueError, match="unknown init"):
        engine.Dense(2, 2, init="zeros")


@pytest.mark.parametrize("make", [lambda p: SGD(p, lr=0.1, momentum=0.9),
                                  lambda p: Adam(p, lr=0.1)], ids=["sgd", "adam"])  # fmt: skip
def test_optimizers_minimise_a_quadratic(make):
    parameter = engine.Parameter(np.array([3.0, -2.0]))
    optimizer = make([parameter])
    for _ in range(300):
        optimizer.zero_grad()
        parameter.grad = 2 * parameter.value  # d/dw of |w|^2
        optimizer.step()
    assert np.abs(parameter.value).max() < 1e-2


def test_optimizers_match_torch_updates():
    torch = pytest.importorskip("torch")
    start = np.array([1.0, -2.0, 0.5])
    for ours_cls, theirs_cls, kwargs in [(SGD, torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
                                         (Adam, torch.optim.Adam, {"lr": 0.1})]:  # fmt: skip
        ours = engine.Parameter(start.copy())
        theirs = torch.tensor(start.copy(), requires_grad=True)
        optimizer, reference = ours_cls([ours], **kwargs), theirs_cls([theirs], **kwargs)
        for _ in range(5):
            ours.grad = np.sin(ours.value) + ours.value**2
            theirs.grad = torch.sin(theirs.detach()) + theirs.detach() ** 2
            optimizer.step()
            reference.step()
        np.testing.assert_allclose(ours.value, theirs.detach().numpy(), atol=1e-10)


def test_importing_the_engine_loads_neither_torch_nor_matplotlib():
    code = ("import sys, neuralens.engine, neuralens.engine.examples, neuralens.engine.mnist, "
            "neuralens.engine.learned_filter; "
            "print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))")  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
