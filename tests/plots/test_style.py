"""The neuralens look lives on each figure: importing plots changes no global matplotlib
setting, and figures drawn in parallel threads (a class on one server) come out as alone."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from neuralens import plots


def test_importing_plots_leaves_matplotlib_settings_and_backend_alone():
    """Old code: `matplotlib.use("Agg")` and `rcParams.update` at import."""
    probe = (
        "import matplotlib\n"
        "before = dict(matplotlib.rcParams)\n"
        "import neuralens.plots\n"
        "changed = {k for k, v in matplotlib.rcParams.items() if before[k] != v}\n"
        "print(sorted(changed))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env={**os.environ, "MPLBACKEND": "svg"})  # fmt: skip
    assert done.stdout.strip() == "[]"


def test_axes_get_the_look_and_plot_functions_may_change_it():
    ax = plots.new_axes()
    assert not ax.spines["top"].get_visible() and ax.spines["left"].get_visible()
    assert ax.xaxis.get_gridlines()[0].get_visible()
    left, right = plots.new_figure().subplots(1, 2)
    assert not right.spines["right"].get_visible()
    image = plots.plot_kernel(np.eye(3))
    assert not any(line.get_visible() for line in image.xaxis.get_gridlines())


def render(w1: float) -> np.ndarray:
    x = np.linspace(0, 1, 50)
    return plots.to_rgb(plots.plot_line_fit(x, 2 * x + 1, w1, 0.5, title=f"w1 = {w1}"))


def test_figures_drawn_in_parallel_threads_match_those_drawn_alone():
    slopes = [0.5 * k for k in range(8)]
    alone = [render(w1) for w1 in slopes]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(render, slopes * 3))
    for k, picture in enumerate(together):
        assert np.array_equal(picture, alone[k % len(slopes)])
