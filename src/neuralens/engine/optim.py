"""Gradient descent: step every parameter against its gradient ("follow the slope down").

``SGD`` (with momentum) and ``Adam`` follow the update rules of ``torch.optim``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable

import numpy as np

from neuralens.engine.layers import Parameter


class Optimizer(ABC):
    """Holds the parameters it updates; ``zero_grad`` clears their gradients."""

    def __init__(self, parameters: Iterable[Parameter], lr: float) -> None:
        self.parameters = list(parameters)
        if not self.parameters:
            raise ValueError("the optimizer got no parameters to update")
        if not lr > 0:
            raise ValueError(f"lr must be > 0, got {lr}")
        self.lr = lr

    def zero_grad(self) -> None:
        for parameter in self.parameters:
            parameter.grad[...] = 0

    @abstractmethod
    def step(self) -> None:
        """Move every parameter against its gradient."""


class SGD(Optimizer):
    """w <- w - lr * v with v <- momentum * v + grad (torch's form); momentum 0 is plain GD.

    >>> from neuralens.engine.layers import Parameter
    >>> w = Parameter(np.array([1.0])); w.grad = np.array([0.5])
    >>> SGD([w], lr=0.1).step(); w.value.tolist()
    [0.95]
    """

    def __init__(self, parameters: Iterable[Parameter], lr: float = 0.01, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:  # fmt: skip
        super().__init__(parameters, lr)
        self.momentum, self.weight_decay = momentum, weight_decay
        self.velocity = [np.zeros_like(p.value) for p in self.parameters]

    def step(self) -> None:
        for parameter, velocity in zip(self.parameters, self.velocity, strict=True):
            grad = parameter.grad + self.weight_decay * parameter.value
            velocity *= self.momentum
            velocity += grad
            parameter.value -= self.lr * velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): steps scaled by running averages of the gradient and its square.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  w <- w - lr m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, parameters: Iterable[Parameter], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:  # fmt: skip
        super().__init__(parameters, lr)
        self.betas, self.eps, self.weight_decay = betas, eps, weight_decay
        self.m = [np.zeros_like(p.value) for p in self.parameters]
        self.v = [np.zeros_like(p.value) for p in self.parameters]
        self.steps = 0

    def step(self) -> None:
        self.steps += 1
        beta1, beta2 = self.betas
        for parameter, m, v in zip(self.parameters, self.m, self.v, strict=True):
            grad = parameter.grad + self.weight_decay * parameter.value
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            m_hat = m / (1 - beta1**self.steps)  # bias correction: m and v start at 0
            v_hat = v / (1 - beta2**self.steps)
            parameter.value -= (self.lr * m_hat / (np.sqrt(v_hat) + self.eps)).astype(
                parameter.value.dtype, copy=False
            )
