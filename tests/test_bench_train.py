"""`neuralens bench train` on tiny settings: both recipes run and every key is there."""

from __future__ import annotations

import json

from neuralens.bench import BENCHMARKS
from neuralens.bench.train import run


def test_train_benchmark_reports_both_recipes_and_the_floor():
    assert "train" in BENCHMARKS
    result = run(data="mnist-mini", train_limit=256, baseline_batches=2, baseline_max_epochs=1,
                 evals_per_epoch=1, matmul_size=128)  # fmt: skip
    json.dumps(result)  # JSON-ready
    for key in ("speedup", "matmul_flops_per_s", "compute_floor_s", "ours_over_floor", "threads"):
        assert key in result
    for side in ("ours", "baseline"):
        assert {"reached", "time_to_target_s", "flops_per_epoch", "achieved_flops_per_s"} <= set(
            result[side]
        )
        assert result[side]["flops_per_epoch"] > 0
    # the example's network costs more per image than ours (its conv2 runs at 24x24)
    per_image = {side: result[side]["flops_per_epoch"] for side in ("ours", "baseline")}
    assert per_image["baseline"] / 256 > per_image["ours"] / (256 // 128 * 128)
    assert result["baseline"]["how"].startswith("extrapolated")
