"""Chapter 8, Model outputs: "the output of a model is always numbers" -- one number, a
series of numbers (boxes), a 2-D image (a mask), an RGB image, from one U-Net."""

from __future__ import annotations

import gradio as gr
import pandas as pd

from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import Slider, chapter_header, figure_image, on_page_load, show
from neuralens.plots.vision import output_texts, plot_model_outputs

LEAD = (
    "Whatever the task, a network outputs numbers. A **single number**: the probability "
    "that the scene holds a triangle (or a 7). A **series of numbers**: box corners, "
    "[[x0,y0],[x0,y1],[x1,y1],[x1,y0]] per object. A **2-D image**: a mask of 0s and 1s. "
    "An **RGB image**: 3 numbers per pixel (here the network cleans a noisy scene). The "
    "table names the last layer of each head: that layer decides what kind of output it is."
)
KINDS = ("shapes", "digit scenes")
OUTPUT_NAMES = ("number", "boxes", "mask", "image")


def outputs(kind: str, seed: float, noise: float):
    """The panel, the four outputs as text, and the last layers of ``kind``'s model."""
    from neuralens.studies import vision_tasks as study

    image = study.new_scene(kind, int(seed), noise)
    classes, question = study.scene_classes(kind), study.question_class(kind)
    raw = study.head_outputs(kind, image)
    reading = study.read_scene(kind, image)
    shapes = study.output_shapes(raw, reading)
    texts = output_texts(reading, classes, question)
    layers = study.last_layers(study.shipped_model(kind))
    table = pd.DataFrame([[name, shapes[name], layers[name]] for name in OUTPUT_NAMES],
                         columns=["output", "tensor shape", "last layer"])  # fmt: skip
    panel = show(plot_model_outputs(image, reading, classes, shapes, question))
    return panel, *(texts[name] for name in OUTPUT_NAMES), table


def build() -> None:
    chapter_header(8, "Model outputs", LEAD)
    with gr.Row():
        kind = gr.Radio(list(KINDS), value="shapes", label="scenes", elem_id="mo-kind")
        seed = gr.Number(0, label="scene number", precision=0, minimum=0, elem_id="mo-seed")
        noise = Slider(0, 0.3, value=0.1, step=0.05, label="noise added before the network",
                          elem_id="mo-noise")  # fmt: skip
    panel = figure_image("one number | boxes | a mask | an RGB image", elem_id="mo-panel")
    with gr.Row():
        boxes = [gr.Textbox(label=name, lines=7, interactive=False, elem_id=f"mo-{name}")
                 for name in OUTPUT_NAMES]  # fmt: skip
    layers = gr.Dataframe(label="the last layer of each head", interactive=False,
                          elem_id="mo-layers")  # fmt: skip
    targets = [panel, *boxes, layers]
    gr.on([kind.change, seed.submit, noise.release], outputs, [kind, seed, noise], targets)
    on_page_load(outputs, [kind, seed, noise], targets)


CHAPTER = Chapter(8, "Model outputs", "outputs", "One number, boxes, a mask, an image: the "
                  "four outputs of one network, printed as numbers.", build)  # fmt: skip
