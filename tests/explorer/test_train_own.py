"""Chapter 11 in a real browser: training streams live curves, Stop stops, the model is kept."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from neuralens.data import load_mnist

pytestmark = pytest.mark.browser


# every text the status line shows, recorded in the page as it changes
RECORD_STATUS = """() => {
    window.statusTexts = [];
    const status = document.querySelector('#train-status');
    new MutationObserver(() => window.statusTexts.push(status.innerText))
        .observe(status, {childList: true, subtree: true, characterData: true});
}"""


def start_training(page, model: str, epochs: int, limit: int) -> None:
    page.goto(page.explorer_url + "/train")
    page.get_by_label(model).check()
    page.get_by_label("epochs").last.fill(str(epochs))
    page.locator("#train-limit input").fill(str(limit))
    page.evaluate(RECORD_STATUS)
    page.locator("#train-start").click()


def test_short_run_streams_curves_then_the_model_serves_chapter_5(explorer):
    start_training(explorer, "MLP (PyTorch)", epochs=1, limit=2000)
    status = explorer.locator("#train-status")
    status.get_by_text("done after").wait_for(timeout=60_000)
    texts = explorer.evaluate("window.statusTexts")
    live = {text for text in texts if re.match(r"training\.\.\. update \d+: .*loss", text)}
    assert len(live) >= 2, f"the page showed fewer than two live updates: {texts}"
    assert re.search(r"test accuracy \d+\.\d+%", status.inner_text())
    explorer.locator("#train-confusion img").wait_for()
    assert "checkpoints.load_model" in explorer.locator("#train-code").inner_text()
    explorer.goto(explorer.explorer_url + "/pixels")
    explorer.get_by_text("shipped MLP").first.wait_for()
    explorer.get_by_label("yours (from chapter 11").check()
    explorer.locator("#pixels-source").get_by_text("your MLP trained on mnist-mini").wait_for()


def test_stop_ends_training_early(explorer):
    start_training(explorer, "CNN (PyTorch)", epochs=20, limit=0)
    explorer.wait_for_function("document.querySelector('#train-status').innerText"
                               ".includes('update 1')", timeout=30_000)  # fmt: skip
    explorer.locator("#train-stop").click()
    explorer.locator("#train-status").get_by_text("stopped after").wait_for(timeout=30_000)
    assert "test accuracy" in explorer.locator("#train-status").inner_text()


def upload_zip(page, archive: Path) -> None:
    page.set_default_timeout(30_000)  # uploads are slow when the machine is busy
    page.goto(page.explorer_url + "/train")
    page.locator("#train-data input").click()
    page.get_by_role("option", name="your images").click()
    page.locator("#train-upload input[type=file]").set_input_files(str(archive))
    page.locator("#train-upload").get_by_text(archive.name).wait_for()


def test_own_images_from_a_zip_train_and_name_their_classes(explorer, tmp_path):
    images, labels = load_mnist("train")
    archive = tmp_path / "zeros_and_ones.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for name, digit in (("zero", 0), ("one", 1)):
            for k, image in enumerate(images[labels == digit][:30]):
                buffer = io.BytesIO()
                Image.fromarray(image).save(buffer, format="PNG")
                bundle.writestr(f"{name}/{k}.png", buffer.getvalue())
    upload_zip(explorer, archive)
    explorer.get_by_label("MLP (PyTorch)").check()
    explorer.locator("#train-start").click()
    explorer.locator("#train-status").get_by_text("done after").wait_for(timeout=30_000)
    assert "12 test images of one, zero" in explorer.locator("#train-status").inner_text()
    explorer.locator("#train-confusion img").wait_for()


def test_a_broken_zip_is_reported_on_the_page(explorer, tmp_path):
    broken = tmp_path / "pets.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    upload_zip(explorer, broken)
    explorer.locator("#train-start").click()
    status = explorer.locator("#train-status")
    status.get_by_text("not a readable zip file").wait_for(timeout=30_000)
    assert status.inner_text().startswith("error:")


CONFUSION_SOURCE = "() => document.querySelector('#train-confusion img')?.src ?? null"


def test_a_new_run_clears_the_previous_runs_results(explorer):
    """Old code: the first run's confusion matrix (and download) stayed on the page while
    the second run trained, as if they were its results."""
    start_training(explorer, "MLP (PyTorch)", epochs=1, limit=300)
    status = explorer.locator("#train-status")
    status.get_by_text("done after").wait_for(timeout=60_000)
    explorer.locator("#train-confusion img").wait_for()
    first = explorer.evaluate(CONFUSION_SOURCE)
    explorer.locator("#train-download").wait_for()
    explorer.get_by_label("CNN (PyTorch)").check()
    explorer.get_by_label("epochs").last.fill("20")  # long enough to look while it trains
    explorer.locator("#train-limit input").fill("0")
    explorer.locator("#train-start").click()
    explorer.wait_for_function("document.querySelector('#train-status').innerText"
                               ".includes('training... update')", timeout=30_000)  # fmt: skip
    assert explorer.evaluate(CONFUSION_SOURCE) is None, "the first run's matrix is still shown"
    assert not explorer.locator("#train-download").is_visible()
    explorer.locator("#train-stop").click()
    status.get_by_text("stopped after").wait_for(timeout=30_000)
    explorer.locator("#train-confusion img").wait_for()
    assert explorer.evaluate(CONFUSION_SOURCE) not in (None, first)
