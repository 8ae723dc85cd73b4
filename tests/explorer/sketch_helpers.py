"""Drawing on a Gradio sketchpad from Playwright, and waiting for the page's answer.

Imported by the browser tests of the pixels and CNN pages (pytest puts this folder on
sys.path). The pages open every sketchpad with the brush picked: draw on the pixi canvas.
"""

from __future__ import annotations


def draw_vertical_stroke(page, sketch_id: str) -> None:
    """Draw one vertical line down the middle of the canvas (no tool picked first: the
    brush must be ready when the page opens)."""
    page.locator(f'#{sketch_id} button[aria-label="Brush"].highlight').wait_for()
    canvas = page.locator(f"#{sketch_id} .pixi-target canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, top, height = box["x"] + box["width"] / 2, box["y"], box["height"]
    page.mouse.move(x, top + 0.15 * height)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x, top + (0.15 + 0.7 * step / 20) * height)
    page.mouse.up()


def wait_for_new_prediction(page, selector: str, before: str) -> None:
    """Wait until the element's text changed from ``before`` to a new "prediction: ..."."""
    changed = "([id, before]) => { const t = document.querySelector(id).innerText;" \
              " return t !== before && t.startsWith('prediction'); }"  # fmt: skip
    page.wait_for_function(changed, arg=[selector, before], timeout=20_000)
