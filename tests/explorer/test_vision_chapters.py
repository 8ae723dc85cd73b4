"""Chapters 1 (Vision tasks) and 8 (Model outputs) in a real browser."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def _boxes(page) -> int:
    text = page.locator("#vt-count").inner_text()
    return int(re.search(r"(\d+) boxes", text).group(1))


def _set_slider(page, elem_id: str, value: float) -> None:
    box = page.locator(f"#{elem_id} input[type=number]")
    box.fill(str(value))
    box.press("Enter")


def test_new_scene_draws_boxes_and_masks_and_the_threshold_changes_the_boxes(explorer):
    explorer.goto(explorer.explorer_url + "/vision")
    count = explorer.locator("#vt-count")
    count.get_by_text("boxes above score 0.30").wait_for(timeout=60_000)
    explorer.locator("#vt-figure img").wait_for()
    explorer.locator("#vt-new").click()
    explorer.wait_for_function("() => document.querySelector('#vt-seed input').value === '1'")
    before = count.inner_text()
    assert re.search(r"\d+ boxes .* \d+ instance masks", before)
    _set_slider(explorer, "vt-threshold", 0.05)
    count.get_by_text("above score 0.05").wait_for(timeout=30_000)
    low = _boxes(explorer)
    _set_slider(explorer, "vt-threshold", 0.95)
    count.get_by_text("above score 0.95").wait_for(timeout=30_000)
    assert _boxes(explorer) < low


def test_switching_to_digit_scenes_and_picking_an_object(explorer):
    explorer.goto(explorer.explorer_url + "/vision")
    count = explorer.locator("#vt-count")
    count.get_by_text("boxes above").wait_for(timeout=60_000)
    first = explorer.locator("#vt-figure img").get_attribute("src")
    explorer.locator("#vt-kind").get_by_text("digit scenes").click()
    explorer.wait_for_function(
        "src => document.querySelector('#vt-figure img').getAttribute('src') !== src",
        arg=first, timeout=60_000,
    )  # fmt: skip
    assert explorer.locator("#vt-boxes").inner_text().count("\n") >= 1
    explorer.locator("#vt-pick input").click()
    explorer.locator("ul[role=listbox] li").first.click()
    about = explorer.locator("#vt-about")
    about.get_by_text("box corners").wait_for(timeout=30_000)
    assert re.search(r"its mask covers [1-9]\d* pixels", about.inner_text())


def test_model_outputs_print_the_four_outputs_as_numbers(explorer):
    explorer.goto(explorer.explorer_url + "/outputs")
    number = explorer.locator("#mo-number textarea")
    explorer.wait_for_function(
        "() => document.querySelector('#mo-number textarea')?.value?.startsWith('p(triangle)')",
        timeout=60_000,
    )  # fmt: skip
    assert re.fullmatch(r"p\(triangle\) = \d\.\d{3}", number.input_value())
    mask_rows = explorer.locator("#mo-mask textarea").input_value().splitlines()[1:]
    assert mask_rows and all(set(row) <= {"0", "1"} for row in mask_rows)
    layers = explorer.locator("#mo-layers").inner_text()
    assert "sigmoid" in layers and "one channel per class" in layers and "3 channels" in layers
