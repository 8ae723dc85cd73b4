"""The landscape benchmark reports ours and the baselines side by side (times not asserted)."""

from __future__ import annotations

from neuralens.bench import BENCHMARKS, run_benchmark
from neuralens.bench.landscape import run


def test_landscape_benchmark_reports_every_key():
    result = run(n=8, loop_n=4, repeats=1)
    keys = {"grid", "wines", "vectorised_ms", "broadcast_ms", "python_loop_ms",
            "python_loop_extrapolated_ms", "speedup_vs_python_loop", "goal_ms"}  # fmt: skip
    assert keys <= set(result)
    assert result["wines"] == 1599 and result["grid"] == 8
    assert all(result[key] > 0 for key in ("vectorised_ms", "broadcast_ms", "python_loop_ms"))
    assert "landscape" in BENCHMARKS and callable(run_benchmark)
