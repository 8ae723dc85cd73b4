"""The shipped diffusion model: small, carries its schedule, and draws the digits asked for."""

from __future__ import annotations

import numpy as np

from neuralens import checkpoints
from neuralens.bench.diffusion import cnn_features
from neuralens.device import torch_threads
from neuralens.diffusion import ScheduleConfig
from neuralens.studies.digit_diffusion import generate
from neuralens.tasks.denoise import SCHEDULE, load_diffusion


def test_shipped_diffusion_weights_hold_their_schedule():
    path = checkpoints.shipped_path("diffusion")
    assert path.stat().st_size < 3_000_000  # a few MB at most
    meta = checkpoints.shipped_metadata("diffusion")
    assert meta["task"] == "denoise" and meta["data"] == "mnist"
    # saved before schedules named their prediction: the default, eps, is what it learned
    assert "prediction" not in meta["components"]["schedule"]
    assert ScheduleConfig(**meta["components"]["schedule"]) == SCHEDULE
    assert SCHEDULE.prediction == "eps"
    model, schedule = load_diffusion()
    assert schedule.num_steps == 1000 and not model.training


def test_shipped_model_draws_the_requested_digits():
    model, schedule = load_diffusion()
    cnn = checkpoints.load_shipped("cnn")
    with torch_threads(1):  # small batches: one thread is fastest on shared cores
        images = np.concatenate([generate(model, schedule, digit, n=4, steps=20, seed=digit)
                                 for digit in range(10)])  # fmt: skip
    _, predicted = cnn_features(cnn, images)
    share = float((predicted == np.repeat(np.arange(10), 4)).mean())
    # the acceptance run gives 99.6 % of 1,000 at 20 steps; an untrained model draws noise
    # (about 0.1) and the sampler bug of clipping x0_hat alone gave 0.35 at guidance 3
    assert share >= 0.9, share
