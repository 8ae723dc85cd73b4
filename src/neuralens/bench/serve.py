"""A class on one machine: N learners at once on the explorer's raw Gradio API (loopback only).

Each learner (a thread with its own session) drags the line chapter's w1 and w0
sliders (a random walk, one move as soon as the last answered: the worst case of
a class dragging at once; the browser draws each move, and the server's share is
the line's three losses), then sends drawings to the MLP of chapter 5. Meanwhile
one learner uploads a 1,000,000-row CSV while another keeps moving a slider, and
one upload larger than the server's limit is sent. The result gives errors,
latencies (p50/p95/p99), throughput, the server's memory and the growth of Gradio's
cache. Calls use ``POST /gradio_api/call/<api_name>`` then ``GET .../<event_id>``
(about 8 ms of overhead, where gradio_client polls for about 70 ms).
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np

GOALS = {"line_slider_p95_s": 0.3, "sketch_mlp_p95_s": 1.0, "upload_delay_s": 0.5,
         "memory_growth_mb": 200}  # fmt: skip
SHIPPED_CHOICE = "shipped (trained on MNIST)"  # the pixels page's model radio (explorer.trained)


@dataclass(frozen=True)
class ServeBenchConfig:
    """How hard the class pushes; the defaults are the issue's acceptance run."""

    clients: int = 20  # learners at once
    interactions: int = 200  # slider moves per learner
    sketches: int = 10  # drawings per learner sent to the MLP (each draws four figures)
    upload_rows: int = 1_000_000  # rows of the big CSV (about 18 MB)
    oversize_mb: float = 300.0  # one upload this large, which the server must refuse
    max_upload_mb: float = 50.0  # the server's upload limit (``neuralens serve --max-upload-mb``)
    malloc_arenas: int = 2  # the server's glibc memory pools (0: glibc's default, for comparison)
    timeout_s: float = 120.0  # one call longer than this counts as an error

    def validated(self) -> ServeBenchConfig:
        for name, low, high in (("clients", 1, 64), ("interactions", 1, 10_000),
                                ("sketches", 0, 1000), ("upload_rows", 0, 10_000_000)):  # fmt: skip
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}, got {value}")
        if not 0 <= self.oversize_mb <= 4096:
            raise ValueError(f"oversize_mb must be between 0 and 4096, got {self.oversize_mb}")
        return self


class CallError(RuntimeError):
    """A call that answered with an error, or no answer."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Explorer:
    """``neuralens serve`` in a child process on a free loopback port, with its own cache."""

    def __init__(
        self, max_upload_mb: float = 50.0, malloc_arenas: int = 2, startup_s: float = 120.0
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cache = Path(tempfile.mkdtemp(prefix="neuralens-bench-cache-"))
        self.log = tempfile.TemporaryFile()  # the server's output (a pipe left unread blocks it)
        env = {**os.environ, "GRADIO_TEMP_DIR": str(self.cache)}
        code = ("from neuralens.explorer.app import serve; "
                f"serve(port={self.port}, max_upload_mb={max_upload_mb}, "
                f"malloc_arenas={malloc_arenas})")  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.wait(startup_s)
        import httpx

        with httpx.Client(base_url=self.url, timeout=60) as client:
            self.api = find_endpoints(client)

    def wait(self, timeout: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                told = self.log.read().decode(errors="replace")[-500:]
                raise RuntimeError(f"the explorer exited: {told}")
            try:
                if httpx.get(self.url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError(f"the explorer did not answer within {timeout} s")

    def memory_mb(self) -> float:
        """The server's resident memory (Linux /proc), MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_s(self) -> float:
        """The server's CPU time so far, user + system (Linux /proc), seconds."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cache_mb(self) -> float:
        files = (path for path in self.cache.rglob("*") if path.is_file())
        return sum(path.stat().st_size for path in files) / 2**20

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.cache, ignore_errors=True)


def call(client, api: str, data: list, session: str) -> list:
    """One event through the raw API: POST the inputs, read the event's stream to its end."""
    answer = client.post(f"/gradio_api/call/{api}", json={"data": data, "session_hash": session})
    if answer.status_code != 200:
        raise CallError(f"{api}: HTTP {answer.status_code} {answer.text[:200]}")
    event_id = answer.json()["event_id"]
    event = None
    with client.stream("GET", f"/gradio_api/call/{api}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[len("event:") :].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                if event == "error":
                    raise CallError(f"{api}: {line[len('data:') :].strip()[:200]}")
                return json.loads(line[len("data:") :])
    raise CallError(f"{api}: the stream ended without a result")


def upload(client, name: str, content: bytes | Iterator[bytes], size: int | None = None):
    """Send a file to ``/gradio_api/upload``; returns the response (its path list, or an error)."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    chunks = [content] if isinstance(content, bytes) else content

    def body() -> Iterator[bytes]:
        yield head
        yield from chunks
        yield tail

    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    return client.post("/gradio_api/upload", content=body(), headers=headers)


# what the benchmark drives: (function name, its inputs as the API names them)
ENDPOINTS = {
    "reset": ("reset_to_wine", ()),  # the line page's start: red wine, slider windows
    "losses": ("losses", ("w1", "w0", "loss")),  # the line page's sliders (drawn in the browser)
    "sketch": ("from_drawing", ("sketch", "choice", "info", "unit")),  # chapter 5's MLP
    "upload": ("read_upload", ("path",)),  # the line page's CSV
}


def find_endpoints(client) -> dict[str, str]:
    """Each role's API name (``draw_1`` when another page also has a ``draw``), by its inputs."""
    named = client.get("/gradio_api/info").json()["named_endpoints"]
    found = {}
    for role, (function, inputs) in ENDPOINTS.items():
        for name, endpoint in named.items():
            params = tuple(p.get("parameter_name") for p in endpoint["parameters"])
            if name.lstrip("/").rstrip("_0123456789") == function and params == inputs:
                found[role] = name.lstrip("/")
                break
        else:
            raise RuntimeError(f"the explorer has no {function}{inputs} endpoint any more")
    return found


def file_data(path: str) -> dict:
    return {"path": path, "meta": {"_type": "gradio.FileData"}}


def percentiles(seconds: list[float], wall_s: float, errors: int) -> dict:
    if not seconds:
        return {"count": 0, "errors": errors}
    p50, p95, p99 = np.percentile(seconds, [50, 95, 99]).tolist()
    return {"count": len(seconds), "errors": errors, "p50_s": round(p50, 4),
            "p95_s": round(p95, 4), "p99_s": round(p99, 4), "max_s": round(max(seconds), 4),
            "per_s": round(len(seconds) / wall_s, 2)}  # fmt: skip


def in_parallel(clients: int, work: Callable[[int, list, list], None]) -> dict:
    """Run ``work(client, latencies, errors)`` in ``clients`` threads; latencies summarised."""
    latencies: list[float] = []
    errors: list[str] = []
    threads = [threading.Thread(target=work, args=(k, latencies, errors)) for k in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = percentiles(latencies, time.perf_counter() - start, len(errors))
    if errors:
        result["first_error"] = errors[0]
    return result


class Learner:
    """One browser session on the line page: its sliders' windows, and a hand that drags them."""

    def __init__(self, client, seed: int, api: dict[str, str]) -> None:
        self.client, self.session, self.api = client, uuid.uuid4().hex, api
        self.rng = random.Random(seed)
        answer = call(client, api["reset"], [], self.session)
        w1, w0 = [out for out in answer if isinstance(out, dict) and "minimum" in out][:2]
        self.windows = [(s["minimum"], s["maximum"]) for s in (w1, w0)]
        self.position = [w1["value"], w0["value"]]

    def move(self) -> float:
        """Drag one slider by up to 1 % of its window; seconds until the server's losses of
        the new line arrived (the browser draws the picture itself, without the server)."""
        which = self.rng.randrange(2)
        low, high = self.windows[which]
        step = self.rng.uniform(-0.01, 0.01) * (high - low)
        self.position[which] = min(high, max(low, self.position[which] + step))
        start = time.perf_counter()
        call(self.client, self.api["losses"], [*self.position, "squared"], self.session)
        return time.perf_counter() - start


def timed(work: Callable[[], object], latencies: list, errors: list) -> None:
    """Seconds ``work()`` took into ``latencies``, or its failure into ``errors``."""
    start = time.perf_counter()
    try:
        work()
    except Exception as error:  # noqa: BLE001 - every failure is counted, the run goes on
        errors.append(f"{type(error).__name__}: {str(error)[:200]}")
        return
    latencies.append(time.perf_counter() - start)


def sketch_png(seed: int) -> bytes:
    """A white 400x400 page with a black stroke (a rough digit), as the sketchpad sends it."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    page = Image.new("RGBA", (400, 400), "white")
    points = [(rng.randint(120, 280), rng.randint(60, 340)) for _ in range(5)]
    ImageDraw.Draw(page).line(points, fill="black", width=24)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    return buffer.getvalue()


def big_csv(rows: int) -> bytes:
    """``rows`` rows of two numeric columns (1,000,000 rows: about 18 MB)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    table = np.column_stack([x, 2 * x + rng.normal(size=rows)])
    buffer = io.StringIO()
    buffer.write("x,y\n")
    np.savetxt(buffer, table, fmt="%.6f", delimiter=",")
    return buffer.getvalue().encode()


def with_server_cpu(phase: Callable[[Explorer, ServeBenchConfig], dict], explorer: Explorer,
                    config: ServeBenchConfig) -> dict:  # fmt: skip
    """``phase``'s result with the server's CPU milliseconds per answered call: what one
    call costs the server, which the machine's other load does not change much."""
    start = explorer.cpu_s()
    result = phase(explorer, config)
    if result.get("count"):
        spent_ms = (explorer.cpu_s() - start) * 1000
        result["server_cpu_ms_per_call"] = round(spent_ms / result["count"], 2)
    return result


def slider_phase(explorer: Explorer, config: ServeBenchConfig) -> dict:
    import httpx

    def work(k: int, latencies: list, errors: list) -> None:
        with httpx.Client(base_url=explorer.url, timeout=config.timeout_s) as client:
            learner = Learner(client, seed=k, api=explorer.api)
            for _ in range(config.interactions):
                timed(learner.move, latencies, errors)

    return in_parallel(config.clients, work)


def sketch_phase(explorer: Explorer, config: ServeBenchConfig) -> dict:
    import httpx

    with httpx.Client(base_url=explorer.url, timeout=config.timeout_s) as client:
        paths = [upload(client, f"sketch{k}.png", sketch_png(k)).json()[0] for k in range(4)]

    def work(k: int, latencies: list, errors: list) -> None:
        with httpx.Client(base_url=explorer.url, timeout=config.timeout_s) as client:
            session = uuid.uuid4().hex
            # the learner's page opens the session (Gradio builds its state, about 65 ms of
            # the server's event loop), as ``Learner`` does before the slider moves are timed
            call(client, explorer.api["reset"], [], session)
            for i in range(config.sketches):
                sketch = {"background": None, "layers": [],
                          "composite": file_data(paths[(k + i) % len(paths)])}  # fmt: skip
                data = [sketch, SHIPPED_CHOICE, None, 0]
                predict = partial(call, client, explorer.api["sketch"], data, session)
                timed(predict, latencies, errors)

    return in_parallel(config.clients, work)


def upload_phase(explorer: Explorer, config: ServeBenchConfig) -> dict:
    """Another learner's slider alone, then while one learner uploads and reads a big CSV."""
    import httpx

    content = big_csv(config.upload_rows)
    with httpx.Client(base_url=explorer.url, timeout=config.timeout_s) as client:
        learner = Learner(client, seed=99, api=explorer.api)
        alone = [learner.move() for _ in range(20)]
        outcome: dict = {}

        def big_upload() -> None:
            with httpx.Client(base_url=explorer.url, timeout=config.timeout_s) as uploader:
                start = time.perf_counter()
                sent = upload(uploader, "big.csv", content)
                if sent.status_code == 200:
                    data = [file_data(sent.json()[0])]
                    answer = call(uploader, explorer.api["upload"], data, uuid.uuid4().hex)[-1]
                else:
                    answer = f"upload refused: HTTP {sent.status_code} {sent.text[:200]}"
                outcome.update(seconds=round(time.perf_counter() - start, 3), answer=answer)

        thread = threading.Thread(target=big_upload)
        thread.start()
        during = []
        while thread.is_alive() or not during:
            during.append(learner.move())
        thread.join()
    return {
        "rows": config.upload_rows, "megabytes": round(len(content) / 2**20, 1), **outcome,
        "slider_p50_alone_s": round(float(np.median(alone)), 4),
        "slider_p50_during_s": round(float(np.median(during)), 4),
        "slider_max_during_s": round(max(during), 4),
        "delay_s": round(max(during) - float(np.median(alone)), 4),
    }  # fmt: skip


def oversize_phase(explorer: Explorer, config: ServeBenchConfig) -> dict:
    """One upload of ``oversize_mb`` MB of zeros: the server must refuse it, naming its limit."""
    import httpx

    chunk, count = bytes(2**20), int(config.oversize_mb)
    with httpx.Client(base_url=explorer.url, timeout=config.timeout_s) as client:
        start = time.perf_counter()
        answer = upload(client, "huge.bin", (chunk for _ in range(count)))
    return {"megabytes": count, "status": answer.status_code, "answer": answer.text[:200],
            "seconds": round(time.perf_counter() - start, 3)}  # fmt: skip


def load_average() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def run(
    clients: int = ServeBenchConfig.clients,
    interactions: int = ServeBenchConfig.interactions,
    sketches: int = ServeBenchConfig.sketches,
    upload_rows: int = ServeBenchConfig.upload_rows,
    oversize_mb: float = ServeBenchConfig.oversize_mb,
    max_upload_mb: float = ServeBenchConfig.max_upload_mb,
    malloc_arenas: int = ServeBenchConfig.malloc_arenas,
) -> dict:
    """The whole class against one explorer; a JSON-ready dict (times reported, never asserted).

    The keywords are ``ServeBenchConfig``'s fields.
    """
    config = ServeBenchConfig(clients=clients, interactions=interactions, sketches=sketches,
                              upload_rows=upload_rows, oversize_mb=oversize_mb,
                              max_upload_mb=max_upload_mb, malloc_arenas=malloc_arenas)  # fmt: skip
    config = config.validated()
    explorer = Explorer(config.max_upload_mb, config.malloc_arenas)
    try:
        start_mb = explorer.memory_mb()
        slider_phase(explorer, ServeBenchConfig(clients=1, interactions=3))  # warm-up
        sketch_phase(explorer, ServeBenchConfig(clients=1, sketches=1))  # loads torch
        before_mb, cache_before = explorer.memory_mb(), explorer.cache_mb()
        load_before = load_average()
        result = {
            "config": asdict(config),
            "line_slider": with_server_cpu(slider_phase, explorer, config),
            "sketch_mlp": with_server_cpu(sketch_phase, explorer, config)
            if config.sketches
            else None,
            "upload_csv": upload_phase(explorer, config) if config.upload_rows else None,
            "oversize_upload": oversize_phase(explorer, config) if config.oversize_mb else None,
        }
        after_mb, cache_after = explorer.memory_mb(), explorer.cache_mb()
    finally:
        explorer.stop()
    return {
        **result,
        "server_memory_mb": {"at_start": round(start_mb, 1), "before": round(before_mb, 1),
                             "after": round(after_mb, 1), "growth": round(after_mb - before_mb, 1)},
        "cache_mb": {"before": round(cache_before, 2), "after": round(cache_after, 2),
                     "growth": round(cache_after - cache_before, 2)},
        "load_average": {"before": load_before, "after": load_average(), "cpus": os.cpu_count()},
        "goals": GOALS,
    }  # fmt: skip
