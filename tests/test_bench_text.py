"""`neuralens bench text`: prompts, per-attribute rates, and a quick run on a tiny model."""

from __future__ import annotations

from dataclasses import asdict

import pytest
import torch

from neuralens import checkpoints, diffusion
from neuralens.bench import BENCHMARKS, run_benchmark
from neuralens.bench.text import bench_prompts
from neuralens.data.captioned_scenes import parse_caption, prompt_attributes
from neuralens.device import torch_threads
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.studies.words_as_prompts import attribute_match_rates


def test_bench_prompts_are_paraphrased_captions_with_the_asked_number_of_objects():
    single, double = bench_prompts(200, 1), bench_prompts(50, 2)
    assert all(len(parse_caption(p)[0]) == 1 for p in single)
    assert all(len(parse_caption(p)[0]) == 2 for p in double)
    assert prompt_attributes(single) is not None  # every attribute named: renderable
    assert any("circle" in p for p in single) and any("disk" in p for p in single)
    assert len(set(single)) > 150


def test_attribute_rates_say_which_word_was_missed():
    asked = ["a small red disk on the left on sand", "a big blue square at the top on grass"]
    seen = prompt_attributes(["a small red disk on the left on sand",
                              "a big red square at the top on water"])  # fmt: skip
    rates = attribute_match_rates(seen, asked)
    assert rates == {"shape": 1.0, "colour": 0.5, "size": 1.0, "position": 1.0,
                     "background": 0.5, "object_count": 1.0}  # fmt: skip
    two = prompt_attributes(
        ["a small red disk on the left and a big blue square at the top on sand"]
    )
    rates = attribute_match_rates(two, ["a small red disk on the right on sand"])
    assert rates["position"] == 0.0 and rates["object_count"] == 0.0 and rates["colour"] == 1.0
    with pytest.raises(ValueError, match="one prompt per scene"):
        attribute_match_rates(seen, asked[:1])


def test_a_quick_run_on_a_tiny_model_reports_every_part(tmp_path):
    torch.manual_seed(0)
    config = TextEpsUNetConfig(channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    path = tmp_path / "tiny.safetensors"
    schedule = asdict(diffusion.ScheduleConfig(num_steps=50))
    checkpoints.save_model(path, TextEpsUNet(config), task="text-to-image",
                           components={"schedule": schedule})  # fmt: skip
    assert "text" in BENCHMARKS
    with torch_threads(1):
        result = run_benchmark("text", n=4, two_object_n=2, steps=(2,), guidances=(1.0, 3.0),
                               edit_n=0, speed_steps=2, weights=str(path))  # fmt: skip
    assert result["benchmark"] == "text"
    assert [(row["steps"], row["guidance"]) for row in result["single_object"]] == [
        (2, 1.0),
        (2, 3.0),
    ]
    assert [row["scenes"] for row in result["two_objects"]] == [2, 2]
    for row in result["single_object"] + result["two_objects"]:
        assert 0 <= row["match_rate"] <= 1
        assert set(row["per_attribute"]) == {"shape", "colour", "size", "position", "background",
                                             "object_count"}  # fmt: skip
    # an untrained model draws noise, not the asked scenes
    assert max(row["match_rate"] for row in result["single_object"]) < 0.5
    assert [s["threads"] for s in result["speed"]] == [1, 2]
    assert all(s["seconds"] > 0 and s["scenes"] == 8 and s["steps"] == 2 for s in result["speed"])
    assert result["edits"] is None and result["edits_note"].startswith("edit_n = 0")
    assert "load_after" in result


def test_edits_without_a_shipped_segmenter_are_a_note_not_a_crash(monkeypatch):
    from neuralens.bench.text import edits
    from neuralens.checkpoints import CheckpointError
    from neuralens.studies import scene_edit

    def missing(path=None):
        raise CheckpointError("no shipped weights for 'unet-captioned-scenes'")

    monkeypatch.setattr(scene_edit, "load_segmenter", missing)
    result, note = edits(None, None, None, n=2, steps=2, guidance=3.0)
    assert (
        result is None
        and note == "edits not measured: no shipped weights for 'unet-captioned-scenes'"
    )
