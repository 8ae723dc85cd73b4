"""Chapter 2's picture, drawn in the browser: a class dragging sliders costs the server no
drawing at all (DESIGN: "compute it in the browser").

``line_chart.js`` turns a ``chart_value`` (the data, once per dataset, and the line) into an
SVG: the points, the line y = w1 x + w0, each error e_i as a vertical segment, and the chosen
loss in the title. The slider events below run in the browser only (``js=``, no ``fn``): a w1
move turns the line about the mean x (``linear.pivot_intercept``), a w0 move lifts it. The
server writes the three losses (``line_page.losses``) once per new picture.
"""

from __future__ import annotations

from importlib.resources import files

import gradio as gr
import numpy as np

from neuralens.plots.style import COLORS

RENDER_JS = files("neuralens.explorer").joinpath("line_chart.js").read_text()
TEMPLATE = "<div class='line-chart' style='padding-top:30px'>${(" + RENDER_JS + ")(value)}</div>"
DRAWN = 5000  # points a browser redraws per move at once; a bigger table is drawn by a sample
MARGIN = 0.05  # each axis extends 5 % of the data's span beyond it, as matplotlib's does

# (a box's raw number or blank, its window) -> a finite number inside it; a box that is not
# keeps the last picture, and ``unread`` counts such moves so the server still says why
_READY = "(v, low, high) => v !== null && v !== '' && Number.isFinite(Number(v)) && " \
    "Number(v) >= low && Number(v) <= high"  # fmt: skip
# the learner moved w1: w0 = height - w1 * mean(x) keeps the line's height at the mean x
TURN_JS = f"""(w1, w0, chart) => {{
  const ready = {_READY};
  if (!chart) return [w0, chart];
  if (!ready(w1, ...chart.w1_window)) return [w0, {{...chart, unread: (chart.unread || 0) + 1}}];
  const turned = chart.height - Number(w1) * chart.x_mean;
  return [turned, {{...chart, w1: Number(w1), w0: turned}}];
}}"""
# the learner moved w0: the line's new height at the mean x, about which w1 turns it
LIFT_JS = f"""(w1, w0, chart) => {{
  const ready = {_READY};
  if (!chart) return chart;
  if (!ready(w0, ...chart.w0_window) || !ready(w1, ...chart.w1_window)) {{
    return {{...chart, unread: (chart.unread || 0) + 1}};
  }}
  const height = Number(w1) * chart.x_mean + Number(w0);
  return {{...chart, w1: Number(w1), w0: Number(w0), height: height}};
}}"""
LOSS_JS = "(loss, chart) => (chart ? {...chart, loss: loss} : chart)"


def chart(label: str, elem_id: str) -> gr.HTML:
    """The empty picture; ``chart_value`` fills it."""
    return gr.HTML(None, html_template=TEMPLATE, label=label, show_label=True, elem_id=elem_id,
                   container=True, padding=False)  # fmt: skip


def limits(values: np.ndarray) -> tuple[float, float]:
    """The data's range with a 5 % margin on each side."""
    low, high = float(values.min()), float(values.max())
    span = (high - low) or 1.0
    return low - MARGIN * span, high + MARGIN * span


def chart_value(dataset: dict, w1: float, w0: float, loss: str) -> dict:
    """Everything the browser draws from: the data (sent once per dataset; ``DRAWN`` evenly
    spaced rows of a bigger table), its axes, the sliders' windows, and the line; ``height``
    is the line's height at the mean x."""
    x, y = dataset["x"], dataset["y"]
    (w1_window, w0_window) = dataset["windows"]
    x_mean = float(x.mean())
    drawn = np.unique(np.linspace(0, len(x) - 1, DRAWN).round().astype(int))
    return {
        "x": x[drawn].tolist(), "y": y[drawn].tolist(), "rows": len(x),
        "names": list(dataset["names"]),
        "points": dataset["points"], "x_limits": limits(x), "y_limits": limits(y),
        "x_range": (float(x.min()), float(x.max())), "y_span": float(np.ptp(y)) or 1.0,
        "x_mean": x_mean, "w1_window": w1_window, "w0_window": w0_window,
        "w1": float(w1), "w0": float(w0), "height": float(w1 * x_mean + w0), "loss": loss,
        "colors": {key: COLORS[key] for key in ("data", "model", "error")},
    }  # fmt: skip
