"""Chapter 4 in a real browser: the equation and drawing are there before training; training
both networks fills the accuracy table with their parameter counts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_training_both_networks_reports_accuracy_and_parameters(explorer):
    explorer.goto(explorer.explorer_url + "/network")
    explorer.wait_for_function(
        "document.querySelector('#network-equation-0')?.innerText.includes('softmax')"
    )
    explorer.locator("#network-drawing-1 img").wait_for()
    assert "alcohol" in explorer.locator("#network-equation-0").inner_text()
    explorer.locator("#network-train").click()
    explorer.wait_for_function(
        "document.querySelector('#network-status').innerText.includes('Trained both')",
        timeout=60_000,
    )
    table = explorer.locator("#network-results").inner_text()
    assert "linear (softmax)" in table and "one hidden layer + ReLU" in table
    assert "\n24\n" in table and "\n86\n" in table  # 3*6+6 and (3*8+8)+(8*6+6) parameters
    explorer.locator("#network-curves img").wait_for()
