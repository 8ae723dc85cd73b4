"""Datasets, offline first: NumPy arrays out (wine as a pandas DataFrame).

The lecture's data: red wine (a line through density vs fixed acidity), MNIST
digits (pixels as features), Fashion-MNIST, real photos (the cat, for
convolutions) and synthetic shapes (detection and segmentation).
"""

from neuralens.data.captioned_scenes import CaptionedScenes, make_captioned_scenes
from neuralens.data.catalog import DatasetInfo, list_datasets
from neuralens.data.download import download
from neuralens.data.errors import DatasetError
from neuralens.data.folder import LabelledImages, load_image_folder
from neuralens.data.mnist import (
    DIGIT_CLASSES,
    FASHION_CLASSES,
    available_size,
    data_root,
    load_fashion_mnist,
    load_mnist,
)
from neuralens.data.photos import PHOTOS, sample_image
from neuralens.data.preprocess import to_mnist
from neuralens.data.shapes import SHAPE_CLASSES, Shapes, make_shapes
from neuralens.data.table import load_csv, numeric_column, select_columns
from neuralens.data.wine import GRADE_FEATURES, WINE_COLUMNS, WINE_FEATURES, load_wine

__all__ = [
    "DIGIT_CLASSES",
    "FASHION_CLASSES",
    "GRADE_FEATURES",
    "PHOTOS",
    "SHAPE_CLASSES",
    "WINE_COLUMNS",
    "WINE_FEATURES",
    "CaptionedScenes",
    "DatasetError",
    "available_size",
    "DatasetInfo",
    "LabelledImages",
    "Shapes",
    "data_root",
    "download",
    "list_datasets",
    "load_csv",
    "load_fashion_mnist",
    "load_image_folder",
    "load_mnist",
    "load_wine",
    "make_captioned_scenes",
    "make_shapes",
    "numeric_column",
    "sample_image",
    "select_columns",
    "to_mnist",
]
