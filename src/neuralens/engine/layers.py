"""Layer objects with the names and shapes of ``torch.nn``, each with its backward pass.

A layer's ``forward`` remembers what its ``backward`` needs; ``backward(grad_y)`` writes
the gradients of its parameters and returns the gradient for the layer before it, so
``Sequential.backward`` is the chain rule applied from the loss back to the input.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from neuralens.engine import activations
from neuralens.engine.checks import check_positive_int
from neuralens.engine.convolution import conv2d_backward, conv2d_forward
from neuralens.engine.dense import flatten, flatten_backward, linear, linear_backward
from neuralens.engine.init import init_weight, make_rng
from neuralens.engine.pooling import (
    avg_pool2d,
    avg_pool2d_backward,
    max_pool2d_backward,
    max_pool2d_forward,
)


@dataclass
class Parameter:
    """A trainable array and the gradient of the loss with respect to it (same shape)."""

    value: np.ndarray
    grad: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.grad = np.zeros_like(self.value)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape


class Layer(ABC):
    """Base class: ``layer(x)`` runs ``forward``; a layer without weights has no parameters."""

    @abstractmethod
    def forward(self, x: np.ndarray) -> np.ndarray:
        """y from x, caching what ``backward`` needs."""

    @abstractmethod
    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        """dL/dx from dL/dy; adds dL/dparameter to each parameter's ``grad`` (as torch does:
        gradients accumulate over backward calls until ``zero_grad``)."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def parameters(self) -> list[Parameter]:
        return [value for value in vars(self).values() if isinstance(value, Parameter)]

    def zero_grad(self) -> None:
        for parameter in self.parameters():
            parameter.grad[...] = 0

    def _remembered(self, name: str):
        if getattr(self, name, None) is None:
            raise ValueError(f"{type(self).__name__}.backward needs a forward pass first")
        return getattr(self, name)


class Dense(Layer):
    """y = x W^T + b, like ``torch.nn.Linear(num_inputs, num_outputs)``; W is (out, in).

    >>> layer = Dense(3, 2)
    >>> layer(np.ones((4, 3))).shape, layer.weight.shape
    ((4, 2), (2, 3))
    """

    def __init__(self, num_inputs: int, num_outputs: int, bias: bool = True, init: str = "he",
                 rng: np.random.Generator | int | None = 0, dtype=np.float64) -> None:  # fmt: skip
        shape = (check_positive_int(num_outputs, "num_outputs"),
                 check_positive_int(num_inputs, "num_inputs"))  # fmt: skip
        self.weight = Parameter(init_weight(shape, num_inputs, num_outputs, init, make_rng(rng),
                                            dtype))  # fmt: skip
        self.bias = Parameter(np.zeros(num_outputs, dtype=dtype)) if bias else None
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return linear(x, self.weight.value, None if self.bias is None else self.bias.value)

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        grad_x, grad_w, grad_b = linear_backward(grad_y, self._remembered("x"), self.weight.value)
        self.weight.grad += grad_w  # accumulates until zero_grad, as in torch
        if self.bias is not None:
            self.bias.grad += grad_b
        return grad_x

    def __repr__(self) -> str:
        out, inp = self.weight.shape
        return f"Dense({inp}, {out}, bias={self.bias is not None})"


class Conv2d(Layer):
    """A bank of ``out_channels`` filters, like ``torch.nn.Conv2d``; weight (K, C, kh, kw).

    >>> layer = Conv2d(1, 4, kernel_size=3, padding=1)
    >>> layer(np.ones((2, 1, 28, 28))).shape, layer.weight.shape
    ((2, 4, 28, 28), (4, 1, 3, 3))
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 padding: int = 0, bias: bool = True, init: str = "he",
                 rng: np.random.Generator | int | None = 0, dtype=np.float64) -> None:  # fmt: skip
        size = check_positive_int(kernel_size, "kernel_size")
        shape = (check_positive_int(out_channels, "out_channels"),
                 check_positive_int(in_channels, "in_channels"), size, size)  # fmt: skip
        fan_in, fan_out = in_channels * size * size, out_channels * size * size
        self.weight = Parameter(init_weight(shape, fan_in, fan_out, init, make_rng(rng), dtype))
        self.bias = Parameter(np.zeros(out_channels, dtype=dtype)) if bias else None
        self.stride, self.padding = stride, padding
        self.x, self.cols = None, None

    def forward(self, x: np.ndarray) -> np.ndarray:
        bias = None if self.bias is None else self.bias.value
        y, self.cols = conv2d_forward(x, self.weight.value, bias, self.stride, self.padding)
        self.x = x
        return y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        grad_x, grad_w, grad_b = conv2d_backward(
            grad_y, self._remembered("x"), self.weight.value, self.stride, self.padding, self.cols
        )
        self.weight.grad += grad_w  # accumulates until zero_grad, as in torch
        if self.bias is not None:
            self.bias.grad += grad_b
        return grad_x

    def __repr__(self) -> str:
        k, c, size, _ = self.weight.shape
        return f"Conv2d({c}, {k}, kernel_size={size}, stride={self.stride}, padding={self.padding})"


class MaxPool2d(Layer):
    """Max over each k x k tile, like ``torch.nn.MaxPool2d(kernel_size, stride=None)``."""

    def __init__(self, kernel_size: int, stride: int | None = None) -> None:
        self.kernel_size, self.stride, self.x = kernel_size, stride, None

    def forward(self, x: np.ndarray) -> np.ndarray:
        y, self.winner = max_pool2d_forward(x, self.kernel_size, self.stride)
        self.x = x
        return y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        x = self._remembered("x")
        return max_pool2d_backward(grad_y, x, self.kernel_size, self.stride, self.winner)

    def __repr__(self) -> str:
        return f"MaxPool2d(kernel_size={self.kernel_size}, stride={self.stride})"


class AvgPool2d(MaxPool2d):
    """Mean over each k x k tile, like ``torch.nn.AvgPool2d(kernel_size, stride=None)``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return avg_pool2d(x, self.kernel_size, self.stride)

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        x_shape = self._remembered("x").shape
        return avg_pool2d_backward(grad_y, x_shape, self.kernel_size, self.stride)

    def __repr__(self) -> str:
        return f"AvgPool2d(kernel_size={self.kernel_size}, stride={self.stride})"


class ReLU(Layer):
    """max(0, x), like ``torch.nn.ReLU``."""

    def __init__(self) -> None:
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return activations.relu(x)

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return activations.relu_backward(grad_y, self._remembered("x"))

    def __repr__(self) -> str:
        return "ReLU()"


class Sigmoid(Layer):
    """1 / (1 + e^-x), like ``torch.nn.Sigmoid``."""

    def __init__(self) -> None:
        self.y = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.y = activations.sigmoid(x)
        return self.y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return activations.sigmoid_backward(grad_y, self._remembered("y"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Tanh(Sigmoid):
    """tanh(x), like ``torch.nn.Tanh``."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.y = activations.tanh(x)
        return self.y

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return activations.tanh_backward(grad_y, self._remembered("y"))


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W), rows appended in order, like ``torch.nn.Flatten``."""

    def __init__(self) -> None:
        self.x_shape = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return flatten(x)

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        return flatten_backward(grad_y, self._remembered("x_shape"))

    def __repr__(self) -> str:
        return "Flatten()"


class Sequential(Layer):
    """Layers applied one after the other, like ``torch.nn.Sequential``.

    >>> model = Sequential(Flatten(), Dense(4, 3), ReLU(), Dense(3, 2))
    >>> model(np.ones((5, 2, 2))).shape, len(model.parameters())
    ((5, 2), 4)
    """

    def __init__(self, *layers: Layer) -> None:
        self.layers = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad_y: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):  # chain rule, from the loss back to the input
            grad_y = layer.backward(grad_y)
        return grad_y

    def feature_maps(self, x: np.ndarray) -> list[np.ndarray]:
        """The output of every layer in turn (what the CNN chapter shows layer by layer)."""
        outputs = []
        for layer in self.layers:
            x = layer(x)
            outputs.append(x)
        return outputs

    def parameters(self) -> list[Parameter]:
        return [parameter for layer in self.layers for parameter in layer.parameters()]

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"
