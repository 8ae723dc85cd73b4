"""The neuralens look lives on each figure: importing plots changes no global matplotlib
setting, and figures drawn in parallel threads (a class on one server) come out as alone."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

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


def cell_color(ax, text) -> np.ndarray:
    """The colour of the heat-map cell under a number written in it (the topmost image)."""
    image = ax.images[0]
    col, row = (round(v) for v in text.get_position())
    return image.to_rgba(image.get_array()[row, col])[:3]


@pytest.mark.parametrize(
    "draw",
    [
        lambda: plots.plot_kernel(np.array([[-1.0, -0.2], [0.2, 1.0]])),
        lambda: plots.plot_number_grid(np.array([[-3.0, 0.0], [1.0, 3.0]]), cmap="Greys"),
        lambda: plots.plot_number_grid(np.array([[-3.0, 0.0], [1.0, 3.0]]), cmap="viridis"),
        lambda: plots.plot_pixel_values(np.array([[30, 100], [150, 255]], dtype=np.uint8)),
        lambda: plots.plot_confusion(np.array([[900, 3], [1, 40]])),
    ],
    ids=["kernel", "grid-greys", "grid-viridis", "pixels", "confusion"],
)
def test_every_number_is_readable_on_its_cell(draw):
    """Old code: black numbers on the kernel's dark red/blue cells (contrast ~2:1), the
    grids' dark cells and the pixel values' mid-gray ones; each number now contrasts at
    least 4.5:1 (WCAG AA) with its cell, so both dark and light cells occur here."""
    ax = draw()
    texts = ax.texts
    assert texts, "the figure writes its numbers in the cells"
    backgrounds = [cell_color(ax, text) for text in texts]
    assert min(map(plots.style.relative_luminance, backgrounds)) < 0.1  # a dark cell
    assert max(map(plots.style.relative_luminance, backgrounds)) > 0.4  # a light cell
    for text, background in zip(texts, backgrounds, strict=True):
        ratio = plots.style.contrast_ratio(text.get_color(), background)
        assert ratio >= 4.5, f"{text.get_text()!r} {text.get_color()} on {background}: {ratio:.1f}"


def test_text_color_on_picks_light_on_dark_and_dark_on_light():
    assert plots.text_color_on("#08306b") == plots.style.LIGHT_TEXT  # Blues' darkest
    assert plots.text_color_on("#fdd0a2") == plots.style.DARK_TEXT  # a pale orange
    with pytest.raises(ValueError, match="must match"):
        ax = plots.new_axes()
        plots.write_in_cells(ax, ax.imshow(np.zeros((2, 2))), [["1"]])
