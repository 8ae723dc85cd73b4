"""Curves of a History: loss and accuracy per step, whatever trained the model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from neuralens.history import History
from neuralens.plots.style import new_axes


def plot_history(
    history: History,
    keys: Sequence[str] = ("loss",),
    x: str = "step",
    ax: Axes | None = None,
    logy: bool = False,
) -> Axes:
    """One line per logged name in ``keys`` against ``x`` (rows lacking a value are skipped)."""
    ax = new_axes(ax)
    xs = history[x] if x in history else np.arange(len(history), dtype=float)
    for key in keys:
        ys = history[key]
        keep = np.isfinite(ys)
        ax.plot(xs[keep], ys[keep], label=key, marker="o" if keep.sum() < 30 else None, ms=3)
    ax.set_xlabel(x)
    if logy:
        ax.set_yscale("log")
    if len(keys) > 1:
        ax.legend()
    return ax
