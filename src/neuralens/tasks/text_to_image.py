"""Text to image: denoise a captioned scene, given its caption (words as the prompt).

The denoise task (``tasks/denoise.py``, Ho et al. 2020, eq. 14) with a sentence for the label:
each training scene x_0 is noised to a random step t and ``TextEpsUNet`` learns, from x_t, t and
the caption's token ids, the velocity v = sqrt(alpha_bar_t) eps - sqrt(1 - alpha_bar_t) x_0
(Salimans & Ho 2022), which the sampler turns back into the noise and the clean scene. From
pure noise, v asks for the scene the words describe, where eps would ask for the noise it was
handed: the layout, colours and background are decided there. One caption in ten is dropped
(the whole row becomes ``NO_CLASS``, read as the empty caption), so the same network also learns
the unconditional prediction that classifier-free guidance needs (Ho & Salimans 2022). Captions
are random paraphrases, so the model meets "circle" and "disk", "big" and "large" for the same
pictures.

>>> TASK.recipe.model, TASK.targets
('text_eps_unet', ('captions',))
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import torch
from torch import nn

from neuralens import diffusion
from neuralens.data.captioned_scenes import make_captioned_scenes
from neuralens.models.text import Tokenizer
from neuralens.models.text_eps_unet import TextEpsUNetConfig
from neuralens.tasks.denoise import load_noise_predictor
from neuralens.tasks.task import Recipe, Task
from neuralens.training.batches import Batch, Batches
from neuralens.training.config import TrainConfig

# cosine, T = 1000, as the digit diffusion model, but the network predicts v (Salimans & Ho
# 2022): with eps, the layout drawn from pure noise (alpha_bar_T = 2.4e-9) was ill-posed; and
# training draws t logit-normal, mostly mid-noise (one object drawn, not two, more often)
SCHEDULE = diffusion.ScheduleConfig(prediction="v", timestep_sampling="logit-normal")
CAPTION_DROPOUT = 0.1  # share of captions hidden while training (classifier-free guidance)
DATASET = "captioned-scenes"
TRAIN_SCENES, TRAIN_SEED = 20_000, 0  # the default training set
HELD_OUT_SCENES, HELD_OUT_SEED = 500, 10_000  # for the evaluation loss (another seed)


def text_loss(
    model: nn.Module, batch: Batch, schedule: diffusion.Schedule | None = None
) -> tuple[torch.Tensor, dict]:
    """The eps loss of ``batch["images"]`` in [0, 1] given ``batch["captions"]`` (N, L) ids.

    >>> batch = {"images": torch.zeros(4, 3, 2, 2), "captions": torch.ones(4, 3, dtype=torch.long)}
    >>> loss, _ = text_loss(lambda x, t, y: torch.zeros_like(x), batch)
    >>> 0 < loss.item() < 3  # predicting no noise costs E[eps^2] = 1 on average
    True
    """
    schedule = schedule or diffusion.make_schedule(SCHEDULE)
    x0 = diffusion.to_model_range(batch["images"])
    return diffusion.eps_loss(model, x0, batch["captions"], schedule, CAPTION_DROPOUT), {}


def caption_batches(
    n: int,
    seed: int,
    tokenizer: Tokenizer,
    size: int = 32,
    eval_n: int = HELD_OUT_SCENES,
    eval_seed: int = HELD_OUT_SEED,
    device: torch.device | str = "cpu",
    max_objects: int = 3,
) -> Batches:
    """Captioned scenes (paraphrased) with their token ids: ``n`` to train, ``eval_n`` held out."""
    train = make_captioned_scenes(n, size, seed, max_objects=max_objects)
    held = make_captioned_scenes(eval_n, size, eval_seed, max_objects=max_objects)
    return Batches.from_arrays(
        train.images, {"captions": tokenizer(train.captions)[0]},
        held.images, {"captions": tokenizer(held.captions)[0]},
        device=device, name=DATASET, layout="NHWC",
    )  # fmt: skip


def make_data(dataset: str, device, train_limit: int | None, recipe: Recipe):
    """The task's data hook: ``train_limit`` (default 20,000) scenes tokenized for the recipe."""
    if dataset != DATASET:
        raise ValueError(f"the text-to-image task trains on {DATASET!r}, got {dataset!r}")
    config = recipe.model_config
    tokenizer = Tokenizer(config.text.vocabulary, config.text.max_words)
    data = caption_batches(train_limit or TRAIN_SCENES, TRAIN_SEED, tokenizer, config.image_size,
                           device=device)  # fmt: skip
    return data, None


TASK = Task(
    name="text-to-image",
    summary="draw a scene from a sentence: diffusion steered by words (cross-attention)",
    loss_fn=text_loss,
    recipes=(
        # 32 maps at full size: with 16 the objects came out as blobs (shape right 56 % of the
        # time after 2,500 steps; 97 % with 32); small batches buy more updates; 8 epochs
        # (5,000 steps): on the bench's first 200 prompts 89 % fully right after 4, 100 % after 8
        Recipe(
            "text_eps_unet",
            TextEpsUNetConfig(channels=(32, 32, 64), query_positions=True),
            TrainConfig(
                num_epochs=8, batch_size=32, lr=2e-3, warmup_fraction=0.05, ema_decay=0.998
            ),
        ),  # fmt: skip
    ),
    targets=("captions",),
    records=("components",),
    metrics=("eval_loss",),
    datasets=(DATASET,),
    make_data=make_data,
    components={"schedule": asdict(SCHEDULE), "caption_dropout": CAPTION_DROPOUT},
)


def load_text_to_image(path: str | Path | None = None) -> tuple[nn.Module, diffusion.Schedule]:
    """A saved text-conditioned noise predictor (the shipped ``text-to-image`` when ``path``
    is None) and the noise schedule it was trained with."""
    return load_noise_predictor(path, "text-to-image", "text_eps_unet")
