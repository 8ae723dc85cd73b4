"""The text-conditioned U-Net on tiny sizes: shapes, the empty prompt, guidance, attention, a
few training steps."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from neuralens import diffusion
from neuralens.device import torch_threads
from neuralens.models.text import TextEncoderConfig
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig, WordAttention
from neuralens.training import Batches, TrainConfig, fit

TINY = TextEpsUNetConfig(image_size=8, channels=(8, 16), embedding_dim=16, num_heads=2,
                         text=TextEncoderConfig(width=8, num_heads=2, max_words=8))  # fmt: skip


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models on shared cores: one torch thread is many times faster than two."""
    with torch_threads(1):
        yield


def tiny_model(seed: int = 0) -> TextEpsUNet:
    """A tiny model whose zero-initialised output and attention layers are randomised, so that
    its output depends on its inputs from the start."""
    torch.manual_seed(seed)
    model = TextEpsUNet(TINY)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.startswith("out.") or "to_out" in name:
                parameter.normal_(0, 0.3)
    return model.eval()


def test_shapes_and_attention_maps_at_the_two_coarsest_resolutions():
    model = tiny_model()
    y, padding_mask = model.tokenizer(["a red disk on sand", "a big blue square at the top"])
    eps, maps = model.forward_with_attention(torch.randn(2, 3, 8, 8), torch.tensor([3, 50]), y)
    assert eps.shape == (2, 3, 8, 8)
    length = model.tokenizer.length
    assert {name: tuple(w.shape) for name, w in maps.items()} == {
        "down0": (2, 2, 64, length), "down1": (2, 2, 16, length),
        "middle": (2, 2, 16, length), "up0": (2, 2, 64, length),
    }  # fmt: skip
    for weights in maps.values():  # no pixel listens to padding
        assert (weights * padding_mask[:, None, None, :]).abs().sum() == 0


def test_the_words_steer_the_prediction_and_padding_does_not():
    model = tiny_model()
    x, t = torch.randn(1, 3, 8, 8), torch.tensor([10])
    red, blue = model.tokenizer(["a red disk"])[0], model.tokenizer(["a blue disk"])[0]
    assert not torch.allclose(model(x, t, red), model(x, t, blue), atol=1e-4)
    torch.testing.assert_close(model(x, t, red), model(x, t, red[:, :4]))  # no padding at all


def test_query_positions_let_identical_pixels_ask_the_words_differently():
    """Pixels with the same features ask the same question, unless their query carries a code
    of their place: then "left" can steer the left pixels only."""
    torch.manual_seed(0)
    words = torch.randn(1, 5, 8)  # (N, L, width)
    features = torch.randn(1, 16, 1, 1).expand(1, 16, 4, 4)  # every pixel alike
    spread = {}
    for size in (0, 4):
        block = WordAttention(16, 8, num_heads=2, size=size)
        _, weights = block(features, words, None)  # (1, heads, 16, 5)
        spread[size] = (weights - weights[:, :, :1]).abs().max().item()
    assert spread[0] < 1e-6 and spread[4] > 1e-2
    model = TextEpsUNet(replace(TINY, query_positions=True))
    assert model.middle_attention.position.shape == (1, 16, 4, 4)  # learned, one per level
    assert model.down_attention["0"].position.shape == (1, 8, 8, 8)


def test_coordinates_are_two_more_input_channels():
    torch.manual_seed(0)
    model = TextEpsUNet(replace(TINY, coordinates=True))
    assert model.stem.in_channels == 3 + 2
    y = model.tokenizer(["a red disk"])[0]
    assert model(torch.zeros(2, 3, 8, 8), torch.tensor([1, 2]), y.expand(2, -1)).shape == (
        2, 3, 8, 8)  # fmt: skip


def test_the_empty_prompt_is_the_unconditional_model_and_guidance_zero_ignores_the_prompt():
    model = tiny_model()
    x, t = torch.randn(3, 3, 8, 8), torch.tensor([1, 20, 99])
    no_prompt = torch.full((3, model.tokenizer.length), diffusion.NO_CLASS)
    empty = model.tokenizer(["", "", ""])[0]
    torch.testing.assert_close(model(x, t, empty), model(x, t, no_prompt))
    y = model.tokenizer(["a red disk", "a green square on grass", "in the sky"])[0]
    unconditional = model(x, t, no_prompt)
    torch.testing.assert_close(diffusion.guided_eps(model, x, t, y, 0.0), unconditional)
    torch.testing.assert_close(diffusion.guided_eps(model, x, t, y, 1.0), model(x, t, y))
    guided = diffusion.guided_eps(model, x, t, y, 3.0)
    torch.testing.assert_close(guided, unconditional + 3.0 * (model(x, t, y) - unconditional))


def test_a_dropped_caption_is_the_empty_prompt_in_the_loss():
    model = tiny_model()
    x0 = torch.rand(4, 3, 8, 8) * 2 - 1
    y = model.tokenizer(["a red disk"] * 4)[0]
    schedule = diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=50))
    no_prompt = torch.full_like(y, diffusion.NO_CLASS)

    def loss(y, dropout):
        generator = torch.Generator().manual_seed(0)
        return diffusion.eps_loss(model, x0, y, schedule, dropout, generator)

    torch.testing.assert_close(loss(y, 1.0), loss(no_prompt, 0.0))
    assert not torch.allclose(loss(y, 0.0), loss(no_prompt, 0.0))


def test_diffusion_samples_it_unchanged():
    model = tiny_model()
    schedule = diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=50))
    y = model.tokenizer(["a red disk", "a blue square"])[0]
    images = diffusion.sample(model, schedule, y, num_steps=3, guidance=2.0, image_shape=(3, 8, 8),
                              generator=torch.Generator().manual_seed(0))  # fmt: skip
    assert images.shape == (2, 3, 8, 8) and torch.isfinite(images).all()


def test_a_few_steps_lower_the_loss_on_a_trivial_caption_set():
    """Two captions, two flat colours: the loss must fall well below its start within 30 steps."""
    torch.manual_seed(0)
    config = TextEpsUNetConfig(image_size=8, channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(vocabulary=("red", "blue"), width=8,
                                                      num_heads=2, max_words=2))  # fmt: skip
    model = TextEpsUNet(config)
    words = ["red", "blue"] * 16
    colours = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]] * 16)  # (32, 3) in [0, 1]
    images = colours[:, :, None, None].expand(-1, -1, 8, 8)
    data = Batches.from_arrays(images, {"captions": model.tokenizer(words)[0]})
    schedule = diffusion.make_schedule(diffusion.ScheduleConfig(num_steps=100))
    generator = torch.Generator().manual_seed(0)

    def loss_fn(model, batch):
        x0 = diffusion.to_model_range(batch["images"])
        return diffusion.eps_loss(model, x0, batch["captions"], schedule, 0.0, generator), {}

    config = TrainConfig(num_epochs=30, batch_size=32, lr=1e-2, schedule="constant",
                         log_every=1, device="cpu", progress=False)  # fmt: skip
    losses = fit(model, loss_fn, data, config)["loss"]
    assert len(losses) == 30 and losses[-5:].mean() < 0.6 * losses[:5].mean()


@pytest.mark.parametrize("bad", [torch.zeros(2, 3, 4), torch.zeros(2, 40, dtype=torch.long),
                                 torch.full((2, 3), 2)])  # fmt: skip
def test_bad_prompts_are_named(bad):
    model = tiny_model()
    with pytest.raises(ValueError, match="y must be|tokenizer encoding"):
        model(torch.zeros(2, 3, 8, 8), torch.tensor([0, 1]), bad)


def test_config_checks_and_round_trip_through_a_dict():
    from dataclasses import asdict

    config = TextEpsUNetConfig(**asdict(TINY))
    assert config == TINY and isinstance(config.text, TextEncoderConfig)
    with pytest.raises(ValueError, match="divide by 2"):
        TextEpsUNetConfig(image_size=10, channels=(8, 16, 32))
    with pytest.raises(ValueError, match="num_heads"):
        TextEpsUNetConfig(channels=(8, 12), num_heads=8)


def test_a_checkpoint_rebuilds_the_model_with_its_vocabulary(tmp_path):
    from neuralens import checkpoints

    model = tiny_model()
    path = checkpoints.save_model(tmp_path / "text.safetensors", model, task="text-to-image")
    loaded = checkpoints.load_model(path, expected="text_eps_unet")
    assert loaded.tokenizer.vocabulary == model.tokenizer.vocabulary
    x, t = torch.randn(1, 3, 8, 8), torch.tensor([7])
    y = model.tokenizer(["a red disk on sand"])[0]
    torch.testing.assert_close(loaded(x, t, y), model(x, t, y))
