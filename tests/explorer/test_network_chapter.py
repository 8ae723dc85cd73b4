"""Chapter 4 in a real browser: the equation and drawing are there before training; training
both networks fills the accuracy table with their parameter counts; the page keeps one state."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser


def test_training_both_networks_reports_accuracy_and_parameters(explorer):
    explorer.goto(explorer.explorer_url + "/network")
    explorer.wait_for_function(
        "document.querySelector('#network-equation-0')?.innerText.includes('softmax')"
    )
    explorer.locator("#network-drawing-1 img").wait_for()
    assert "alcohol" in explorer.locator("#network-equation-0").inner_text()
    lr = explorer.locator("#network-lr input")
    lr.fill("")  # a blank learning rate: a sentence, not an error in every panel
    explorer.locator("#network-train").click()
    status = explorer.locator("#network-status")
    status.get_by_text("the learning rate needs a number between").wait_for()
    assert explorer.locator("#network-drawing-0 img").count() == 1
    lr.fill("0.5")
    explorer.locator("#network-train").click()
    status.get_by_text("Trained both").wait_for(timeout=60_000)
    table = explorer.locator("#network-results").inner_text()
    assert "linear (softmax)" in table and "one hidden layer + ReLU" in table
    assert "\n24\n" in table and "\n86\n" in table  # 3*6+6 and (3*8+8)+(8*6+6) parameters
    assert "Why is the hidden layer not ahead?" in status.inner_text()  # 0.5225 vs 0.53
    explorer.locator("#network-curves img").wait_for()
    trained = explorer.locator("#network-equation-1").inner_text()
    steps = explorer.locator("#network-steps input[type=number]")
    steps.fill("500")  # a setting for the next run: the trained state stays whole
    steps.press("Enter")
    time.sleep(2)
    assert explorer.locator("#network-equation-1").inner_text() == trained
    assert "Trained both" in status.inner_text()
    explorer.get_by_label("citric acid").check()  # new inputs: everything resets together
    status.get_by_text("Untrained").wait_for()
    assert "citric acid" in explorer.locator("#network-equation-0").inner_text()
    assert "linear (softmax)" not in explorer.locator("#network-results").inner_text()
