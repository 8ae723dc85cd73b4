"""Time to 99 % MNIST test accuracy: our CNN recipe vs the well-known PyTorch MNIST example.

Ours: the shipped CNN's recipe on a one-epoch schedule (the classify task's ``cnn`` recipe,
data as one uint8 tensor, batches sliced and shifted in place), evaluated every
eighth of an epoch; the time is training time up to the first evaluation at or
above the target (evaluation itself excluded).

Baseline: pytorch/examples ``mnist/main.py`` re-implemented without torchvision:
conv 32 -> conv 64 -> max-pool -> dropout 0.25 -> fc 9216x128 -> dropout 0.5 -> fc 10,
Adadelta lr 1.0 with StepLR gamma 0.7, batch 64, a standard ``DataLoader`` over a
``Dataset`` that turns each image into a PIL image, then a normalised tensor (as
``ToTensor`` + ``Normalize`` do); it evaluates at the end of every epoch, so its time
to target is the sum of its epoch times until an epoch ends at or above the target.
With ``baseline_batches`` set it trains only that many batches per epoch and
extrapolates (time per batch x batches per epoch), which the result says.

FLOPs count the convolutions and matrix products of forward + backward
(``torch.utils.flop_counter``); the compute floor is FLOPs to target divided by the
machine's measured float32 matmul FLOP/s.

Threads: ours trains on ``choose_threads()`` torch threads (one per core that other
programs leave free, measured just before), the baseline on torch's default (every
core), as the example runs. Both record the machine's load average before and after.
With ``busy=True`` a subprocess spins on one core for the whole run (it stops by itself
after ``busy_limit_s`` and is killed at the end): the "busy laptop" of issue 8, where
2 spinning OpenMP threads made our small-op recipe ~15x slower.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, replace

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset
from torch.utils.flop_counter import FlopCounterMode

from neuralens.device import (
    allowed_cores,
    choose_threads,
    free_cores,
    seed_everything,
    torch_threads,
)
from neuralens.models import build_model
from neuralens.tasks import TASKS
from neuralens.tasks.classify import image_data, load_images
from neuralens.tasks.run import train_model

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # the example's Normalize((0.1307,), (0.3081,))


class ExampleNet(nn.Module):
    """The network of pytorch/examples mnist/main.py, layer for layer."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)  # (N, 1, 28, 28) -> (N, 32, 26, 26)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)  # -> (N, 64, 24, 24), pooled to (N, 64, 12, 12)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(64 * 12 * 12, 128)  # 9216 = 64 maps x 12 x 12
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv2(F.relu(self.conv1(x))))
        x = self.dropout1(F.max_pool2d(x, 2)).flatten(1)
        x = self.dropout2(F.relu(self.fc1(x)))
        return F.log_softmax(self.fc2(x), dim=1)


class PILDigits(Dataset):
    """Per-image PIL -> tensor -> normalise, as torchvision's MNIST + ToTensor + Normalize."""

    def __init__(self, images: np.ndarray, labels: np.ndarray) -> None:
        self.images, self.labels = images, labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, int]:
        from PIL import Image

        picture = Image.fromarray(self.images[index], mode="L")
        tensor = torch.from_numpy(np.array(picture, dtype=np.float32) / 255)[None]
        return (tensor - MNIST_MEAN) / MNIST_STD, int(self.labels[index])


def training_flops(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, loss) -> float:
    """FLOPs per image of forward + backward over a batch (convolutions and matmuls)."""
    with FlopCounterMode(display=False) as counter:
        loss(model(images), labels).backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops() / len(images)


def matmul_flops_per_s(size: int = 1024, repeats: int = 10) -> float:
    """The best float32 matmul throughput of this machine: 2 n^3 FLOPs per product."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(3):
        a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best


def machine_load() -> dict:
    """Load averages (1, 5, 15 min), the cores this process may use and how many are idle now."""
    return {"loadavg": [round(load, 2) for load in os.getloadavg()],
            "cores": len(allowed_cores()), "free_cores": round(free_cores(0.5), 2)}  # fmt: skip


# the busy program: a bare Python loop, which stops by itself after its time limit
SPIN = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass"


@contextmanager
def busy_core(seconds: float) -> Iterator[int]:
    """A subprocess spinning on one core for at most ``seconds``; killed when the block ends.

    Yields its process id.
    """
    spinner = subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=seconds)])
    try:
        time.sleep(0.5)  # let it start and take its core
        yield spinner.pid
    finally:
        spinner.kill()
        spinner.wait()


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_ours(data_name: str, target: float, train_limit: int | None, evals_per_epoch: int) -> dict:
    """Our CNN recipe on a one-epoch schedule, stopping at the first evaluation >= target."""
    cnn = TASKS["classify"].recipe_for("cnn")
    data, classes = image_data(data_name, "cpu", cnn.max_shift, train_limit)
    steps_per_epoch = len(data) // cnn.train.batch_size
    train = replace(cnn.train, num_epochs=1, device="cpu", progress=False, target=target,
                    eval_every=max(steps_per_epoch // evals_per_epoch, 1))  # fmt: skip
    start = time.perf_counter()
    model, history = train_model(TASKS["classify"], cnn, data, train, classes)
    wall = time.perf_counter() - start
    rows = [row for row in history if "eval_accuracy" in row]
    hit = next((row for row in rows if row["eval_accuracy"] >= target), None)
    probe = build_model("cnn", cnn.model_config)
    sample = data.batch(torch.arange(cnn.train.batch_size))
    sample, labels = sample["images"], sample["labels"]
    flops_per_image = training_flops(probe, sample, labels, F.cross_entropy)
    last = hit or rows[-1]
    images_seen = last["step"] * cnn.train.batch_size
    return {
        "model": "cnn", "config": asdict(cnn.model_config), "batch_size": cnn.train.batch_size,
        "lr": cnn.train.lr, "max_shift": cnn.max_shift, "reached": hit is not None,
        "time_to_target_s": hit["train_time"] if hit else None,
        "epochs_to_target": hit["epoch"] if hit else None,
        "test_accuracy_at_stop": last["eval_accuracy"], "steps": int(last["step"]),
        "wall_s_including_eval_and_loading": wall,
        "flops_per_epoch": flops_per_image * steps_per_epoch * cnn.train.batch_size,
        "flops_to_target": flops_per_image * images_seen,
        "achieved_flops_per_s": flops_per_image * images_seen / last["train_time"],
    }  # fmt: skip


def run_baseline(
    data_name: str,
    target: float,
    max_epochs: int,
    train_limit: int | None,
    batches: int | None,
    budget_s: float | None = None,
) -> dict:
    """The PyTorch example's recipe, epoch by epoch, until an epoch ends at >= target.

    ``budget_s`` bounds its training time: the epoch running when the budget is spent is
    cut there, extrapolated to all its batches, and the run stops (a lower bound).
    """
    X, y = load_images(data_name, "train")
    X, y = X[:train_limit], y[:train_limit]
    X_test, y_test = load_images(data_name, "test")
    seed_everything(1)  # the example's default seed
    model = ExampleNet()
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    loader = DataLoader(PILDigits(X, y), batch_size=64, shuffle=True)
    test_loader = DataLoader(PILDigits(X_test, y_test), batch_size=1000)
    batches_per_epoch = len(loader)
    flops_per_image = training_flops(model, *next(iter(loader)), F.nll_loss)
    epoch_times, accuracies = [], []
    warm_up = batches is not None and min(batches, batches_per_epoch) > 1
    spent, cut = 0.0, False
    for _ in range(max_epochs):
        model.train()
        start = time.perf_counter()
        for number, (images, labels) in enumerate(loader, start=1):
            optimizer.zero_grad()
            F.nll_loss(model(images), labels).backward()
            optimizer.step()
            if number == 1 and warm_up:
                start = time.perf_counter()  # capped: time from batch 2 (the first warms up)
            if batches is not None and number >= batches:
                break
            if budget_s is not None and spent + time.perf_counter() - start > budget_s:
                cut = number < batches_per_epoch
                break
        seconds = time.perf_counter() - start
        timed = number - 1 if warm_up else number
        epoch_times.append(seconds * batches_per_epoch / timed)  # extrapolated when capped
        spent += seconds
        if cut:  # a part of an epoch has no test accuracy to compare
            break
        scheduler.step()
        accuracies.append(_test_accuracy(model, test_loader))
        if accuracies[-1] >= target:
            break
    reached = not cut and accuracies[-1] >= target
    return {
        "recipe": "pytorch/examples mnist: 2 conv + 2 fc with dropout, Adadelta lr 1.0, "
                  "StepLR 0.7, batch 64, DataLoader + PIL per image",
        "how": (f"extrapolated: {batches} batches per epoch timed, x {batches_per_epoch} batches"
                if batches is not None else
                f"cut at the {budget_s:g} s budget in epoch {len(epoch_times)} after {number} of "
                f"{batches_per_epoch} batches, extrapolated" if cut else "measured: full epochs"),
        "reached": reached, "epochs_to_target": len(accuracies) if reached else None,
        "time_to_target_s": sum(epoch_times) if reached else None, "capped": batches is not None,
        "time_spent_s": sum(epoch_times), "epoch_times_s": epoch_times,
        "test_accuracy_per_epoch": accuracies,
        "flops_per_epoch": flops_per_image * len(X),
        "achieved_flops_per_s": flops_per_image * len(X) / float(np.mean(epoch_times)),
    }  # fmt: skip


@torch.no_grad()
def _test_accuracy(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    right = sum(int((model(X).argmax(1) == y).sum()) for X, y in loader)
    return right / len(loader.dataset)


def baseline_time(baseline: dict) -> tuple[float, bool]:
    """The baseline's seconds to target, and whether that is only a lower bound.

    Not reached in full epochs: the time spent (it needs at least that). Not reached with
    capped (extrapolated) epochs: one epoch, since it evaluates only at epoch ends.
    """
    if baseline["reached"]:
        return baseline["time_to_target_s"], False
    if baseline["capped"]:
        return baseline["epoch_times_s"][0], True
    return baseline["time_spent_s"], True


def run(
    data: str = "mnist",
    target: float = 0.99,
    threads: int | None = None,
    baseline_max_epochs: int = 3,
    baseline_batches: int | None = None,
    baseline_budget_s: float | None = 600.0,
    train_limit: int | None = None,
    evals_per_epoch: int = 8,
    matmul_size: int = 1024,
    busy: bool = False,
    busy_limit_s: float = 1800.0,
) -> dict:
    """Both recipes on ``data``, side by side, with FLOPs and the compute floor.

    The baseline trains for at most ``baseline_budget_s`` seconds (then its time is a lower
    bound). ``threads`` fixes both sides' torch threads; by default ours chooses them from the free
    cores and the baseline keeps torch's default. ``busy``: beside a process spinning on
    one core (for at most ``busy_limit_s``).
    """
    load_before = machine_load()
    default_threads = torch.get_num_threads()
    with busy_core(busy_limit_s) if busy else nullcontext():
        ours_threads = threads or choose_threads()
        with torch_threads(ours_threads):
            matmul = matmul_flops_per_s(matmul_size)
            ours = run_ours(data, target, train_limit, evals_per_epoch)
        with torch_threads(threads or default_threads):
            baseline = run_baseline(data, target, baseline_max_epochs, train_limit,
                                    baseline_batches, baseline_budget_s)  # fmt: skip
        load_after = machine_load()
    floor = ours["flops_to_target"] / matmul
    ours_time = ours["time_to_target_s"]
    base_time, lower_bound = baseline_time(baseline)
    return {
        "data": data, "target": target, "busy": busy,
        "threads": {"ours": ours_threads, "baseline": threads or default_threads},
        "load_before": load_before, "load_after": load_after,
        "ours": ours, "baseline": baseline,
        "speedup": base_time / ours_time if ours_time else None,
        "speedup_is_lower_bound": lower_bound,
        "matmul_flops_per_s": matmul,
        "compute_floor_s": floor,
        "ours_over_floor": ours_time / floor if ours_time else None,
    }  # fmt: skip
