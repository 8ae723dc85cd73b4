"""Handwriting augmentation: the digit stays the digit, the pen and the hand change."""

from __future__ import annotations

import torch

from neuralens.data import load_mnist
from neuralens.training.handwriting import (
    HandwritingConfig,
    elastic,
    handwriting,
    pen_thickness,
    random_affine,
    with_handwriting,
)

STILL = HandwritingConfig(max_rotation=0.0, scale=(1.0, 1.0), max_shear=0.0, elastic_alpha=0.0,
                          thickness_probability=0.0)  # fmt: skip


def digits(count: int = 16) -> torch.Tensor:
    images, _ = load_mnist("test", "mini")
    return torch.from_numpy(images[:count]).float().div(255).unsqueeze(1)  # (N, 1, 28, 28)


def test_nothing_asked_nothing_changed():
    x = digits()
    for change in (random_affine, elastic, pen_thickness):
        torch.testing.assert_close(change(x, STILL), x, atol=1e-5, rtol=0)


def test_rotation_turns_the_ink_and_keeps_most_of_it():
    x = digits()
    turned = random_affine(
        x,
        HandwritingConfig(max_rotation=30.0, scale=(1.0, 1.0), max_shear=0.0),
        torch.Generator().manual_seed(0),
    )
    assert turned.shape == x.shape
    assert (turned - x).abs().mean() > 0.02  # it moved
    assert turned.sum() / x.sum() > 0.9  # nothing fell off the 28x28 page


def test_thicker_pen_adds_ink_thinner_removes_it():
    x = digits()
    always = HandwritingConfig(thickness_probability=1.0)
    changed = pen_thickness(x, always, torch.Generator().manual_seed(1))
    ink_before, ink_after = x.sum(dim=(1, 2, 3)), changed.sum(dim=(1, 2, 3))
    assert (ink_after > ink_before * 1.2).any() and (ink_after < ink_before * 0.8).any()


def test_elastic_wobble_is_small_and_smooth():
    x = digits()
    wobbled = elastic(x, HandwritingConfig(elastic_alpha=1.5), torch.Generator().manual_seed(2))
    assert 0.005 < (wobbled - x).abs().mean() < 0.2
    assert wobbled.sum() / x.sum() > 0.9


def test_whole_recipe_is_reproducible_and_in_range():
    x = digits()
    first = handwriting(x, HandwritingConfig(), torch.Generator().manual_seed(3))
    again = handwriting(x, HandwritingConfig(), torch.Generator().manual_seed(3))
    torch.testing.assert_close(first, again)
    assert first.min() >= -1e-6 and first.max() <= 1 + 1e-6


def test_with_handwriting_changes_training_batches_only():
    seen = []

    def loss_fn(model, batch):
        seen.append(batch["images"])
        return batch["images"].sum(), {}

    class Model:
        training = True

    loss = with_handwriting(loss_fn, HandwritingConfig(max_rotation=30.0))
    x = digits(4)[:, 0]  # (N, H, W): an MLP's batch
    loss(Model(), {"images": x})
    Model.training = False
    loss(Model(), {"images": x})
    assert seen[0].shape == x.shape and not torch.equal(seen[0], x)
    assert torch.equal(seen[1], x)  # evaluation sees the images as they are
