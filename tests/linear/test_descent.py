"""Gradient descent against the closed form, torch autograd, and its stability limit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from neuralens.data import WINE_COLUMNS, load_wine
from neuralens.history import History
from neuralens.linear import (
    DescentConfig,
    Standardizer,
    fit_line,
    gradient_descent,
    least_squares,
    many_features,
    raw_and_standardized,
    stability_limit,
    steps_to_reach,
)
from neuralens.linear.autograd import autograd_trajectory


def test_standardised_descent_reaches_the_closed_form_far_sooner_than_raw(wine):
    x, y = wine
    target = fit_line(x, y).mse
    standardizer = Standardizer.fit(x)
    config = DescentConfig(lr=0.1, max_steps=2000, seed=3)  # random start from seed 3
    standardized = gradient_descent(standardizer.transform(x), y, config)
    assert standardized.status == "converged"
    assert standardized.final_loss == pytest.approx(target, rel=1e-6)
    std_steps = steps_to_reach(standardized, target, 1e-6)
    raw = gradient_descent(x, y, config, start=standardizer.weights_to_raw(standardized.weights[0]))
    raw_steps = steps_to_reach(raw, target, 1e-6)
    # raw never gets there within max_steps: its true count is above max_steps
    raw_steps_lower_bound = raw.num_steps + 1 if raw_steps is None else raw_steps
    assert raw_steps_lower_bound / std_steps >= 10
    line = standardizer.weights_to_raw(standardized.final_weights)
    fit = fit_line(x, y)
    np.testing.assert_allclose(line, [fit.w1, fit.w0], rtol=1e-5)


def test_the_comparison_shows_valley_vs_bowl(wine):
    runs = raw_and_standardized(*wine, DescentConfig(lr=0.1, max_steps=500), n=11)
    assert runs["raw"][1].status == "max_steps"
    assert runs["standardized"][1].status == "converged"


def test_result_carries_trajectory_history_and_status(wine):
    x, y = wine
    z = Standardizer.fit(x).transform(x)
    result = gradient_descent(z, y, DescentConfig(lr=0.1, max_steps=5))
    assert result.status == "max_steps" and result.num_steps == 5
    assert result.weights.shape == (6, 2) and result.losses.shape == (6,)
    assert isinstance(result.history, History) and len(result.history) == 6
    np.testing.assert_array_equal(result.history["w1"], result.weights[:, 0])
    np.testing.assert_array_equal(result.history["loss"], result.losses)
    assert np.all(np.diff(result.losses) < 0)
    # each row is the previous minus lr times the previous gradient
    np.testing.assert_allclose(
        result.weights[1:], result.weights[:-1] - 0.1 * result.gradients[:-1]
    )


def test_above_the_stability_limit_descent_is_reported_as_diverged(wine):
    x, y = wine
    z = Standardizer.fit(x).transform(x)
    limit = stability_limit(z)
    assert limit == pytest.approx(1.0)  # H = 2 I on a standardised feature
    diverged = gradient_descent(z, y, DescentConfig(lr=1.05 * limit, max_steps=5000))
    assert diverged.status == "diverged"
    assert np.all(np.isfinite(diverged.weights)) and np.all(np.isfinite(diverged.losses))
    assert diverged.losses[-1] > diverged.losses[0]
    stable = gradient_descent(z, y, DescentConfig(lr=0.95 * limit, max_steps=5000))
    assert stable.status == "converged"
    raw = gradient_descent(x, y, DescentConfig(lr=1.01 * stability_limit(x), max_steps=5000))
    assert raw.status == "diverged" and np.all(np.isfinite(raw.losses))


@pytest.mark.parametrize("standardize", [True, False])
def test_autograd_gives_the_same_trajectory_in_float64(wine, standardize):
    x, y = wine
    features = Standardizer.fit(x).transform(x) if standardize else x
    ours = gradient_descent(
        features, y, DescentConfig(lr=0.1, max_steps=40, tol=0), start=[3.0, -2.0]
    )
    weights, losses = autograd_trajectory(features, y, [3.0, -2.0], lr=0.1, num_steps=40)
    np.testing.assert_allclose(ours.weights, weights, rtol=1e-10, atol=0)
    np.testing.assert_allclose(ours.losses, losses, rtol=1e-10, atol=0)


def test_eleven_features_descend_to_lstsq_and_sklearn():
    frame = load_wine("red")
    features = [name for name in WINE_COLUMNS if name != "fixed acidity"]
    X, y = frame[features].to_numpy(), frame["fixed acidity"].to_numpy()
    fit = many_features(X, y)
    assert fit.descent.status == "converged"
    np.testing.assert_allclose(fit.weights, least_squares(X, y), rtol=1e-6)
    reference = LinearRegression().fit(X, y)
    np.testing.assert_allclose(fit.weights, [*reference.coef_, reference.intercept_], rtol=1e-6)
    assert fit.largest_relative_difference < 1e-6


@pytest.mark.parametrize(
    ("config", "start", "message"),
    [
        ({"lr": 0.0}, None, "lr must be a finite number > 0"),
        ({"lr": -0.1}, None, "lr must be a finite number > 0"),
        ({"lr": float("nan")}, None, "lr must be a finite number > 0"),
        ({"max_steps": 0}, None, "max_steps must be an integer >= 1"),
        ({"tol": -1.0}, None, "tol must be"),
        ({}, [1.0], "start needs 2 weights"),
        ({}, [1.0, np.nan], "start holds 1 non-finite"),
    ],
)
def test_bad_descent_arguments_are_named(config, start, message):
    with pytest.raises(ValueError, match=message):  # the config itself refuses bad values
        config = DescentConfig(**config)
        gradient_descent(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]), config, start)


def test_bad_data_is_named():
    with pytest.raises(ValueError, match="X holds a non-finite value .* row 1, column 0"):
        gradient_descent(np.array([1.0, np.nan]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="X has 2 rows but y has 3"):
        gradient_descent(np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="lr must be"):
        autograd_trajectory([1.0, 2.0], [1.0, 2.0], [0.0, 0.0], lr=0.0, num_steps=1)


def test_standardizer_round_trips_weights_and_rejects_constant_columns():
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 3.0, size=(50, 3))
    standardizer = Standardizer.fit(X)
    weights = rng.normal(size=4)
    np.testing.assert_allclose(standardizer.weights_from_raw(standardizer.weights_to_raw(weights)),
                               weights)  # fmt: skip
    raw = standardizer.weights_to_raw(weights)  # the same predictions in raw units
    np.testing.assert_allclose(X @ raw[:-1] + raw[-1],
                               standardizer.transform(X) @ weights[:-1] + weights[-1])  # fmt: skip
    with pytest.raises(ValueError, match="column 1 is constant"):
        Standardizer.fit(np.column_stack([X[:, 0], np.ones(50)]))
