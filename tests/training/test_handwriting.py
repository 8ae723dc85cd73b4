"""Handwriting augmentation: the digit stays the digit, the pen and the hand change."""

from __future__ import annotations

import pytest
import torch

from neuralens.data import load_mnist
from neuralens.training.handwriting import (
    HandwritingConfig,
    elastic,
    handwriting,
    pen_thickness,
    random_affine,
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


def test_batches_change_training_digits_only_and_keep_their_labels():
    from neuralens.training import Batches

    x = (digits(8)[:, 0] * 255).to(torch.uint8)  # (N, H, W) uint8, as MNIST comes
    labels = torch.arange(8)
    data = Batches(x, {"labels": labels}, handwriting=HandwritingConfig(max_rotation=30.0))
    index = torch.arange(8)
    trained_on = data.batch(index, torch.Generator().manual_seed(0))
    again = data.batch(index, torch.Generator().manual_seed(0))
    evaluated = data.batch(index)  # no generator: evaluation sees the images as they are
    assert trained_on["images"].shape == evaluated["images"].shape == (8, 1, 28, 28)
    assert (trained_on["images"] - evaluated["images"]).abs().mean() > 0.02
    assert torch.equal(trained_on["images"], again["images"])  # seeded: reproducible
    assert torch.equal(evaluated["images"], x.unsqueeze(1).float() / 255)
    assert torch.equal(trained_on["labels"], labels)


def test_handwriting_refuses_targets_it_would_leave_behind():
    from neuralens.training import Batches

    images = torch.zeros(4, 1, 8, 8)
    with pytest.raises(ValueError, match="per-image targets .* mask would no longer lie"):
        Batches(images, {"mask": torch.zeros(4, 8, 8)}, handwriting=HandwritingConfig())
    with pytest.raises(ValueError, match="handwriting augments images"):
        Batches(torch.zeros(4, 5), {"labels": torch.zeros(4)}, handwriting=HandwritingConfig())
