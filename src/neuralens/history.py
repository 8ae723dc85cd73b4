"""History: what a training run leaves behind, one row of numbers per logged step.

The same type comes out of gradient descent on the wine line (``neuralens.linear``),
the from-scratch NumPy engine (``neuralens.engine``) and torch training
(``neuralens.training``), so one ``plots.plot_history`` draws all three.
NumPy only: importing it loads neither torch nor matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

# The key names every loop logs (torch, the NumPy engine, gradient descent): one vocabulary.
LOSS, ACCURACY = "loss", "accuracy"  # of the training batches
EVAL = "eval_"  # prefix of a number measured on held-out data: eval_loss, eval_accuracy
EVAL_ACCURACY = EVAL + ACCURACY


def prefixed(scores: dict) -> dict[str, float]:
    """Evaluation numbers under their ``eval_`` names (a name that has it is kept).

    >>> prefixed({"accuracy": 0.5, "eval_loss": 1})
    {'eval_accuracy': 0.5, 'eval_loss': 1.0}
    """
    return {(k if k.startswith(EVAL) else EVAL + k): float(v) for k, v in scores.items()}


@dataclass
class History:
    """Rows of named numbers, logged in order (a row per step or per epoch).

    >>> h = History()
    >>> h.log(step=0, loss=2.0)
    >>> h.log(step=1, loss=0.5, accuracy=0.9)
    >>> h["loss"].tolist()
    [2.0, 0.5]
    >>> h["accuracy"].tolist()  # NaN where a row did not log that name
    [nan, 0.9]
    >>> h.last("loss")
    0.5
    """

    rows: list[dict[str, float]] = field(default_factory=list)

    def log(self, **values: float) -> None:
        """Append one row, e.g. ``log(step=3, loss=0.42)``."""
        self.rows.append({name: float(value) for name, value in values.items()})

    def keys(self) -> list[str]:
        """Every name logged so far, in the order first seen."""
        names: dict[str, None] = {}
        for row in self.rows:
            names.update(dict.fromkeys(row))
        return list(names)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.keys():
            raise KeyError(f"History has no {name!r}; it logged {self.keys()}")
        return np.array([row.get(name, np.nan) for row in self.rows], dtype=float)

    def __contains__(self, name: object) -> bool:
        return name in self.keys()

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, float]]:
        return iter(self.rows)

    def last(self, name: str) -> float:
        """The most recent value logged under ``name``."""
        for row in reversed(self.rows):
            if name in row:
                return row[name]
        raise KeyError(f"History has no {name!r}; it logged {self.keys()}")

    def to_dict(self) -> dict[str, list[dict[str, float]]]:
        """A JSON-ready copy (checkpoint metadata, ``--json`` output)."""
        return {"rows": [dict(row) for row in self.rows]}

    @classmethod
    def from_dict(cls, data: dict) -> History:
        """Inverse of :meth:`to_dict`."""
        history = cls()
        for row in data.get("rows", []):
            history.log(**row)
        return history
