"""`neuralens edit`: an edit by words keeps the kept pixels in the saved PNG; bad input is one
line on stderr, exit code 2, and nothing is written."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict

import numpy as np
import pytest
from PIL import Image
from scene_truth import scene, tiny_text_model

from neuralens import checkpoints, diffusion
from neuralens.cli import main
from neuralens.models.unet import UNet, UNetConfig
from neuralens.studies import scene_edit

PROMPT = "a small red disk on the left and a large blue square at the top on grass"
ON_SAND = PROMPT.replace("grass", "sand")


@pytest.fixture()
def files(tmp_path, monkeypatch):
    """A scene PNG, tiny text-to-image weights, and the ground-truth segmenter in place of
    the shipped one."""
    image, instances, segmenter = scene(PROMPT)
    Image.fromarray(image).save(tmp_path / "scene.png")
    model, _ = tiny_text_model()
    schedule = {"schedule": asdict(diffusion.ScheduleConfig(num_steps=50))}
    checkpoints.save_model(tmp_path / "t2i.safetensors", model, task="text-to-image",
                           components=schedule)  # fmt: skip
    monkeypatch.setattr(scene_edit, "load_segmenter", lambda path=None: segmenter)
    return tmp_path, image, instances


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["neuralens", "edit", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    captured = capsys.readouterr()
    return stopped.value.code, captured.out, captured.err


def test_an_edit_keeps_the_disk_exactly_in_the_saved_scene(files, monkeypatch, capsys):
    folder, image, instances = files
    out = folder / "edited.png"
    common = ["--image", str(folder / "scene.png"), "--keep", "red disk", "--prompt", ON_SAND,
              "--steps", "3", "--weights", str(folder / "t2i.safetensors"),
              "--out", str(out)]  # fmt: skip
    code, stdout, _ = run(monkeypatch, capsys, *common, "--json")
    assert code == 0
    summary = json.loads(stdout)
    assert summary["kept"] == "a small red disk on the left"
    assert summary["repainted"] == "a large blue square at the top, the background"
    assert summary["note"] == ""  # the prompt describes the kept disk
    edited, kept = np.asarray(Image.open(out)), instances[0]
    assert summary["kept_pixels"] == kept.sum() and np.array_equal(edited[kept], image[kept])
    assert not np.array_equal(edited[~kept], image[~kept])
    before = out.read_bytes()
    code, _, err = run(monkeypatch, capsys, *common, "--seed", "1")
    assert code == 2 and "--overwrite" in err and out.read_bytes() == before
    code, stdout, _ = run(monkeypatch, capsys, *common, "--seed", "1", "--overwrite")
    assert code == 0 and "wrote" in stdout and out.read_bytes() != before


@pytest.mark.parametrize("change, message", [
    ({"--keep": "triangle"}, "no triangle here; this scene shows a small red disk on the left"),
    ({"--keep": "the dragon"}, "unknown word.*'dragon'"),
    ({"--prompt": "a red dragon on sand"}, "the model knows only"),
    ({"--keep": None}, "give --keep .* or --regenerate"),
    ({"--regenerate": "disk"}, "give --keep .* or --regenerate"),
    ({"--image": "wide.png"}, "square picture"),
    ({"--image": "words.txt"}, "not a picture"),
    ({"--out": "edited.jpg"}, "must end in .png"),
])  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(files, monkeypatch, capsys, change, message):
    folder, image, _ = files
    Image.fromarray(np.zeros((32, 48, 3), np.uint8)).save(folder / "wide.png")
    (folder / "words.txt").write_text("a red disk")
    options = {"--image": "scene.png", "--keep": "disk", "--prompt": ON_SAND, "--steps": "2",
               "--weights": "t2i.safetensors", "--out": "edited.png", **change}  # fmt: skip
    paths = ("--image", "--weights", "--out")
    args = [item for flag, value in options.items() if value is not None
            for item in (flag, str(folder / value) if flag in paths else value)]  # fmt: skip
    code, _, err = run(monkeypatch, capsys, *args)
    assert code == 2 and err.count("\n") == 1
    assert re.search(message, err), err
    assert not (folder / "edited.png").exists() and not (folder / "edited.jpg").exists()


def test_a_segmenter_that_finds_nothing_says_so(files, monkeypatch, capsys):
    folder, _, _ = files
    monkeypatch.undo()  # the real loader, with a tiny untrained U-Net's weights
    unet = UNet(UNetConfig(image_size=32, channels=(4, 4, 4)))
    checkpoints.save_model(folder / "seg.safetensors", unet, task="vision-tasks",
                           classes=("disk", "square", "triangle"))  # fmt: skip
    code, _, err = run(monkeypatch, capsys, "--image", str(folder / "scene.png"), "--keep", "disk",
                       "--prompt", ON_SAND, "--weights", str(folder / "t2i.safetensors"),
                       "--segmenter", str(folder / "seg.safetensors"))  # fmt: skip
    assert code == 2 and "no disk here; this scene shows no object the segmenter" in err
