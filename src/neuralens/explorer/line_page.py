"""Chapter 2, a line through wine: move w1 and w0, see the line, every error e_i and the loss."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pandas as pd

from neuralens import data, linear
from neuralens.explorer import line_chart
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import Slider, chapter_header, on_page_load, read_number

LEAD = (
    "The simplest AI: predict a wine's fixed acidity from its density with a line "
    "y = w1 x + w0. Each wine's error e_i = y_i - (w1 x_i + w0) is drawn as a segment; "
    "the loss sums them into one number. Move w1 and w0 (or type them) and watch it change."
)
PIVOT_NOTE = (
    "Moving **w1** turns the line about the data's mean {x_name} ({x_mean:.4g}): w0 follows, "
    "so the line keeps its height there. Moving **w0** shifts the line up and down."
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
# the sliders' raw numbers reach ``losses``, a blank box as None: it says what it needs
# beside the last good picture (elsewhere ``components.Slider`` says it in a toast)
RAW_BOXES = {"preprocess": False, "trigger_mode": "always_last"}
SLIDER_STEPS = 2000  # slider positions across the window: fine enough to trace the valley


def line_dataset(x: np.ndarray, y: np.ndarray, names: tuple[str, str], source: str,
                 points: str) -> dict:  # fmt: skip
    """What the page keeps of a dataset: its columns, their names, and what every move
    reads of it (the least-squares line and the sliders' windows), computed once."""
    dataset = {"x": x, "y": y, "names": names, "source": source, "points": points,
               "best": linear.fit_line(x, y)}  # fmt: skip
    ranges = linear.default_ranges(x, y)
    dataset["windows"] = tuple(tuple(float(f"{v:.4g}") for v in r) for r in ranges)
    return dataset


def wine_dataset() -> dict:
    """The lecture's pair: density (x) and fixed acidity (y) of the 1599 red wines."""
    wine = data.load_wine("red")
    X, y = data.select_columns(wine, "density", "fixed acidity")
    return line_dataset(X[:, 0], y, ("density", "fixed acidity"), "red wine", "wines")


def slider_ranges(dataset: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    """The windows of w1 and w0 around the best line, rounded to 4 significant digits."""
    return dataset["windows"]


def slider_updates(dataset: dict) -> tuple[dict, dict]:
    """Slider windows around the best line; both start on a flat line through the mean."""
    (w1_low, w1_high), (w0_low, w0_high) = slider_ranges(dataset)
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
    best = dataset["best"]
    rows = []
    for name, label in LOSS_NAMES.items():
        value = f"{linear.LOSSES[name](e):.6g}"
        rows.append(f"**{label} = {value}**" if name == chosen else f"{label} = {value}")
    return (
        f"Line: y = {w1:.6g} · x {w0:+.6g}\n\n" + "  \n".join(rows)
        + f"\n\n{WHY[chosen]}\n\nBest possible mean squared error (least squares): "
        f"{best.mse:.6g} at w1 = {best.w1:.6g}, w0 = {best.w0:.6g}."
    )  # fmt: skip


def read_line(dataset: dict, w1, w0) -> tuple[float, float]:
    """The two boxes as numbers inside the sliders' windows, or a plain-words ValueError."""
    (w1_low, w1_high), (w0_low, w0_high) = slider_ranges(dataset)
    return read_number(w1, "w1", w1_low, w1_high), read_number(w0, "w0", w0_low, w0_high)


def losses(dataset: dict, w1, w0, loss: str) -> str:
    """The three losses of the sliders' line and why the chosen one fails or works; the
    browser has drawn the picture (``line_chart``)."""
    try:
        w1, w0 = read_line(dataset, w1, w0)
    except ValueError as error:
        return f"**{error}.** The picture shows the last line that had both."
    note = PIVOT_NOTE.format(x_name=dataset["names"][0], x_mean=dataset["x"].mean())
    return loss_text(dataset, w1, w0, loss) + "\n\n" + note


def snap(dataset: dict) -> tuple[float, float]:
    """The least-squares line: the bottom of the squared-loss landscape."""
    best = dataset["best"]
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
        # its least-squares line is fitted here: a constant x fails now, not at the first move
        chosen = line_dataset(X[:, 0], y, (x_name, y_name), "your CSV", "rows of your CSV")
    except ValueError as error:
        return dataset, gr.update(), gr.update(), f"Cannot use these columns: {error}"
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
            figure = line_chart.chart("the line and each error e_i", elem_id="line-figure")
        with gr.Column(scale=2):
            w1 = Slider(0, 1, value=0, label="w1 (slope)", elem_id="line-w1")
            w0 = Slider(0, 1, value=0, label="w0 (intercept)", elem_id="line-w0")
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

    # a move is drawn in the browser at once (``line_chart``: no server call); each new
    # picture asks the server for its three losses, the latest only while a learner drags
    show = {"fn": line_chart.chart_value, "inputs": [dataset, w1, w0, loss], "outputs": figure}
    on_page_load(reset_to_wine, None, [dataset, w1, w0, status]).then(**show)
    w1.input(None, [w1, w0, figure], [w0, figure], js=line_chart.TURN_JS)
    w0.input(None, [w1, w0, figure], figure, js=line_chart.LIFT_JS)
    loss.change(None, [loss, figure], figure, js=line_chart.LOSS_JS)
    figure.change(losses, [dataset, w1, w0, loss], text, **RAW_BOXES)
    best.click(snap, dataset, [w1, w0]).then(**show)
    upload.change(read_upload, upload, [table, x_column, y_column, status])
    use.click(use_columns, [table, x_column, y_column, dataset],
              [dataset, w1, w0, status]).then(**show)  # fmt: skip
    wine.click(reset_to_wine, None, [dataset, w1, w0, status]).then(**show)


SUMMARY = "Move w1 and w0 through the wine cloud; see each error e_i and three losses."
CHAPTER = Chapter(2, "A line through wine", "line", SUMMARY, build)
