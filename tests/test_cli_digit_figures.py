"""`generate --digit --figures`' drawing: the diffusion chapter's six figures from a digit model."""

from __future__ import annotations

from PIL import Image

from neuralens.cli.digit_figures import write_digit_figures
from neuralens.device import torch_threads
from neuralens.tasks.denoise import load_diffusion


def test_the_six_figures_are_written_as_pictures(tmp_path):
    model, schedule = load_diffusion()
    with torch_threads(1):
        paths = write_digit_figures(tmp_path / "figures", model, schedule, digit=3, steps=2)
    names = sorted(path.name for path in paths)
    assert names == ["guidance.png", "inpainting.png", "noising.png", "samples.png",
                     "trajectory.gif", "trajectory.png"]  # fmt: skip
    for path in paths:
        with Image.open(path) as picture:
            assert picture.width > 100 and picture.height > 20
    with Image.open(tmp_path / "figures" / "trajectory.gif") as gif:
        assert gif.n_frames == 2  # one frame per sampling step
    assert not list((tmp_path / "figures").glob("*.part"))  # every file whole
