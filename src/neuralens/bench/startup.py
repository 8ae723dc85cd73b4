"""How long the explorer takes to answer its first request (goal: under 5 s)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_first_page(timeout: float = 60.0) -> float:
    """Seconds from launching `neuralens serve` to the home page answering HTTP 200."""
    port = _free_port()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "neuralens", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        while time.perf_counter() - start < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}", timeout=1):
                    return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the explorer did not answer within {timeout} s")
    finally:
        process.terminate()
        process.wait(timeout=10)


def time_to_import() -> float:
    """Baseline: seconds for a bare `import gradio` in a fresh interpreter."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import gradio"], check=True)
    return time.perf_counter() - start


def run(repeats: int = 3) -> dict:
    ours = min(time_to_first_page() for _ in range(repeats))
    baseline = min(time_to_import() for _ in range(repeats))
    return {"seconds_to_first_page": ours, "seconds_import_gradio": baseline,
            "ratio": ours / baseline, "goal_seconds": 5.0}  # fmt: skip
