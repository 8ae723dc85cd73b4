"""Bring your own table: any CSV (delimiter sniffed), columns picked by name, checked cell by cell.

A value that is missing or not a number is reported with its column and row, never
silently dropped: the learner should see which wine (or row of their own data) is
broken.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from neuralens.data.errors import DatasetError

SNIFF_BYTES = 64 * 1024  # enough lines for csv.Sniffer to see the delimiter
DELIMITERS = ",;\t| "


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text; a one-column file has none to find and gets ','.

    >>> sniff_delimiter("a;b\\n1;2\\n")
    ';'
    """
    try:
        return csv.Sniffer().sniff(text[:SNIFF_BYTES], delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def load_csv(path: str | Path) -> pd.DataFrame:
    """A CSV file as a table of strings-or-numbers, its delimiter sniffed, header on line 1."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"no CSV file at {path}")
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if not text.strip():
        raise DatasetError(f"{path.name} is empty: it needs a header line and rows of numbers")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sniff_delimiter(text), skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeError) as error:
        raise DatasetError(f"{path.name} is not a readable CSV: {error}") from error
    frame.columns = [str(name).strip() for name in frame.columns]
    frame.attrs["source"] = path.name
    return frame


def numeric_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """One column as float64 (N,); a missing or non-numeric cell is a DatasetError with its row.

    Rows are counted from 1 after the header, so row r is line r + 1 of the file.

    >>> numeric_column(pd.DataFrame({"a": ["1", "2"]}), "a").tolist()
    [1.0, 2.0]
    >>> numeric_column(pd.DataFrame({"a": ["1", "x"]}), "a")
    Traceback (most recent call last):
    ...
    neuralens.data.errors.DatasetError: column 'a' row 2 holds 'x', not a number
    """
    source = frame.attrs.get("source", "the table")
    if name not in frame.columns:
        raise DatasetError(
            f"column {name!r} is not in {source}; its columns are "
            f"{', '.join(map(repr, frame.columns))}"
        )
    raw = frame[name]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        row, cell = int(bad[0]), raw.iloc[int(bad[0])]
        what = "is empty (missing value)" if pd.isna(cell) else f"holds {str(cell)!r}, not a number"
        if not pd.isna(cell) and np.isinf(values[row]):
            what = f"holds {str(cell)!r}, not a finite number"
        raise DatasetError(
            f"column {name!r} row {row + 1} {what}"
            + (f" ({bad.size} bad cells in all)" if bad.size > 1 else "")
        )
    return values


def select_columns(
    frame: pd.DataFrame, features: Sequence[str] | str, target: str
) -> tuple[np.ndarray, np.ndarray]:
    """Features X (N, D) and target y (N,) picked by column name, every cell checked.

    >>> X, y = select_columns(pd.DataFrame({"a": [1, 2], "b": [3, 4]}), "a", "b")
    >>> X.shape, y.tolist()
    ((2, 1), [3.0, 4.0])
    """
    features = [features] if isinstance(features, str) else list(features)
    if not features:
        raise DatasetError("the feature selection is empty: pick at least one column")
    if len(frame) == 0:
        raise DatasetError(f"{frame.attrs.get('source', 'the table')} has no rows")
    X = np.column_stack([numeric_column(frame, name) for name in features])
    return X, numeric_column(frame, target)
