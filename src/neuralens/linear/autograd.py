"""The same descent with torch autograd computing dL/dw: an independent check of our gradients.

The only module of ``neuralens.linear`` that uses torch; ``import neuralens.linear``
does not import it, so the NumPy part stays free of torch.
"""

from __future__ import annotations

import numpy as np
import torch

from neuralens.linear.descent import design_matrix
from neuralens.linear.inputs import as_vector, as_xy, positive


def autograd_trajectory(
    X: np.ndarray, y: np.ndarray, start: np.ndarray, lr: float, num_steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (num_steps + 1, D + 1) and losses (num_steps + 1,) of plain descent, in float64.

    >>> w, losses = autograd_trajectory([-1.0, 1.0], [1.0, 3.0], [0.0, 0.0], lr=0.25, num_steps=1)
    >>> w.tolist(), losses.tolist()
    ([[0.0, 0.0], [0.5, 1.0]], [5.0, 1.25])
    """
    X, y = as_xy(X, y)
    lr = positive(lr, "lr")
    D = torch.from_numpy(design_matrix(X))  # (N, D + 1), float64
    targets = torch.from_numpy(y)
    w = torch.tensor(as_vector(start, "start"), dtype=torch.float64, requires_grad=True)
    weights, losses = [], []
    for _ in range(num_steps + 1):
        loss = torch.mean((targets - D @ w) ** 2)
        weights.append(w.detach().clone().numpy()), losses.append(loss.item())
        (grad,) = torch.autograd.grad(loss, w)
        with torch.no_grad():
            w -= lr * grad  # w <- w - lr * dL/dw, dL/dw from the graph, not from our formula
    return np.array(weights), np.array(losses)
