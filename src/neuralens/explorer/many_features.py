"""Chapter 3's last section: many features, many parameters (the lecture's table of 11 wine
measurements and y = w1 f1 + ... + wn fn + w0)."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pandas as pd

from neuralens import data, linear
from neuralens.explorer.components import on_page_load

TARGET = "fixed acidity"  # what the line chapter predicts, now from several measurements
CHOICES = tuple(name for name in data.WINE_FEATURES if name != TARGET)
START = ("density", "citric acid", "pH")
GRID_STEPS = 100  # values tried per weight by the brute force
INTRO = """## Many features, many parameters
A wine has 11 measurements. Predict its fixed acidity from several at once,
y = w1 f1 + w2 f2 + ... + wn fn + w0: one weight per ticked measurement, plus w0. Gradient
descent (on standardised features) finds the weights; least squares checks them. Trying
every combination instead would need a grid with one axis per weight."""
UNITS = ((365.25 * 24 * 3600, "years"), (24 * 3600, "days"), (3600, "hours"), (60, "minutes"))


def duration(seconds: float) -> str:
    """A time in the largest unit that is at least 1 of it.

    >>> duration(90.0), duration(3e9)
    ('1.5 minutes', '95.1 years')
    """
    for size, unit in UNITS:
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.2g} s"


def equation(names: list[str], weights: np.ndarray) -> str:
    """y = w1 f1 + ... + w0 with the fitted numbers."""
    terms = " ".join(f"{w:+.4g}·{name}" for name, w in zip(names, weights[:-1], strict=True))
    return f"```\n{TARGET} = {terms} {weights[-1]:+.4g}\n```"


def grid_text(cost: linear.GridCost, steps: int) -> str:
    """The brute force's size and time beside the steps descent took."""
    return (
        f"**Brute force:** {GRID_STEPS} values for each of the {cost.num_parameters} weights = "
        f"{GRID_STEPS}^{cost.num_parameters} = **{float(cost.cells):.3g} cells**; at the "
        f"{cost.cells_per_second:.3g} cells per second measured here, "
        f"**{duration(cost.seconds)}**. **Gradient descent:** {steps} steps."
    )


def fit_features(features: list[str]):
    """Descent and least squares on the ticked measurements, and the brute force's cost."""
    if not features:
        return gr.update(), gr.update(), "**Tick at least one measurement.**"
    names = [name for name in CHOICES if name in features]  # the table's order
    X, y = data.select_columns(data.load_wine("red"), names, TARGET)
    fit = linear.many_features(X, y)
    table = pd.DataFrame({"weight": [*names, "w0 (intercept)"],
                          "gradient descent": np.round(fit.weights, 6),
                          "least squares": np.round(fit.exact, 6)})  # fmt: skip
    cost = linear.brute_force_cost(X, y, GRID_STEPS)
    return equation(names, fit.weights), table, grid_text(cost, fit.descent.num_steps)


def build_section() -> None:
    """Lay out the section (called from chapter 3's ``build``)."""
    gr.Markdown(INTRO)
    features = gr.CheckboxGroup(list(CHOICES), value=list(START), label="measurements",
                                elem_id="many-features")  # fmt: skip
    fitted = gr.Markdown(elem_id="many-equation")
    with gr.Row():
        weights = gr.Dataframe(label="the weights, two ways", interactive=False,
                               elem_id="many-weights")  # fmt: skip
        cost = gr.Markdown(elem_id="many-cost")
    on_page_load(fit_features, features, [fitted, weights, cost])
    features.change(fit_features, features, [fitted, weights, cost], trigger_mode="always_last")
