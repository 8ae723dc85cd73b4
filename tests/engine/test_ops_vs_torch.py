"""Every engine op against PyTorch in float64: forward values and every gradient within 1e-8.

torch is used only here, as the independent reference (DESIGN.md convention 2).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from neuralens import engine
from neuralens.engine import activations, convolution, dense, losses, pooling

TOLERANCE = 1e-8
FEW = settings(deadline=None, max_examples=25)


def as_torch(array: np.ndarray) -> torch.Tensor:
    return torch.tensor(array, dtype=torch.float64, requires_grad=True)


def close(ours: np.ndarray, theirs: torch.Tensor) -> None:
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=0, atol=TOLERANCE)


@st.composite
def conv_cases(draw):
    """Random batch, channels, filters, kernel, stride, padding; the window always fits."""
    kernel = draw(st.integers(1, 4))
    padding = draw(st.integers(0, 2))
    stride = draw(st.integers(1, 3))
    height = draw(st.integers(max(1, kernel - 2 * padding), 9))
    width = draw(st.integers(max(1, kernel - 2 * padding), 9))
    shapes = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 4)))
    return shapes, (height, width), kernel, stride, padding, draw(st.integers(0, 2**16))


@FEW
@given(conv_cases(), st.booleans())
def test_conv2d_matches_torch(case, with_bias):
    (num_images, channels, num_filters), (height, width), kernel, stride, padding, seed = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_images, channels, height, width))
    w = rng.normal(size=(num_filters, channels, kernel, kernel))
    b = rng.normal(size=num_filters) if with_bias else None
    y = engine.conv2d(x, w, b, stride=stride, padding=padding)
    tx, tw = as_torch(x), as_torch(w)
    tb = as_torch(b) if with_bias else None
    ty = F.conv2d(tx, tw, tb, stride=stride, padding=padding)
    close(y, ty)
    close(engine.conv2d_naive(x, w, b, stride=stride, padding=padding), ty)
    grad_y = rng.normal(size=y.shape)
    ty.backward(torch.tensor(grad_y))
    grad_x, grad_w, grad_b = engine.conv2d_backward(grad_y, x, w, stride, padding)
    close(grad_x, tx.grad)
    close(grad_w, tw.grad)
    if with_bias:
        close(grad_b, tb.grad)


@st.composite
def pool_cases(draw):
    kernel = draw(st.integers(1, 4))
    stride = draw(st.one_of(st.none(), st.integers(1, 3)))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)),
             draw(st.integers(kernel, 9)), draw(st.integers(kernel, 9)))  # fmt: skip
    return shape, kernel, stride, draw(st.integers(0, 2**16))


POOLS = {
    "max": (engine.max_pool2d, F.max_pool2d,
            lambda grad_y, x, k, s: pooling.max_pool2d_backward(grad_y, x, k, s)),
    "avg": (engine.avg_pool2d, F.avg_pool2d,
            lambda grad_y, x, k, s: pooling.avg_pool2d_backward(grad_y, x.shape, k, s)),
}  # fmt: skip


@pytest.mark.parametrize("kind", POOLS)
@FEW
@given(case=pool_cases())
def test_pool2d_matches_torch(kind, case):
    ours, theirs, backward = POOLS[kind]
    shape, kernel, stride, seed = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    y = ours(x, kernel, stride)
    tx = as_torch(x)
    ty = theirs(tx, kernel, stride)
    close(y, ty)
    grad_y = rng.normal(size=y.shape)
    ty.backward(torch.tensor(grad_y))
    close(backward(grad_y, x, kernel, stride), tx.grad)


@FEW
@given(st.integers(1, 8), st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**16))
def test_linear_matches_torch(num_rows, num_inputs, num_outputs, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_rows, num_inputs))
    w, b = rng.normal(size=(num_outputs, num_inputs)), rng.normal(size=num_outputs)
    tx, tw, tb = as_torch(x), as_torch(w), as_torch(b)
    ty = F.linear(tx, tw, tb)
    close(engine.linear(x, w, b), ty)
    grad_y = rng.normal(size=(num_rows, num_outputs))
    ty.backward(torch.tensor(grad_y))
    for ours, theirs in zip(dense.linear_backward(grad_y, x, w), (tx, tw, tb), strict=True):
        close(ours, theirs.grad)


ACTIVATIONS = [
    (activations.relu, activations.relu_backward, torch.relu, "x"),
    (activations.sigmoid, activations.sigmoid_backward, torch.sigmoid, "y"),
    (activations.tanh, activations.tanh_backward, torch.tanh, "y"),
    (activations.softmax, activations.softmax_backward, lambda t: torch.softmax(t, -1), "y"),
]


@pytest.mark.parametrize("forward, backward, reference, needs", ACTIVATIONS,
                         ids=["relu", "sigmoid", "tanh", "softmax"])  # fmt: skip
@FEW
@given(shape=st.tuples(st.integers(1, 5), st.integers(1, 6)), seed=st.integers(0, 2**16))
def test_activation_matches_torch(forward, backward, reference, needs, shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=3, size=shape)
    y = forward(x)
    tx = as_torch(x)
    ty = reference(tx)
    close(y, ty)
    grad_y = rng.normal(size=shape)
    ty.backward(torch.tensor(grad_y))
    close(backward(grad_y, x if needs == "x" else y), tx.grad)


@FEW
@given(st.integers(1, 8), st.integers(2, 6), st.integers(0, 2**16))
def test_cross_entropy_matches_torch(num_rows, num_classes, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=5, size=(num_rows, num_classes))
    targets = rng.integers(0, num_classes, size=num_rows)
    t_logits = as_torch(logits)
    t_loss = F.cross_entropy(t_logits, torch.tensor(targets))
    t_loss.backward()
    assert abs(losses.cross_entropy(logits, targets) - t_loss.item()) < TOLERANCE
    close(losses.cross_entropy_backward(logits, targets), t_logits.grad)


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]])
    assert losses.cross_entropy(logits, np.array([0, 1])) == 0.0
    assert np.isfinite(losses.cross_entropy(logits, np.array([1, 0])))


@FEW
@given(st.tuples(st.integers(1, 4), st.integers(1, 5)), st.integers(0, 2**16))
def test_mse_matches_torch(shape, seed):
    rng = np.random.default_rng(seed)
    y_hat, y = rng.normal(size=shape), rng.normal(size=shape)
    t_y_hat = as_torch(y_hat)
    t_loss = F.mse_loss(t_y_hat, torch.tensor(y))
    t_loss.backward()
    assert abs(losses.mse(y_hat, y) - t_loss.item()) < TOLERANCE
    close(losses.mse_backward(y_hat, y), t_y_hat.grad)


@FEW
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4), st.integers(0, 2**16))
def test_flatten_matches_torch(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    tx = as_torch(x)
    ty = torch.flatten(tx, 1)
    close(engine.flatten(x), ty)
    grad_y = rng.normal(size=ty.shape)
    ty.backward(torch.tensor(grad_y))
    close(dense.flatten_backward(grad_y, x.shape), tx.grad)


def test_layers_mirror_torch_nn_shapes_and_outputs():
    conv, torch_conv = engine.Conv2d(3, 5, 3, stride=2, padding=1), torch.nn.Conv2d(3, 5, 3, 2, 1)
    dense_layer, torch_dense = engine.Dense(7, 4), torch.nn.Linear(7, 4)
    for ours, theirs in [(conv, torch_conv), (dense_layer, torch_dense)]:
        assert ours.weight.shape == tuple(theirs.weight.shape)
        assert ours.bias.shape == tuple(theirs.bias.shape)
        with torch.no_grad():
            theirs.double().weight.copy_(torch.tensor(ours.weight.value))
            theirs.bias.copy_(torch.tensor(ours.bias.value))
    x = np.random.default_rng(0).normal(size=(2, 3, 9, 9))
    close(conv(x), torch_conv(torch.tensor(x)))
    rows = x.reshape(2, -1)[:, :7]
    close(dense_layer(rows), torch_dense(torch.tensor(rows)))


def test_im2col_rows_are_the_filter_regions():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    cols = convolution.im2col(x, 2, 3, stride=1, padding=0)
    # column of image 1, position (2, 1): the 3 channels' 2x3 regions, flattened in order
    out_h, out_w = 3, 3
    np.testing.assert_array_equal(cols[:, 1 * out_h * out_w + 2 * out_w + 1],
                                  x[1, :, 2:4, 1:4].ravel())  # fmt: skip


@FEW
@given(conv_cases())
def test_col2im_is_the_adjoint_of_im2col(case):
    """<im2col(x), g> = <x, col2im(g)>: col2im adds each column back where im2col took it."""
    (num_images, channels, _), (height, width), kernel, stride, padding, seed = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_images, channels, height, width))
    cols = convolution.im2col(x, kernel, kernel, stride, padding)
    grad_cols = rng.normal(size=cols.shape)
    grad_x = convolution.col2im(grad_cols, x.shape, kernel, kernel, stride, padding)
    assert grad_x.shape == x.shape
    np.testing.assert_allclose(np.sum(cols * grad_cols), np.sum(x * grad_x), rtol=1e-10)


def test_conv2d_in_blocks_matches_one_block(monkeypatch):
    """Blocks of images (cache-sized im2col) give the same values and gradients as one block."""
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(5, 3, 6, 7)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    grad_y = rng.normal(size=(5, 4, 6, 7))
    whole_y, whole_cols = convolution.conv2d_forward(x, w, b, 1, 1)
    whole = convolution.conv2d_backward(grad_y, x, w, 1, 1, whole_cols)
    assert len(whole_cols) == 1
    per_image = 3 * 9 * 6 * 7 * x.itemsize  # bytes of one image's im2col columns
    monkeypatch.setattr(convolution, "BLOCK_BYTES", 2 * per_image)  # blocks of 2, 2, 1 images
    y, cols = convolution.conv2d_forward(x, w, b, 1, 1)
    assert [block.shape[1] for block in cols] == [2 * 42, 2 * 42, 42]
    np.testing.assert_allclose(y, whole_y, rtol=0, atol=TOLERANCE)
    for name, expected, reused, recomputed in zip(
        ("dx", "dw", "db"),
        whole,
        convolution.conv2d_backward(grad_y, x, w, 1, 1, cols),
        convolution.conv2d_backward(grad_y, x, w, 1, 1),
        strict=True,
    ):
        np.testing.assert_allclose(reused, expected, rtol=0, atol=TOLERANCE, err_msg=name)
        np.testing.assert_allclose(recomputed, expected, rtol=0, atol=TOLERANCE, err_msg=name)
