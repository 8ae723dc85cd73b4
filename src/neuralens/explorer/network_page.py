"""Chapter 4, the network as an equation: wine grade from a few measurements, two networks."""

from __future__ import annotations

from dataclasses import replace

import gradio as gr
import pandas as pd

from neuralens import plots
from neuralens.data import GRADE_FEATURES, WINE_FEATURES
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import chapter_header, figure_image, show

LEAD = (
    "A neural network layer is the line's equation with more inputs and outputs: "
    "z = W x + b, one row of weights per wine grade, and softmax turns the scores z into "
    "probabilities. Stack a second layer with a ReLU between them and you have a hidden "
    "layer. Pick the measurements, see the equation beside the drawn network, train both."
)
KINDS = {"linear (softmax)": 0, "one hidden layer + ReLU": None}  # None: the slider decides


def configs(features: list[str], hidden: float, steps: float, lr: float) -> dict:
    """The two networks the page compares, with the learner's settings."""
    from neuralens.network_equation import GradeConfig  # torch loads on first use, not at start-up

    base = GradeConfig(features=tuple(features), num_steps=int(steps), lr=float(lr))
    return {kind: replace(base, hidden_size=int(hidden) if size is None else size)
            for kind, size in KINDS.items()}  # fmt: skip


def view(model, data) -> tuple[str, object]:
    """The equation (as code) and the drawing of one network, from its own weights."""
    from neuralens.network_equation import equation_text

    text = equation_text(model, data.features, data.grades)
    names = [f"grade {g}" for g in data.grades]
    ax = plots.plot_network(model.weight_matrices(), data.features, names)
    return f"```\n{text}\n```", show(ax.figure)


def untrained(features: list[str], hidden: float, steps: float, lr: float):
    """Both networks before training: random weights, already an equation."""
    from neuralens.network_equation import build_network, grade_data

    try:
        chosen = configs(features, hidden, steps, lr)
        data = grade_data(chosen["linear (softmax)"].features)
    except ValueError as error:
        return (gr.update(),) * 4 + (f"Cannot build: {error}",)
    views = []
    for config in chosen.values():
        model = build_network(config, len(data.grades))
        views.extend(view(model, data))
    return (*views, "Untrained: random initial weights. Press 'Train both'.")


def train(features: list[str], hidden: float, steps: float, lr: float):
    """Train the linear and the hidden-layer network one after the other, showing each."""
    from neuralens.network_equation import train_grades

    try:
        chosen = configs(features, hidden, steps, lr)
    except ValueError as error:
        yield (gr.update(),) * 6 + (f"Cannot train: {error}",)
        return
    rows, histories, views = [], {}, [gr.update()] * 4
    for k, (kind, config) in enumerate(chosen.items()):
        yield (*views, gr.update(), gr.update(), f"Training {kind} ...")
        try:
            run = train_grades(config)
        except ValueError as error:
            yield (*views, gr.update(), gr.update(), f"Cannot train: {error}")
            return
        views[2 * k : 2 * k + 2] = view(run.model, run.data)
        histories[kind] = run.history
        rows.append({"network": kind, "parameters": run.num_parameters,
                     "train accuracy": round(run.train_accuracy, 4),
                     "test accuracy": round(run.test_accuracy, 4),
                     "steps": config.num_steps})  # fmt: skip
    figure = show(plots.plot_grade_training(histories))
    yield (*views, pd.DataFrame(rows), figure, "Trained both by plain gradient descent.")


def build() -> None:
    chapter_header(4, "The network as an equation", LEAD)
    with gr.Row():
        features = gr.CheckboxGroup(
            list(WINE_FEATURES), value=list(GRADE_FEATURES), label="input measurements",
            elem_id="network-features",
        )  # fmt: skip
        with gr.Column():
            hidden = gr.Slider(1, 32, value=8, step=1, label="hidden units (second network)",
                               elem_id="network-hidden")  # fmt: skip
            steps = gr.Slider(10, 1000, value=300, step=10, label="gradient-descent steps")
            lr = gr.Number(0.5, label="learning rate")
            go = gr.Button("Train both", variant="primary", elem_id="network-train")
    status = gr.Markdown(elem_id="network-status")
    panels = []
    for k, kind in enumerate(KINDS):
        with gr.Row():
            panels.append(gr.Markdown(elem_id=f"network-equation-{k}"))
            panels.append(figure_image(f"{kind}: drawn from its weights",
                                       elem_id=f"network-drawing-{k}"))  # fmt: skip
    results = gr.Dataframe(label="accuracy and size", interactive=False, elem_id="network-results")
    curves = figure_image("loss and test accuracy per step", elem_id="network-curves")

    settings = [features, hidden, steps, lr]
    gr.on(None, untrained, settings, [*panels, status])  # on page load
    gr.on([features.change, hidden.release], untrained, settings, [*panels, status])
    go.click(train, settings, [*panels, results, curves, status])


SUMMARY = "Grade wines from 3 measurements: a softmax layer vs a hidden layer, drawn as networks."
CHAPTER = Chapter(4, "The network as an equation", "network", SUMMARY, build)
