"""Words-as-the-prompt benchmark: do generated scenes show what their sentence says, and how fast?

Judge: the shipped attribute classifier (``checkpoints.load_shipped("attributes")``, trained on
the generator's ground truth, 99.8 % on rendered scenes), which never saw a generated scene.
Prompts: ``n`` random single-object scenes' captions, written by the captioned scenes' own
caption writer (``describe``: random paraphrases, "circle" for "disk", "big" for "large"), from
a seed the model was not trained on; the headline is the share the judge reads as matching
every attribute (bar: >= 90 % at 50 DDIM steps, guidance 3), with the share per attribute.
Two-object prompts are reported the same way (no bar). Speed: 8 scenes x 50 steps with 1 and
2 threads (bar: < 5 s). Training time is the one the checkpoint recorded. Edits: the scene edit
study's own benchmark (``studies/scene_edit.py``) when that module is there.
"""

from __future__ import annotations

import importlib.util
import os
import time

import numpy as np
import torch

from neuralens import checkpoints
from neuralens.data.captioned_scenes import describe, sample_attributes
from neuralens.models.attributes import read_scenes
from neuralens.studies.words_as_prompts import (
    attribute_match_rates,
    draw_scenes,
    prompt_match_rate,
)
from neuralens.tasks.text_to_image import load_text_to_image

PROMPT_SEED = 40_000  # neither the training (0) nor the held-out (10,000) scenes' seed


def bench_prompts(n: int, objects: int, seed: int = PROMPT_SEED, size: int = 32) -> list[str]:
    """``n`` paraphrased captions of random scenes with exactly ``objects`` objects.

    >>> bench_prompts(2, 1, seed=0) == bench_prompts(2, 1, seed=0)  # seeded
    True
    """
    attributes, _ = sample_attributes(n, seed, objects, objects, size)
    rng = np.random.default_rng(seed + 1)
    return [describe(attributes, i, rng) for i in range(n)]


def judge_prompts(model, schedule, judge, prompts: list[str], steps: int, guidance: float,
                  seed: int, batch_size: int = 100) -> dict:  # fmt: skip
    """Draw one scene per prompt and judge it: the full match rate and the per-attribute ones."""
    start = time.perf_counter()
    images = np.concatenate([
        draw_scenes(model, schedule, prompts[i : i + batch_size], steps=steps, guidance=guidance,
                    seed=seed + i)
        for i in range(0, len(prompts), batch_size)
    ])  # fmt: skip
    seconds = time.perf_counter() - start
    rate, _ = prompt_match_rate(judge, images, prompts)
    per_attribute = attribute_match_rates(read_scenes(judge, images), prompts)
    return {"steps": steps, "guidance": guidance, "scenes": len(prompts), "match_rate": rate,
            "per_attribute": per_attribute, "sampling_s": round(seconds, 2)}  # fmt: skip


def sampling_speed(model, schedule, threads: int, scenes: int = 8, steps: int = 50) -> dict:
    """Seconds for ``scenes`` scenes x ``steps`` guided DDIM steps with ``threads`` threads."""
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    prompts = bench_prompts(scenes, 1, seed=PROMPT_SEED + 99)
    draw_scenes(model, schedule, prompts[:1], steps=2)  # warm-up
    start = time.perf_counter()
    draw_scenes(model, schedule, prompts, steps=steps, guidance=3.0)
    seconds = time.perf_counter() - start
    torch.set_num_threads(previous)
    return {"threads": threads, "scenes": scenes, "steps": steps, "seconds": round(seconds, 3)}


def training_record(metadata: dict) -> dict:
    """Training time (s), steps and evaluation loss from a checkpoint's metadata."""
    rows = (metadata.get("history") or {}).get("rows") or [{}]
    last = rows[-1]
    return {"train_time_s": last.get("train_time"), "steps": last.get("step"),
            "metrics": metadata.get("metrics", {}),
            "train_config": metadata.get("train_config")}  # fmt: skip


def edits(model, schedule, judge, n: int, steps: int, guidance: float) -> tuple[dict | None, str]:
    """The scene edit benchmark (``scene_edit.edit_benchmark``) and a note; None and why not
    where that module or the shipped segmenter is absent (the rest of the run is kept)."""
    if n <= 0:
        return None, "edit_n = 0: edits not measured"
    if importlib.util.find_spec("neuralens.studies.scene_edit") is None:
        return None, "studies/scene_edit.py is absent: edits are not measured here"
    from neuralens.studies import scene_edit

    try:
        segmenter = scene_edit.load_segmenter()
    except (ValueError, OSError) as error:  # CheckpointError: the segmenter is not shipped
        return None, f"edits not measured: {error}"
    result = scene_edit.edit_benchmark(model, schedule, segmenter, judge, n=n, steps=steps,
                                       guidance=guidance)  # fmt: skip
    return result, "scene_edit.edit_benchmark (bar: kept pixels identical, >= 85 % match)"


def run(n: int = 1000, two_object_n: int | None = None, steps: tuple[int, ...] = (50,),
        guidances: tuple[float, ...] = (3.0,), edit_n: int = 200, speed_steps: int = 50,
        seed: int = 0, weights: str | None = None) -> dict:  # fmt: skip
    """The whole benchmark; every (steps, guidance) pair of the grids is judged on the same
    prompts (smaller ``n`` for a quick run; ``two_object_n`` defaults to ``n``); the speed is
    8 scenes x ``speed_steps`` steps."""
    model, schedule = load_text_to_image(weights)
    model.eval()
    meta = checkpoints.load(weights or checkpoints.shipped_path("text-to-image")).metadata
    judge = checkpoints.load_shipped("attributes")
    size = model.config.image_size
    result: dict = {"weights": str(weights or "shipped"), "training": training_record(meta),
                    "load_before": os.getloadavg()[0]}  # fmt: skip
    result["speed"] = [sampling_speed(model, schedule, threads, steps=speed_steps)
                       for threads in (1, 2)]  # fmt: skip
    torch.set_num_threads(1)  # the long part: on shared cores one thread is the fastest
    two_object_n = n if two_object_n is None else two_object_n
    for key, objects, count in (("single_object", 1, n), ("two_objects", 2, two_object_n)):
        prompts = bench_prompts(count, objects, PROMPT_SEED + objects, size)
        result[key] = [judge_prompts(model, schedule, judge, prompts, s, g, seed)
                       for s in steps for g in guidances] if count else []  # fmt: skip
    result["edits"], result["edits_note"] = edits(model, schedule, judge, edit_n, steps[0],
                                                  guidances[0])  # fmt: skip
    result["load_after"] = os.getloadavg()[0]
    return result
