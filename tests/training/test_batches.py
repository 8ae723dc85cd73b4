"""Batches: images of any layout become (N, C, H, W); targets are sliced with their images;
augmentation moves masks and boxes with the image; bad input is one clear error."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from neuralens.training import Batches
from neuralens.training.augment import flip_batch, shift_batch


def scene(count: int = 32, size: int = 12) -> dict[str, torch.Tensor]:
    """Squares of ink at random places, each with its mask and its box (xyxy, pixels)."""
    generator = torch.Generator().manual_seed(0)
    images = torch.zeros(count, 1, size, size)
    mask = torch.zeros(count, size, size, dtype=torch.int64)
    boxes = torch.full((count, 2, 4), -1.0)  # one object and one padding row per image
    for n in range(count):
        top, left = torch.randint(0, size - 3, (2,), generator=generator).tolist()
        images[n, 0, top : top + 3, left : left + 3] = 1.0
        mask[n, top : top + 3, left : left + 3] = 1
        boxes[n, 0] = torch.tensor([left, top, left + 3, top + 3])
    labels = torch.tensor([[0, -1]] * count)
    return {"images": images, "mask": mask, "boxes": boxes, "box_labels": labels}


def ink_box(image: torch.Tensor) -> torch.Tensor:
    """The tightest xyxy box around the ink of a (1, H, W) image."""
    rows, cols = torch.nonzero(image[0], as_tuple=True)
    return torch.tensor([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]).float()


def test_a_shifted_box_still_encloses_its_shifted_object():
    batch = scene()
    offsets = torch.randint(0, 5, (2, 32, 1), generator=torch.Generator().manual_seed(1))
    moved = shift_batch(batch, 2, offsets)
    assert not torch.equal(moved["images"], batch["images"])  # something did move
    for n in range(32):
        if moved["images"][n].sum() == 0:  # pushed fully out: the box is padding too
            assert (moved["boxes"][n, 0] == -1).all() and moved["box_labels"][n, 0] == -1
            continue
        box, ink = moved["boxes"][n, 0], ink_box(moved["images"][n])
        assert box[0] <= ink[0] and box[1] <= ink[1] and box[2] >= ink[2] and box[3] >= ink[3]
        assert torch.equal(box, ink)  # a square cut by the border: the box is cut alike
        assert torch.equal(moved["mask"][n].bool(), moved["images"][n, 0].bool())
        assert (moved["boxes"][n, 1] == -1).all() and moved["box_labels"][n, 1] == -1


def test_flips_mirror_images_masks_and_boxes_together():
    batch = scene(8)
    flips = torch.tensor([True, False] * 4)
    moved = flip_batch(batch, flips)
    for n in range(8):
        assert torch.equal(moved["boxes"][n, 0], ink_box(moved["images"][n]))
        assert torch.equal(moved["mask"][n].bool(), moved["images"][n, 0].bool())
    assert torch.equal(moved["images"][1], batch["images"][1])


def test_batches_augment_every_target_of_a_training_batch():
    batch = scene()
    data = Batches(batch["images"], {k: v for k, v in batch.items() if k != "images"},
                   max_shift=2, hflip=True)  # fmt: skip
    out = data.batch(torch.arange(32), torch.Generator().manual_seed(3))
    assert not torch.equal(out["images"], batch["images"])
    assert torch.equal(out["mask"].bool(), out["images"][:, 0].bool())
    unchanged = data.batch(torch.arange(32))  # no generator: no augmentation (evaluation)
    assert torch.equal(unchanged["mask"], batch["mask"])


def test_channels_last_images_are_converted_once():
    photos = np.random.default_rng(0).integers(0, 256, (5, 8, 8, 3), dtype=np.uint8)
    data = Batches.from_arrays(photos, {"labels": np.arange(5)})
    assert data.images.shape == (5, 3, 8, 8)
    batch = data.batch(torch.tensor([2]))
    assert torch.allclose(batch["images"][0, 1], torch.from_numpy(photos[2, :, :, 1]) / 255)
    explicit = Batches.from_arrays(photos.transpose(0, 3, 1, 2), layout="NCHW")
    assert torch.equal(explicit.images, data.images)


@pytest.mark.parametrize(
    ("images", "options", "message"),
    [
        (np.zeros((4, 3, 3, 3), np.uint8), {}, r"cannot tell the channel axis .* \(N, C, H, W\)"),
        (np.zeros((4, 8, 8, 3, 1), np.uint8), {}, r"must be \(N, C, H, W\), \(N, H, W, C\)"),
        (np.zeros((4, 8, 8), np.uint8), {"layout": "HWCN"}, "unknown image layout 'HWCN'"),
        (np.zeros((4, 8, 8), np.uint8), {"layout": "NHWC"}, "layout NHWC needs a 4-D array"),
        (np.zeros((4, 8, 8), np.uint8), {"targets": {"labels": [0, 1]}},
         "'labels' has 2 rows but there are 4 training images"),
        (np.zeros((4, 8, 8), np.uint8), {"targets": [0, 1, 2, 3]}, "dict of named targets"),
    ],
)  # fmt: skip
def test_bad_images_and_targets_are_one_clear_error(images, options, message):
    with pytest.raises(ValueError, match=message):
        Batches.from_arrays(images, **options)
