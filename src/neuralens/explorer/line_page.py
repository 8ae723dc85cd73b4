"""Chapter 2, a line through wine: move w1 and w0, see the line, every error e_i and the loss."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pandas as pd

from neuralens import data, linear, plots
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import chapter_header, figure_image

LEAD = (
    "The simplest AI: predict a wine's fixed acidity from its density with a line "
    "y = w1 x + w0. Each wine's error e_i = y_i - (w1 x_i + w0) is drawn as a segment; "
    "the loss sums them into one number. Move w1 and w0 (or type them) and watch it change."
)
LOSS_NAMES = {
    "signed": "signed mean error  mean(e_i)",
    "absolute": "mean absolute error  mean(|e_i|)",
    "squared": "mean squared error  mean(e_i²)",
}
WHY = {
    "signed": "Positive and negative errors cancel: any line through the middle of the cloud, "
    "even a flat one, scores 0. A loss must not reward cancelling mistakes.",
    "absolute": "Honest (no cancelling), but it has a kink at e_i = 0, so its slope jumps.",
    "squared": "Honest and smooth: big errors count more, and its slope can be followed "
    "(gradient descent, next chapter).",
}
SLIDER_STEPS = 2000  # slider positions across the window: fine enough to trace the valley


def wine_dataset() -> dict:
    """The lecture's pair: density (x) and fixed acidity (y) of the 1599 red wines."""
    wine = data.load_wine("red")
    X, y = data.select_columns(wine, "density", "fixed acidity")
    return {"x": X[:, 0], "y": y, "names": ("density", "fixed acidity"), "source": "red wine"}


def slider_updates(dataset: dict) -> tuple[dict, dict]:
    """Slider windows around the best line; both start on a flat line through the mean."""
    ranges = linear.default_ranges(dataset["x"], dataset["y"])
    (w1_low, w1_high), (w0_low, w0_high) = ([float(f"{v:.4g}") for v in r] for r in ranges)
    start_w0 = float(np.clip(dataset["y"].mean(), w0_low, w0_high))
    return (
        gr.update(minimum=w1_low, maximum=w1_high, step=(w1_high - w1_low) / SLIDER_STEPS,
                  value=float(np.clip(0.0, w1_low, w1_high))),
        gr.update(minimum=w0_low, maximum=w0_high, step=(w0_high - w0_low) / SLIDER_STEPS,
                  value=start_w0),
    )  # fmt: skip


def loss_text(dataset: dict, w1: float, w0: float, chosen: str) -> str:
    """The three losses of this line, the chosen one in bold, and why it fails or works."""
    e = linear.errors(dataset["x"], dataset["y"], w1, w0)
    best = linear.fit_line(dataset["x"], dataset["y"])
    rows = []
    for name, label in LOSS_NAMES.items():
        value = f"{linear.LOSSES[name](e):.6g}"
        rows.append(f"**{label} = {value}**" if name == chosen else f"{label} = {value}")
    return (
        f"Line: y = {w1:.6g} · x {w0:+.6g}\n\n" + "  \n".join(rows)
        + f"\n\n{WHY[chosen]}\n\nBest possible mean squared error (least squares): "
        f"{best.mse:.6g} at w1 = {best.w1:.6g}, w0 = {best.w0:.6g}."
    )  # fmt: skip


def draw(dataset: dict, w1: float, w0: float, loss: str):
    """The scatter, the line, each e_i, and the losses, for the sliders' (w1, w0)."""
    x_name, y_name = dataset["names"]
    e = linear.errors(dataset["x"], dataset["y"], w1, w0)
    title = f"{loss} loss = {linear.LOSSES[loss](e):.4g}"
    frames = plots.line_fit_frames(dataset["x"], dataset["y"], (x_name, y_name))  # fast redraw
    return frames.frame(w1, w0, title), loss_text(dataset, w1, w0, loss)


def snap(dataset: dict) -> tuple[float, float]:
    """The least-squares line: the bottom of the squared-loss landscape."""
    best = linear.fit_line(dataset["x"], dataset["y"])
    return best.w1, best.w0


def read_upload(path: str | None):
    """A CSV the learner uploaded: its table, and its columns offered as x and y."""
    if path is None:
        return None, gr.update(), gr.update(), ""
    try:
        frame = data.load_csv(path)
    except ValueError as error:
        return None, gr.update(), gr.update(), f"Could not read that file: {error}"
    columns = list(frame.columns)
    second = columns[1] if len(columns) > 1 else columns[0]
    summary = f"{len(frame)} rows, columns: {', '.join(columns)}. Pick x and y, then 'Use'."
    return (frame, gr.update(choices=columns, value=columns[0]),
            gr.update(choices=columns, value=second), summary)  # fmt: skip


def use_columns(frame: pd.DataFrame | None, x_name: str, y_name: str, dataset: dict):
    """Switch to the uploaded table's chosen columns; a bad cell is named, not dropped."""
    if frame is None:
        return dataset, gr.update(), gr.update(), "Upload a CSV first."
    try:
        X, y = data.select_columns(frame, x_name, y_name)
        linear.fit_line(X[:, 0], y)  # fails early on a constant x
    except ValueError as error:
        return dataset, gr.update(), gr.update(), f"Cannot use these columns: {error}"
    chosen = {"x": X[:, 0], "y": y, "names": (x_name, y_name), "source": "your CSV"}
    return chosen, *slider_updates(chosen), f"Using {y_name} against {x_name} ({len(y)} rows)."


def reset_to_wine():
    dataset = wine_dataset()
    return dataset, *slider_updates(dataset), "Using red wine: density -> fixed acidity."


def build() -> None:
    chapter_header(2, "A line through wine", LEAD)
    dataset = gr.State(None)
    table = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3):
            figure = figure_image("the line and each error e_i", elem_id="line-figure")
        with gr.Column(scale=2):
            w1 = gr.Slider(0, 1, value=0, label="w1 (slope)", elem_id="line-w1")
            w0 = gr.Slider(0, 1, value=0, label="w0 (intercept)", elem_id="line-w0")
            loss = gr.Radio(list(LOSS_NAMES), value="squared", label="loss",
                            elem_id="line-loss-choice")  # fmt: skip
            best = gr.Button("Snap to the best fit", elem_id="line-snap")
            text = gr.Markdown(elem_id="line-loss")
    with gr.Accordion("Bring your own data (CSV)", open=False):
        with gr.Row():
            upload = gr.File(label="CSV file", file_types=[".csv", ".txt"], type="filepath",
                             elem_id="line-upload")  # fmt: skip
            x_column = gr.Dropdown(label="x column", choices=[], elem_id="line-x-column")
            y_column = gr.Dropdown(label="y column", choices=[], elem_id="line-y-column")
        with gr.Row():
            use = gr.Button("Use these columns", elem_id="line-use")
            wine = gr.Button("Back to red wine")
        status = gr.Markdown(elem_id="line-data-status")

    sliders = [dataset, w1, w0, loss]
    gr.on(None, reset_to_wine, None, [dataset, w1, w0, status])  # on page load
    gr.on([dataset.change, w1.change, w0.change, loss.change], draw, sliders, [figure, text],
          trigger_mode="always_last")  # fmt: skip
    best.click(snap, dataset, [w1, w0])
    upload.change(read_upload, upload, [table, x_column, y_column, status])
    use.click(use_columns, [table, x_column, y_column, dataset], [dataset, w1, w0, status])
    wine.click(reset_to_wine, None, [dataset, w1, w0, status])


SUMMARY = "Move w1 and w0 through the wine cloud; see each error e_i and three losses."
CHAPTER = Chapter(2, "A line through wine", "line", SUMMARY, build)
