"""Models a learner trained in "Train your own", reused by the other chapters of their browser.

The training page saves the model as a neuralens checkpoint (safetensors + JSON
metadata) in a folder of its own under the system's temporary folder, and keeps
only that folder's random name in the browser's localStorage (``gr.BrowserState``),
so the pixels and CNN pages of the same browser can offer "your model". Nothing
about the model is trusted from the browser: the name must be a run id, and the
weights are read with ``checkpoints.load_model`` (safetensors only).
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from neuralens.data import DIGIT_CLASSES
from neuralens.weights import shipped_metadata

if TYPE_CHECKING:  # torch loads on first use: pages are built without it (fast start-up)
    from torch import nn

STORAGE_KEY = "neuralens-trained-model"
# localStorage only holds a random run id; the secret merely keeps pages of one app in agreement
STORAGE_SECRET = "neuralens-explorer-trained-model"
RUN_ID = re.compile(r"^[0-9a-f]{32}$")
RUN_LIFETIME_S = 7 * 24 * 3600  # a trained model stays available for a week
SHIPPED_CHOICE = "shipped (trained on MNIST)"
TRAINED_CHOICE = "yours (from chapter 11, Train your own)"


@dataclass
class ChosenModel:
    """A model ready to predict, the names of its classes, and where it came from."""

    model: nn.Module
    classes: tuple[str, ...]
    source: str  # shown to the learner, e.g. "shipped MLP, 98.2 % on MNIST test"


def trained_state() -> gr.BrowserState:
    """The browser's memory of the last model trained in chapter 11: {"run": id, ...} or None."""
    return gr.BrowserState(None, storage_key=STORAGE_KEY, secret=STORAGE_SECRET)


def runs_folder() -> Path:
    """Where the explorer keeps the models learners train (one sub-folder per run)."""
    return Path(tempfile.gettempdir()) / "neuralens-explorer-runs"


def prune_runs(max_age_s: float = RUN_LIFETIME_S) -> list[Path]:
    """Delete the run folders older than ``max_age_s`` (the explorer may run for weeks)."""
    now = time.time()
    old = [folder for folder in runs_folder().glob("*") if RUN_ID.match(folder.name)
           and now - folder.stat().st_mtime > max_age_s]  # fmt: skip
    for folder in old:
        shutil.rmtree(folder, ignore_errors=True)
    return old


def run_checkpoint(run: str) -> Path:
    """The checkpoint file of run ``run`` (a 32-hex-digit id, never a path from the browser)."""
    if not RUN_ID.match(str(run)):
        raise ValueError(f"not a run id: {run!r}")
    return runs_folder() / run / "model.safetensors"


@functools.lru_cache(maxsize=2)
@functools.lru_cache(maxsize=2)
def shipped(name: str) -> ChosenModel:
    """The shipped MLP or CNN (read once per process)."""
    from neuralens import checkpoints  # torch loads on first use, not at start-up

    accuracy = shipped_metadata(name).get("metrics", {}).get("test_accuracy")
    score = f", {accuracy:.1%} on the MNIST test set" if accuracy else ""
    source = f"shipped {name.upper()}{score}"
    return ChosenModel(checkpoints.load_shipped(name), DIGIT_CLASSES, source)


def trained(info: dict | None) -> ChosenModel | None:
    """The learner's model described by the browser's ``info``, or None when there is none."""
    if not isinstance(info, dict) or "run" not in info:
        return None
    from neuralens import checkpoints  # torch loads on first use, not at start-up

    try:
        path = run_checkpoint(info["run"])
        checkpoint = checkpoints.load(path)
        model = checkpoints.build_from(checkpoint, path)
    except ValueError:  # an unknown id, or a run deleted with the temporary folder
        return None
    meta = checkpoint.metadata
    classes = tuple(meta.get("classes") or DIGIT_CLASSES)
    accuracy = meta.get("metrics", {}).get("test_accuracy", float("nan"))
    data = meta.get("data", "?")
    source = f"your {meta['model'].upper()} trained on {data} ({accuracy:.1%} test)"
    return ChosenModel(model, classes, source)


def choose(kind: str, choice: str, info: dict | None) -> ChosenModel:
    """The learner's model when chosen and available and of ``kind``, else the shipped one."""
    from neuralens import checkpoints  # torch loads on first use, not at start-up

    if choice != TRAINED_CHOICE:
        return shipped(kind)
    mine = trained(info)
    if mine is not None and checkpoints.model_metadata(mine.model)["model"] == kind:
        return mine
    fallback = shipped(kind)
    note = f" (this browser holds no {kind.upper()} of yours yet: train one in chapter 11)"
    return ChosenModel(fallback.model, fallback.classes, fallback.source + note)


def model_choice(kind: str) -> gr.Radio:
    """The radio that picks the shipped model or the learner's own (of the same ``kind``)."""
    return gr.Radio(
        [SHIPPED_CHOICE, TRAINED_CHOICE],
        value=SHIPPED_CHOICE,
        label=f"{kind.upper()} to use",
        info=f"Train your own {kind.upper()} in chapter 11; it is kept for this browser.",
    )
