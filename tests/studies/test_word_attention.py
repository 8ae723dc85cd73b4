"""Which pixels listened to which word: attention maps averaged over heads, blocks and steps."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens import diffusion
from neuralens.device import torch_threads
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.studies.words_as_prompts import (
    AttentionRecorder,
    draw_scenes,
    mean_word_attention,
    word_attention,
)


def one_hot_weights(token_of_pixel: torch.Tensor, tokens: int, heads: int = 2) -> torch.Tensor:
    """(h, w) token ids -> (1, heads, h*w, tokens) weights: each pixel attends to one token."""
    one_hot = torch.nn.functional.one_hot(token_of_pixel.flatten(), tokens).float()
    return one_hot[None, None].expand(1, heads, -1, -1)


def test_a_word_attended_on_the_left_lights_up_the_left_of_the_image():
    left_right = torch.tensor([[1, 2], [1, 2]])  # token 1 on the left column, 2 on the right
    coarse = {"middle": one_hot_weights(left_right, 3)}
    fine = {"up1": one_hot_weights(torch.tensor([[1, 1, 2, 2]] * 4), 3)}
    maps = mean_word_attention([coarse, fine], size=8)[0]  # (3, 8, 8)
    assert maps.shape == (3, 8, 8)
    torch.testing.assert_close(maps.sum(dim=0), torch.ones(8, 8))  # shares of the tokens
    assert float(maps[0].abs().max()) == 0.0  # nobody looked at token 0
    assert maps[1, :, :2].min() > 0.99 and maps[1, :, 6:].max() < 0.01
    assert maps[2, :, 6:].min() > 0.99 and maps[2, :, :2].max() < 0.01


def test_steps_are_averaged_and_empty_input_is_refused():
    everywhere_1 = {"middle": one_hot_weights(torch.ones(2, 2, dtype=torch.long), 3)}
    everywhere_2 = {"middle": one_hot_weights(torch.full((2, 2), 2), 3)}
    maps = mean_word_attention([everywhere_1, everywhere_1, everywhere_2], size=4)[0]
    torch.testing.assert_close(maps[1], torch.full((4, 4), 2 / 3))
    torch.testing.assert_close(maps[2], torch.full((4, 4), 1 / 3))
    with pytest.raises(ValueError, match="at least one call"):
        mean_word_attention([], size=4)


@pytest.fixture(scope="module")
def tiny_model():
    torch.manual_seed(0)
    config = TextEpsUNetConfig(image_size=8, channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config).eval()
    with torch.no_grad():  # let the attention change the prediction (it starts at zero)
        for block in (model.down_attention["1"], model.middle_attention):
            block.attention.to_out.weight.normal_(0, 0.5)
        model.out.weight.normal_(0, 0.1)
    return model, diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=50))


def test_recording_changes_nothing_and_keeps_only_the_prompted_rows(tiny_model):
    model, schedule = tiny_model
    recorder = AttentionRecorder(model)
    x, t = torch.randn(3, 3, 8, 8), torch.tensor([5, 9, 20])
    y = model.tokenizer(["a red disk", "", "on sand"])[0]
    y[1] = diffusion.NO_CLASS  # the unconditional row of classifier-free guidance
    with torch.no_grad():
        torch.testing.assert_close(recorder(x, t, y), model(x, t, y), rtol=0, atol=0)
    assert len(recorder.calls) == 1
    assert set(recorder.calls[0]) == {"down0", "down1", "middle", "up0"}
    assert recorder.calls[0]["middle"].shape == (2, 2, 16, y.shape[1])  # rows 0 and 2 only


def test_word_attention_draws_the_same_scene_and_gives_one_map_per_word(tiny_model):
    model, schedule = tiny_model
    prompt = "a small red disk on the left on grass"
    with torch_threads(1):
        result = word_attention(model, schedule, prompt, steps=3, guidance=3.0, seed=4)
        scene = draw_scenes(model, schedule, [prompt], steps=3, guidance=3.0, seed=4)[0]
    assert result.words == prompt.split()
    assert result.maps.shape == (len(result.words), 8, 8) and result.maps.dtype == np.float32
    assert np.array_equal(result.image, scene)
    assert (result.maps >= 0).all() and (result.maps.sum(axis=0) <= 1 + 1e-5).all()
    assert result.maps.std(axis=0).max() > 0  # the words do not all get the same share
    with pytest.raises(ValueError, match="the model knows only"):
        word_attention(model, schedule, "a red dragon", steps=2)
    with pytest.raises(ValueError, match="guidance 0"):
        word_attention(model, schedule, prompt, steps=2, guidance=0)
