"""The line, its errors and losses, and the closed-form fit against numpy and scikit-learn."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from neuralens.data import WINE_COLUMNS, load_wine
from neuralens.linear import (
    errors,
    fit_line,
    least_squares,
    line_loss,
    mean_absolute_error,
    mean_squared_error,
    signed_mean_error,
)


def test_importing_linear_loads_neither_torch_nor_matplotlib():
    code = ("import sys, neuralens.linear; "
            "print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"


def test_closed_form_equals_polyfit_on_red_wine(wine):
    x, y = wine
    fit = fit_line(x, y)
    slope, intercept = np.polyfit(x, y, 1)
    assert fit.w1 == pytest.approx(slope, rel=1e-9)
    assert fit.w0 == pytest.approx(intercept, rel=1e-9)
    assert fit.mse == pytest.approx(np.mean((y - slope * x - intercept) ** 2), rel=1e-9)


def test_signed_error_cancels_so_a_flat_line_scores_zero(wine):
    x, y = wine
    flat = errors(x, y, 0.0, y.mean())  # ignores density entirely
    fit = fit_line(x, y)
    assert signed_mean_error(flat) == pytest.approx(0.0, abs=1e-12)
    assert abs(signed_mean_error(errors(x, y, fit.w1, fit.w0))) < 1e-9  # also ~0: no ranking
    assert mean_squared_error(flat) > 1.5 * fit.mse  # the squared loss tells them apart
    assert mean_absolute_error(flat) > mean_absolute_error(errors(x, y, fit.w1, fit.w0))
    assert line_loss(x, y, fit.w1, fit.w0, "squared") == pytest.approx(fit.mse)


def test_least_squares_on_eleven_features_equals_sklearn(wine):
    frame = load_wine("red")
    features = [name for name in WINE_COLUMNS if name != "fixed acidity"]
    assert len(features) == 11
    X, y = frame[features].to_numpy(), frame["fixed acidity"].to_numpy()
    reference = LinearRegression().fit(X, y)
    weights = least_squares(X, y)
    np.testing.assert_allclose(weights[:-1], reference.coef_, rtol=1e-9)
    assert weights[-1] == pytest.approx(reference.intercept_, rel=1e-9)


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1.0, np.nan, 2.0], [1.0, 2.0, 3.0], "x holds 1 non-finite"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], "y holds 1 non-finite"),
        ([], [], "x is empty"),
        ([1.0, 2.0], [1.0, 2.0, 3.0], "x has 2 values but y has 3"),
        ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0], "two different values"),
    ],
)
def test_fit_line_rejects_bad_input_by_name(x, y, message):
    with pytest.raises(ValueError, match=message):
        fit_line(np.array(x), np.array(y))


def test_unknown_loss_names_the_choices():
    with pytest.raises(ValueError, match="signed, absolute, squared"):
        line_loss(np.array([1.0, 2.0]), np.array([1.0, 2.0]), 1.0, 0.0, "cubic")
