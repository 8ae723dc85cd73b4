"""Serving a class: every serve option is checked before Gradio starts, and the events share
the server (light ones concurrent, heavy ones in one bounded line)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from neuralens.explorer import app, serving
from neuralens.explorer.serving import ServeConfig


def listening_port() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, sock.getsockname()[1]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"port": -1}, "port must be between 1 and 65535, got -1"),
        ({"port": 70000}, "port must be between 1 and 65535"),
        ({"host": "192.0.2.1", "port": 7000}, "not an address of this machine"),
        ({"host": "no-such-host.invalid"}, "not a known address"),
        ({"max_upload_mb": 0}, "max upload must be above 0"),
        ({"concurrency": 0}, "concurrency must be between 1"),
        ({"auth": (("teacher", ""),)}, "needs a user name and a password"),
        ({"malloc_arenas": -1}, "malloc arenas must be between 0 and 64"),
    ],
)
def test_bad_serve_options_are_one_line_errors(fields, message):
    with pytest.raises(ValueError, match=message) as caught:
        ServeConfig(**fields).validated()
    assert "\n" not in str(caught.value)


def test_a_port_in_use_is_named():
    sock, port = listening_port()
    with sock, pytest.raises(ValueError, match=f"port {port} is in use on 127.0.0.1"):
        ServeConfig(port=port).validated()


def test_auth_from_a_value_or_a_file(tmp_path):
    assert serving.parse_auth("ann:pw") == (("ann", "pw"),)
    logins = tmp_path / "logins.txt"
    logins.write_text("# class 3b\nann:pw1\n\nbob:pw:2\n")
    assert ServeConfig().with_auth(str(logins)).auth == (("ann", "pw1"), ("bob", "pw:2"))
    logins.write_text("ann\n")
    with pytest.raises(ValueError, match="line 1 of logins.txt is not USER:PASS"):
        serving.parse_auth(str(logins))
    with pytest.raises(ValueError, match="auth must be USER:PASS or a readable file"):
        serving.parse_auth(str(tmp_path / "missing"))


def test_only_a_network_address_warns():
    assert serving.network_warning(ServeConfig()) is None
    warning = serving.network_warning(ServeConfig(host="0.0.0.0"))
    assert "reachable from the network" in warning and "no login" in warning
    assert "a login is required" in serving.network_warning(
        ServeConfig(host="0.0.0.0", auth=(("a", "b"),))
    )


def test_upload_limit_in_bytes():
    assert ServeConfig(max_upload_mb=1.5).max_file_size == 1536 * 1024


def test_memory_pools_are_left_alone_when_asked():
    assert serving.limit_malloc_arenas(0) is False


def test_light_events_run_at_once_and_heavy_ones_share_a_bounded_line():
    demo = app.build_app(ServeConfig(concurrency=3))
    by_name = {block_fn.api_name: block_fn for block_fn in demo.fns.values()}
    for light in ("losses", "from_drawing", "apply_kernel"):
        assert by_name[light].concurrency_limit is None
    for heavy in ("train", "train_1", "read_upload", "nonlinearity_demo", "use_columns"):
        assert (by_name[heavy].concurrency_id, by_name[heavy].concurrency_limit) == ("heavy", 3)
    assert demo.delete_cache == (300, 900)


def test_the_queue_does_not_summarise_every_event():
    """Gradio's queue rebuilt a pandas summary of its last 10,000 events after every event
    (old code: about 4 ms of each slider move); the explorer never shows that summary."""
    demo = app.build_app(ServeConfig())
    assert demo._queue.ANAYLTICS_CACHE_FREQUENCY >= 1000  # Gradio's own spelling
    assert demo._queue.ANALYTICS_MAX_EVENTS <= 1000


def test_serve_on_every_network_prints_a_warning_first():
    """`neuralens serve --host 0.0.0.0` says the explorer is reachable (old code: silent)."""
    sock, busy = listening_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    with sock:  # a busy port is refused in one line, exit 2 (old code: a traceback)
        done = subprocess.run(
            [sys.executable, "-m", "neuralens", "serve", "--host", "0.0.0.0", "--port", str(busy)],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and f"port {busy} is in use" in done.stderr
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        free = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "neuralens", "serve", "--host", "0.0.0.0", "--port", str(free)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        line = ""
        while time.monotonic() < deadline and "warning" not in line:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                break
        assert "reachable from the network" in line and "add --auth" in line
    finally:
        process.terminate()
        process.wait(timeout=20)
