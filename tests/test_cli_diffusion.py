"""`neuralens generate` and `neuralens inpaint`: outputs, and one-line errors that write nothing."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest
from cli_main import run_main
from PIL import Image

from neuralens import checkpoints, diffusion
from neuralens.models import EpsUNet, EpsUNetConfig


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    """A small untrained noise predictor saved as `neuralens train diffusion` saves one."""
    path = tmp_path_factory.mktemp("weights") / "tiny.safetensors"
    model = EpsUNet(EpsUNetConfig(channels=(8, 8, 8), embedding_dim=16))
    schedule = diffusion.ScheduleConfig(num_steps=50)
    checkpoints.save_model(path, model, task="denoise", components={"schedule": asdict(schedule)})
    return path


def test_generate_writes_an_npz_of_requested_digits(monkeypatch, capsys, tmp_path, weights):
    out = tmp_path / "sevens.npz"
    args = ["generate", "--digit", "7", "--n", "3", "--steps", "4", "--weights", str(weights)]
    code, _, err = run_main(monkeypatch, capsys, *args, "--out", str(out))
    assert code == 0, err
    saved = np.load(out)
    assert saved["images"].shape == (3, 28, 28) and saved["images"].dtype == np.uint8
    assert saved["labels"].tolist() == [7, 7, 7]
    again = tmp_path / "again.npz"
    run_main(monkeypatch, capsys, *args, "--out", str(again))
    np.testing.assert_array_equal(np.load(again)["images"], saved["images"])  # seeded


def test_generate_writes_a_png_grid(monkeypatch, capsys, tmp_path, weights):
    out = tmp_path / "grid.png"
    args = ["--digit", "7", "--n", "4", "--steps", "2", "--weights", str(weights)]
    code, _, err = run_main(monkeypatch, capsys, "generate", *args, "--out", str(out))
    assert code == 0, err
    assert Image.open(out).size == (58, 58)  # 2 x 2 pictures of 28 with a 2-pixel gap


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--digit", "10"], "error: digit must be one of 0-9"),
        (
            ["--digit", "7", "--steps", "0"],
            "error: steps must be between 1 and the schedule's 50, got 0",
        ),
        (
            ["--digit", "7", "--steps", "51"],
            "error: steps must be between 1 and the schedule's 50, got 51",
        ),
        (["--digit", "7", "--guidance", "-1"], "error: guidance must be >= 0"),
        (["--digit", "7", "--out", "{tmp}/x.jpg"], "error: --out must end in .png or .npz"),
        (["--digit", "7"], "error: {tmp}/keep.npz exists: pass --overwrite"),
        ([], "error: say what to draw with exactly one of --digit N"),
        (["--digit", "7", "--prompt", "a red disk"], "error: say what to draw with exactly one"),
    ],
)
def test_bad_generate_input_is_one_line_and_writes_nothing(
    monkeypatch, capsys, tmp_path, weights, args, message
):
    out = tmp_path / "keep.npz"
    out.write_bytes(b"earlier result")
    args = [arg.format(tmp=tmp_path) for arg in args]
    message = message.format(tmp=tmp_path)
    if "--out" not in args:
        args += ["--out", str(out)]
    code, _, err = run_main(monkeypatch, capsys, "generate", "--weights", str(weights), *args)
    assert code == 2 and err.startswith(message) and err.count("\n") == 1
    assert out.read_bytes() == b"earlier result"


@pytest.fixture
def pictures(tmp_path):
    """A black-on-white '1' (56x56, as drawn on paper) and a mask of its lower half."""
    paper = np.full((56, 56), 255, dtype=np.uint8)
    paper[8:48, 24:32] = 0
    mask = np.zeros((56, 56), dtype=np.uint8)
    mask[28:] = 255
    Image.fromarray(paper).save(tmp_path / "one.png")
    Image.fromarray(mask).save(tmp_path / "mask.png")
    Image.fromarray(mask[:40]).save(tmp_path / "short_mask.png")
    Image.fromarray(np.zeros((6, 40), dtype=np.uint8)).save(tmp_path / "strip.png")
    return tmp_path


def test_inpaint_keeps_the_unmasked_pixels(monkeypatch, capsys, pictures, weights):
    out = pictures / "repainted.npz"
    code, _, err = run_main(
        monkeypatch, capsys, "inpaint", "--image", str(pictures / "one.png"), "--mask",
        str(pictures / "mask.png"), "--digit", "7", "--n", "2", "--steps", "3",
        "--weights", str(weights), "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    images = np.load(out)["images"]
    from neuralens.studies.digit_diffusion import prepare_digit_image

    known = prepare_digit_image(np.asarray(Image.open(pictures / "one.png")))
    expected = np.round(known[:14] * 255).astype(np.uint8)  # the kept top half, inverted
    np.testing.assert_array_equal(images[:, :14], np.broadcast_to(expected, (2, 14, 28)))
    assert expected.max() > 200  # the stroke is there (light on black, as MNIST)


@pytest.mark.parametrize(
    ("image", "mask", "message"),
    [
        ("one.png", "short_mask.png", "error: the mask must have the image's height and width"),
        ("strip.png", "strip.png", "error: the image must be a digit-sized picture"),
        ("missing.png", "mask.png", "error: image"),
    ],
)
def test_bad_inpaint_input_is_one_line(monkeypatch, capsys, pictures, weights, image, mask,
                                       message):  # fmt: skip
    code, _, err = run_main(
        monkeypatch, capsys, "inpaint", "--image", str(pictures / image), "--mask",
        str(pictures / mask), "--weights", str(weights), "--out", str(pictures / "o.npz"),
    )  # fmt: skip
    assert code == 2 and err.startswith(message) and err.count("\n") == 1
    assert not (pictures / "o.npz").exists()


def test_generate_digit_figures_writes_the_six_and_keeps_existing_ones(
    monkeypatch, capsys, tmp_path, weights
):
    folder = tmp_path / "figures"
    args = ["generate", "--digit", "3", "--n", "1", "--steps", "2", "--weights", str(weights),
            "--figures", str(folder)]  # fmt: skip
    code, out, err = run_main(monkeypatch, capsys, *args)
    assert code == 0, err
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            "noising.png",
            "trajectory.png",
            "samples.png",
            "guidance.png",
            "inpainting.png",
            "trajectory.gif",
        ]  # fmt: skip
    )
    assert out.count("wrote ") == 6
    before = (folder / "samples.png").read_bytes()
    code, _, err = run_main(monkeypatch, capsys, *args)
    assert code == 2 and "pass --overwrite" in err and len(err.strip().splitlines()) == 1
    assert (folder / "samples.png").read_bytes() == before  # nothing replaced
