"""`neuralens bench train` on tiny settings: both recipes run and every key is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from neuralens.bench import BENCHMARKS, run_benchmark
from neuralens.bench.train import SPIN, baseline_time, busy_core, run


def test_train_benchmark_reports_both_recipes_and_the_floor():
    assert "train" in BENCHMARKS
    result = run(data="mnist-mini", train_limit=256, baseline_batches=2, baseline_max_epochs=1,
                 evals_per_epoch=1, matmul_size=128, busy=True)  # fmt: skip
    json.dumps(result)  # JSON-ready
    for key in ("speedup", "matmul_flops_per_s", "compute_floor_s", "ours_over_floor", "threads"):
        assert key in result
    assert result["busy"] is True
    assert 1 <= result["threads"]["ours"] <= len(os.sched_getaffinity(0))
    for load in (result["load_before"], result["load_after"]):
        assert len(load["loadavg"]) == 3 and 0 <= load["free_cores"] <= load["cores"]
    for side in ("ours", "baseline"):
        assert {"reached", "time_to_target_s", "flops_per_epoch", "achieved_flops_per_s"} <= set(
            result[side]
        )
        assert result[side]["flops_per_epoch"] > 0
    # the example's network costs more per image than ours (its conv2 runs at 24x24)
    per_image = {side: result[side]["flops_per_epoch"] for side in ("ours", "baseline")}
    assert per_image["baseline"] / 256 > per_image["ours"] / (256 // 128 * 128)
    assert result["baseline"]["how"].startswith("extrapolated")


def test_busy_core_spins_until_the_block_ends_and_stops_by_itself():
    with busy_core(60) as pid:
        os.kill(pid, 0)  # alive inside the block
        with open(f"/proc/{pid}/stat") as stat:
            assert stat.read().split()[2] in "RS"  # running (or just descheduled)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped at the end
    # bounded: left alone, the spinner exits after its time limit
    done = subprocess.run([sys.executable, "-c", SPIN.format(seconds=0.2)], timeout=30, check=True)
    assert done.returncode == 0


def test_baseline_time_is_a_lower_bound_unless_the_target_was_reached():
    reached = {"reached": True, "time_to_target_s": 100.0, "capped": False}
    assert baseline_time(reached) == (100.0, False)
    full = {"reached": False, "capped": False, "time_spent_s": 300.0, "epoch_times_s": [100.0] * 3}
    assert baseline_time(full) == (300.0, True)
    # capped epochs are extrapolated: only one whole epoch is certain before the first test
    capped = {**full, "capped": True, "epoch_times_s": [90.0, 95.0, 99.0]}
    assert baseline_time(capped) == (90.0, True)


def test_only_the_train_benchmark_runs_busy():
    with pytest.raises(ValueError, match="'conv' has no option busy"):
        run_benchmark("conv", busy=True)


def test_the_baseline_stops_at_its_time_budget_with_a_lower_bound():
    from neuralens.bench.train import run_baseline

    # a budget of 0 s cuts the first epoch after one batch (of 4) and skips its test
    result = run_baseline("mnist-mini", 0.99, 3, 256, None, budget_s=0.0)
    assert result["how"].startswith("cut at the 0 s budget in epoch 1 after 1 of 4 batches")
    assert not result["reached"] and result["test_accuracy_per_epoch"] == []
    assert len(result["epoch_times_s"]) == 1  # one batch's time x 4 batches
    assert baseline_time(result) == (result["time_spent_s"], True)
