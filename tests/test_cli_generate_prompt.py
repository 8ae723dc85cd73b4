"""`neuralens generate --prompt`: scenes from sentences; unknown words and clashes are one line."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest
import torch
from cli_main import run_main
from PIL import Image

from neuralens import checkpoints, diffusion
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig

PROMPT = "a small red disk on the left on grass"


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    """A small untrained text-to-image model saved as `neuralens train text-to-image` saves one."""
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("weights") / "tiny-text.safetensors"
    config = TextEpsUNetConfig(channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config)
    with torch.no_grad():  # some noise predicted, so different prompts draw differently
        model.out.weight.normal_(0, 0.1)
        model.middle_attention.attention.to_out.weight.normal_(0, 0.5)
    schedule = diffusion.ScheduleConfig(num_steps=50)
    checkpoints.save_model(path, model, task="text-to-image",
                           components={"schedule": asdict(schedule)})  # fmt: skip
    return path


def test_prompts_write_an_npz_of_rgb_scenes_with_their_prompts(monkeypatch, capsys, tmp_path,
                                                               weights):  # fmt: skip
    out = tmp_path / "scenes.npz"
    args = ["generate", "--prompt", PROMPT, "--prompt", "a big blue square at the top on sand",
            "--n", "2", "--steps", "3", "--weights", str(weights)]  # fmt: skip
    code, _, err = run_main(monkeypatch, capsys, *args, "--out", str(out))
    assert code == 0, err
    saved = np.load(out)
    assert saved["images"].shape == (4, 32, 32, 3) and saved["images"].dtype == np.uint8
    assert saved["prompts"].tolist() == [PROMPT] * 2 + ["a big blue square at the top on sand"] * 2
    assert not np.array_equal(saved["images"][0], saved["images"][2])  # the words matter
    code, _, err = run_main(monkeypatch, capsys, *args, "--out", str(out))
    assert code == 2 and "pass --overwrite" in err
    code, _, err = run_main(monkeypatch, capsys, *args, "--out", str(out), "--overwrite", "--seed",
                            "1")  # fmt: skip
    assert code == 0, err
    assert not np.array_equal(np.load(out)["images"], saved["images"])


def test_a_png_grid_has_one_row_per_prompt_and_figures_are_drawn(monkeypatch, capsys, tmp_path,
                                                                 weights):  # fmt: skip
    out, figures = tmp_path / "grid.png", tmp_path / "figures"
    code, _, err = run_main(monkeypatch, capsys, "generate", "--prompt", PROMPT, "--n", "3",
                            "--steps", "2", "--weights", str(weights), "--out", str(out),
                            "--figures", str(figures))  # fmt: skip
    assert code == 0, err
    assert Image.open(out).size == (3 * 32 + 2 * 2, 32)  # 3 scenes in one row, 2-pixel gaps
    assert Image.open(figures / "scenes.png").size[0] > 100
    assert Image.open(figures / "attention.png").size[0] > 100


def test_an_empty_prompt_is_the_unconditional_model_and_says_so(monkeypatch, capsys, tmp_path,
                                                                 weights):  # fmt: skip
    code, out, err = run_main(monkeypatch, capsys, "generate", "--prompt", "", "--n", "2",
                              "--steps", "2", "--weights", str(weights), "--json")  # fmt: skip
    assert code == 0 and "empty prompt: the unconditional model draws any scene" in err
    assert '"n": 2' in out


@pytest.mark.parametrize(("args", "message"), [
    (["--prompt", "a red dragon on grass"], "error: unknown word(s) 'dragon'; the model knows "),
    (["--prompt", " ".join(["red"] * 40)], "error: the prompt has 40 words; at most 32 fit"),
    (["--prompt", PROMPT, "--steps", "0"], "error: steps must be between 1"),
    (["--prompt", PROMPT, "--digit", "3"], "error: say what to draw with exactly one"),
    (["--prompt", PROMPT], "error: {out} exists: pass --overwrite"),
    (["--prompt", PROMPT, "--n", "0"], "error: --n must be at least 1"),
])  # fmt: skip
def test_bad_prompt_input_is_one_line_and_writes_nothing(monkeypatch, capsys, tmp_path, weights,
                                                         args, message):  # fmt: skip
    out = tmp_path / "keep.npz"
    out.write_bytes(b"earlier result")
    code, _, err = run_main(monkeypatch, capsys, "generate", *args, "--weights", str(weights),
                            "--out", str(out))  # fmt: skip
    assert code == 2 and err.startswith(message.format(out=out)) and err.count("\n") == 1, err
    assert out.read_bytes() == b"earlier result"
