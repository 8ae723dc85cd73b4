"""The with/without non-linearity comparison: one History per activation, per epoch, and
ReLU beats the linear network (averaged over seeds, by a margin)."""

from __future__ import annotations

import numpy as np

from neuralens.studies.nonlinearity import NonlinearityConfig, compare_activations


def xor_images(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """8x8 images with a bright top-left and/or bottom-right patch; class = exactly one of them.

    No straight boundary separates the classes (XOR): a linear network stays near 75 %
    at best, one hidden ReLU layer can reach 100 %.
    """
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 2, (2, count))
    images = rng.integers(0, 60, (count, 8, 8)).astype(np.uint8)  # dim noise
    images[a == 1, :4, :4] += 180
    images[b == 1, 4:, 4:] += 180
    return images, (a ^ b).astype(np.int64)


def test_relu_beats_the_linear_network_over_seeds():
    gaps, seen = [], []
    for seed in (0, 1, 2):
        X, y = xor_images(512, seed)
        X_test, y_test = xor_images(256, seed + 100)
        config = NonlinearityConfig(hidden_sizes=(16,), num_epochs=3, batch_size=32, lr=1e-2,
                                    seed=seed)  # fmt: skip
        runs = compare_activations(X, y, X_test, y_test, config,
                                   on_step=lambda name, live: seen.append(name))  # fmt: skip
        assert list(runs) == ["relu", "none"]
        for history in runs.values():
            assert history["epoch"].tolist() == [1.0, 2.0, 3.0]
        gaps.append(runs["relu"].last("eval_accuracy") - runs["none"].last("eval_accuracy"))
    assert set(seen) == {"relu", "none"}
    assert np.mean(gaps) > 0.15, gaps  # a ReLU that did nothing would leave a gap of ~0
