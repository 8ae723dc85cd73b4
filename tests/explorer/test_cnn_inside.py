"""Chapter 7's CNN section in a real browser: a drawn "1" through the shipped CNN."""

from __future__ import annotations

import pytest
from sketch_helpers import draw_vertical_stroke, wait_for_new_prediction

pytestmark = pytest.mark.browser


def test_cnn_reads_a_drawn_one_and_shows_every_layer(explorer):
    explorer.goto(explorer.explorer_url + "/cnn")
    summary = explorer.locator("#cnn-summary")
    summary.get_by_text("shipped CNN").wait_for(timeout=30_000)
    explorer.locator("#cnn-filters img").wait_for()
    before = summary.inner_text()
    draw_vertical_stroke(explorer, "cnn-sketch")
    wait_for_new_prediction(explorer, "#cnn-summary", before)
    text = summary.inner_text()
    assert text.startswith("prediction: 1 (")
    assert "flatten" in text and "dense -> 10 scores" in text
    explorer.locator("#cnn-maps img").wait_for()
    explorer.locator('#cnn-sketch button[aria-label="Clear canvas"]').click()
    summary.get_by_text("Draw a digit").wait_for()  # a blank canvas gets no prediction
