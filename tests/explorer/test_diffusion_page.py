"""Chapter 10 in a real browser: Generate streams its steps; inpainting keeps the rest."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from neuralens.explorer.diffusion_page import NUM_REPAINTS, SCALE, enlarge, mnist_digit

pytestmark = pytest.mark.browser

RECORD_STATUS = """(selector) => {
    window.statusTexts = [];
    const status = document.querySelector(selector);
    new MutationObserver(() => window.statusTexts.push(status.innerText))
        .observe(status, {childList: true, subtree: true, characterData: true});
}"""


def image_pixels(page, selector: str) -> np.ndarray:
    """The picture an output image shows, as a gray uint8 array (fetched by the page)."""
    data_url = page.evaluate(
        """async (selector) => {
            const blob = await (await fetch(document.querySelector(selector).src)).blob();
            return await new Promise(done => {
                const reader = new FileReader();
                reader.onload = () => done(reader.result);
                reader.readAsDataURL(blob);
            });
        }""",
        selector,
    )
    raw = base64.b64decode(data_url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(raw)).convert("L"))


def test_generate_streams_every_step_then_scrubs_back(explorer):
    explorer.goto(explorer.explorer_url + "/diffusion")
    steps = explorer.locator("#diff-steps input[type=number]")
    steps.fill("12")
    steps.press("Enter")
    explorer.evaluate(RECORD_STATUS, "#diff-status")
    explorer.locator("#diff-generate").click()
    status = explorer.locator("#diff-status")
    status.get_by_text("step 12 of 12").wait_for(timeout=60_000)
    texts = explorer.evaluate("window.statusTexts")
    seen = {int(m.group(1)) for text in texts if (m := re.search(r"step (\d+) of 12", text))}
    assert len(seen) >= 4, f"fewer than four intermediate steps reached the page: {texts}"
    final = image_pixels(explorer, "#diff-xt img")
    assert final.shape == (28 * SCALE, 28 * SCALE)
    predicted = image_pixels(explorer, "#diff-x0 img")
    assert predicted.shape == final.shape
    scrub = explorer.locator("#diff-scrub input[type=number]")
    scrub.fill("1")
    scrub.press("Enter")
    status.get_by_text("step 1 of 12").wait_for()
    assert not np.array_equal(image_pixels(explorer, "#diff-xt img"), final)


def test_inpainting_keeps_the_pixels_outside_the_region(explorer):
    explorer.goto(explorer.explorer_url + "/diffusion")
    explorer.locator("#diff-inpaint-region").get_by_label("top half").check()
    steps = explorer.locator("#diff-inpaint-steps input[type=number]")
    steps.fill("5")
    steps.press("Enter")
    explorer.locator("#diff-inpaint-run").click()
    explorer.locator("#diff-inpaint-status").get_by_text("step 5 of 5").wait_for(timeout=90_000)
    results = image_pixels(explorer, "#diff-inpaint-out img")
    kept = enlarge(mnist_digit(0))[14 * SCALE :]  # the bottom half, untouched
    cell = (28 + 2) * SCALE  # each result plus its gap, enlarged
    for k in range(NUM_REPAINTS):
        bottom = results[14 * SCALE : 28 * SCALE, k * cell : k * cell + 28 * SCALE]
        np.testing.assert_array_equal(bottom, kept)


def test_noising_slider_shows_the_mix_for_t(explorer):
    explorer.goto(explorer.explorer_url + "/diffusion")
    box = explorer.locator("#diff-noise-t input[type=number]")
    box.fill("999")
    box.press("Enter")
    explorer.locator("#diff-noise-text").get_by_text("t = 999").wait_for(timeout=30_000)
    assert "x_t = 0.0" in explorer.locator("#diff-noise-text").inner_text()
