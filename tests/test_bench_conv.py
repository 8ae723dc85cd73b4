"""The conv benchmark's JSON on a tiny case (times are reported, never asserted)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from neuralens.bench import BENCHMARKS
from neuralens.bench.conv import CASES, run
from neuralens.cli import app


def test_conv_benchmark_reports_ours_torch_and_ratio_per_case():
    result = run(cases=((2, 1, 6, 6, 3, 3, 1), (2, 3, 5, 5, 4, 3, 1)), repeats=1)
    assert result["goal_ratio"] == 2.0 and result["threads"] == {"blas": 1, "torch": 1}
    assert [case["case"] for case in result["cases"]] == ["2x1x6x6 -> 3 3x3", "2x3x5x5 -> 4 3x3"]
    for case in result["cases"]:
        assert case["ours_s"] > 0 and case["torch_s"] > 0
        assert abs(case["ratio"] - case["ours_s"] / case["torch_s"]) < 1e-12
        assert case["ours_cpu_s"] > 0 and case["torch_cpu_s"] > 0
        assert abs(case["cpu_ratio"] - case["ours_cpu_s"] / case["torch_cpu_s"]) < 1e-12
        assert set(case["ours_parts"]) == {"im2col_s", "matmuls_s", "col2im_s"}
        assert case["image_blocks"] == 1  # two tiny images fit in one cache-sized block
    assert result["worst_ratio"] == max(case["ratio"] for case in result["cases"])
    assert len(result["load_before"]) == len(result["load_after"]) == 3
    json.dumps(result)


def test_conv_benchmark_is_listed_with_the_lecture_cases():
    assert "conv" in BENCHMARKS
    assert [case[:5] for case in CASES] == [(256, 1, 28, 28, 32), (256, 32, 14, 14, 64)]
    listing = CliRunner().invoke(app, ["bench", "list"]).output
    assert "conv:" in listing
