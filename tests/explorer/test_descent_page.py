"""The descent chapter's callbacks, without a browser: blank boxes are named; a diverged
descent keeps the surface, with its path clipped to the view."""

from __future__ import annotations

import numpy as np

from neuralens import linear
from neuralens.explorer import descent_page, many_features


def test_blank_learning_rate_is_named():
    updates = list(descent_page.descend(descent_page.MODES[0], None, 30, 1000.0, -900.0))
    assert "the learning rate needs a number between" in updates[-1][4]


def test_diverged_descent_keeps_the_surface_and_clips_its_path():
    x, y = descent_page.problem(descent_page.MODES[0])
    config = linear.DescentConfig(lr=1.0, max_steps=30)
    result = linear.gradient_descent(x, y, config, start=[1100.0, -900.0])
    assert result.status == "diverged"
    figure = descent_page.surface(descent_page.MODES[0], result)
    surface, path = figure.data
    low, high = figure.layout.scene.zaxis.range
    assert low == np.min(surface.z) and high == np.max(surface.z)  # the view is the surface's
    assert 1 <= len(path.x) < len(result.losses)  # the start is drawn, the blow-up is not
    assert np.all((np.asarray(path.z) >= low) & (np.asarray(path.z) <= high))


def test_many_features_fits_the_ticked_measurements_and_refuses_none():
    equation, table, cost = many_features.fit_features(["density", "alcohol"])
    assert "·density" in equation and "·alcohol" in equation and "·pH" not in equation
    np.testing.assert_allclose(table["gradient descent"], table["least squares"], rtol=1e-4)
    assert "100^3 = **1e+06 cells**" in cost
    assert "Tick at least one" in many_features.fit_features([])[2]
