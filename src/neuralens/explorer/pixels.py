"""Chapter 5, pixels as features: a drawing -> 28x28 -> 784 numbers -> an MLP's probabilities."""

from __future__ import annotations

import gradio as gr
import numpy as np

from neuralens import data, plots
from neuralens.data.preprocess import MNIST_SIZE
from neuralens.explorer import digit_charts, trained
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import (
    Slider,
    chapter_header,
    figure_image,
    on_page_load,
    show,
)
from neuralens.explorer.drawing import (
    BLANK_TEXT,
    digit_inputs,
    drawing_pixels,
    has_ink,
    mnist_test_digit,
)
from neuralens.explorer.streaming import StopFlag, stream_run
from neuralens.history import History
from neuralens.weights import shipped_metadata

LEAD = (
    "An image is a grid of numbers. Draw a digit: it is shrunk to 28 x 28 pixels the way "
    "MNIST's digits were (fitted in a 20 x 20 box, centred by its centre of mass), read as "
    "784 numbers, and those numbers are the features a multilayer perceptron turns into "
    "10 probabilities, one per digit."
)


def weighted_sum_text(weights: np.ndarray, x: np.ndarray, bias: float, unit: int) -> str:
    """z = sum_i w_i x_i + b written out with the drawing's numbers, largest terms first."""
    terms = (weights * x).ravel()
    shown = [i for i in np.argsort(-np.abs(terms))[:6] if terms[i] != 0]
    width = x.shape[1]
    lines = [f"z_{unit} = w_0 x_0 + w_1 x_1 + ... + w_{terms.size - 1} x_{terms.size - 1} + b"]
    for i in shown:
        pixel = f"(row {i // width}, col {i % width})"
        lines.append(f"    {weights.flat[i]:+.3f} x {x.flat[i]:.2f}   {pixel}")
    rest = terms.sum() - terms[shown].sum()
    z = terms.sum() + bias
    lines.append(f"    {rest:+.3f}   (the other {terms.size - len(shown)} terms together)")
    lines.append(f"    {bias:+.3f}   (bias b)")
    lines.append(f"  = {z:.3f};   ReLU(z) = max(0, z) = {max(z, 0.0):.3f}")
    return "```\n" + "\n".join(lines) + "\n```"


def analyse(digit: np.ndarray, choice: str, info: dict | None, unit: float):
    """Every view of the digit: pixels, numbers, flattened list, probabilities, one unit."""
    from neuralens.models.inspect import predict_proba  # torch loads on first use, not at start-up

    chosen = trained.choose("mlp", choice, info)
    probabilities = predict_proba(chosen.model, digit)[0]
    best = int(probabilities.argmax())
    summary = (
        f"**prediction: {chosen.classes[best]}** ({probabilities[best]:.0%})  \n{chosen.source}"
    )
    return (
        digit_charts.pixels_value(digit),  # numbers: the browser draws the pictures
        digit_charts.flat_value(digit),
        digit_charts.probabilities_value(probabilities, chosen.classes),
        summary,
        *unit_view(digit, chosen, unit),
    )


def unit_view(digit: np.ndarray, chosen: trained.ChosenModel, unit: float):
    """One hidden unit: its 784 weights as an image, and its weighted sum for this digit."""
    from neuralens.models.inspect import hidden_unit  # torch loads on first use, not at start-up

    x = digit / 255.0
    unit = int(min(unit, chosen.model.hidden[0].out_features - 1))
    weights, bias = hidden_unit(chosen.model, unit)
    picture = digit_charts.unit_value(weights, x, bias, unit)
    return picture, weighted_sum_text(weights, x, bias, unit)


def from_drawing(sketch, choice, info, unit):
    digit = drawing_pixels(sketch)
    if not has_ink(digit):  # a blank canvas: nothing to predict
        return (digit, *(gr.update(),) * 2, None, BLANK_TEXT, *(gr.update(),) * 2)
    return digit, *analyse(digit, choice, info, unit)


def first_view():
    """What the page shows before anything is drawn: test digit 0 through the shipped MLP."""
    return from_test_set(0, trained.SHIPPED_CHOICE, None, 0)


def from_test_set(index: float, choice, info, unit):
    digit = mnist_test_digit(index)
    return digit, *analyse(digit, choice, info, unit)


def on_unit(digit, choice, info, unit):
    return unit_view(np.asarray(digit, dtype=np.uint8), trained.choose("mlp", choice, info), unit)


ACTIVATION_NAMES = {"relu": "with ReLU", "none": "without (linear)"}
# epochs the comparison offers: from 3 on, ReLU is ahead on mini MNIST (seed 0: +0.9 % at 3,
# +3.3 % at 6); after 1 epoch the linear network can still be ahead (-0.5 %)
EPOCH_RANGE = (3, 10)
NOISE = 0.005  # a test-accuracy gap under this is within run-to-run noise (2,000 test digits)


def nonlinearity_demo(epochs: float):
    """Train the same MLP with and without ReLU on mini MNIST; the figure grows per epoch."""
    # torch loads on first use, not at start-up
    from neuralens.studies.nonlinearity import NonlinearityConfig, compare_activations

    X, y = data.load_mnist("train")
    X_test, y_test = data.load_mnist("test")
    config = NonlinearityConfig(num_epochs=int(epochs))

    def work(hook):  # live rows carry which run they belong to, as an index (numbers only)
        def on_step(name: str, live: dict[str, float]) -> bool:
            return hook({**live, "run": config.activations.index(name)})

        return compare_activations(X, y, X_test, y_test, config, on_step=on_step)

    runs = {name: History() for name in config.activations}
    yield None, "Training the MLP with ReLU, then the same MLP without it..."
    for kind, value in stream_run(work, StopFlag()):
        if kind == "done":
            runs = value
            break
        for live in value:
            name = config.activations[int(live["run"])]
            runs[name].log(epoch=live["epoch"], eval_accuracy=live["eval_accuracy"])
        shown = {ACTIVATION_NAMES[k]: history for k, history in runs.items() if len(history)}
        yield show(plots.plot_nonlinearity(shown)), "training..."
    figure = plots.plot_nonlinearity({ACTIVATION_NAMES[k]: h for k, h in runs.items()})
    gap = runs["relu"].last("eval_accuracy") - runs["none"].last("eval_accuracy")
    yield show(figure), verdict(gap, int(epochs))


def verdict(gap: float, epochs: int) -> str:
    """What the two runs show, in words that hold for the numbers measured."""
    why = "Without it, the layers multiply into one matrix: a linear classifier."
    if gap >= NOISE:
        return (f"Same layers, same data, same steps: the non-linearity adds **{gap:+.1%}** "
                f"test accuracy after {epochs} epochs. {why}")  # fmt: skip
    return (
        f"After {epochs} epochs the two differ by {gap:+.1%}, within run-to-run noise: "
        f"a linear classifier already reads many digits. Train longer to see the gap. {why}"
    )


def build() -> None:
    chapter_header(5, "Pixels as features", LEAD)
    info = trained.trained_state()
    digit = gr.State(np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.uint8))
    with gr.Row():
        with gr.Column(scale=1):
            sketch, index, use_test = digit_inputs("pixels")
            choice = trained.model_choice("mlp")
        with gr.Column(scale=1):
            probabilities = digit_charts.chart("the MLP's 10 probabilities", "pixels-probs")
            source = gr.Markdown(elem_id="pixels-source")
    with gr.Row():
        numbers = digit_charts.chart(
            "28 x 28 pixels, as numbers (0 = paper, 255 = ink)", "pixels-numbers"
        )
        flat = digit_charts.chart("flattened: the 784 features, row after row", "pixels-flat")
    gr.Markdown(
        "## One hidden unit\nEach unit of the first hidden layer has one weight per "
        "pixel: shown as a 28 x 28 image, it is the pattern the unit looks for."
    )
    # the shipped MLP's first layer, from its metadata: sizing the slider needs no torch
    num_units = shipped_metadata("mlp")["config"]["hidden_sizes"][0]
    unit = Slider(0, num_units - 1, value=0, step=1, label="hidden unit")
    with gr.Row():
        unit_figure = digit_charts.chart("weights, input, weight x input", "pixels-unit")
        unit_sum = gr.Markdown(elem_id="pixels-sum")
    gr.Markdown(
        "## Why the non-linearity?\nTrain the same MLP twice on the bundled mini "
        "MNIST: once with ReLU after each hidden layer, once without."
    )
    with gr.Row():
        epochs = Slider(*EPOCH_RANGE, value=6, step=1, label="epochs")
        compare = gr.Button("Train both", variant="primary")
    gap_figure = figure_image("with vs without non-linearity", elem_id="pixels-gap")
    gap_text = gr.Markdown(elem_id="pixels-gap-text")

    views = [digit, numbers, flat, probabilities, source, unit_figure, unit_sum]
    on_page_load(first_view, None, views)
    sketch.change(from_drawing, [sketch, choice, info, unit], views, trigger_mode="always_last")
    use_test.click(from_test_set, [index, choice, info, unit], views)
    choice.change(from_test_set, [index, choice, info, unit], views)
    unit.release(on_unit, [digit, choice, info, unit], [unit_figure, unit_sum])
    compare.click(nonlinearity_demo, epochs, [gap_figure, gap_text])


SUMMARY = (
    "Draw a digit: 28x28 pixels -> 784 numbers -> an MLP's probabilities; "
    "one unit's weights; why a non-linearity."
)
CHAPTER = Chapter(5, "Pixels as features", "pixels", SUMMARY, build)
