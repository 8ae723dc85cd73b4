"""The text-to-image task: its data, its loss, and a few steps through the one loop."""

from __future__ import annotations

import pytest
import torch

from neuralens.device import torch_threads
from neuralens.models.text import TextEncoderConfig, Tokenizer
from neuralens.models.text_eps_unet import TextEpsUNet, TextEpsUNetConfig
from neuralens.tasks import get_task
from neuralens.tasks.text_to_image import TASK, caption_batches, make_data
from neuralens.training import TrainConfig, fit


def test_batches_carry_the_captions_as_token_ids():
    tokenizer = Tokenizer()
    data = caption_batches(12, seed=0, tokenizer=tokenizer, eval_n=4)
    batch = data.batch(torch.arange(3))
    assert batch["images"].shape == (3, 3, 32, 32) and batch["captions"].shape == (3, 33)
    from neuralens.data.captioned_scenes import make_captioned_scenes

    captions = make_captioned_scenes(12, seed=0).captions
    assert [tokenizer.decode(ids) for ids in batch["captions"]] == [
        caption.replace(",", "") for caption in captions[:3]
    ]
    assert len(data.eval_images) == 4


def test_a_few_steps_lower_the_loss_on_scenes():
    torch.manual_seed(0)
    config = TextEpsUNetConfig(channels=(8, 16), embedding_dim=16, num_heads=2,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    model = TextEpsUNet(config)
    data = caption_batches(64, seed=0, tokenizer=model.tokenizer, eval_n=16)
    train = TrainConfig(num_epochs=10, batch_size=32, lr=1e-2, schedule="constant", log_every=1,
                        device="cpu", progress=False)  # fmt: skip
    with torch_threads(1):  # a tiny model on shared cores: one thread is many times faster
        history = fit(model, TASK.loss_fn, data, train)
    losses = history["loss"]
    assert len(losses) == 20 and losses[-5:].mean() < 0.8 * losses[:5].mean()
    assert "eval_loss" in history


def test_the_task_is_registered_and_names_its_one_dataset():
    assert get_task("text-to-image") is TASK
    with pytest.raises(ValueError, match="captioned-scenes"):
        make_data("mnist", "cpu", 10, TASK.recipe)


def test_the_model_learns_v_and_its_checkpoint_says_so(tmp_path):
    """The loss targets v, and a saved model samples with the v schedule it was trained on."""
    from neuralens import checkpoints
    from neuralens.tasks.text_to_image import load_text_to_image, text_loss

    assert TASK.components["schedule"]["prediction"] == "v"
    # grey scenes are x_0 = 0, so v = sqrt(alpha_bar_t) eps: predicting zero costs the mean
    # alpha_bar over the steps (about 0.5 for the cosine schedule), where it would cost
    # E[eps^2] = 1 if the target were eps
    batch = {"images": torch.full((256, 3, 8, 8), 0.5),
             "captions": torch.ones(256, 3, dtype=torch.long)}  # fmt: skip
    torch.manual_seed(0)
    loss, _ = text_loss(lambda x, t, y: torch.zeros_like(x), batch)
    assert 0.4 < loss.item() < 0.6
    config = TextEpsUNetConfig(image_size=8, channels=(8, 16), embedding_dim=16, num_heads=2,
                               query_positions=True,
                               text=TextEncoderConfig(width=8, num_heads=2))  # fmt: skip
    path = checkpoints.save_model(tmp_path / "t2i.safetensors", TextEpsUNet(config),
                                  task=TASK.name, components=TASK.components)  # fmt: skip
    model, schedule = load_text_to_image(path)
    assert schedule.config.prediction == "v" and model.config.query_positions
