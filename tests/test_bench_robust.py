"""bench robust without training: the shipped models on digits MNIST never saw."""

from __future__ import annotations

from neuralens.bench import run_benchmark


def test_shipped_models_are_scored_on_both_sets():
    result = run_benchmark("robust", per_class=5, models="cnn", train=False)
    assert result["font_digits"] == 50
    shipped = result["shipped"]["cnn"]
    assert shipped["mnist_test"] > 0.95 and shipped["font_digits"] > 0.6
