"""The lecture's worked examples give exactly the lecture's numbers."""

from __future__ import annotations

import numpy as np

from neuralens import engine
from neuralens.data import sample_image
from neuralens.engine import examples
from neuralens.engine.filters import PRESETS, filter_image, preset, to_gray
from neuralens.engine.learned_filter import learn_filter


def test_pooling_example_matches_the_lecture():
    np.testing.assert_array_equal(examples.pooling_example("max"), [[5, 8], [9, 7]])
    np.testing.assert_array_equal(examples.pooling_example("average"), [[2.5, 4.25], [3.5, 3.75]])


def test_flatten_appends_the_rows_in_order():
    flat = examples.flatten_example()
    assert flat.shape == (25,)
    np.testing.assert_array_equal(flat, np.concatenate(list(examples.FLATTEN_INPUT)))


def test_10x11_image_with_a_2x2_filter_of_ones():
    output = examples.conv_example()
    image = examples.CONV_INPUT
    assert image.shape == (10, 11) and output.shape == (9, 10)
    # each output is the sum of the 2x2 block whose top-left corner it sits on
    blocks = image[:-1, :-1] + image[1:, :-1] + image[:-1, 1:] + image[1:, 1:]
    np.testing.assert_array_equal(output, blocks)
    naive = engine.conv2d_naive(image[None, None], np.ones((1, 1, 2, 2)))[0, 0]
    np.testing.assert_array_equal(output, naive)
    steps = examples.conv_steps()
    assert [s.total for s in steps] == output.ravel().tolist()
    assert steps[12].equation() == "1*1 + 1*1 + 1*1 + 1*1 = 4"  # the left eye, row 1 col 2


def test_two_linear_layers_collapse_to_one():
    first, second = engine.Dense(4, 6, rng=1), engine.Dense(6, 3, rng=2)
    x = np.random.default_rng(0).normal(size=(10, 4))
    single = examples.collapse(first, second)
    np.testing.assert_allclose(single(x), second(first(x)), atol=1e-12)
    assert single.weight.shape == (3, 4)


def test_relu_fits_xor_and_two_moons_where_a_linear_model_cannot():
    assert (
        examples.fit_with_and_without_relu(examples.XOR_X, examples.XOR_Y, relu=True).accuracy == 1
    )
    assert (
        examples.fit_with_and_without_relu(examples.XOR_X, examples.XOR_Y, relu=False).accuracy
        <= 0.75
    )
    X, y = examples.make_two_moons(200, seed=0)
    with_relu = examples.fit_with_and_without_relu(X, y, relu=True)
    without = examples.fit_with_and_without_relu(X, y, relu=False)
    assert with_relu.accuracy >= 0.97 and without.accuracy < 0.9
    assert with_relu.history.last("loss") < without.history.last("loss")


def test_filters_and_presets():
    assert {"box blur", "gaussian", "sharpen", "horizontal edges", "vertical edges",
            "emboss"} <= set(PRESETS)  # fmt: skip
    image = np.random.default_rng(0).random((12, 9))
    np.testing.assert_allclose(filter_image(image, preset("identity")), image)
    ramp = np.tile(np.arange(8.0), (8, 1))  # brighter to the right: a vertical edge everywhere
    inner = filter_image(ramp, preset("vertical edges"))[1:-1, 1:-1]
    np.testing.assert_allclose(inner, -8.0)  # left minus right = -2 per row, weights 1+2+1
    np.testing.assert_allclose(filter_image(ramp, preset("horizontal edges"))[1:-1, 1:-1], 0)


def test_gradient_descent_recovers_the_vertical_edge_filter_on_the_cat():
    cat = to_gray(sample_image("chelsea"))[::3, ::3]
    result = learn_filter(cat, preset("vertical edges"), steps=150)
    assert result.kernels.shape == (151, 3, 3)
    assert result.error < 1e-2, result.learned
    assert result.losses[-1] < 1e-3 * result.losses[0]
    # the kernel moves towards the target: distances shrink along the way
    distances = np.abs(result.kernels - result.target).max(axis=(1, 2))
    assert distances[-1] < distances[50] < distances[0]
