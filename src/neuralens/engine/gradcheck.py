"""Finite differences: check a layer's backward pass against the definition of a derivative.

dL/dx_i ~ (L(x + eps e_i) - L(x - eps e_i)) / (2 eps), with L = sum(layer(x) * r) for a
fixed random r, so every output position matters. Use float64 inputs and layers.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from neuralens.engine.init import make_rng
from neuralens.engine.layers import Layer


def numerical_gradient(loss: Callable[[], float], array: np.ndarray, eps: float) -> np.ndarray:
    """Central differences of ``loss()`` with respect to every entry of ``array`` (in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        above = loss()
        array[index] = original - eps
        below = loss()
        array[index] = original
        grad[index] = (above - below) / (2 * eps)
    return grad


def gradcheck(layer: Layer, x: np.ndarray, eps: float = 1e-6, seed: int = 0) -> dict[str, float]:
    """Largest |analytic - numerical| gradient for the input and each parameter of ``layer``.

    >>> from neuralens.engine.layers import Dense
    >>> errors = gradcheck(Dense(3, 2), np.ones((4, 3)))
    >>> sorted(errors), max(errors.values()) < 1e-8
    (['input', 'param0', 'param1'], True)
    """
    if x.dtype != np.float64:
        raise ValueError(f"gradcheck needs float64 input for precise differences, got {x.dtype}")
    x = x.copy()
    weights = make_rng(seed).normal(size=layer(x).shape)  # r: a random direction in the output

    def loss() -> float:
        return float(np.sum(layer(x) * weights))

    layer.zero_grad()  # gradients accumulate: start from zero
    layer(x)
    grad_x = layer.backward(weights)  # dL/dy = r
    analytic = {"input": grad_x} | {
        f"param{i}": p.grad.copy() for i, p in enumerate(layer.parameters())
    }
    numeric = {"input": numerical_gradient(loss, x, eps)} | {
        f"param{i}": numerical_gradient(loss, p.value, eps)
        for i, p in enumerate(layer.parameters())
    }
    return {name: float(np.max(np.abs(analytic[name] - numeric[name]))) for name in analytic}
