"""Small builders every chapter uses, so pages look and behave alike."""

from __future__ import annotations

from collections.abc import Callable
from unittest.mock import patch

import gradio as gr
import numpy as np
from gradio import component_meta
from gradio.context import get_blocks_context

from neuralens.plots import Figure, to_rgb

# Gradio writes a .pyi file beside the module of every Component subclass it meets; this one
# adds no events, so it needs none (and an installed package must not write into itself)
with patch.object(component_meta, "create_or_modify_pyi", lambda *args: None):

    class Slider(gr.Slider):
        """A slider whose number box, left blank or holding no number, says what to type.

        Gradio's own check compares a blank box (``None``) with the minimum and shows a bare
        "Error"; this one names the slider and its range (the event does not run). A
        subclass, not a patched instance: a slider the page updates (new bounds) is rebuilt
        per learner from its class.
        """

        def get_block_name(self) -> str:
            return "slider"  # the same Svelte component in the browser

        def preprocess(self, payload: float | None) -> float:
            try:  # the bounds as the page last set them for this learner
                value = read_number(payload, f"'{self.label}'", self.minimum, self.maximum)
            except ValueError as error:
                raise gr.Error(f"{error}. Type one, or drag the slider.") from None
            return super().preprocess(value)


def figure_image(label: str, **kwargs) -> gr.Image:
    """An output image for a matplotlib figure, downloadable as PNG."""
    return gr.Image(
        label=label, type="numpy", interactive=False, format="png",
        buttons=["download", "fullscreen"], **kwargs,
    )  # fmt: skip


def sampling_controls(prefix: str, steps: int) -> tuple[gr.Slider, gr.Slider, gr.Number]:
    """A diffusion sampler's guidance scale, number of DDIM steps and seed, in the current row;
    their element ids start with ``prefix`` (``prefix-guidance``, ``-steps``, ``-seed``)."""
    guidance = Slider(0, 7, value=3, step=0.5, label="guidance s", elem_id=f"{prefix}-guidance")
    count = Slider(1, 100, value=steps, step=1, label="DDIM steps", elem_id=f"{prefix}-steps")
    seed = gr.Number(0, precision=0, label="seed", elem_id=f"{prefix}-seed")
    return guidance, count, seed


LABEL_BAND = 30  # white rows above each figure: the image's floating label sits there


def show(fig: Figure) -> np.ndarray:
    """A figure as the RGB array a ``figure_image`` displays."""
    return under_label(to_rgb(fig))


def under_label(picture: np.ndarray) -> np.ndarray:
    """An RGB picture (H, W, 3) -> (H + LABEL_BAND, W, 3): a white band on top, so the image's
    floating label does not cover the figure's title or colour key."""
    return np.pad(picture, ((LABEL_BAND, 0), (0, 0), (0, 0)), constant_values=255)


def chapter_header(number: int, title: str, lead: str) -> gr.Markdown:
    """The heading every chapter page starts with: number, title, one short paragraph."""
    return gr.Markdown(f"# {number}. {title}\n{lead}" if number else f"# {title}\n{lead}")


def on_page_load(fn: Callable, inputs=None, outputs=None, **kwargs):
    """Run ``fn`` when the page opens, and only then.

    ``gr.on(None, fn, inputs, ...)`` would also run it on every change of its inputs, where
    it fights the page's other events (a slider reset while it moves, trained weights
    replaced by random ones).
    """
    page = get_blocks_context().root_block
    return gr.on([page.load], fn, inputs, outputs, **kwargs)


def read_number(value, name: str, low: float, high: float) -> float:
    """A number box's value, or a ValueError that says in plain words what the box needs.

    >>> read_number("0.5", "learning rate", 0, 10)
    0.5
    >>> read_number(None, "learning rate", 0, 10)
    Traceback (most recent call last):
    ...
    ValueError: learning rate needs a number between 0 and 10; the box is empty
    """
    needs = f"{name} needs a number between {low:g} and {high:g}"
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{needs}; the box is empty")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{needs}; got {str(value)!r}") from None
    if not low <= number <= high:  # also refuses NaN
        raise ValueError(f"{needs}; got {number:g}")
    return number
