"""Chapters 6 (convolutions) and 7 (pooling section) in a real browser."""

from __future__ import annotations

import re
import time

import pytest

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


def test_step_through_stays_where_put_and_plays_every_position(explorer):
    explorer.goto(explorer.explorer_url + "/convolutions")
    walk = explorer.locator("#conv-walk")
    equation = walk.locator(".walk-equation")
    equation.get_by_text("position 1 of 90").wait_for()
    walk.locator(".walk-next").click()
    assert "0*1 + 0*1 + 0*1 + 1*1 = 1" in equation.inner_text()
    walk.locator(".walk-position").fill("45")  # the slider shows the position's own number
    equation.get_by_text("position 45 of 90").wait_for()
    time.sleep(1.0)  # nothing may pull the slider back
    assert walk.locator(".walk-position").input_value() == "45"
    assert "position 45 of 90" in equation.inner_text()
    seen = []
    walk.locator(".walk-play").click()
    while "The output is complete" not in (text := equation.inner_text()):
        shown = int(re.search(r"position (\d+) of 90", text).group(1))
        row, col = (int(v) for v in re.search(r"row (\d+), column (\d+)", text).groups())
        assert (row, col) == divmod(shown - 1, 10)  # the text names the cell it shows
        seen.append(shown)
        time.sleep(0.05)
    assert seen == sorted(seen) and len(set(seen)) > 10  # in order, frame after frame
    text = equation.inner_text()
    assert "position 90 of 90" in text
    for row in examples.conv_example():
        assert " ".join(f"{value:g}" for value in row) in text
    highlighted = walk.locator(".walk-output td.inside")
    assert highlighted.count() == 1 and highlighted.inner_text() == "0"  # the last cell


def test_editing_a_kernel_cell_changes_the_filtered_image(explorer):
    explorer.goto(explorer.explorer_url + "/convolutions")
    output = explorer.locator("#conv-output img")
    output.wait_for()
    before = output.get_attribute("src")
    cell = explorer.locator("#conv-kernel [data-testid='cell-0-0']")
    note = explorer.locator("#conv-note")

    def type_in_cell(text: str) -> None:
        """Edit as a learner does: a double click opens the cell's editor; type; Enter."""
        cell.dblclick()
        editor = cell.get_by_label("Edit cell")  # waits until the editor is there (slow CI)
        explorer.wait_for_function(
            "() => document.activeElement?.getAttribute('aria-label') === 'Edit cell'"
        )
        editor.fill(text)  # replaces the number (typing would append to it)
        editor.press("Enter")
        editor.wait_for(state="detached")  # committed: the cell shows its text again

    type_in_cell("7")  # vertical edges sum to 0; a 7 for the corner 1 makes the sum 6
    wait_until_changed(lambda: output.get_attribute("src") or "", before)
    note.get_by_text("kernel sum 6: brightness scaled").wait_for()
    type_in_cell("abc")  # a word in a number cell: named, the picture kept
    note.get_by_text("kernel cell (row 1, column 1) needs a number").wait_for()
    explorer.locator("#conv-preset input").click()
    explorer.get_by_role("option", name="box blur").click()
    after_edit = output.get_attribute("src")
    wait_until_changed(lambda: output.get_attribute("src") or "", after_edit)
    assert "brightness kept" in explorer.locator("#conv-note").inner_text()
    explorer.locator("#conv-size").get_by_label("5x5").check()
    explorer.locator("#conv-kernel [data-testid='cell-4-4']").wait_for()  # 25 numbers now
    before = output.get_attribute("src")
    explorer.locator("#conv-source").get_by_label("a digit").check()
    wait_until_changed(lambda: output.get_attribute("src") or "", before)
    explorer.wait_for_function(  # a digit is shown large, each pixel a visible square
        "document.querySelector('#conv-output img').naturalWidth >= 280"
    )


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
