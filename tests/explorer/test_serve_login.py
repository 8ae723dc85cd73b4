"""`neuralens serve --auth USER:PASS` in a real browser: nothing of the explorer before a login,
a wrong password refused, the right one lets the learner in (old code: no --auth at all)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from conftest import running_explorer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def guarded_url(output_dir):
    log = output_dir / "explorer-login-server.log"
    with running_explorer(log, "--auth", "teacher:s3cret") as url:
        yield url


def test_the_api_answers_nothing_without_a_login(guarded_url):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(guarded_url + "/gradio_api/info", timeout=10)
    assert refused.value.code == 401


def test_the_explorer_asks_for_a_login_first(chromium, guarded_url, output_dir):
    page = chromium.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(guarded_url + "/line")
        page.get_by_label("username").wait_for()
        assert page.locator("#line-w1").count() == 0  # no chapter before the login
        page.goto(guarded_url)
        page.get_by_label("username").fill("teacher")
        page.get_by_label("password").fill("wrong")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Incorrect Credentials").wait_for()
        page.get_by_label("username").fill("teacher")  # the form was cleared
        page.get_by_label("password").fill("s3cret")
        page.get_by_role("button", name="Login").click()
        page.get_by_label("username").wait_for(state="detached")
        page.goto(guarded_url + "/line")
        page.wait_for_function(
            "document.querySelector('#line-loss')?.innerText.includes('y =')", timeout=60_000
        )
    finally:
        page.screenshot(path=str(output_dir / "login.png"), full_page=True)
        page.close()
