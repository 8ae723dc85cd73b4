"""The explorer's shell in a real browser: home page, navigation, the Data page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from neuralens.explorer.app import chapters
from neuralens.explorer.home import intro

pytestmark = pytest.mark.browser


def test_home_lists_every_chapter_in_lecture_order(explorer):
    explorer.goto(explorer.explorer_url)
    table = explorer.locator("#chapter-list")
    table.wait_for()
    text = table.inner_text()
    positions = [text.index(chapter.title) for chapter in chapters()]
    assert positions == sorted(positions)
    assert "neuralens" in explorer.title()
    number = table.locator("td.number").last  # "11" on one line: as tall as one line of text
    assert number.bounding_box()["height"] < 2.5 * float(
        number.evaluate("cell => getComputedStyle(cell).fontSize").removesuffix("px")
    )
    tabs = len(explorer.context.pages)
    table.get_by_role("link", name=chapters()[-1].title).click()  # the same tab, not a new one
    explorer.wait_for_url(f"**/{chapters()[-1].path}")
    assert len(explorer.context.pages) == tabs


def test_home_intro_names_only_chapters_that_exist():
    built = chapters()
    text = intro(built).lower()
    for absent in ("latent", "diffusion", "model outputs"):
        assert (absent in text) == any(absent in chapter.title.lower() for chapter in built)


def test_data_page_shows_every_dataset(explorer):
    explorer.goto(explorer.explorer_url + "/data")
    explorer.get_by_text("UCI wine quality").first.wait_for()
    expect(explorer.locator("#wine-table")).to_contain_text("fixed acidity", timeout=20_000)
    explorer.locator("#wine-scatter img").wait_for()
    tabs = [("MNIST digits", "#mnist-grid img"), ("Fashion-MNIST", "#fashion-grid img"),
            ("Shapes", "#shapes img"), ("Photos", "#photos img")]  # fmt: skip
    for tab, element in tabs:
        explorer.get_by_role("tab", name=tab).click()
        explorer.locator(element).first.wait_for()
    explorer.get_by_role("tab", name="All datasets").click()
    listing = explorer.locator("#dataset-table")
    for name in ["wine-red", "wine-white", "mnist-mini", "fashion-mnist", "shapes", "photos"]:
        expect(listing).to_contain_text(name)
    expect(listing).to_contain_text("neuralens/data/files/winequality-red.csv")  # not cut off
    assert "/src/neuralens" not in listing.inner_text()  # no server path
    assert "chelsea: the lecture's cat" in explorer.locator("#photo-notes").inner_text()


def test_switching_wine_colour_updates_the_table(explorer):
    explorer.goto(explorer.explorer_url + "/data")
    table = explorer.locator("#wine-table")
    expect(table).to_contain_text("fixed acidity", timeout=20_000)
    assert "20.7" not in table.inner_text()  # red wines are never that sweet
    explorer.get_by_label("white").check()
    expect(table).to_contain_text("20.7")  # the first white wine's residual sugar
