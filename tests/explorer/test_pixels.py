"""Chapter 5 in a real browser: drawing a "1" makes the shipped MLP answer 1."""

from __future__ import annotations

import pytest
from sketch_helpers import draw_vertical_stroke, wait_for_new_prediction

pytestmark = pytest.mark.browser


def test_drawing_a_one_is_read_as_one(explorer):
    explorer.goto(explorer.explorer_url + "/pixels")
    summary = explorer.locator("#pixels-source")
    summary.get_by_text("shipped MLP").wait_for()
    before = summary.inner_text()
    draw_vertical_stroke(explorer, "pixels-sketch")
    wait_for_new_prediction(explorer, "#pixels-source", before)
    assert summary.inner_text().startswith("prediction: 1 (")
    assert "x 1.00" in explorer.locator("#pixels-sum").inner_text()  # the drawing's own pixels
    explorer.locator('#pixels-sketch button[aria-label="Clear canvas"]').click()
    summary.get_by_text("Draw a digit").wait_for()  # a blank canvas gets no prediction
