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
    # the browser drew the four pictures from the server's numbers
    bars = explorer.locator("#pixels-probs svg[data-kind=probs] rect.bar")
    assert bars.count() == 10
    shares = {bars.nth(k).get_attribute("data-class"): float(bars.nth(k).get_attribute("data-p"))
              for k in range(10)}  # fmt: skip
    assert max(shares, key=shares.get) == "1"
    title = explorer.locator("#pixels-probs svg text.title").text_content()
    assert title == f"prediction: 1 ({shares['1']:.0%})"
    cells = explorer.locator("#pixels-numbers svg text")
    written = cells.all_text_contents()[1:]  # after the title
    assert written and all(0 < int(v) <= 255 for v in written)  # the ink's values, on its cells
    assert "255" in written  # the strongest ink is stretched to 255, as MNIST's
    assert explorer.locator("#pixels-unit svg image").count() == 3
    explorer.locator('#pixels-sketch button[aria-label="Clear canvas"]').click()
    summary.get_by_text("Draw a digit").wait_for()  # a blank canvas gets no prediction
