"""Stream a blocking run (a training loop with a hook) to a Gradio generator callback.

The training loop calls its hook with live numbers; Gradio wants a generator that
yields page updates. The run goes to a worker thread whose hook posts each live
dict to a queue; the generator yields what arrives. The hook returns True (stop)
when the learner pressed Stop or left the page, so training ends cleanly, between
two steps.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Hook = Callable[[dict[str, float]], bool]


@dataclass
class StopFlag:
    """Read by the training hook: the learner pressed Stop, or the page went away."""

    requested: bool = False  # the Stop button was pressed
    abandoned: bool = False  # the page stopped listening (closed, reloaded)

    def __bool__(self) -> bool:
        return self.requested or self.abandoned


def stream_run(work: Callable[[Hook], Any], stop: StopFlag) -> Iterator[tuple[str, Any]]:
    """Run ``work(hook)`` in a thread; yield ``("live", [dict, ...])`` with the hook calls
    that arrived since the last yield, then ``("done", result)``; re-raise its error."""
    messages: queue.Queue = queue.Queue()

    def hook(live: dict[str, float]) -> bool:
        messages.put(("live", dict(live)))
        return bool(stop)

    def target() -> None:
        try:
            messages.put(("done", work(hook)))
        except Exception as error:  # handed to the page, which shows it
            messages.put(("error", error))

    threading.Thread(target=target, daemon=True, name="neuralens-training").start()
    try:
        while True:
            kind, value = messages.get()
            lives = []
            while kind == "live":  # gather what piled up while the page was drawing
                lives.append(value)
                if messages.empty():
                    break
                kind, value = messages.get()
            if lives:
                yield "live", lives
            if kind == "error":
                raise value
            if kind == "done":
                yield kind, value
                return
    finally:
        stop.abandoned = True  # if the page went away, the thread finishes at its next step
