"""Real-browser harness: `neuralens serve` on a free loopback port, driven by Chromium.

Every test gets a fresh page; at the end of each test the page must have logged no
console error and no failed request (except the known event-stream noise).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# closing event streams and gradio's MCP probe are not failures of the page
IGNORED_FAILURES = ("/gradio_api/queue/data", "/gradio_api/mcp/schema", "/gradio_api/heartbeat")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"neuralens serve exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the explorer did not answer at {url} within {timeout} s")


@contextmanager
def running_explorer(log_path: Path, *options: str) -> Iterator[str]:
    """`neuralens serve` with ``options`` on a free port until the block ends; yields its URL."""
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "neuralens", "serve", "--port", str(port), *options],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="session")
def explorer_url(output_dir: Path) -> Iterator[str]:
    """Start `neuralens serve` on a free port for the whole session; stop it afterwards."""
    with running_explorer(output_dir / "explorer-server.log") as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, with a fresh profile."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not on PATH: run `apt-get install -y chromium` (make test does)")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="neuralens-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 1000},
        )  # fmt: skip
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


class PageProblems:
    """Console errors and failed requests seen by one page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _request(self, request) -> None:
        # the explorer works offline: every asset comes from the local server
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
            self.errors.append(f"request outside the local server: {request.url}")

    def _failed(self, request) -> None:
        # a streamed picture replaced by the next step before it loaded is aborted, not lost
        superseded = "/gradio_api/file=" in request.url and "ERR_ABORTED" in (request.failure or "")
        if not superseded and not any(part in request.url for part in IGNORED_FAILURES):
            self.errors.append(f"request failed: {request.url} {request.failure}")


@pytest.fixture
def explorer(chromium, explorer_url: str, output_dir: Path, request):
    """A fresh tab on the explorer; screenshot saved, and no console error or failed request."""
    tab = chromium.new_page()
    tab.set_default_timeout(15_000)
    problems = PageProblems(tab)
    tab.explorer_url = explorer_url  # tests: explorer.goto(explorer.explorer_url + "/path")
    yield tab
    shots = output_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    tab.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    tab.close()
    assert not problems.errors, "the page reported problems:\n" + "\n".join(problems.errors)
