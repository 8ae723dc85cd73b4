"""Drawing from words and judging the drawings, on rendered truths and a tiny untrained model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens import checkpoints, diffusion
from neuralens.data.captioned_scenes import (
    make_captioned_scenes,
    parse_caption,
    prompt_attributes,
    render_scenes,
)
from neuralens.device import torch_threads
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.studies.words_as_prompts import (
    draw_scenes,
    edit_frames,
    prompt_match_rate,
    scene_frames,
)

PROMPTS = [
    "a small red disk on the left on grass",
    "a big blue square at the top on sand",
    "a small yellow triangle in the middle in the sky",
    "a large white circle on the right and a little purple square at the bottom on water",
]


def test_rendered_truths_of_prompts_match_them_and_other_prompts_do_not():
    attributes = prompt_attributes(PROMPTS)
    assert [parse_caption(p)[0] for p in PROMPTS] == [attributes.objects(i) for i in range(4)]
    images = render_scenes(attributes, seed=1)[0]
    judge = checkpoints.load_shipped("attributes")
    rate, matches = prompt_match_rate(judge, images, PROMPTS)
    assert rate == 1.0 and matches.all()
    rate, _ = prompt_match_rate(judge, images, PROMPTS[1:] + PROMPTS[:1])
    assert rate == 0.0
    # the generator's own scenes, judged against their paraphrased captions
    data = make_captioned_scenes(200, seed=20_003)
    assert prompt_match_rate(judge, data.images, data.captions)[0] >= 0.98


@pytest.mark.parametrize("prompt, message", [
    ("a red disk on the left", "background"), ("a red disk on the left on sand", "size"),
    ("a small red disk on the left and a big blue disk on the left on sand", "one place"),
])  # fmt: skip
def test_incomplete_prompts_cannot_be_rendered(prompt, message):
    with pytest.raises(ValueError, match=message):
        prompt_attributes([prompt])


def test_a_tiny_model_streams_every_step_as_rgb_pictures():
    torch.manual_seed(0)
    config = TextEpsUNetConfig(image_size=8, channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config).eval()
    schedule = diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=50))
    with torch_threads(1):
        frames = list(scene_frames(model, schedule, ["a red disk", ""], steps=4, seed=3))
        again = draw_scenes(model, schedule, ["a red disk", ""], steps=4, seed=3)
    assert [f.index for f in frames] == [0, 1, 2, 3]
    assert frames[-1].x.shape == (2, 8, 8, 3) and frames[-1].x.dtype == np.uint8
    assert np.array_equal(frames[-1].x, again)  # the seed fixes the drawing
    with pytest.raises(ValueError, match="the model knows only"):
        draw_scenes(model, schedule, ["a red dragon"], steps=2)
    with pytest.raises(ValueError, match="non-empty list"):
        draw_scenes(model, schedule, "a red disk", steps=2)


def test_an_edit_keeps_the_kept_pixels_exactly_and_repaints_the_rest():
    torch.manual_seed(0)
    config = TextEpsUNetConfig(image_size=24, channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config).eval()
    with torch.no_grad():  # an untrained model that predicts some noise, not none
        model.out.weight.normal_(0, 0.3)
    schedule = diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=50))
    scene = make_captioned_scenes(1, size=24, seed=5, max_objects=1)
    keep = scene.instances[0, 0]  # keep the object, repaint the background
    with torch_threads(1):
        frames = list(edit_frames(model, schedule, scene.images[0], keep,
                                  "a small red disk on the left on sand", steps=4))  # fmt: skip
    edited = frames[-1].x[0]
    assert len(frames) == 4 and edited.shape == (24, 24, 3)
    assert np.array_equal(edited[keep], scene.images[0][keep])
    assert not np.array_equal(edited[~keep], scene.images[0][~keep])
    with pytest.raises(ValueError, match="keep must be"):
        next(edit_frames(model, schedule, scene.images[0], keep[:4], "on sand"))
    with pytest.raises(ValueError, match="uint8"):
        next(edit_frames(model, schedule, scene.images[0].astype(float), keep, "on sand"))
