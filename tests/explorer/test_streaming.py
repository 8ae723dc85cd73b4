"""Streaming a blocking run to a generator: every live row arrives, Stop stops, errors surface."""

from __future__ import annotations

import pytest

from neuralens.explorer.streaming import StopFlag, stream_run


def counting(steps: int):
    def work(hook):
        done = 0
        for step in range(steps):
            done += 1
            if hook({"step": step}):
                break
        return done

    return work


def test_every_live_row_arrives_then_the_result():
    rows, result = [], None
    for kind, value in stream_run(counting(50), StopFlag()):
        if kind == "live":
            rows.extend(value)
        else:
            result = value
    assert [row["step"] for row in rows] == list(range(50)) and result == 50


def test_stop_request_ends_the_run_at_the_next_hook():
    stop = StopFlag()
    for kind, value in stream_run(counting(10**6), stop):
        if kind == "live":
            stop.requested = True
        else:
            assert value < 10**6
    assert stop.requested


def test_an_error_in_the_run_reaches_the_page():
    def broken(hook):
        raise ValueError("bad zip")

    with pytest.raises(ValueError, match="bad zip"):
        list(stream_run(broken, StopFlag()))
