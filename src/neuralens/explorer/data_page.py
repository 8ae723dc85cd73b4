"""Data: a look at every dataset the lecture uses, all bundled or generated offline."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pandas as pd

from neuralens import data, plots
from neuralens.explorer.chapter import Chapter
from neuralens.explorer.components import Slider, chapter_header, figure_image, on_page_load, show

LEAD = (
    "The lecture starts from numbers in a table (wine), then treats images as numbers too: "
    "every pixel is a feature. Shapes come with the answers of the four vision tasks."
)


# name, description, location, size_bytes, available, verified, problem
COLUMN_WIDTHS = ["13%", "31%", "29%", "8%", "7%", "6%", "6%"]


def wine_preview(color: str) -> tuple[pd.DataFrame, object]:
    wine = data.load_wine(color)
    return wine.head(12), show(plots.plot_wine_scatter(wine).figure)


def digits_preview(name: str) -> object:
    loader = data.load_mnist if name == "mnist" else data.load_fashion_mnist
    images, labels = loader("train", "mini")
    classes = data.DIGIT_CLASSES if name == "mnist" else data.FASHION_CLASSES
    return show(plots.plot_digit_grid(images, labels, per_class=10, class_names=classes).figure)


def shapes_preview(seed: float) -> object:
    return show(plots.plot_shapes(data.make_shapes(3, seed=int(seed)), count=3))


def photos_preview() -> list[tuple[object, str]]:
    """Each photo with its name as the caption (the gallery cuts long captions short)."""
    return [(data.sample_image(name), name) for name in data.PHOTOS]


def photo_notes() -> str:
    """What each photo is, in full, under the gallery."""
    return "  \n".join(f"**{name}**: {about}" for name, about in data.PHOTOS.items())


def short_location(location: str) -> str:
    """A bundled file's place as ``neuralens/data/files/NAME``, not this server's full path."""
    bundled = Path(data.__file__).parent
    if location.startswith(str(bundled)):
        return "neuralens/data" + location.removeprefix(str(bundled))
    return location


def dataset_table() -> pd.DataFrame:
    table = pd.DataFrame([info.to_dict() for info in data.list_datasets()])
    if "location" in table:
        table["location"] = table["location"].map(short_location)
    return table


def first_view() -> tuple:
    """Everything the page shows before the learner touches it (computed on page load)."""
    wine_rows, wine_scatter = wine_preview("red")
    return (wine_rows, wine_scatter, digits_preview("mnist"), digits_preview("fashion-mnist"),
            shapes_preview(0), photos_preview(), dataset_table())  # fmt: skip


def build() -> None:
    chapter_header(0, "Data", LEAD)
    with gr.Tab("Wine"):
        gr.Markdown("UCI wine quality (Cortez et al. 2009): 11 measurements and a grade per wine.")
        color = gr.Radio(["red", "white"], value="red", label="wine")
        with gr.Row():
            table = gr.Dataframe(label="first rows", interactive=False, elem_id="wine-table")
            scatter = figure_image("density vs fixed acidity", elem_id="wine-scatter")
    with gr.Tab("MNIST digits"):
        gr.Markdown("Handwritten digits, 28x28 gray pixels; ten per class from the bundled set.")
        digits = figure_image("MNIST (mini)", elem_id="mnist-grid")
    with gr.Tab("Fashion-MNIST"):
        gr.Markdown("Zalando's clothes, a drop-in replacement for MNIST: same size, 10 classes.")
        fashion = figure_image("Fashion-MNIST (mini)", elem_id="fashion-grid")
    with gr.Tab("Shapes"):
        gr.Markdown("Synthetic images with every answer known: boxes, a class per pixel, masks.")
        seed = Slider(0, 100, value=0, step=1, label="seed")
        shapes = figure_image("image + boxes | semantic mask | instance masks", elem_id="shapes")
    with gr.Tab("Photos"):
        photos = gr.Gallery(label="photos from scikit-image", columns=5, height=260,
                            elem_id="photos")  # fmt: skip
        gr.Markdown(photo_notes(), elem_id="photo-notes")
    with gr.Tab("All datasets"):
        listing = gr.Dataframe(label="neuralens data", interactive=False, wrap=True,
                               column_widths=COLUMN_WIDTHS,
                               elem_id="dataset-table")  # fmt: skip
    on_page_load(first_view, None, [table, scatter, digits, fashion, shapes, photos, listing])
    color.change(wine_preview, color, [table, scatter])
    seed.change(shapes_preview, seed, shapes)


CHAPTER = Chapter(0, "Data", "data", "Preview every dataset: wine, MNIST, Fashion-MNIST, "
                  "shapes with boxes and masks, the photos.", build)  # fmt: skip
