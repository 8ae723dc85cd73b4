"""A from-scratch neural network engine in NumPy: layers, convolution, pooling, backprop.

Every building block of the lecture, readable, with its backward pass right under
the forward pass, and checked against PyTorch in the tests. NumPy only: importing
``neuralens.engine`` loads neither torch nor matplotlib.
"""

from neuralens.engine.activations import relu, sigmoid, softmax, tanh
from neuralens.engine.convolution import conv2d, conv2d_backward, conv2d_naive
from neuralens.engine.dense import flatten, linear
from neuralens.engine.gradcheck import gradcheck
from neuralens.engine.init import glorot_uniform, he_normal, make_rng
from neuralens.engine.layers import (
    AvgPool2d,
    Conv2d,
    Dense,
    Flatten,
    Layer,
    MaxPool2d,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
)
from neuralens.engine.losses import cross_entropy, mse
from neuralens.engine.optim import SGD, Adam
from neuralens.engine.pooling import avg_pool2d, max_pool2d
from neuralens.engine.training import TrainConfig, fit_classifier

__all__ = [
    "SGD",
    "Adam",
    "AvgPool2d",
    "Conv2d",
    "Dense",
    "Flatten",
    "Layer",
    "MaxPool2d",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "TrainConfig",
    "avg_pool2d",
    "conv2d",
    "conv2d_backward",
    "conv2d_naive",
    "cross_entropy",
    "fit_classifier",
    "flatten",
    "glorot_uniform",
    "gradcheck",
    "he_normal",
    "linear",
    "make_rng",
    "max_pool2d",
    "mse",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]
