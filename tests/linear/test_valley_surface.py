"""The loss surface sampled along its valley: the drawn surface matches the loss, where a
square grid of the same size draws the narrow valley as a saw of spikes."""

from __future__ import annotations

import numpy as np
import pytest

from neuralens import data, linear
from neuralens.linear.landscape import squared_grid


@pytest.fixture(scope="module")
def wine() -> tuple[np.ndarray, np.ndarray]:
    X, y = data.select_columns(data.load_wine("red"), "density", "fixed acidity")
    return X[:, 0], y


def worst_error_on_the_floor(x, y, W1, W0, loss) -> float:
    """A drawn surface fills each grid cell from its 4 corners: at the cells' centres near the
    valley floor, how far (relative) is that from the true loss?"""

    def centres(grid):
        return (grid[:-1, :-1] + grid[1:, :-1] + grid[:-1, 1:] + grid[1:, 1:]) / 4

    true = squared_grid(x, y, centres(W1), centres(W0))
    floor = true < 2 * loss.min()
    return float(np.max(np.abs(centres(loss)[floor] - true[floor]) / true[floor]))


def test_valley_surface_draws_the_loss_where_a_square_grid_saws(wine):
    x, y = wine
    w1_range, (w0_low, w0_high) = linear.default_ranges(x, y)
    surface = linear.valley_surface(x, y, w1_range, (w0_high - w0_low) / 2, n=61)
    assert worst_error_on_the_floor(x, y, surface.w1, surface.w0, surface.loss) < 0.1
    land = linear.loss_landscape(x, y, w1_range, (w0_low, w0_high), n=61)
    W1, W0 = np.meshgrid(land.w1, land.w0)
    assert worst_error_on_the_floor(x, y, W1, W0, land.loss) > 10  # spikes along the valley


def test_floor_row_is_the_valley_floor_and_the_best_point_is_honest(wine):
    x, y = wine
    w1_range, (w0_low, w0_high) = linear.default_ranges(x, y)
    surface = linear.valley_surface(x, y, w1_range, (w0_high - w0_low) / 2, n=61)
    exact = [linear.line_loss(x, y, w1, y.mean() - w1 * x.mean()) for w1 in surface.w1[30]]
    np.testing.assert_allclose(surface.loss[30], exact, rtol=1e-9)  # t = 0: the best w0
    fit = linear.fit_line(x, y)
    best_w1, _, best_loss = surface.best
    assert best_loss == pytest.approx(fit.mse, rel=1e-6)
    assert abs(best_w1 - fit.w1) <= np.diff(surface.w1[30]).max()  # within one column


def test_bad_grid_size_is_refused(wine):
    with pytest.raises(ValueError, match="odd integer"):
        linear.valley_surface(*wine, (0.0, 1.0), 1.0, n=60)
