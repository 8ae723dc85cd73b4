"""Bring your own table: any CSV (delimiter sniffed), columns picked by name, checked cell by cell.

A value that is missing or not a number is reported with its column and row, never
silently dropped: the learner should see which wine (or row of their own data) is
broken. A file that is not text (a picture renamed .csv), has more rows than
``MAX_ROWS`` or holds numbers too large to square is refused with the limit named.
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
MAX_ROWS = 100_000  # a line or a small network fits this many rows in a second or two
MAX_ABS_VALUE = 1e100  # sums of squares over MAX_ROWS rows stay far below float64's 1.8e308
BINARY_SIGNATURES = {  # first bytes of files people rename to .csv by mistake
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a zip archive (or an Excel .xlsx file)",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls file",
}


def check_text(head: bytes, name: str) -> None:
    """Refuse a file whose first bytes show it is not text (an image, a zip, a PDF...).

    >>> check_text(b"GIF89a...", "wine.csv")
    Traceback (most recent call last):
    ...
    neuralens.data.errors.DatasetError: wine.csv is a GIF image, not a CSV text table
    """
    for signature, kind in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise DatasetError(f"{name} is {kind}, not a CSV text table")
    if b"\x00" in head:
        raise DatasetError(f"{name} holds binary data (zero bytes), not a CSV text table")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text; a one-column file has none to find and gets ','.

    >>> sniff_delimiter("a;b\\n1;2\\n")
    ';'
    """
    try:
        return csv.Sniffer().sniff(text[:SNIFF_BYTES], delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def load_csv(path: str | Path, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """A CSV file as a table of strings-or-numbers, its delimiter sniffed, header on line 1.

    At most ``max_rows`` rows, counted before the table is parsed.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"no CSV file at {path}")
    raw = path.read_bytes()
    check_text(raw[:SNIFF_BYTES], path.name)
    text = raw.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise DatasetError(f"{path.name} is empty: it needs a header line and rows of numbers")
    rows = text.count("\n", 0, len(text.rstrip())) if len(text) else 0  # lines after the header
    if rows > max_rows:
        raise DatasetError(f"{path.name} has {rows} rows, more than the limit of {max_rows}; "
                           "keep a sample of the rows")  # fmt: skip
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sniff_delimiter(text), skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DatasetError(f"{path.name} is not a readable CSV: {reason}") from None
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
    huge = np.flatnonzero(np.abs(values) > MAX_ABS_VALUE)
    if huge.size:
        raise DatasetError(
            f"column {name!r} row {int(huge[0]) + 1} holds {values[huge[0]]:.3g}, beyond the "
            f"limit of ±{MAX_ABS_VALUE:.0e}: its square would overflow; rescale the column"
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
