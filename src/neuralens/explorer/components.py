"""Small builders every chapter uses, so pages look and behave alike."""

from __future__ import annotations

import gradio as gr
import numpy as np

from neuralens.plots import Figure, to_rgb


def figure_image(label: str, **kwargs) -> gr.Image:
    """An output image for a matplotlib figure, downloadable as PNG."""
    return gr.Image(
        label=label, type="numpy", interactive=False, format="png",
        buttons=["download", "fullscreen"], **kwargs,
    )  # fmt: skip


def show(fig: Figure) -> np.ndarray:
    """A figure as the RGB array a ``figure_image`` displays."""
    return to_rgb(fig)


def chapter_header(number: int, title: str, lead: str) -> gr.Markdown:
    """The heading every chapter page starts with: number, title, one short paragraph."""
    return gr.Markdown(f"# {number}. {title}\n{lead}" if number else f"# {title}\n{lead}")
