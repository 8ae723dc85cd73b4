"""Chapter 5's four pictures of a digit, drawn in the browser: a class sending sketches
costs the server numbers, not figures (DESIGN: "compute it in the browser").

The server sends what each picture shows: the 28 x 28 pixel values, the 784 features, the
10 probabilities, one hidden unit's weights and products. Images of cells travel as tiny
PNGs (one pixel per cell, coloured with matplotlib's own colour maps, so the colours are
the library figures'); ``digit_charts.js`` lays them out with their titles, axes and the
numbers written in the cells, as ``plots.plot_pixel_values``, ``plot_flattened``,
``plot_probabilities`` and ``plot_unit`` draw them.
"""

from __future__ import annotations

import base64
from importlib.resources import files

import gradio as gr
import numpy as np

from neuralens.plots.export import cells_png as png_bytes
from neuralens.plots.inside import symmetric_limit
from neuralens.plots.style import COLORS, text_color_on

RENDER_JS = files("neuralens.explorer").joinpath("digit_charts.js").read_text()
TEMPLATE = "<div class='digit-chart' style='padding-top:30px'>${(" + RENDER_JS + ")(value)}</div>"
# the grey level from which a cell's number is written dark (below it: light on dark)
DARK_FROM = next(v for v in range(256) if text_color_on((v / 255,) * 3) != "#ffffff")


def chart(label: str, elem_id: str) -> gr.HTML:
    """An empty picture that one of the values below fills."""
    return gr.HTML(None, html_template=TEMPLATE, label=label, show_label=True, elem_id=elem_id,
                   container=True, padding=False)  # fmt: skip


def cells_png(values: np.ndarray, cmap: str, low: float, high: float) -> str:
    """A 2-D array as a PNG data URL, one pixel per cell in ``cmap`` over [low, high]."""
    return "data:image/png;base64," + base64.b64encode(png_bytes(values, cmap, low, high)).decode()


def pixels_value(digit: np.ndarray) -> dict:
    """The digit's cells in grey, each non-zero value written on its cell."""
    digit = np.asarray(digit)
    high = max(255, int(digit.max()))
    title = f"{digit.shape[0]} x {digit.shape[1]} pixels = {digit.size} numbers"
    return {"kind": "pixels", "image": cells_png(digit, "gray", 0, high), "title": title,
            "cells": digit.astype(int).tolist(), "dark_from": DARK_FROM * high / 255}  # fmt: skip


def flat_value(digit: np.ndarray) -> dict:
    """The 784 features in reading order, one value per index."""
    vector = np.ravel(digit).astype(float)
    return {"kind": "flat", "values": vector.tolist(), "color": COLORS["data"],
            "title": f"flattened: one list of {vector.size} numbers"}  # fmt: skip


def probabilities_value(probabilities: np.ndarray, classes: tuple[str, ...]) -> dict:
    """One bar per class, the most probable one (the prediction) in the model's colour."""
    probabilities = np.ravel(probabilities).astype(float)
    best = int(probabilities.argmax())
    return {"kind": "probs", "values": probabilities.tolist(), "classes": list(classes),
            "best": best, "colors": [COLORS["data"], COLORS["model"]],
            "title": f"prediction: {classes[best]} ({probabilities[best]:.0%})"}  # fmt: skip


def unit_value(weights: np.ndarray, image: np.ndarray, bias: float, unit: int) -> dict:
    """One hidden unit: its weights, the input x_i (0 .. 1) and w_i x_i per position."""
    products = weights * image
    limits = symmetric_limit(weights), symmetric_limit(products)
    return {"kind": "unit", "images": [cells_png(weights, "RdBu_r", -limits[0], limits[0]),
                                       cells_png(image, "gray", 0.0, 1.0),
                                       cells_png(products, "RdBu_r", -limits[1], limits[1])],
            "titles": [f"unit {unit}: its {weights.size} weights w_i", "input x_i (0 .. 1)",
                       f"w_i x_i: sum {products.sum():.2f} + b {bias:.2f}"]}  # fmt: skip
