"""Convolution and pooling figures draw the engine's numbers."""

from __future__ import annotations

import numpy as np

from neuralens import plots
from neuralens.engine import examples


def test_conv_step_figure_has_input_filter_and_output():
    fig = plots.plot_conv_step(examples.CONV_INPUT, examples.CONV_KERNEL,
                               examples.conv_example(), 2, 3)  # fmt: skip
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["input 10x11", "filter 2x2", "output 9x10"]
    assert plots.to_rgb(fig).ndim == 3


def test_pooling_and_kernel_figures():
    fig = plots.plot_pooling_example(examples.POOLING_INPUT, examples.pooling_example("max"),
                                     examples.pooling_example("average"))  # fmt: skip
    texts = [t.get_text() for t in fig.axes[1].texts]
    assert texts == ["5", "8", "9", "7"]
    pyramid = plots.plot_pooling_pyramid([np.zeros((8, 8)), np.zeros((4, 4)), np.zeros((2, 2))])
    assert [ax.get_title() for ax in pyramid.axes] == ["input\n8x8", "max pool x1\n4x4",
                                                      "max pool x2\n2x2"]  # fmt: skip
    kernels = np.zeros((4, 3, 3))
    fig = plots.plot_kernel_convergence(kernels, np.eye(3), np.array([3.0, 2.0, 1.0]), 2)
    assert fig.axes[0].get_title() == "learned, step 2"


def test_a_kernel_writes_a_tiny_negative_as_zero():
    """Old code: a learned weight of -0.0004 was written "-0.00"."""
    ax = plots.plot_kernel(np.array([[1.0, -0.0004], [-1.0, 0.25]]))
    assert [t.get_text() for t in ax.texts] == ["1.00", "0.00", "-1.00", "0.25"]
