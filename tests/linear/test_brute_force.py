"""The brute-force grid over n parameters: its losses are the MSE, its size steps^n."""

from __future__ import annotations

import numpy as np
import pytest

from neuralens import linear


def test_grid_losses_are_the_mean_squared_error():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    W = rng.normal(size=(7, 4))
    expected = [np.mean((y - X @ w[:-1] - w[-1]) ** 2) for w in W]
    np.testing.assert_allclose(linear.grid_losses(X, y, W), expected, rtol=1e-10)


def test_cost_grows_as_steps_to_the_number_of_weights():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(40, 4)), rng.normal(size=40)
    cost = linear.brute_force_cost(X, y, steps_per_axis=100, num_cells=1000)
    assert cost.num_parameters == 5 and cost.cells == 100**5  # exact, not rounded
    assert cost.cells_per_second > 0
    assert cost.seconds == pytest.approx(cost.cells / cost.cells_per_second)
    with pytest.raises(ValueError, match="steps_per_axis"):
        linear.brute_force_cost(X, y, steps_per_axis=1)
