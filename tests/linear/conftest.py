"""The lecture's pair for every linear test: density (x) and fixed acidity (y) of red wine."""

from __future__ import annotations

import pytest

from neuralens.data import load_wine


@pytest.fixture(scope="session")
def wine():
    frame = load_wine("red")
    return frame["density"].to_numpy(), frame["fixed acidity"].to_numpy()
