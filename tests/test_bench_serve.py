"""The class benchmark on a tiny class: every call answers, the big CSV is refused with its
row limit named, the oversized upload with the server's byte limit (times not asserted)."""

from __future__ import annotations

import pytest

from neuralens.bench import BENCHMARKS
from neuralens.bench.serve import ServeBenchConfig, run


def test_a_tiny_class_gets_every_answer_and_the_limits_are_named():
    result = run(clients=2, interactions=3, sketches=1, upload_rows=100_001, oversize_mb=4,
                 max_upload_mb=3)  # fmt: skip
    for phase in ("line_slider", "sketch_mlp"):
        assert result[phase]["errors"] == 0, result[phase].get("first_error")
    assert result["line_slider"]["count"] == 6 and result["sketch_mlp"]["count"] == 2
    for phase in ("line_slider", "sketch_mlp"):  # old code: latencies only
        assert result[phase]["server_cpu_ms_per_call"] > 0
    assert "100001 rows, more than the limit of 100000" in result["upload_csv"]["answer"]
    oversize = result["oversize_upload"]  # old code: no limit, the 4 MB were stored
    assert oversize["status"] == 413 and "3145728 bytes" in oversize["answer"]
    assert {"growth", "before", "after"} <= set(result["server_memory_mb"])
    assert "serve" in BENCHMARKS


def test_the_class_size_is_bounded():
    with pytest.raises(ValueError, match="clients must be between 1 and 64, got 500"):
        ServeBenchConfig(clients=500).validated()
