"""Chapter 7, Pooling and the CNN: pooling summarises tiles and halves the image.

``build`` lays out the page section by section; each section is one function call.
"""

from __future__ import annotations

import gradio as gr
import numpy as np

from neuralens import data, plots
from neuralens.engine import avg_pool2d, examples, max_pool2d
from neuralens.engine.filters import to_gray
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.cnn_inside import build_cnn_section
from neuralens.explorer.components import Slider, chapter_header, figure_image, on_page_load, show

LEAD = (
    "A convolutional network alternates filter banks, activations and **pooling**: pooling "
    "keeps one number per small tile (the largest, or the average), so each feature map "
    "halves in size while what it detected survives. Then the maps are flattened and a dense "
    "layer decides."
)
POOLINGS = {"max": max_pool2d, "average": avg_pool2d}


def pooling_example_view() -> np.ndarray:
    """The lecture's 4x4 example pooled with 2x2 tiles, max and average."""
    figure = plots.plot_pooling_example(examples.POOLING_INPUT, examples.pooling_example("max"),
                                        examples.pooling_example("average"))  # fmt: skip
    return show(figure)


def pyramid_view(kind: str, times: float) -> tuple[np.ndarray, str]:
    """The cat pooled 2x2 ``times`` times in a row by the engine: each time half the size."""
    image = to_gray(data.sample_image("chelsea"))[None, None]  # (1, 1, H, W)
    levels = [image]
    for _ in range(int(times)):
        levels.append(POOLINGS[kind](levels[-1], 2))
    sizes = " -> ".join(f"{level.shape[2]}x{level.shape[3]}" for level in levels)
    figure = plots.plot_pooling_pyramid([level[0, 0] for level in levels], kind)
    return show(figure), f"sizes: {sizes} (each 2x2 pooling keeps 1 pixel of every 4)"


def pooling_section() -> None:
    """The 4x4 example, then a photo pooled again and again."""
    gr.Markdown("## Pooling\nThe lecture's 4x4 feature map cut into 2x2 tiles: **max pooling** "
                "keeps each tile's largest value, **average pooling** its mean.")  # fmt: skip
    example = figure_image("max and average pooling, 2x2 tiles", elem_id="pool-example")
    with gr.Row():
        kind = gr.Radio(list(POOLINGS), value="max", label="pooling", elem_id="pool-kind")
        times = Slider(1, 4, value=3, step=1, label="pool how many times", elem_id="pool-times")
    pyramid = figure_image("the cat pooled again and again", elem_id="pool-pyramid")
    sizes = gr.Markdown(elem_id="pool-sizes")
    on_page_load(pooling_example_view, None, example)
    gr.on([kind.change, times.release], pyramid_view, [kind, times], [pyramid, sizes])
    on_page_load(pyramid_view, [kind, times], [pyramid, sizes])


def build() -> None:
    chapter_header(7, "Pooling and the CNN", LEAD)
    pooling_section()
    build_cnn_section()  # the CNN half: explorer/cnn_inside.py


SUMMARY = (
    "Pool the lecture's 4x4 example and a photo that halves at every step; then follow "
    "a digit through the CNN, feature map by feature map, to its probabilities."
)
CHAPTER = Chapter(7, "Pooling and the CNN", "cnn", SUMMARY, build)
