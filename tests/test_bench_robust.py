"""bench robust without training: the shipped models on digits MNIST never saw."""

from __future__ import annotations

from neuralens.bench import run_benchmark


def test_shipped_models_are_scored_on_both_sets(full_data_dir):
    """Old code: the bundled 2,000 test digits even where the full 10,000 were there."""
    result = run_benchmark("robust", per_class=5, models="cnn", train=False)
    assert result["font_digits"] == 50
    assert result["mnist_test"] == 10_000 and result["mnist_test_size"] == "full"
    shipped = result["shipped"]["cnn"]
    assert shipped["mnist_test"] > 0.95 and shipped["font_digits"] > 0.6
