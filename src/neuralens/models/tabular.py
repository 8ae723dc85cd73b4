"""A network on a table's columns: the lecture's "network as an equation".

With no hidden layer it is one linear layer, z = W x + b, one row of weights per
grade, and softmax turns the scores z into probabilities (multinomial logistic
regression). With one hidden layer, h = ReLU(W1 x + b1) and z = W2 h + b2: the
same equation, stacked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass
class TabularConfig:
    """Sizes of the network; the input count comes from the chosen columns."""

    num_features: int = 3  # inputs, e.g. fixed acidity, alcohol, residual sugar
    num_classes: int = 6  # one output per grade (red wine: grades 3 to 8)
    hidden_size: int = 0  # 0: one linear layer (softmax regression); else ReLU units

    def __post_init__(self) -> None:
        if self.num_features < 1 or self.num_classes < 2 or self.hidden_size < 0:
            raise ValueError(
                "TabularConfig needs num_features >= 1, num_classes >= 2 and hidden_size >= 0; "
                f"got {self.num_features}, {self.num_classes}, {self.hidden_size}"
            )


class TabularNet(nn.Module):
    """Linear layer(s) from features (N, D) to class scores (N, num_classes).

    >>> net = TabularNet(TabularConfig(num_features=3, num_classes=6, hidden_size=4))
    >>> net(torch.zeros(2, 3)).shape, [w.shape for w in net.weight_matrices()]
    (torch.Size([2, 6]), [(4, 3), (6, 4)])
    >>> sum(p.numel() for p in net.parameters())  # (3*4 + 4) + (4*6 + 6)
    46
    """

    def __init__(self, config: TabularConfig | None = None) -> None:
        super().__init__()
        self.config = config = config or TabularConfig()
        if config.hidden_size:
            self.layers = nn.Sequential(
                nn.Linear(config.num_features, config.hidden_size),  # (N, D) -> (N, H)
                nn.ReLU(),
                nn.Linear(config.hidden_size, config.num_classes),  # (N, H) -> (N, classes)
            )
        else:
            self.layers = nn.Sequential(nn.Linear(config.num_features, config.num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.config.num_features:
            raise ValueError(
                f"TabularNet expects (N, {self.config.num_features}) features, got {tuple(x.shape)}"
            )
        return self.layers(x)

    def linear_layers(self) -> list[nn.Linear]:
        return [layer for layer in self.layers if isinstance(layer, nn.Linear)]

    def weight_matrices(self) -> list[np.ndarray]:
        """Each layer's weights (out, in) as NumPy arrays: what the drawing and equation show."""
        return [layer.weight.detach().cpu().numpy().copy() for layer in self.linear_layers()]
