"""Gradient clipping bounds a step; the EMA of the weights is what gets evaluated and kept."""

from __future__ import annotations

import torch

from neuralens.training import Batches, TrainConfig, fit
from neuralens.training.optim import WeightAverage, clip_gradients

QUIET = {"device": "cpu", "progress": False}


def regression_data() -> Batches:
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(64, 4, generator=generator)
    y = X.sum(1, keepdim=True)  # (N, 1)
    return Batches(X, {"y": y}, eval_images=X, eval_targets={"y": y})


def mse(model, batch):
    return torch.nn.functional.mse_loss(model(batch["images"]), batch["y"]), {}


def test_clipping_scales_the_global_norm_down_only():
    layer = torch.nn.Linear(2, 1, bias=False)
    layer.weight.grad = torch.tensor([[3.0, 4.0]])  # norm 5
    clip_gradients(layer, 1.0)
    assert torch.allclose(layer.weight.grad.norm(), torch.tensor(1.0))
    clip_gradients(layer, 10.0)
    assert torch.allclose(layer.weight.grad.norm(), torch.tensor(1.0))


def test_the_model_ends_holding_the_average_of_its_weights():
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 1)
    average = {k: v.clone() for k, v in model.state_dict().items()}
    steps = []

    def follow(live):  # w_ema <- 0.9 w_ema + 0.1 w after every step, written out by hand
        steps.append(live["step"])
        for key, value in model.state_dict().items():
            average[key] = 0.9 * average[key] + 0.1 * value

    config = TrainConfig(num_epochs=3, batch_size=16, lr=0.05, ema_decay=0.9, **QUIET)
    fit(model, mse, regression_data(), config, on_batch=follow)
    assert steps == list(range(1, 13))  # the cheap hook sees every step
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, average[key])


def test_batch_norm_statistics_are_copied_not_averaged():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    ema = WeightAverage(model, decay=0.9)
    start = {k: v.clone() for k, v in model.state_dict().items()}
    model(torch.randn(8, 4) + 5)  # a training pass moves the running statistics
    with torch.no_grad():
        model[0].weight.add_(1.0)
    ema.update(model)
    stats = model[1].running_mean, model[1].running_var
    torch.testing.assert_close(ema.tensors["1.running_mean"], stats[0])
    torch.testing.assert_close(ema.tensors["1.running_var"], stats[1])
    torch.testing.assert_close(ema.tensors["0.weight"], start["0.weight"] + 0.1)


def test_clipped_training_is_different_and_still_learns():
    losses = {}
    for clip in (None, 0.5):
        torch.manual_seed(0)
        model = torch.nn.Linear(4, 1)
        config = TrainConfig(num_epochs=5, batch_size=16, lr=0.05, optimizer="sgd", momentum=0,
                             schedule="constant", grad_clip=clip, **QUIET)  # fmt: skip
        losses[clip] = fit(model, mse, regression_data(), config)["eval_loss"]
    assert losses[0.5][-1] > losses[None][-1]  # shorter steps learn more slowly
    assert losses[0.5][-1] < 0.8 * losses[0.5][0]  # but it still learns
