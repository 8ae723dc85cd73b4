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
import os
import re
import shutil
import stat
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
RUN_LIFETIME_S = 4 * 3600  # a trained model stays available for a lesson (4 h)
MAX_RUNS_BYTES = 1024 * 2**20  # all runs together; the oldest go first beyond it (4 MB a run)
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
    """Where the explorer keeps the models learners train (one sub-folder per run).

    A folder of this user's only (mode 0700) in the system's temporary folder; one
    that exists but is a link, another user's, or open to others is refused, since
    whoever controls it could swap the models learners load.
    """
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"neuralens-explorer-runs-{uid}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    status = folder.lstat()
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != uid or status.st_mode & 0o077:
        raise ValueError(f"{folder} is not a private folder of this user (mode 0700); "
                           "remove it and start the explorer again")  # fmt: skip
    return folder


def folder_bytes(folder: Path) -> int:
    return sum(file.stat().st_size for file in folder.rglob("*") if file.is_file())


def prune_runs(
    max_age_s: float = RUN_LIFETIME_S, max_total_bytes: int = MAX_RUNS_BYTES
) -> list[Path]:
    """Delete the runs older than ``max_age_s``, then the oldest while all together
    exceed ``max_total_bytes`` (the explorer may run for weeks; each run holds a few MB)."""
    now = time.time()
    runs = sorted((folder for folder in runs_folder().glob("*") if RUN_ID.match(folder.name)),
                  key=lambda folder: folder.stat().st_mtime)  # fmt: skip
    sizes = {folder: folder_bytes(folder) for folder in runs}
    total = sum(sizes.values())
    old = []
    for folder in runs:  # oldest first
        if now - folder.stat().st_mtime > max_age_s or total > max_total_bytes:
            old.append(folder)
            total -= sizes[folder]
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
