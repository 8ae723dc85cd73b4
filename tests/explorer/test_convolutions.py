"""Chapters 6 (convolutions) and 7 (pooling section) in a real browser."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from neuralens.engine import examples

pytestmark = pytest.mark.browser


def wait_until_changed(read, before: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = read()
        if now and now != before:
            return now
        time.sleep(0.2)
    raise AssertionError(f"nothing changed within {timeout} s (still {before[:80]!r})")


def test_step_through_reaches_the_last_position_with_the_lecture_output(explorer):
    explorer.goto(explorer.explorer_url + "/convolutions")
    equation = explorer.locator("#conv-equation")
    equation.get_by_text("position 1 of 90").wait_for()
    explorer.locator("#conv-step img").wait_for()
    explorer.locator("#conv-next").click()
    equation.get_by_text("position 2 of 90").wait_for()
    assert "0*1 + 0*1 + 0*1 + 1*1 = 1" in equation.inner_text()
    explorer.locator("#conv-previous").click()
    equation.get_by_text("position 1 of 90").wait_for()
    number = explorer.locator("#conv-position input[type='number']")
    expect(number).to_have_value("0")  # Previous's answer has reached the slider too
    target = equation.get_by_text("position 89 of 90")
    for _ in range(3):  # a late update of the slider can overwrite the typed value: type again
        number.fill("88")
        number.press("Enter")
        try:
            target.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    target.wait_for()
    explorer.locator("#conv-play").click()  # plays on from here to the last position
    equation.get_by_text("The output is complete").wait_for(timeout=20_000)
    text = equation.inner_text()
    assert "position 90 of 90" in text
    for row in examples.conv_example():
        assert " ".join(f"{value:g}" for value in row) in text


def test_editing_a_kernel_cell_changes_the_filtered_image(explorer):
    explorer.goto(explorer.explorer_url + "/convolutions")
    output = explorer.locator("#conv-output img")
    output.wait_for()
    before = output.get_attribute("src")
    cell = explorer.locator("#conv-kernel [data-testid='cell-0-0']")
    cell.dblclick()
    explorer.keyboard.type("7")
    explorer.keyboard.press("Enter")
    wait_until_changed(lambda: output.get_attribute("src") or "", before)
    explorer.locator("#conv-preset input").click()
    explorer.get_by_role("option", name="box blur").click()
    after_edit = output.get_attribute("src")
    wait_until_changed(lambda: output.get_attribute("src") or "", after_edit)
    assert "brightness kept" in explorer.locator("#conv-note").inner_text()
    explorer.locator("#conv-size").get_by_label("5x5").check()
    explorer.locator("#conv-kernel [data-testid='cell-4-4']").wait_for()  # 25 numbers now


def test_pooling_section_shows_the_example_and_the_halving_photo(explorer):
    explorer.goto(explorer.explorer_url + "/cnn")
    explorer.locator("#pool-example img").wait_for()
    sizes = explorer.locator("#pool-sizes")
    sizes.get_by_text("300x451 -> 150x225 -> 75x112 -> 37x56").wait_for()
    explorer.get_by_label("average").check()
    explorer.locator("#pool-pyramid img").wait_for()


def test_learned_kernel_converges_to_the_designed_one(explorer):
    explorer.goto(explorer.explorer_url + "/convolutions")
    explorer.locator("#conv-learn").click()
    text = explorer.locator("#conv-learned-text")
    text.get_by_text("step 200 of 200").wait_for(timeout=60_000)
    error = float(text.inner_text().rsplit(" ", 1)[-1])
    assert error < 0.01
    explorer.locator("#conv-learned img").wait_for()
