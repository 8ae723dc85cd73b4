"""Chapter 7, the CNN half: one digit through the CNN, layer by layer, and its learned filters."""

from __future__ import annotations

import gradio as gr
import numpy as np

from neuralens import plots
from neuralens.explorer import trained
from neuralens.explorer.components import figure_image, on_page_load, show
from neuralens.explorer.drawing import (
    BLANK_TEXT,
    digit_inputs,
    drawing_pixels,
    has_ink,
    mnist_test_digit,
)

INTRO = """## The CNN, layer by layer
The same digit through a small convolutional network: each block slides a bank of 3 x 3
filters over its input (one **feature map** per filter), pools 2 x 2 neighbourhoods
(the maps halve) and applies ReLU. The last maps are **flattened** into one list, and a
**dense layer** turns that list into one score per digit."""


def size_chain(stages: list[tuple[str, np.ndarray]], image_shape: tuple[int, ...]) -> str:
    """The shapes the digit takes on its way through, as one line of Markdown.

    >>> size_chain([("conv1", np.zeros((4, 8, 8))), ("flatten", np.zeros(256)),
    ...             ("logits", np.zeros(10))], (1, 8, 8))
    '`image 1x8x8` -> `conv1 4x8x8` -> `flatten 256` -> `dense -> 10 scores`'
    """
    steps = [f"image {'x'.join(map(str, image_shape))}"]
    for name, value in stages:
        shape = "x".join(map(str, value.shape))
        steps.append(f"dense -> {value.size} scores" if name == "logits" else f"{name} {shape}")
    return " -> ".join(f"`{step}`" for step in steps)


def cnn_views(digit: np.ndarray, choice: str, info: dict | None):
    """Feature maps of every stage, the sizes, the flattened vector and the probabilities."""
    # torch loads on first use, not at start-up
    from neuralens.models.inspect import predict_proba, stage_outputs

    chosen = trained.choose("cnn", choice, info)
    stages = stage_outputs(chosen.model, digit)
    maps = [(name, value) for name, value in stages if value.ndim == 3]
    flat = dict(stages)["flatten"]
    probabilities = predict_proba(chosen.model, digit)[0]
    best = int(probabilities.argmax())
    config = chosen.model.config
    summary = (
        f"**prediction: {chosen.classes[best]}** ({probabilities[best]:.0%})  \n{chosen.source}"
        f"  \n{size_chain(stages, (config.num_channels, config.image_size, config.image_size))}"
    )
    return (
        summary,
        show(plots.plot_feature_maps(maps)),
        show(plots.plot_flattened(flat, label="feature").figure),
        show(plots.plot_probabilities(probabilities, chosen.classes).figure),
    )


def filters_view(choice: str, info: dict | None):
    """The first layer's learned filters above filters a person would design."""
    # torch loads on first use, not at start-up
    from neuralens.models.inspect import DESIGNED_FILTERS, first_layer_filters

    model = trained.choose("cnn", choice, info).model
    return show(plots.plot_learned_vs_designed(first_layer_filters(model), DESIGNED_FILTERS))


def from_drawing(sketch, choice, info):
    digit = drawing_pixels(sketch)
    if not has_ink(digit):  # a blank canvas: nothing to predict
        return BLANK_TEXT, gr.update(), gr.update(), None
    return cnn_views(digit, choice, info)


def from_test_set(index: float, choice, info):
    return cnn_views(mnist_test_digit(index), choice, info)


def build_cnn_section() -> None:
    """Lay out the CNN part of chapter 7 (called from the chapter's ``build``)."""
    gr.Markdown(INTRO)
    info = trained.trained_state()
    with gr.Row():
        with gr.Column(scale=1):
            sketch, index, use_test = digit_inputs("cnn")
            choice = trained.model_choice("cnn")
        with gr.Column(scale=1):
            summary = gr.Markdown(elem_id="cnn-summary")
            probabilities = figure_image("the dense layer's probabilities", elem_id="cnn-probs")
    maps = figure_image("feature maps, block by block (first 8 of each)", elem_id="cnn-maps")
    flat = figure_image("the last maps, flattened into one list", elem_id="cnn-flat")
    gr.Markdown(
        "### Learned vs designed filters\nThe 3 x 3 filters the CNN learned in its first "
        "layer, next to kernels people design by hand (red: positive, blue: negative)."
    )
    filters = figure_image("first-layer filters", elem_id="cnn-filters")

    views = [summary, maps, flat, probabilities]
    first = (0, trained.SHIPPED_CHOICE, None)
    on_page_load(lambda: from_test_set(*first), None, views)
    on_page_load(lambda: filters_view(*first[1:]), None, filters)
    sketch.change(from_drawing, [sketch, choice, info], views, trigger_mode="always_last")
    use_test.click(from_test_set, [index, choice, info], views)
    choice.change(from_test_set, [index, choice, info], views)
    choice.change(filters_view, [choice, info], filters)
