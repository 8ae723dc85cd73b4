"""Chapter 5 in a real browser: drawing a "1" makes the shipped MLP answer 1."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def draw_vertical_stroke(page, sketch_id: str) -> None:
    """Pick the brush, then draw one vertical line down the middle of the canvas."""
    page.locator(f'#{sketch_id} button[aria-label="Brush"]').click()
    box = page.locator(f"#{sketch_id} .pixi-target canvas").bounding_box()
    x, top, height = box["x"] + box["width"] / 2, box["y"], box["height"]
    page.mouse.move(x, top + 0.15 * height)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x, top + (0.15 + 0.7 * step / 20) * height)
    page.mouse.up()


def test_drawing_a_one_is_read_as_one(explorer):
    explorer.goto(explorer.explorer_url + "/pixels")
    summary = explorer.locator("#pixels-source")
    summary.get_by_text("shipped MLP").wait_for()
    before = summary.inner_text()
    draw_vertical_stroke(explorer, "pixels-sketch")
    changed = "([id, before]) => { const t = document.querySelector(id).innerText;" \
              " return t !== before && t.startsWith('prediction'); }"  # fmt: skip
    explorer.wait_for_function(changed, arg=["#pixels-source", before], timeout=20_000)
    assert summary.inner_text().startswith("prediction: 1 (")
    assert "x 1.00" in explorer.locator("#pixels-sum").inner_text()  # the drawing's own pixels
