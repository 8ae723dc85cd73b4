"""Chapters 2 and 3 in a real browser: the line's loss follows the sliders; descent finds the
bottom of the bowl, diverges above the stability limit, and starts where the contour is clicked."""

from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.browser


PICTURE = "#line-figure svg[data-w1]"  # the line chapter's picture, drawn in the browser


def mse_shown(text: str) -> float | None:
    found = re.search(r"mean squared error\s+mean\(e_i²\) = ([-\d.e+]+)", text)
    return float(found.group(1)) if found else None


def wait_for_new_mse(locator, before: float | None, timeout: float = 15.0) -> float:
    """The MSE the page shows once it differs from ``before`` (progress text is skipped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = mse_shown(locator.inner_text())
        if shown is not None and shown != before:
            return shown
        time.sleep(0.1)
    raise AssertionError(f"the shown MSE stayed {before}")


def test_moving_a_slider_changes_the_loss_and_snap_finds_the_best(explorer, tmp_path):
    explorer.goto(explorer.explorer_url + "/line")
    loss = explorer.locator("#line-loss")
    explorer.wait_for_function("document.querySelector('#line-loss')?.innerText.includes('y =')")
    explorer.locator(PICTURE).wait_for()
    before = wait_for_new_mse(loss, None)
    explorer.locator("#line-w1 input[type=range]").focus()
    for _ in range(5):
        explorer.keyboard.press("ArrowRight")
    wait_for_new_mse(loss, before)
    explorer.wait_for_function(  # w1 turns the line about the mean density: mean(e_i) = 0
        "Math.abs(Number(document.querySelector('#line-loss').innerText"
        ".match(/signed mean error\\s+mean\\(e_i\\) = ([-\\d.e+]+)/)[1])) < 1e-6"
    )
    drawn_w1 = explorer.locator(PICTURE).get_attribute("data-w1")
    w0_box = explorer.locator("#line-w0 input[type=number]")
    w0_box.fill("")  # a blank box: a sentence naming it, the last picture kept
    w0_box.press("Enter")
    loss.get_by_text("w0 needs a number between").wait_for()
    assert explorer.locator(PICTURE).get_attribute("data-w1") == drawn_w1  # the last picture
    explorer.locator("#line-snap").click()
    explorer.wait_for_function(
        "document.querySelector('#line-loss').innerText.includes('y = 616.285')"
    )
    assert mse_shown(loss.inner_text()) == pytest.approx(1.67748, rel=1e-4)
    explorer.get_by_label("signed").check()
    explorer.wait_for_function("document.querySelector('#line-loss').innerText.includes('cancel')")
    # bring your own CSV: upload, pick columns, use them
    csv = tmp_path / "mine.csv"
    csv.write_text("size;price\n1;5\n2;7\n3;9.5\n4;11\n")
    explorer.get_by_text("Bring your own data (CSV)").click()
    explorer.locator("#line-upload input[type=file]").set_input_files(str(csv))
    status = explorer.locator("#line-data-status")
    explorer.wait_for_function(
        "document.querySelector('#line-data-status').innerText.includes('4 rows')"
    )
    explorer.locator("#line-use").click()
    explorer.wait_for_function(
        "document.querySelector('#line-data-status').innerText.includes('Using price')"
    )
    assert "price against size" in status.inner_text()


def test_descent_reaches_the_minimum_and_diverges_above_the_limit(explorer):
    explorer.goto(explorer.explorer_url + "/descent")
    explorer.locator("#descent-frame img").wait_for()
    explorer.get_by_label("standardised density").check()
    explorer.wait_for_function(  # a new landscape, contour and 3-D surface: slow on a busy machine
        "document.querySelector('#descent-limit').innerText.includes('standardised')",
        timeout=60_000,
    )
    status = explorer.locator("#descent-status")
    explorer.locator("#descent-start").click()
    explorer.wait_for_function(
        "document.querySelector('#descent-status').innerText.includes('after')", timeout=30_000
    )
    text = status.inner_text()
    assert text.startswith("converged")
    final, best = (float(v) for v in re.findall(r"(?:Final loss|is) (\d[\d.]*\d)", text))
    assert final == pytest.approx(best, rel=1e-6)
    assert "w ← w − lr · dL/dw" in explorer.locator("#descent-update").inner_text()
    assert explorer.locator("#descent-animation img").count() == 1
    link = explorer.locator("#descent-gif a").first
    link.wait_for()
    gif = explorer.request.get(link.get_attribute("href"))
    assert gif.ok and gif.body()[:6] == b"GIF89a"
    # click the contour: the start moves there and a new (short) descent runs
    explorer.locator("#descent-steps input[type=number]").fill("30")
    explorer.locator("#descent-steps input[type=number]").press("Enter")
    w1 = explorer.locator("#descent-w1 input")
    before = w1.input_value()
    image = explorer.locator("#descent-frame img")
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.12, "y": box["height"] * 0.2})
    deadline = time.monotonic() + 15
    while w1.input_value() == before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert float(w1.input_value()) < float(before)
    explorer.locator("#descent-lr input").fill("1.2")
    explorer.locator("#descent-start").click()
    explorer.wait_for_function(
        "document.querySelector('#descent-status').innerText.startsWith('DIVERGED')", timeout=30_000
    )
    # the rotatable 3-D surface (plotly.js bundled with gradio, WebGL) has drawn meanwhile
    explorer.locator("#descent-surface .js-plotly-plot").wait_for()


def test_ticking_a_feature_changes_the_fitted_equation(explorer):
    explorer.goto(explorer.explorer_url + "/descent")
    equation = explorer.locator("#many-equation")
    equation.get_by_text("·density").wait_for(timeout=30_000)
    assert "·alcohol" not in equation.inner_text()
    explorer.locator("#many-features").get_by_label("alcohol").check()
    equation.get_by_text("·alcohol").wait_for()
    weights = explorer.locator("#many-weights")
    weights.get_by_text("alcohol").wait_for()
    numbers = [float(v) for v in re.findall(r"-?\d+\.\d+", weights.inner_text())]
    assert len(numbers) == 10  # citric acid, density, pH, alcohol, w0: descent, least squares
    for descent, exact in zip(numbers[0::2], numbers[1::2], strict=True):
        assert descent == pytest.approx(exact, rel=1e-4, abs=1e-5)  # descent lands on lstsq
    assert "100^5" in explorer.locator("#many-cost").inner_text()


def test_a_w1_move_is_drawn_in_the_browser_and_costs_one_server_call(explorer):
    """A w1 move sets w0 too (the line turns about the mean density). Drawing on the server
    took 3 calls a move at first (turn and 2 pictures), then 2; the browser now draws the
    move itself and the server is asked for the three losses only."""
    explorer.goto(explorer.explorer_url + "/line")
    loss = explorer.locator("#line-loss")
    explorer.locator(PICTURE).wait_for()
    before = wait_for_new_mse(loss, None)
    calls: list[str] = []
    explorer.on("request", lambda r: calls.append(r.url) if "/queue/join" in r.url else None)
    explorer.locator("#line-w1 input[type=range]").focus()
    explorer.keyboard.press("ArrowRight")
    shown = wait_for_new_mse(loss, before)
    seen = -1
    while seen != len(calls):  # until 2 s pass with no new call: nothing more follows the move
        seen = len(calls)
        time.sleep(2)
    assert len(calls) == 1
    picture = explorer.locator(PICTURE)
    w1 = float(explorer.locator("#line-w1 input[type=number]").input_value())
    w0 = float(explorer.locator("#line-w0 input[type=number]").input_value())
    assert float(picture.get_attribute("data-w1")) == pytest.approx(w1)
    assert float(picture.get_attribute("data-w0")) == pytest.approx(w0)
    # the browser's loss (title, 4 digits) is the server's (text, 6 digits)
    title = picture.locator("text.title").text_content()
    assert title == f"squared loss = {shown:.4g}"
    assert float(picture.get_attribute("data-loss")) == pytest.approx(shown, rel=1e-5)
