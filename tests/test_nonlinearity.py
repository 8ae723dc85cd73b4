"""The with/without non-linearity comparison: one History per activation, per epoch."""

from __future__ import annotations

from neuralens.data import load_mnist
from neuralens.nonlinearity import NonlinearityConfig, compare_activations


def test_each_activation_logs_test_accuracy_every_epoch():
    X, y = load_mnist("train")
    X_test, y_test = load_mnist("test")
    config = NonlinearityConfig(hidden_sizes=(16,), num_epochs=2, batch_size=100)
    seen = []
    runs = compare_activations(X[:600], y[:600], X_test[:300], y_test[:300], config,
                               on_step=lambda name, live: seen.append(name))  # fmt: skip
    assert list(runs) == ["relu", "none"]
    for history in runs.values():
        assert history["epoch"].tolist() == [1.0, 2.0]
        assert ((history["test_accuracy"] > 0.2) & (history["test_accuracy"] <= 1)).all()
    assert set(seen) == {"relu", "none"}
