"""Feature standardisation: z = (x - mean) / std, and the weights carried back to raw units.

Density varies only in its third decimal (std 0.0019 around 0.9967), so on raw data the
MSE surface is a long narrow valley: w0 and w1 trade off almost perfectly, the
curvatures differ by a factor of about a million and gradient descent crawls.
Standardised, both curvatures are equal: a round bowl, crossed in a few steps. The
fitted line is the same; only its coordinates change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuralens.linear.inputs import as_matrix


@dataclass(frozen=True)
class Standardizer:
    """Per-feature mean and standard deviation, learned from the data by :meth:`fit`."""

    mean: np.ndarray  # (D,)
    scale: np.ndarray  # (D,) standard deviation of each feature

    @classmethod
    def fit(cls, X: np.ndarray) -> Standardizer:
        """Learn mean and scale of every column of ``X`` (N, D); a constant column is an error.

        >>> s = Standardizer.fit(np.array([1.0, 2.0, 3.0]))
        >>> s.transform(np.array([1.0, 2.0, 3.0])).ravel().round(4).tolist()
        [-1.2247, 0.0, 1.2247]
        """
        X = as_matrix(X, "X")
        scale = X.std(axis=0)
        constant = np.flatnonzero(scale == 0)
        if constant.size:
            raise ValueError(f"feature column {constant[0]} is constant: it cannot be standardised")
        return cls(X.mean(axis=0), scale)

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(N, D) -> (N, D) standardised features."""
        return (as_matrix(X, "X") - self.mean) / self.scale

    def weights_to_raw(self, weights: np.ndarray) -> np.ndarray:
        """Weights (w_1..w_D, w0) on standardised features -> the same line on raw features.

        y = sum_j w_j (x_j - m_j) / s_j + w0  =  sum_j (w_j / s_j) x_j + (w0 - sum_j w_j m_j / s_j)

        >>> s = Standardizer(np.array([10.0]), np.array([2.0]))
        >>> s.weights_to_raw(np.array([4.0, 1.0])).tolist()
        [2.0, -19.0]
        """
        weights = np.asarray(weights, dtype=float)
        slopes = weights[..., :-1] / self.scale
        intercept = weights[..., -1] - np.sum(weights[..., :-1] * self.mean / self.scale, axis=-1)
        return np.concatenate([slopes, intercept[..., None]], axis=-1)

    def weights_from_raw(self, weights: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`weights_to_raw`.

        >>> s = Standardizer(np.array([10.0]), np.array([2.0]))
        >>> s.weights_from_raw(np.array([2.0, -19.0])).tolist()
        [4.0, 1.0]
        """
        weights = np.asarray(weights, dtype=float)
        slopes = weights[..., :-1] * self.scale
        intercept = weights[..., -1] + np.sum(weights[..., :-1] * self.mean, axis=-1)
        return np.concatenate([slopes, intercept[..., None]], axis=-1)
