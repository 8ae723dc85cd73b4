"""Bring your own CSV: the delimiter is sniffed, every bad cell is named by column and row."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from neuralens.data import DatasetError, load_csv, select_columns


def write(tmp_path, text: str, name: str = "mine.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    rows = ["size,price", "1.5,10", "2.0,12", "3.5,20"]
    frame = load_csv(write(tmp_path, "\n".join(r.replace(",", delimiter) for r in rows)))
    X, y = select_columns(frame, "size", "price")
    np.testing.assert_array_equal(X[:, 0], [1.5, 2.0, 3.5])
    np.testing.assert_array_equal(y, [10, 12, 20])


def test_several_feature_columns(tmp_path):
    frame = load_csv(write(tmp_path, "a;b;c\n1;2;3\n4;5;6\n"))
    X, y = select_columns(frame, ["a", "b"], "c")
    assert X.shape == (2, 2) and y.tolist() == [3.0, 6.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,y\n1,2\nabc,3\n", "column 'x' row 2 holds 'abc', not a number"),
        ("x,y\n1,2\n2,\n3,4\n", "column 'y' row 2 is empty \\(missing value\\)"),
        ("x,y\n1,2\ninf,3\n", "column 'x' row 2 holds 'inf', not a finite number"),
        ("x,y\n1,a\n2,b\n", "column 'y' row 1 .* \\(2 bad cells in all\\)"),
    ],
)
def test_bad_cells_are_reported_by_column_and_row(tmp_path, text, message):
    frame = load_csv(write(tmp_path, text))
    with pytest.raises(DatasetError, match=message):
        select_columns(frame, "x", "y")


def test_unknown_column_lists_the_columns(tmp_path):
    frame = load_csv(write(tmp_path, "x,y\n1,2\n"))
    with pytest.raises(
        DatasetError, match="column 'z' is not in mine.csv; its columns are 'x', 'y'"
    ):
        select_columns(frame, "z", "y")


def test_empty_selection_and_empty_files(tmp_path):
    frame = load_csv(write(tmp_path, "x,y\n1,2\n"))
    with pytest.raises(DatasetError, match="feature selection is empty"):
        select_columns(frame, [], "y")
    with pytest.raises(DatasetError, match="has no rows"):
        select_columns(load_csv(write(tmp_path, "x,y\n", "header.csv")), "x", "y")
    with pytest.raises(DatasetError, match="is empty"):
        load_csv(write(tmp_path, "", "blank.csv"))
    with pytest.raises(DatasetError, match="no CSV file"):
        load_csv(tmp_path / "missing.csv")
    assert issubclass(DatasetError, ValueError)


def test_a_picture_renamed_csv_is_refused(tmp_path):
    """Old code: the PNG's bytes decoded with replacement characters into a 'table'."""
    picture = tmp_path / "wine.csv"
    Image.new("RGB", (4, 4)).save(picture, format="PNG")
    with pytest.raises(DatasetError, match="wine.csv is a PNG image, not a CSV text table"):
        load_csv(picture)
    picture.write_bytes(b"a,b\n1,\x002\n")
    with pytest.raises(DatasetError, match="binary data"):
        load_csv(picture)


def test_rows_beyond_the_limit_are_refused_before_parsing(tmp_path):
    table = tmp_path / "big.csv"
    table.write_text("a,b\n" + "1,2\n" * 11)
    with pytest.raises(DatasetError, match="has 11 rows, more than the limit of 10"):
        load_csv(table, max_rows=10)
    assert len(load_csv(table, max_rows=11)) == 11


def test_numbers_too_large_to_square_are_refused(tmp_path):
    """Old code: a CSV of 1e308 values gave `MSE nan` (the squares overflow)."""
    table = tmp_path / "huge.csv"
    table.write_text("a,b\n1e308,1\n2,3\n")
    with pytest.raises(DatasetError, match=r"column 'a' row 1 holds 1e\+308, beyond the limit"):
        select_columns(load_csv(table), "a", "b")
