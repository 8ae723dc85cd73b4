"""Gradient descent on the mean squared error: "follow the slope" downhill.

With many features the grid of the landscape explodes (n^D cells), so instead we
stand somewhere and step against the gradient:

    L(w)      = mean(e_i^2),  e_i = y_i - (x_i . w + w0)
    dL/dw_j   = -2/N * sum_i e_i x_ij
    dL/dw0    = -2/N * sum_i e_i
    w        <- w - lr * dL/dw

The MSE is a quadratic with Hessian H = 2/N * D^T D (D: the features with a column of
1s), so a step is stable only for lr < 2 / L with L the largest eigenvalue of H
(:func:`stability_limit`); above it every step overshoots further and descent diverges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuralens.history import History
from neuralens.linear.inputs import as_matrix, as_vector, as_xy, positive

STATUSES = ("converged", "max_steps", "diverged")
DIVERGED_FACTOR = 1e8  # a loss this many times the starting loss counts as diverged


@dataclass(frozen=True)
class DescentConfig:
    """How to descend: step size, when to stop, where to start."""

    lr: float = 0.1  # learning rate; stable below stability_limit(X)
    max_steps: int = 1000  # give up after this many steps (status "max_steps")
    tol: float = 1e-12  # converged once a step changes the loss by less than tol * loss
    seed: int = 0  # picks the random start when none is given

    def __post_init__(self) -> None:
        check_config(self)  # a bad value fails where the config is made (the CLI's flags)


def check_config(config: DescentConfig) -> float:
    """Raise a ValueError naming the first bad setting; return the learning rate."""
    lr = positive(config.lr, "lr")
    if int(config.max_steps) != config.max_steps or config.max_steps < 1:
        raise ValueError(f"max_steps must be an integer >= 1; got {config.max_steps}")
    if config.tol < 0 or not np.isfinite(config.tol):
        raise ValueError(f"tol must be a finite number >= 0; got {config.tol}")
    return lr


@dataclass(frozen=True)
class DescentResult:
    """The whole trajectory of one descent, and how it ended."""

    weights: np.ndarray  # (num_steps + 1, D + 1): the start, then w after each step; w0 last
    losses: np.ndarray  # (num_steps + 1,) MSE at each row of ``weights``
    gradients: np.ndarray  # (num_steps + 1, D + 1) dL/dw at each row of ``weights``
    history: History  # step, loss, grad_norm, w1..wD, w0 per row
    status: str  # converged / max_steps / diverged
    num_steps: int
    lr: float

    @property
    def final_weights(self) -> np.ndarray:
        """The last finite weights (w_1..w_D, w0)."""
        return self.weights[-1]

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])


def design_matrix(X: np.ndarray) -> np.ndarray:
    """(N, D) features -> (N, D + 1) with a column of 1s, so w0 is one more weight."""
    return np.column_stack([X, np.ones(len(X))])


def mse_and_gradient(D: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, np.ndarray]:
    """L(w) and dL/dw for the design matrix D (N, D + 1).

    >>> D = design_matrix(np.array([[0.0], [1.0]]))
    >>> loss, grad = mse_and_gradient(D, np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    >>> loss, grad.tolist()
    (5.0, [-3.0, -4.0])
    """
    e = y - D @ w  # (N,) errors e_i
    return float(e @ e / len(y)), -2.0 / len(y) * (D.T @ e)  # dL/dw = -2/N D^T e


def stability_limit(X: np.ndarray) -> float:
    """2 / L: learning rates above it make descent on the MSE diverge.

    >>> round(stability_limit(np.array([-1.0, 1.0])), 12)  # H = 2 I, L = 2
    1.0
    """
    D = design_matrix(as_matrix(X, "X"))
    hessian = 2.0 / len(D) * D.T @ D
    return 2.0 / float(np.linalg.eigvalsh(hessian)[-1])


def start_point(num_weights: int, start, seed: int) -> np.ndarray:
    """The given start as a float vector, or a random one (standard normal, from ``seed``)."""
    if start is None:
        return np.random.default_rng(seed).standard_normal(num_weights)
    start = as_vector(start, "start")
    if start.size != num_weights:
        raise ValueError(f"start needs {num_weights} weights (w1..wD, w0); got {start.size}")
    return start


def log_row(history: History, step: int, loss: float, grad: np.ndarray, w: np.ndarray) -> None:
    slopes = {f"w{j + 1}": value for j, value in enumerate(w[:-1])}
    history.log(step=step, loss=loss, grad_norm=float(np.linalg.norm(grad)), **slopes, w0=w[-1])


def gradient_descent(
    X: np.ndarray,
    y: np.ndarray,
    config: DescentConfig | None = None,
    start: np.ndarray | None = None,
) -> DescentResult:
    """Descend the MSE of a linear model from ``start`` (random when None).

    Stops when a step changes the loss by less than ``tol * loss`` ("converged"),
    after ``max_steps`` ("max_steps"), or when the loss blows up ("diverged"; the
    trajectory then ends at the last finite step, never with NaN).

    >>> x = np.array([-1.0, 1.0]); y = np.array([1.0, 3.0])
    >>> result = gradient_descent(x, y, DescentConfig(lr=0.25), start=[0.0, 0.0])
    >>> result.status, result.final_weights.round(6).tolist()
    ('converged', [1.0, 2.0])
    """
    config = config or DescentConfig()
    X, y = as_xy(X, y)
    lr = check_config(config)
    D = design_matrix(X)
    w = start_point(D.shape[1], start, config.seed)
    loss, grad = mse_and_gradient(D, y, w)
    weights, losses, gradients, history = [w], [loss], [grad], History()
    log_row(history, 0, loss, grad, w)
    status = "max_steps"
    for step in range(1, int(config.max_steps) + 1):
        new_w = w - lr * grad  # the update: w <- w - lr * dL/dw
        new_loss, new_grad = mse_and_gradient(D, y, new_w)
        if not np.isfinite(new_loss) or new_loss > DIVERGED_FACTOR * max(losses[0], 1e-300):
            status = "diverged"
            break
        change = abs(loss - new_loss)
        w, loss, grad = new_w, new_loss, new_grad
        weights.append(w), losses.append(loss), gradients.append(grad)
        log_row(history, step, loss, grad, w)
        if change <= config.tol * loss:
            status = "converged"
            break
    return DescentResult(np.array(weights), np.array(losses), np.array(gradients), history,
                         status, len(weights) - 1, lr)  # fmt: skip


def steps_to_reach(result: DescentResult, target_loss: float, rtol: float) -> int | None:
    """First step whose loss is within ``rtol`` (relative) of ``target_loss``; None if never."""
    hits = np.flatnonzero(result.losses <= target_loss * (1 + rtol))
    return int(hits[0]) if hits.size else None
