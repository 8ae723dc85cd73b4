"""Chapter 9 in a real browser: sliders decode live, a click on the map decodes that point."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def image_source(page, selector: str) -> str:
    return page.locator(f"{selector} img").first.get_attribute("src") or ""


def wait_for_new_image(page, selector: str, before: str, timeout: float = 30_000) -> str:
    page.wait_for_function(
        "([selector, before]) => { const img = document.querySelector(selector + ' img');"
        " return img && img.src && img.src !== before; }",
        arg=[selector, before], timeout=timeout,
    )  # fmt: skip
    return image_source(page, selector)


def test_moving_a_slider_changes_the_decoded_image(explorer):
    explorer.goto(explorer.explorer_url + "/latent")
    numbers = explorer.locator("#latent-numbers")
    numbers.get_by_text("decoder input z = [").wait_for(timeout=60_000)
    before = image_source(explorer, "#latent-decoded")
    first = numbers.inner_text()
    box = explorer.locator("#latent-z0 input[type=number]")
    low = float(explorer.locator("#latent-z0 input[type=range]").get_attribute("min"))
    box.fill(f"{low:.2f}")
    box.press("Enter")
    after = wait_for_new_image(explorer, "#latent-decoded", before)
    assert after != before
    explorer.wait_for_function(
        "before => document.querySelector('#latent-numbers').innerText !== before", arg=first
    )
    assert f"{low:+.2f}" in numbers.inner_text()


def test_clicking_the_map_decodes_that_point(explorer):
    explorer.goto(explorer.explorer_url + "/latent")
    picture = explorer.locator("#latent-map img")
    picture.wait_for(timeout=60_000)
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.35, "y": box["height"] * 0.5})
    point = explorer.locator("#latent-map-point")
    point.get_by_text("decoded").wait_for(timeout=30_000)
    explorer.locator("#latent-map-decoded img").wait_for()
    assert "map point (" in point.inner_text()


def test_a_blank_number_box_says_what_to_type(explorer):
    """Gradio's own check showed a bare "Error" here, and nothing said what to type."""
    explorer.goto(explorer.explorer_url + "/latent")
    explorer.locator("#latent-numbers").get_by_text("decoder input z = [").wait_for(timeout=60_000)
    box = explorer.locator("#latent-z0 input[type=number]")
    track = explorer.locator("#latent-z0 input[type=range]")  # the model's own window
    low, high = (float(track.get_attribute(end)) for end in ("min", "max"))
    box.fill("")
    box.press("Enter")
    toast = explorer.locator(".toast-body")
    toast.get_by_text("'latent number 1' needs a number between").wait_for()
    assert f"between {low:g} and {high:g}; the box is empty" in toast.inner_text()
