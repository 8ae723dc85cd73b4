"""Benchmarks behind ``neuralens bench NAME --json``.

Each measures ours against a baseline side by side in one run (these machines are
noisy), and returns a JSON-ready dict with absolute times and their ratio. Times
are reported, never asserted.
"""

from __future__ import annotations

import importlib
import inspect

# name -> ("module:function", one-line summary); modules are imported only when run
BENCHMARKS: dict[str, tuple[str, str]] = {
    "conv": ("neuralens.bench.conv:run", "engine conv2d forward+backward vs torch (goal <= 2x)"),
    "diffusion": (
        "neuralens.bench.diffusion:run",
        "guided digits the CNN recognises, variety, Fréchet distance, sampling speed",
    ),
    "landscape": ("neuralens.bench.landscape:run", "256x256 wine loss landscape vs a Python loop"),
    "latent": (
        "neuralens.bench.latent:run",
        "test MSE of PCA vs AE vs VAE for k = 2, 4, 8, 32; decode time; samples the CNN is sure of",
    ),
    "robust": (
        "neuralens.bench.robust:run",
        "digits MNIST never saw (fonts, pen strokes): shipped models; trained without vs with "
        "handwriting augmentation",
    ),
    "serve": (
        "neuralens.bench.serve:run",
        "a class on one explorer: 20 learners' latencies, memory, cache (goal: slider p95 < 0.3 s)",
    ),
    "shapes": ("neuralens.bench.shapes:run", "images/s of make_shapes at 64x64 on one core"),
    "startup": ("neuralens.bench.startup:run", "seconds until the explorer answers (goal < 5 s)"),
    "tasks": ("neuralens.bench.tasks:run", "vision tasks from scratch: train s, metrics, ms/scene"),
    "text": (
        "neuralens.bench.text:run",
        "scenes from sentences the attribute judge reads as their prompt (1 and 2 objects, per "
        "attribute), edits, training and sampling time",
    ),
    "train": ("neuralens.bench.train:run", "seconds to 99 % MNIST: our CNN vs the PyTorch example"),
}


def run_benchmark(name: str, **options) -> dict:
    """Run benchmark ``name`` (with its ``options``, e.g. ``clients=20``) and return its result."""
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; choose one of {', '.join(BENCHMARKS)}")
    module_name, function_name = BENCHMARKS[name][0].split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    unknown = sorted(set(options) - set(inspect.signature(function).parameters))
    if unknown:
        raise ValueError(f"benchmark {name!r} has no option {', '.join(unknown)}")
    result = function(**options)
    return {"benchmark": name, **result}
