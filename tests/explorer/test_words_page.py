"""Words as the prompt in a real browser: a typed sentence streams its steps and ends with a
scene and its attention maps; an unknown word lists the vocabulary; an empty prompt says so;
an edit keeps the named object's pixels exactly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_diffusion_page import RECORD_STATUS, image_pixels

from conftest import free_port, wait_for
from neuralens.data.captioned_scenes import VOCABULARY
from neuralens.weights import SHIPPED

pytestmark = pytest.mark.browser
SHIPPED_MODELS = {"text-to-image", "unet-captioned-scenes"} <= set(SHIPPED)


@pytest.fixture(scope="module")
def words_url(request, output_dir: Path):
    """The shipped explorer when the text-to-image model and the segmenter are shipped, else
    one serving an untrained tiny model and a stand-in segmenter (words_server.py): the page's
    mechanics do not need trained ones."""
    if SHIPPED_MODELS:
        yield request.getfixturevalue("explorer_url")
        return
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    with open(output_dir / "words-server.log", "w") as log:
        server = Path(__file__).with_name("words_server.py")
        command = [sys.executable, str(server), str(port)]
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for(f"http://127.0.0.1:{port}", process)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def type_and_generate(page, url: str, prompt: str, steps: int) -> None:
    page.goto(url + "/words")
    box = page.locator("#words-steps input[type=number]")
    box.fill(str(steps))
    box.press("Enter")
    page.locator("#words-prompt textarea").fill(prompt)
    page.evaluate(RECORD_STATUS, "#words-status")
    page.locator("#words-generate").click()


def test_a_typed_prompt_streams_its_steps_and_ends_with_a_scene_and_word_maps(explorer, words_url):
    type_and_generate(explorer, words_url, "a big blue square at the top on sand", 10)
    status = explorer.locator("#words-status")
    status.get_by_text("the scene is done").wait_for(timeout=90_000)
    texts = explorer.evaluate("window.statusTexts")
    seen = {int(m.group(1)) for text in texts if (m := re.search(r"step (\d+) of 10", text))}
    assert len(seen) >= 4, f"fewer than four intermediate steps reached the page: {texts}"
    assert "step 10 of 10" in status.inner_text()
    for selector in ("#words-xt img", "#words-x0 img", "#words-attention img"):
        assert explorer.locator(selector).get_attribute("src")
    size = explorer.locator("#words-xt img").evaluate(
        "img => [img.naturalWidth, img.naturalHeight]"
    )
    assert size == [32 * 8, 32 * 8]


def test_an_unknown_word_lists_the_vocabulary_and_an_empty_prompt_draws_any_scene(
    explorer, words_url
):
    type_and_generate(explorer, words_url, "a red dragon on the left", 3)
    status = explorer.locator("#words-status")
    status.get_by_text("unknown word(s) 'dragon'").wait_for(timeout=30_000)
    assert "the model knows only: " + " ".join(VOCABULARY) in status.inner_text()
    assert explorer.locator(".toast-body").count() == 0  # a message, not a red error
    vocabulary = explorer.locator("#words-vocabulary").inner_text()
    assert all(word in vocabulary.split() for word in VOCABULARY)
    explorer.locator("#words-prompt textarea").fill("")
    explorer.locator("#words-generate").click()
    status.get_by_text("no attention maps: the prompt is empty").wait_for(timeout=60_000)
    assert "any scene" in status.inner_text()


def test_an_edit_keeps_the_named_object_pixel_for_pixel(explorer, words_url):
    from words_server import truth_of_random_scenes

    from neuralens.explorer.words_page import SCALE, enlarge, random_scene
    from neuralens.studies.scene_edit import load_segmenter, plan_edit

    explorer.goto(words_url + "/words")
    explorer.locator("#words-edit-found").get_by_text("The segmenter finds").wait_for(
        timeout=30_000
    )
    assert "white disk on the right" in explorer.locator("#words-edit-found").inner_text()
    box = explorer.locator("#words-edit-steps input[type=number]")
    box.fill("4")
    box.press("Enter")
    explorer.locator("#words-edit-run").click()
    status = explorer.locator("#words-edit-status")
    status.get_by_text("Done: the kept pixels are unchanged").wait_for(timeout=90_000)
    assert "Keeps a small white disk on the right" in status.inner_text()
    image = random_scene(1)[0]
    segmenter = load_segmenter() if SHIPPED_MODELS else truth_of_random_scenes()
    keep = plan_edit(segmenter, image, keep="the disk").keep
    big_keep = np.kron(keep, np.ones((SCALE, SCALE), dtype=bool))
    result = image_pixels(explorer, "#words-edit-result img")
    original = np.asarray(Image.fromarray(enlarge(image)).convert("L"))
    np.testing.assert_array_equal(result[big_keep], original[big_keep])
    assert (result[~big_keep] != original[~big_keep]).mean() > 0.5  # the rest is repainted
    explorer.locator("#words-edit-keep textarea").fill("the purple triangle")
    explorer.locator("#words-edit-run").click()
    status.get_by_text("no purple triangle here; this scene shows").wait_for(timeout=30_000)
