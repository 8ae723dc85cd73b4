"""Chapter 4, the network as an equation: wine grade from a few measurements, two networks."""

from __future__ import annotations

from dataclasses import replace

import gradio as gr
import pandas as pd

from neuralens import plots
from neuralens.data import GRADE_FEATURES, WINE_FEATURES
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import (
    Slider,
    chapter_header,
    figure_image,
    on_page_load,
    read_number,
    show,
)

LEAD = (
    "A neural network layer is the line's equation with more inputs and outputs: "
    "z = W x + b, one row of weights per wine grade, and softmax turns the scores z into "
    "probabilities. Stack a second layer with a ReLU between them and you have a hidden "
    "layer. Pick the measurements, see the equation beside the drawn network, train both."
)
KINDS = {"linear (softmax)": 0, "one hidden layer + ReLU": None}  # None: the slider decides
DEFAULT_LR = 0.5  # plain gradient descent on standardised measurements: fast and stable
LR_RANGE = (1e-4, 10.0)  # learning rates the page accepts
WHY_NO_GAIN = (
    "Why is the hidden layer not ahead? Wines that look alike in these measurements get "
    "different grades from the tasters, so every network stops near the same accuracy; "
    "{wines} of {num_test} test wines apart is noise, not a worse model. {fit} A hidden "
    "layer pays off when the boundary between classes is curved, as with pixels (chapter 5)."
)
FIT_SLOWER = "Through two layers plain descent is also slower: it does not fit even the " \
    "training wines better yet ({train_gap:+.1%})."  # fmt: skip
FIT_BETTER = "Its extra weights fit the training wines better ({train_gap:+.1%}), which " \
    "does not carry over to new wines."  # fmt: skip


def configs(features: list[str], hidden: float, steps: float, lr: float) -> dict:
    """The two networks the page compares, with the learner's settings."""
    # torch loads on first use, not at start-up
    from neuralens.studies.network_equation import GradeConfig

    lr = read_number(lr, "the learning rate", *LR_RANGE)
    base = GradeConfig(features=tuple(features), num_steps=int(steps), lr=lr)
    return {kind: replace(base, hidden_size=int(hidden) if size is None else size)
            for kind, size in KINDS.items()}  # fmt: skip


def view(model, data) -> tuple[str, object]:
    """The equation (as code) and the drawing of one network, from its own weights."""
    from neuralens.studies.network_equation import equation_text

    text = equation_text(model, data.features, data.grades)
    names = [f"grade {g}" for g in data.grades]
    ax = plots.plot_network(model.weight_matrices(), data.features, names)
    return f"```\n{text}\n```", show(ax.figure)


def untrained(features: list[str], hidden: float, steps: float, lr: float):
    """Both networks before training: random weights, already an equation. The table and the
    curves of an earlier run are cleared, so the page never mixes two states."""
    from neuralens.studies.network_equation import build_network, grade_data

    try:
        chosen = configs(features, hidden, steps, DEFAULT_LR)  # no learning before training
        data = grade_data(chosen["linear (softmax)"].features)
    except ValueError as error:
        return (gr.update(),) * 6 + (f"**Cannot build:** {error}.",)
    views = []
    for config in chosen.values():
        model = build_network(config, len(data.grades))
        views.extend(view(model, data))
    return (*views, None, None, "Untrained: random initial weights. Press 'Train both'.")


def gain_text(runs: dict) -> str:
    """Why the hidden layer is not ahead, when it is not (one sentence of the lecture's why)."""
    linear, hidden = runs.values()
    if hidden.test_accuracy > linear.test_accuracy:
        return ""
    num_test = len(linear.data.y_test)
    wines = round(abs(linear.test_accuracy - hidden.test_accuracy) * num_test)
    train_gap = hidden.train_accuracy - linear.train_accuracy
    fit = (FIT_BETTER if train_gap > 0 else FIT_SLOWER).format(train_gap=train_gap)
    return " " + WHY_NO_GAIN.format(wines=wines, num_test=num_test, fit=fit)


def train(features: list[str], hidden: float, steps: float, lr: float):
    """Train the linear and the hidden-layer network one after the other, showing each."""
    from neuralens.studies.network_equation import train_grades

    try:
        chosen = configs(features, hidden, steps, lr)
    except ValueError as error:
        yield (gr.update(),) * 6 + (f"**Cannot train:** {error}. The page shows the last run.",)
        return
    rows, runs, views = [], {}, [gr.update()] * 4
    for k, (kind, config) in enumerate(chosen.items()):
        cleared = (None, None) if k == 0 else (gr.update(), gr.update())  # no stale table
        yield (*views, *cleared, f"Training {kind} ...")
        try:
            run = train_grades(config)
        except ValueError as error:
            yield (*views, gr.update(), gr.update(), f"**Cannot train:** {error}.")
            return
        views[2 * k : 2 * k + 2] = view(run.model, run.data)
        runs[kind] = run
        rows.append({"network": kind, "parameters": run.num_parameters,
                     "train accuracy": round(run.train_accuracy, 4),
                     "test accuracy": round(run.test_accuracy, 4),
                     "steps": config.num_steps})  # fmt: skip
    figure = show(plots.plot_grade_training({kind: run.history for kind, run in runs.items()}))
    status = "Trained both by plain gradient descent." + gain_text(runs)
    yield (*views, pd.DataFrame(rows), figure, status)


def build() -> None:
    chapter_header(4, "The network as an equation", LEAD)
    with gr.Row():
        features = gr.CheckboxGroup(
            list(WINE_FEATURES), value=list(GRADE_FEATURES), label="input measurements",
            elem_id="network-features",
        )  # fmt: skip
        with gr.Column():
            hidden = Slider(1, 32, value=8, step=1, label="hidden units (second network)",
                               elem_id="network-hidden")  # fmt: skip
            steps = Slider(10, 1000, value=300, step=10, label="gradient-descent steps",
                              elem_id="network-steps")  # fmt: skip
            lr = gr.Number(DEFAULT_LR, label="learning rate", elem_id="network-lr")
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
    state = [*panels, results, curves, status]  # everything from one run, or all reset
    on_page_load(untrained, settings, state)
    gr.on([features.change, hidden.release], untrained, settings, state)
    go.click(train, settings, [*panels, results, curves, status])


SUMMARY = "Grade wines from 3 measurements: a softmax layer vs a hidden layer, drawn as networks."
CHAPTER = Chapter(4, "The network as an equation", "network", SUMMARY, build)
