"""The brute-force landscape: vectorised equals the loop, and its best cell finds the minimum."""

from __future__ import annotations

import numpy as np
import pytest

from neuralens.bench.landscape import python_loop_landscape
from neuralens.linear import Standardizer, default_ranges, fit_line, loss_landscape
from neuralens.linear.landscape import broadcast_grid


def test_vectorised_grid_equals_a_python_loop_over_cells(wine):
    x, y = wine
    land = loss_landscape(x, y, (0.0, 1500.0), (-1400.0, 100.0), n=9)
    np.testing.assert_allclose(land.loss, python_loop_landscape(x, y, land.w1, land.w0),
                               rtol=1e-9)  # fmt: skip


@pytest.mark.parametrize("loss", ["signed", "absolute", "squared"])
def test_every_loss_equals_broadcasting_the_errors(wine, loss):
    x, y = wine
    land = loss_landscape(x, y, (500.0, 700.0), (-700.0, -500.0), n=7, loss=loss)
    W1, W0 = np.meshgrid(land.w1, land.w0)
    np.testing.assert_allclose(land.loss, broadcast_grid(x, y, W1, W0, loss), rtol=1e-9,
                               atol=1e-12)  # fmt: skip


def test_best_cell_is_within_one_grid_step_on_the_default_window(wine):
    x, y = wine
    fit = fit_line(x, y)
    land = loss_landscape(x, y, *default_ranges(x, y), n=256)
    best_w1, best_w0, best_loss = land.best
    assert abs(best_w1 - fit.w1) <= land.step[0] and abs(best_w0 - fit.w0) <= land.step[1]
    assert best_loss >= fit.mse


@pytest.mark.parametrize("n", [16, 33, 101, 256])
def test_best_cell_is_within_one_grid_step_on_any_window_of_the_bowl(wine, n):
    x, y = wine
    z = Standardizer.fit(x).transform(x)[:, 0]
    fit = fit_line(z, y)
    land = loss_landscape(z, y, (fit.w1 - 3.1, fit.w1 + 7.7), (fit.w0 - 9.3, fit.w0 + 2.2), n=n)
    best_w1, best_w0, _ = land.best
    assert abs(best_w1 - fit.w1) <= land.step[0] and abs(best_w0 - fit.w0) <= land.step[1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1}, "n .* must be an integer >= 2"),
        ({"n": 2.5}, "n .* must be an integer >= 2"),
        ({"w1_range": (1.0, 1.0)}, "w1_range must be"),
        ({"w0_range": (0.0, np.nan)}, "w0_range must be"),
        ({"loss": "cubic"}, "unknown loss"),
    ],
)
def test_bad_grid_arguments_are_named(wine, kwargs, message):
    x, y = wine
    arguments = {"w1_range": (0.0, 1.0), "w0_range": (0.0, 1.0), "n": 5, **kwargs}
    with pytest.raises(ValueError, match=message):
        loss_landscape(x, y, **arguments)


def test_non_finite_data_is_rejected_not_mapped():
    with pytest.raises(ValueError, match="x holds 1 non-finite"):
        loss_landscape(np.array([1.0, np.inf]), np.array([1.0, 2.0]), (0, 1), (0, 1), n=3)
