"""Where a digit comes from on the pixels and CNN pages: a sketchpad, an upload or a test image."""

from __future__ import annotations

import gradio as gr
import numpy as np

from neuralens import data
from neuralens.data.preprocess import MNIST_SIZE
from neuralens.explorer.components import Slider, on_page_load

CANVAS = 280  # sketchpad pixels per side: ten per MNIST pixel
BRUSH = 22  # stroke width in canvas pixels: about 2 MNIST pixels, like MNIST's pen strokes
BLANK_TEXT = "**Draw a digit** on the canvas (the pen is ready), or take a test digit."
# Gradio's sketchpad opens with no tool chosen: pick its brush once the page has drawn it
PICK_BRUSH_JS = """() => {
  let tries = 0;
  const timer = setInterval(() => {
    const brush = document.querySelector('#%s button[aria-label="Brush"]');
    if (brush || ++tries > 100) { clearInterval(timer); brush?.click(); }
  }, 100);
}"""


def drawing_pixels(sketch: dict | np.ndarray | None) -> np.ndarray:
    """The sketchpad's picture (white paper, dark ink) as an MNIST digit, uint8 (28, 28)."""
    image = sketch.get("composite") if isinstance(sketch, dict) else sketch
    if image is None:
        return np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.uint8)
    return data.to_mnist(np.asarray(image))


def has_ink(digit: np.ndarray) -> bool:
    """Whether a drawn digit has any ink: a blank canvas gets no prediction.

    >>> has_ink(np.zeros((28, 28), dtype=np.uint8))
    False
    """
    return bool(np.asarray(digit).max() > 0)


def mnist_test_digit(index: float) -> np.ndarray:
    """MNIST test digit number ``index`` of the bundled set, uint8 (28, 28)."""
    images, _ = data.load_mnist("test")
    return images[int(index)]


def digit_inputs(prefix: str) -> tuple[gr.Sketchpad, gr.Slider, gr.Button]:
    """A sketchpad (id ``{prefix}-sketch``), a test-digit slider and its button."""
    sketch = gr.Sketchpad(
        label="draw a digit (or upload a picture of one)", canvas_size=(CANVAS, CANVAS),
        type="numpy", image_mode="RGBA", sources=("upload",), elem_id=f"{prefix}-sketch",
        brush=gr.Brush(default_size=BRUSH, colors=["#000000"], color_mode="fixed"),
        layers=False, transforms=(),
    )  # fmt: skip
    on_page_load(None, None, None, js=PICK_BRUSH_JS % f"{prefix}-sketch")
    _, labels = data.load_mnist("test")  # the bundled test split
    last = len(labels) - 1
    index = Slider(0, last, value=0, step=1, label="... or take MNIST test digit #")
    return sketch, index, gr.Button("Use this test digit")
