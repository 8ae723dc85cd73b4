"""The whole of lecture part 1 on one (x, y) pair: closed form, landscape, descents.

One call gives what the CLI prints, the lesson walks through and the figures draw:
the best line, the grid's best cell, gradient descent raw vs standardised, and a
learning-rate sweep from too small to diverging.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from neuralens.linear.closed_form import LineFit, fit_line, least_squares
from neuralens.linear.descent import (
    DescentConfig,
    DescentResult,
    gradient_descent,
    stability_limit,
)
from neuralens.linear.inputs import as_vector
from neuralens.linear.landscape import Landscape, default_ranges, loss_landscape
from neuralens.linear.standardize import Standardizer

# learning rates of the sweep, as fractions of the stability limit 2 / L
SWEEP_FRACTIONS = {"too small": 0.01, "good": 0.5, "too large": 1.05}


@dataclass(frozen=True)
class LineStudy:
    """Everything computed about fitting a line through (x, y)."""

    x: np.ndarray  # (N,)
    y: np.ndarray  # (N,)
    fit: LineFit  # closed form, raw units
    landscape: Landscape  # squared loss around the fit, raw units
    descent: DescentResult  # the requested descent, in its own coordinates
    standardizer: Standardizer | None  # set when the descent ran on standardised x

    @property
    def descent_line(self) -> tuple[float, float]:
        """(w1, w0) where descent ended, carried back to raw units."""
        w = self.descent.final_weights
        if self.standardizer is not None:
            w = self.standardizer.weights_to_raw(w)
        return float(w[0]), float(w[1])

    def to_dict(self) -> dict:
        """JSON-ready summary (the CLI's ``--json``)."""
        best_w1, best_w0, best_mse = self.landscape.best
        gd_w1, gd_w0 = self.descent_line
        return {
            "samples": int(self.x.size),
            "w1": self.fit.w1,
            "w0": self.fit.w0,
            "mse": self.fit.mse,
            "grid_best": {
                "w1": best_w1,
                "w0": best_w0,
                "mse": best_mse,
                "n": int(self.landscape.w1.size),
                "step_w1": self.landscape.step[0],
                "step_w0": self.landscape.step[1],
            },
            "gd": {
                "w1": gd_w1,
                "w0": gd_w0,
                "mse": self.descent.final_loss,
                "steps": self.descent.num_steps,
                "status": self.descent.status,
                "lr": self.descent.lr,
                "standardize": self.standardizer is not None,
            },
        }


def study_line(
    x: np.ndarray,
    y: np.ndarray,
    config: DescentConfig | None = None,
    standardize: bool = True,
    n: int = 256,
) -> LineStudy:
    """Fit (x, y) in closed form, map the n x n landscape, descend from a random start."""
    x, y = as_vector(x, "x"), as_vector(y, "y")
    fit = fit_line(x, y)
    landscape = loss_landscape(x, y, *default_ranges(x, y), n=n)
    standardizer = Standardizer.fit(x) if standardize else None
    features = standardizer.transform(x) if standardizer else x[:, None]
    descent = gradient_descent(features, y, config or DescentConfig())
    return LineStudy(x, y, fit, landscape, descent, standardizer)


# where the comparison starts, as fractions of the window's half widths from its centre:
# on raw density, along the valley (w0 falls as w1 grows) and a little up its wall
START_FRACTIONS = (0.8, -0.5)


def window_point(x: np.ndarray, y: np.ndarray, fractions=START_FRACTIONS) -> np.ndarray:
    """(w1, w0) at ``fractions`` of the half widths of ``default_ranges`` from its centre."""
    (w1_low, w1_high), (w0_low, w0_high) = default_ranges(x, y)
    centre = np.array([(w1_low + w1_high) / 2, (w0_low + w0_high) / 2])
    half = np.array([w1_high - w1_low, w0_high - w0_low]) / 2
    return centre + np.asarray(fractions) * half


def raw_and_standardized(
    x: np.ndarray, y: np.ndarray, config: DescentConfig, n: int = 101
) -> dict[str, tuple[Landscape, DescentResult]]:
    """The same descent (same lr, a start at the same place in each window) on raw and on
    standardised x, each with its landscape: the narrow valley vs the round bowl."""
    x, y = as_vector(x, "x"), as_vector(y, "y")
    z = Standardizer.fit(x).transform(x)[:, 0]
    return {
        name: (loss_landscape(feature, y, *default_ranges(feature, y), n=n),
               gradient_descent(feature, y, config, start=window_point(feature, y)))
        for name, feature in (("raw", x), ("standardized", z))
    }  # fmt: skip


def learning_rate_sweep(
    X: np.ndarray, y: np.ndarray, config: DescentConfig, start=None
) -> dict[str, DescentResult]:
    """Descents at fractions of the stability limit 2 / L: crawling, good, diverging."""
    limit = stability_limit(X)
    return {
        f"{name}: lr = {fraction:g} x 2/L": gradient_descent(
            X, y, replace(config, lr=fraction * limit), start=start
        )
        for name, fraction in SWEEP_FRACTIONS.items()
    }


@dataclass(frozen=True)
class ManyFeatures:
    """Gradient descent on several features next to the exact least-squares answer."""

    weights: np.ndarray  # (D + 1,) where descent ended, raw units, intercept last
    exact: np.ndarray  # (D + 1,) numpy lstsq on the raw features
    descent: DescentResult  # on standardised features

    @property
    def largest_relative_difference(self) -> float:
        return float(np.max(np.abs(self.weights - self.exact) / np.abs(self.exact)))


def many_features(X: np.ndarray, y: np.ndarray, max_steps: int = 20_000) -> ManyFeatures:
    """Descend on standardised X (lr = 0.9 x 2/L) until a step no longer changes the loss
    (tol = 0), carry the weights back to raw units, and set them beside lstsq."""
    standardizer = Standardizer.fit(X)
    Z = standardizer.transform(X)
    config = DescentConfig(lr=0.9 * stability_limit(Z), max_steps=max_steps, tol=0.0)
    result = gradient_descent(Z, y, config)
    return ManyFeatures(standardizer.weights_to_raw(result.final_weights), least_squares(X, y),
                        result)  # fmt: skip
