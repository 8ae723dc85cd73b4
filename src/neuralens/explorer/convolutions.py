"""Chapter 6, Convolutions: the filter stepping across the lecture's grid; kernels on a photo."""

from __future__ import annotations

import gradio as gr
import numpy as np

from neuralens import data, plots
from neuralens.engine.filters import PRESETS, filter_image, preset, to_gray
from neuralens.engine.learned_filter import learn_filter
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import (
    chapter_header,
    figure_image,
    on_page_load,
    read_number,
    show,
)
from neuralens.explorer.filter_walk import filter_walk

LEAD = (
    "A convolution is a small image, the **filter**, travelling across an image: at every "
    "position it multiplies the pixels it covers by its own numbers and sums them into one "
    "output pixel. Step through the lecture's example, then design filters on a photo."
)
SOURCES = ("the cat", "a digit")
PHOTO_STEP = 2  # show the cat at half size: 150x226 pixels, filtered at once
LEARN_STEP = 3  # the learned-filter demo trains on the cat at a third of its size
LEARN_FRAMES = 25  # how many kernels the convergence animation shows
KERNEL_LIMIT = 1000  # kernel numbers a learner may type: beyond this the picture saturates
DIGIT_ZOOM = 12  # a 28x28 digit shown 336 pixels wide, each pixel a visible square


def source_image(source: str) -> np.ndarray:
    """The gray float image the playground filters: the cat photo or a test digit."""
    if source == SOURCES[1]:
        images, _ = data.load_mnist("test", "mini")
        return images[0].astype(float) / 255
    return to_gray(data.sample_image("chelsea"))[::PHOTO_STEP, ::PHOTO_STEP]


def for_display(filtered: np.ndarray) -> np.ndarray:
    """Filter output -> uint8 gray: mid-gray is zero when the output has both signs; a small
    image (a digit) is enlarged pixel by pixel so each pixel stays a visible square."""
    if filtered.min() < 0:
        filtered = 0.5 + filtered / (2 * (np.abs(filtered).max() or 1.0))
    shown = (np.clip(filtered, 0, 1) * 255).astype(np.uint8)
    if max(shown.shape) < 100:
        shown = shown.repeat(DIGIT_ZOOM, axis=0).repeat(DIGIT_ZOOM, axis=1)
    return shown


def read_kernel(kernel) -> np.ndarray:
    """The table's cells as a float kernel; a blank or non-numeric cell is named."""
    cells = np.asarray(kernel, dtype=object)
    if cells.ndim != 2 or cells.size == 0:
        raise ValueError("the kernel needs a square table of numbers")
    numbers = np.empty(cells.shape)
    for (row, col), value in np.ndenumerate(cells):
        name = f"kernel cell (row {row + 1}, column {col + 1})"
        numbers[row, col] = read_number(value, name, -KERNEL_LIMIT, KERNEL_LIMIT)
    return numbers


def apply_kernel(source: str, kernel) -> tuple[np.ndarray, str]:
    """The engine's convolution of the chosen image with the kernel in the table."""
    try:
        kernel = read_kernel(kernel)
        filtered = filter_image(source_image(source), kernel)
    except ValueError as error:
        return gr.update(), f"**Cannot filter:** {error}. The picture shows the last good kernel."
    note = f"kernel sum {kernel.sum():.3g}: " + (
        "brightness kept" if abs(kernel.sum() - 1) < 1e-6
        else "flat regions go to zero (mid-gray), edges light up" if abs(kernel.sum()) < 1e-6
        else "brightness scaled"
    )  # fmt: skip
    return for_display(filtered), note


def choose_preset(name: str, size: str) -> np.ndarray:
    """The preset at the chosen size: blurs have a 5x5 version; other 3x3 kernels get a border
    of zeros (the same filter, with 25 numbers to edit)."""
    if size != "5x5":
        return preset(name)
    if f"{name} 5x5" in PRESETS:
        return preset(f"{name} 5x5")
    return np.pad(preset(name), 1)


def learn_view():
    """Train a 3x3 Conv2d to reproduce the vertical-edge filter; stream its kernel converging."""
    cat = to_gray(data.sample_image("chelsea"))[::LEARN_STEP, ::LEARN_STEP]
    result = learn_filter(cat, preset("vertical edges"))
    for step in np.unique(np.geomspace(1, len(result.losses), LEARN_FRAMES).astype(int)):
        figure = plots.plot_kernel_convergence(result.kernels, result.target, result.losses, step)
        text = (f"step {step} of {len(result.losses)}: largest weight error "
                f"{np.abs(result.kernels[step] - result.target).max():.4f}")  # fmt: skip
        yield show(figure), text


def build() -> None:
    chapter_header(6, "Convolutions", LEAD)
    gr.Markdown("## The filter, position by position\nA 10x11 image of 0s and 1s and a 2x2 "
                "filter of ones: each output pixel counts the ink under the filter. Step with "
                "Previous / Next, drag the slider, or Play every position in order.")  # fmt: skip
    filter_walk("conv-walk")

    gr.Markdown("## Design a filter\nPick a preset or type your own numbers; the engine's "
                "`conv2d` filters the image at once.")  # fmt: skip
    with gr.Row():
        source = gr.Radio(list(SOURCES), value=SOURCES[0], label="image", elem_id="conv-source")
        names = [name for name in PRESETS if not name.endswith("5x5")]
        chosen = gr.Dropdown(names, value="vertical edges", label="preset", elem_id="conv-preset")
        size = gr.Radio(["3x3", "5x5"], value="3x3", label="kernel size", elem_id="conv-size")
    with gr.Row():
        kernel = gr.Dataframe(preset("vertical edges"), datatype="number", type="numpy",
                              interactive=True, label="kernel (click a number to edit)",
                              elem_id="conv-kernel")  # fmt: skip
        filtered = gr.Image(label="filtered by the engine", type="numpy", interactive=False,
                            format="png", elem_id="conv-output")  # fmt: skip
    note = gr.Markdown(elem_id="conv-note")
    chosen.change(choose_preset, [chosen, size], kernel)
    size.change(choose_preset, [chosen, size], kernel)
    kernel.change(apply_kernel, [source, kernel], [filtered, note])
    source.change(apply_kernel, [source, kernel], [filtered, note])
    on_page_load(apply_kernel, [source, kernel], [filtered, note])

    gr.Markdown("## Designed vs learned\nGradient descent on one 3x3 `Conv2d`, asked to "
                "reproduce the vertical-edge filter's output on the cat, finds its "
                "numbers.")  # fmt: skip
    learn = gr.Button("Learn the filter", elem_id="conv-learn")
    convergence = figure_image("learned kernel converging", elem_id="conv-learned")
    learned_text = gr.Markdown(elem_id="conv-learned-text")
    learn.click(learn_view, None, [convergence, learned_text])


CHAPTER = Chapter(6, "Convolutions", "convolutions", "Step a filter across the lecture's grid; "
                  "design blur, sharpen and edge kernels on the cat; watch a filter being learned.",
                  build)  # fmt: skip
