"""Chapter 1, Vision tasks: one scene through classification, detection, semantic and
instance segmentation, all answered by one shipped U-Net."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pandas as pd

from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import Slider, chapter_header, figure_image, on_page_load, show
from neuralens.plots.vision import plot_vision_tasks

LEAD = (
    "The four classic tasks of computer vision, done by networks: **classification** (which "
    "classes are in the image?), **object detection** (a box and a class per object), "
    "**semantic segmentation** (a class per pixel) and **instance segmentation** (a mask per "
    "object: two touching objects of one class are two masks). Here one network answers all "
    "four at once. Move the score threshold: fewer or more boxes survive; move the NMS IoU: "
    "overlapping boxes of one class are merged or kept."
)
KINDS = ("shapes", "digit scenes")
BOX_COLUMNS = ["object", "class", "score", "x0", "y0", "x1", "y1"]


def _study():
    from neuralens.studies import vision_tasks  # torch loads on first use, not at start-up

    return vision_tasks


def box_table(reading, classes) -> pd.DataFrame:
    """One row per kept box: its class, score and corners in pixels."""
    found = reading.detections
    rows = [[k, classes[int(c)], round(float(s), 3), *(round(float(v), 1) for v in box)]
            for k, (box, s, c) in enumerate(zip(found.boxes, found.scores, found.labels,
                                                strict=True))]  # fmt: skip
    return pd.DataFrame(rows, columns=BOX_COLUMNS)


def draw(kind: str, image: np.ndarray | None, threshold: float, iou: float):
    """Figure, box table, count line and the object picker's choices for ``image``."""
    if image is None:
        raise gr.Error("no scene yet: press New scene or upload a picture")
    study = _study()
    classes = study.scene_classes(kind)
    reading = study.read_scene(kind, image, threshold, iou)
    count = (f"**{len(reading.detections)} boxes** above score {threshold:.2f} "
             f"(NMS IoU {iou:.2f}); {len(reading.instances)} instance masks")  # fmt: skip
    choices = [f"{k}: {classes[int(c)]}" for k, c in enumerate(reading.detections.labels)]
    return (show(plot_vision_tasks(image, reading, classes)), box_table(reading, classes),
            count, gr.update(choices=choices, value=None))  # fmt: skip


def new_scene(kind: str, seed: float, threshold: float, iou: float):
    image = _study().new_scene(kind, int(seed or 0))
    return image, *draw(kind, image, threshold, iou)


def next_scene(kind: str, seed: float, threshold: float, iou: float):
    """The next scene number, and that scene read."""
    seed = int(seed or 0) + 1
    return seed, *new_scene(kind, seed, threshold, iou)


def uploaded(kind: str, picture, threshold: float, iou: float):
    if picture is None:
        return gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
    image = _study().prepare_picture(picture, kind)
    return image, *draw(kind, image, threshold, iou)


def pick(kind: str, image, threshold: float, iou: float, choice: str | None):
    """The chosen object's box numbers and its instance mask."""
    if image is None or not choice:
        return "", None
    reading = _study().read_scene(kind, image, threshold, iou)
    k = int(choice.split(":")[0])
    if k >= len(reading.detections):
        return "", None
    x0, y0, x1, y1 = (float(v) for v in reading.detections.boxes[k])
    text = (f"box corners [[{x0:.0f},{y0:.0f}],[{x0:.0f},{y1:.0f}],[{x1:.0f},{y1:.0f}],"
            f"[{x1:.0f},{y0:.0f}]], score {float(reading.detections.scores[k]):.3f}")  # fmt: skip
    index = reading.instance_index.tolist()
    mask = (reading.instances[index.index(k)].numpy() if k in index
            else np.zeros(tuple(reading.semantic.shape), dtype=bool))  # fmt: skip
    return f"{text}; its mask covers {int(mask.sum())} pixels", (mask * 255).astype(np.uint8)


def build() -> None:
    chapter_header(1, "Vision tasks", LEAD)
    with gr.Row():
        kind = gr.Radio(list(KINDS), value="shapes", label="scenes", elem_id="vt-kind")
        seed = gr.Number(0, label="scene number", precision=0, minimum=0, elem_id="vt-seed")
        button = gr.Button("New scene", variant="primary", elem_id="vt-new")
        upload = gr.Image(label="or upload a picture (padded to a square, resized)", type="numpy",
                          height=140, elem_id="vt-upload")  # fmt: skip
    with gr.Row():
        threshold = Slider(0.05, 0.95, value=0.3, step=0.05, label="score threshold",
                              elem_id="vt-threshold")  # fmt: skip
        iou = Slider(0.1, 0.9, value=0.5, step=0.05, label="NMS IoU", elem_id="vt-iou")
    count = gr.Markdown(elem_id="vt-count")
    figure = figure_image("classification | detection | semantic | instances | image output",
                          elem_id="vt-figure")  # fmt: skip
    with gr.Row():
        table = gr.Dataframe(headers=BOX_COLUMNS, label="boxes", interactive=False,
                             elem_id="vt-boxes")  # fmt: skip
        with gr.Column():
            chosen = gr.Dropdown([], label="pick an object", elem_id="vt-pick")
            about = gr.Markdown(elem_id="vt-about")
            mask = gr.Image(label="its instance mask", type="numpy", interactive=False,
                            height=160, elem_id="vt-mask")  # fmt: skip
    image = gr.State(None)
    scene_outputs = [image, figure, table, count, chosen]
    redraw_outputs = [figure, table, count, chosen]
    inputs = [kind, seed, threshold, iou]
    button.click(next_scene, inputs, [seed, *scene_outputs])
    gr.on([kind.change, seed.submit], new_scene, inputs, scene_outputs)
    on_page_load(new_scene, inputs, scene_outputs)
    upload.upload(uploaded, [kind, upload, threshold, iou], scene_outputs)
    gr.on([threshold.change, iou.change], draw, [kind, image, threshold, iou], redraw_outputs)
    chosen.change(pick, [kind, image, threshold, iou, chosen], [about, mask])


SUMMARY = (
    "One scene through classification, detection, semantic and instance "
    "segmentation; thresholds change the boxes."
)
CHAPTER = Chapter(1, "Vision tasks", "vision", SUMMARY, build)
