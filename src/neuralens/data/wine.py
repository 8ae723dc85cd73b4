"""UCI Wine Quality (Cortez et al., 2009): the lecture's first dataset.

Red wine: 1599 rows; white: 4898. Twelve columns: eleven physico-chemical
measurements ("fixed acidity" ... "alcohol") and the expert grade "quality".
The lecture predicts fixed acidity from density with a line.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from neuralens.data.errors import DatasetError

WINE_COLUMNS = (
    "fixed acidity",
    "volatile acidity",
    "citric acid",
    "residual sugar",
    "chlorides",
    "free sulfur dioxide",
    "total sulfur dioxide",
    "density",
    "pH",
    "sulphates",
    "alcohol",
    "quality",
)
WINE_FEATURES = WINE_COLUMNS[:-1]  # the eleven physico-chemical measurements (last is the grade)
GRADE_FEATURES = ("fixed acidity", "alcohol", "residual sugar")  # the lecture's three for the grade
WINE_COLORS = ("red", "white")


def wine_path(color: str = "red") -> Path:
    """Where the bundled CSV of this wine colour lives."""
    if color not in WINE_COLORS:
        raise DatasetError(f"unknown wine color {color!r}; choose one of {', '.join(WINE_COLORS)}")
    return Path(str(resources.files("neuralens.data") / "files" / f"winequality-{color}.csv"))


def load_wine(color: str = "red") -> pd.DataFrame:
    """The wine-quality table of one colour, bundled with the package (no network).

    >>> wine = load_wine("red")
    >>> wine.shape
    (1599, 12)
    >>> wine.loc[0, "density"]
    np.float64(0.9978)
    """
    frame = pd.read_csv(wine_path(color), sep=";")
    missing = [name for name in WINE_COLUMNS if name not in frame.columns]
    if missing:
        raise DatasetError(
            f"the bundled {color} wine CSV lacks columns {missing}; reinstall neuralens"
        )
    return frame
