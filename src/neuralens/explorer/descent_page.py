"""Chapter 3, landscape and gradient descent: the loss as a surface, and following its slope."""

from __future__ import annotations

import base64
import shutil
import tempfile
import time
from pathlib import Path

import gradio as gr
import numpy as np

from neuralens import data, linear, plots
from neuralens.explorer import many_features
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import (
    Slider,
    chapter_header,
    figure_image,
    on_page_load,
    read_number,
)
from neuralens.plots.surface import landscape_surface_3d

LEAD = (
    "Try every line (w1, w0) and the loss becomes a landscape of mountains and valleys; the "
    "best line sits at the bottom. With many features the grid explodes, so instead we "
    "follow the slope: w ← w − lr · dL/dw. Click the contour (or type a start), pick a "
    "learning rate, and watch the descent step by step."
)
MODES = ("raw density", "standardised density")
CONTOUR_CELLS = 101  # grid of the contour picture
SURFACE_CELLS = 61  # grid of the 3-D surface (odd: one row on the valley floor), light to send
LR_RANGE = (1e-12, 100.0)  # learning rates the page accepts: far above any stability limit
MAX_STEPS = 3000  # the steps slider's end
START_LIMIT = 1e6  # a start further out only overflows the loss
MAX_FRAMES = 20
FRAME_SECONDS = 0.06  # each frame stays at least this long, so the eye can follow it
VERDICTS = {  # status of the descent -> (headline, why)
    "converged": ("converged", "a step no longer changes the loss"),
    "max_steps": ("stopped", "at the step limit, still moving"),
    "diverged": ("DIVERGED", "the loss blew up; lower the learning rate"),
}


def problem(mode: str) -> tuple[np.ndarray, np.ndarray]:
    """x (raw or standardised density) and y (fixed acidity) of the red wines."""
    X, y = data.select_columns(data.load_wine("red"), "density", "fixed acidity")
    x = X[:, 0]
    return (linear.Standardizer.fit(x).transform(x)[:, 0] if mode == MODES[1] else x), y


def landscape(mode: str, cells: int = CONTOUR_CELLS) -> linear.Landscape:
    x, y = problem(mode)
    return linear.loss_landscape(x, y, *linear.default_ranges(x, y), n=cells)


def limit_text(mode: str) -> str:
    x, _ = problem(mode)
    return (f"Stability limit for {mode}: lr < 2/L = **{linear.stability_limit(x):.4g}** "
            "(L: the largest curvature of the MSE). Above it every step overshoots.")  # fmt: skip


def surface(mode: str, result: linear.DescentResult | None = None):
    """The 3-D loss surface, sampled along its valley (smooth even where the valley is far
    narrower than a grid cell), with the descent's path inside the window."""
    x, y = problem(mode)
    w1_range, (w0_low, w0_high) = linear.default_ranges(x, y)
    valley = linear.valley_surface(x, y, w1_range, (w0_high - w0_low) / 2, SURFACE_CELLS)
    path = None if result is None else np.column_stack([result.weights, result.losses])
    return landscape_surface_3d(valley, path)


def update_text(result: linear.DescentResult, step: int) -> str:
    """The update of ``step`` written out with its numbers."""
    if step == 0:
        w1, w0 = result.weights[0]
        return f"Start: w = ({w1:.5g}, {w0:.5g}), L = {result.losses[0]:.6g}"
    (w1, w0), (g1, g0) = result.weights[step - 1], result.gradients[step - 1]
    new_w1, new_w0 = result.weights[step]
    return (
        f"Step {step}: w ← w − lr · dL/dw = ({w1:.5g}, {w0:.5g}) − {result.lr:g} · "
        f"({g1:.5g}, {g0:.5g}) = ({new_w1:.5g}, {new_w0:.5g});  L = {result.losses[step]:.6g}"
    )


def status_text(result: linear.DescentResult, mode: str) -> str:
    headline, why = VERDICTS[result.status]
    fit = linear.fit_line(*problem(mode))
    return (f"{headline} after {result.num_steps} steps ({why}). Final loss "
            f"{result.final_loss:.6g}; the closed form's is {fit.mse:.6g}.")  # fmt: skip


def frame_html(frame: np.ndarray) -> str:
    """One animation frame inline (a data URI): no file request per frame, so none is cut
    short when the next frame arrives."""
    encoded = base64.b64encode(plots.rgb_to_png(frame)).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="descent frame" style="width:100%">'


def start_view(mode: str):
    """A new mode: its landscape with the default start, the limit and the surface."""
    x, y = problem(mode)
    start = linear.window_point(x, y)
    picture, box = plots.contour_picture(landscape(mode), start[None, :])
    first = linear.gradient_descent(x, y, linear.DescentConfig(max_steps=1), start=start)
    return (picture, box, float(start[0]), float(start[1]), limit_text(mode), surface(mode),
            update_text(first, 0), "Press 'Start descent' or click the contour.", "")  # fmt: skip


def read_settings(lr, steps, w1, w0) -> tuple[linear.DescentConfig, list[float]]:
    """The boxes as a descent config and a start, or a ValueError naming the box."""
    config = linear.DescentConfig(
        lr=read_number(lr, "the learning rate", *LR_RANGE),
        max_steps=int(read_number(steps, "max steps", 1, MAX_STEPS)),
    )
    start = [read_number(w, name, -START_LIMIT, START_LIMIT)
             for w, name in ((w1, "start w1"), (w0, "start w0"))]  # fmt: skip
    return config, start


def descend(mode: str, lr: float, steps: float, w1: float, w0: float):
    """Run the descent, stream it frame by frame, then the final path, the GIF and the 3-D path."""
    x, y = problem(mode)
    try:
        config, start = read_settings(lr, steps, w1, w0)
        result = linear.gradient_descent(x, y, config, start=start)
    except ValueError as error:
        yield (gr.update(), gr.update(), gr.update(), gr.update(),
               f"**Cannot descend:** {error}.", gr.update())  # fmt: skip
        return
    land, frames, shown_at = landscape(mode), [], 0.0
    for step, frame, _ in plots.iter_descent_frames(land, result, MAX_FRAMES, mode):
        frames.append(frame)
        time.sleep(max(0.0, shown_at + FRAME_SECONDS - time.monotonic()))
        shown_at = time.monotonic()
        yield (frame_html(frame), gr.update(), gr.update(), update_text(result, step),
               "descending ...", gr.update())  # fmt: skip
    picture, _ = plots.contour_picture(land, result.weights)
    folder = Path(tempfile.mkdtemp(prefix="neuralens-descent-"))
    try:  # gradio copies the GIF into its own cache before asking for more
        gif = plots.save_gif(frames, folder / "descent.gif")
        yield (gr.update(), picture, surface(mode, result), gr.update(),
               status_text(result, mode), str(gif))  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clicked(box: plots.PixelBox, evt: gr.SelectData) -> tuple[float, float]:
    """A click on the contour -> the start (w1, w0) under the mouse."""
    w1, w0 = box.to_data(*evt.index)
    return float(w1), float(w0)


def build() -> None:
    chapter_header(3, "Landscape and gradient descent", LEAD)
    box = gr.State(None)
    with gr.Row():
        mode = gr.Radio(list(MODES), value=MODES[0], label="x", elem_id="descent-mode")
        lr = gr.Number(0.1, label="learning rate lr", elem_id="descent-lr")
        steps = Slider(1, MAX_STEPS, value=300, step=1, label="max steps", elem_id="descent-steps")
    with gr.Row():
        w1 = gr.Number(label="start w1", elem_id="descent-w1")
        w0 = gr.Number(label="start w0", elem_id="descent-w0")
        start = gr.Button("Start descent", variant="primary", elem_id="descent-start")
    limit = gr.Markdown(elem_id="descent-limit")
    gr.Markdown("The descent plays here, frame by frame. To start somewhere else, click the "
                "**contour picture below** (left).")  # fmt: skip
    animation = gr.HTML(elem_id="descent-animation")
    update = gr.Markdown(elem_id="descent-update")
    status = gr.Markdown(elem_id="descent-status")
    with gr.Row():
        contour = figure_image("contour: click to start a descent there", elem_id="descent-frame")
        surface_plot = gr.Plot(label="loss surface (drag to rotate)", elem_id="descent-surface")
    gif = gr.File(label="the descent as an animated GIF", elem_id="descent-gif")

    view = [contour, box, w1, w0, limit, surface_plot, update, status, animation]
    run = [animation, contour, surface_plot, update, status, gif]
    on_page_load(start_view, mode, view)
    mode.change(start_view, mode, view)
    start.click(descend, [mode, lr, steps, w1, w0], run)
    contour.select(clicked, box, [w1, w0]).then(descend, [mode, lr, steps, w1, w0], run)
    many_features.build_section()


SUMMARY = (
    "Rotate the loss surface, click a start, watch gradient descent; raw vs standardised; "
    "many features: descent vs least squares vs a brute-force grid."
)
CHAPTER = Chapter(3, "Landscape and gradient descent", "descent", SUMMARY, build)
