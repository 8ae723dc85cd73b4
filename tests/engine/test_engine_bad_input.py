"""Bad input stops with a ValueError that names the shapes, never a silent broadcast."""

from __future__ import annotations

import numpy as np
import pytest

from neuralens import engine

X = np.zeros((2, 3, 8, 8))
W = np.zeros((4, 3, 3, 3))


@pytest.mark.parametrize("call, message", [
    (lambda: engine.conv2d(X, np.zeros((4, 2, 3, 3))), r"3 channels.*\(2, 3, 8, 8\).*\(4, 2, 3"),
    (lambda: engine.conv2d(X, np.zeros((4, 3, 9, 9))), r"kernel 9x9 is larger.*\(2, 3, 8, 8\)"),
    (lambda: engine.conv2d(X, np.zeros((4, 3, 11, 11)), padding=1), r"padded by 1 \(10x10\)"),
    (lambda: engine.conv2d(X, W, stride=0), "stride must be a whole number >= 1, got 0"),
    (lambda: engine.conv2d(X, W, stride=1.5), "stride must be a whole number >= 1, got 1.5"),
    (lambda: engine.conv2d(X, W, padding=-1), "padding must be"),
    (lambda: engine.conv2d(X, W, np.zeros(3)), r"bias must have shape \(4,\)"),
    (lambda: engine.conv2d(X.astype(np.uint8), W), r"floating-point.*uint8.*\(2, 3, 8, 8\)"),
    (lambda: engine.conv2d(X[0], W), r"4 axes \(N, C, H, W\), got shape \(3, 8, 8\)"),
    (lambda: engine.conv2d_naive(X, np.zeros((4, 2, 3, 3))), "channels"),
    (lambda: engine.max_pool2d(X, 9), r"kernel 9x9 is larger than the input \(2, 3, 8, 8\)"),
    (lambda: engine.avg_pool2d(X, 2, stride=0), "stride must be"),
    (lambda: engine.max_pool2d(X, 2.0), "kernel_size must be a whole number"),
    (lambda: engine.max_pool2d(X[0], 2), r"got shape \(3, 8, 8\)"),
    (lambda: engine.linear(np.zeros((2, 5)), np.zeros((3, 4))), r"\(2, 5\).*\(3, 4\)"),
    (lambda: engine.cross_entropy(np.zeros((2, 3)), np.array([0, 3])), "0..2"),
    (lambda: engine.cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])), "integer class"),
    (lambda: engine.mse(np.zeros(3), np.zeros((3, 1))), r"\(3,\) and \(3, 1\)"),
    (lambda: engine.Conv2d(3, 4, 3)(np.zeros((1, 2, 5, 5))), "channels"),
    (lambda: engine.conv2d_backward(np.zeros((2, 4, 5, 5)), X, W), r"\(2, 4, 6, 6\), got"),
    (lambda: engine.conv2d_backward(np.zeros((2, 4, 6, 6)), X, W, cols=[X, X]),
     r"cols must be the 1 blocks conv2d_forward returned for x \(2, 3, 8, 8\), got 2"),
])  # fmt: skip
def test_bad_input_is_a_value_error_naming_the_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()
