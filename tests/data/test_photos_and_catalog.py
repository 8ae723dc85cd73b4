from __future__ import annotations

import json

import pytest

from neuralens.data import PHOTOS, DatasetError, list_datasets, sample_image


@pytest.mark.parametrize("name", list(PHOTOS))
def test_photos_load_offline(name):
    image = sample_image(name)
    assert image.dtype.name == "uint8" and image.ndim in (2, 3)


def test_unknown_photo():
    with pytest.raises(DatasetError, match="chelsea"):
        sample_image("dog")


def test_catalog_lists_and_verifies_everything(full_data_dir):
    infos = {info.name: info for info in list_datasets(full_data_dir)}
    assert {"wine-red", "wine-white", "mnist-mini", "mnist", "fashion-mnist-mini",
            "fashion-mnist", "shapes", "photos"} <= set(infos)  # fmt: skip
    for name in ["wine-red", "wine-white", "mnist-mini", "mnist", "fashion-mnist"]:
        assert infos[name].verified is True, infos[name]
    json.dumps([info.to_dict() for info in infos.values()])


def test_catalog_reports_missing_full_data(tmp_path):
    infos = {info.name: info for info in list_datasets(tmp_path)}
    assert infos["mnist"].available is False and infos["mnist"].verified is False
    assert "neuralens data download mnist" in infos["mnist"].problem
