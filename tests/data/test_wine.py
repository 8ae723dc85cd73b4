from __future__ import annotations

import numpy as np
import pytest

from neuralens.data import WINE_COLUMNS, DatasetError, load_wine


@pytest.mark.parametrize(("color", "rows"), [("red", 1599), ("white", 4898)])
def test_wine_has_the_original_rows_and_columns(color, rows):
    wine = load_wine(color)
    assert wine.shape == (rows, 12)
    assert tuple(wine.columns) == WINE_COLUMNS
    assert np.isfinite(wine.to_numpy()).all()


def test_red_wine_quality_counts_match_the_published_ones():
    counts = load_wine("red")["quality"].value_counts().sort_index().to_dict()
    assert counts == {3: 10, 4: 53, 5: 681, 6: 638, 7: 199, 8: 18}


def test_unknown_colour_is_a_dataset_error():
    with pytest.raises(DatasetError, match="choose one of red, white"):
        load_wine("rose")
