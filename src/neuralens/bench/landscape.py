"""How fast the loss landscape is mapped: 256 x 256 lines over the 1599 red wines.

Ours (``linear.loss_landscape``: the squared loss from five data sums) vs the same
grid by broadcasting every wine's error at every cell, vs the naive baseline: a
Python loop over cells, timed on a smaller grid and extrapolated per cell.
Goal: well under 50 ms on one core.
"""

from __future__ import annotations

import numpy as np

from neuralens.bench.timing import best_time
from neuralens.data.wine import load_wine
from neuralens.linear.landscape import broadcast_grid, default_ranges, loss_landscape


def python_loop_landscape(x, y, w1_values, w0_values) -> np.ndarray:
    """The baseline: one cell at a time, as a first attempt would write it."""
    loss = np.empty((len(w0_values), len(w1_values)))
    for row, w0 in enumerate(w0_values):
        for col, w1 in enumerate(w1_values):
            loss[row, col] = np.mean((y - (w1 * x + w0)) ** 2)
    return loss


def run(n: int = 256, loop_n: int = 48, repeats: int = 5) -> dict:
    wine = load_wine("red")
    x, y = wine["density"].to_numpy(), wine["fixed acidity"].to_numpy()
    w1_range, w0_range = default_ranges(x, y)
    ours = best_time(lambda: loss_landscape(x, y, w1_range, w0_range, n), repeats=repeats)
    W1, W0 = np.meshgrid(np.linspace(*w1_range, n), np.linspace(*w0_range, n))
    broadcast = best_time(lambda: broadcast_grid(x, y, W1, W0, "squared"), repeats=1, warmup=0)
    small_w1, small_w0 = np.linspace(*w1_range, loop_n), np.linspace(*w0_range, loop_n)
    loop = best_time(lambda: python_loop_landscape(x, y, small_w1, small_w0), repeats=1, warmup=0)
    loop_per_cell = loop / loop_n**2
    return {
        "grid": n, "wines": int(x.size), "goal_ms": 50.0,
        "vectorised_ms": ours * 1e3,
        "broadcast_ms": broadcast * 1e3,
        "python_loop_grid": loop_n, "python_loop_ms": loop * 1e3,
        "python_loop_extrapolated_ms": loop_per_cell * n**2 * 1e3,
        "speedup_vs_python_loop": loop_per_cell * n**2 / ours,
        "speedup_vs_broadcast": broadcast / ours,
    }  # fmt: skip
