"""The vision tasks from scratch: training time and every metric in one run, plus the
inference time of one 64x64 scene (all heads + decoding; goal < 10 ms).

Training follows the task's recipe on the named scenes (``dataset``), from a fresh
seed, on one CPU thread by default; both wall-clock and process CPU seconds are
reported with the machine's load, because shared machines stretch the wall clock.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import torch

from neuralens.bench.timing import best_time
from neuralens.data.shapes import make_shapes
from neuralens.models.unet import count_multiply_adds
from neuralens.tasks.run import train_model
from neuralens.tasks.vision import (
    TASK,
    float_images,
    load_scenes,
    make_data,
    predict,
    read_outputs,
    report,
)


def inference_ms(model: torch.nn.Module, repeats: int = 20) -> float:
    """Milliseconds for one 64x64 scene: every head, boxes decoded, instances grouped."""
    image = float_images(make_shapes(1, seed=0, overlap=True).images)
    return 1000 * best_time(lambda: read_outputs(predict(model, image)), repeats=repeats)


def train_and_score(dataset: str, threads: int = 1, train_limit: int | None = None) -> dict:
    """Train the recipe on ``dataset`` from scratch, then score it on its test scenes."""
    torch.set_num_threads(threads)
    load_before = os.getloadavg()[0]
    recipe = TASK.recipe
    data, classes = make_data(dataset, "cpu", train_limit, recipe)
    train = replace(recipe.train, progress=False, device="cpu")
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    model, history = train_model(TASK, recipe, data, train, classes)
    cpu_s, wall_s = time.process_time() - cpu_start, time.perf_counter() - wall_start
    metrics = report(model.eval(), dataset)
    size = load_scenes(dataset, "test", 1)[0].images.shape[1]
    return {
        "train_scenes": len(data), "steps": int(history.last("step")),
        "train_wall_s": round(wall_s, 1), "train_cpu_s": round(cpu_s, 1), "threads": threads,
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "parameters": sum(p.numel() for p in model.parameters()),
        "multiply_adds": count_multiply_adds(model, size), "model": model,
        **{k: v for k, v in metrics.items() if isinstance(v, float | int | str | list)},
    }  # fmt: skip


def run(datasets: tuple[str, ...] = ("shapes", "digit-scenes"), threads: int = 1,
        train_limit: int | None = None) -> dict:  # fmt: skip
    """Every named scene set trained and scored in one run; inference time of the shapes model."""
    results = {name: train_and_score(name, threads, train_limit) for name in datasets}
    models = [result.pop("model") for result in results.values()]
    return {**results, "inference_ms_64": round(inference_ms(models[0]), 2),
            "goal_inference_ms": 10, "goal_train_s": 600}  # fmt: skip
