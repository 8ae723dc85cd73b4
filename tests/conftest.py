"""Shared test set-up: real datasets from ../shared/data when NEURALENS_DATA is unset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"

if "NEURALENS_DATA" not in os.environ and SHARED_DATA.exists():
    os.environ["NEURALENS_DATA"] = str(SHARED_DATA)
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def full_data_dir() -> Path:
    """The folder holding mnist/ and fashion-mnist/ IDX files; skips where it is absent."""
    root = Path(os.environ.get("NEURALENS_DATA", SHARED_DATA))
    if not (root / "mnist" / "train-images-idx3-ubyte.gz").exists():
        pytest.skip(f"full MNIST not found under {root}; set NEURALENS_DATA")
    return root


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where tests leave artefacts a person may look at (screenshots, figures)."""
    path = REPO / "test-output"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def wine():
    """The lecture's pair: density (x) and fixed acidity (y) of the 1599 red wines."""
    from neuralens.data import load_wine

    frame = load_wine("red")
    return frame["density"].to_numpy(), frame["fixed acidity"].to_numpy()
