from __future__ import annotations

import pytest

from neuralens import plots
from neuralens.data.captioned_scenes import make_captioned_scenes


def test_each_scene_shows_its_caption(tmp_path):
    data = make_captioned_scenes(6, seed=0)
    fig = plots.plot_captioned_scenes(data.images, data.captions, columns=4,
                                      marks=[True, False] * 3)  # fmt: skip
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == 6 and len(fig.axes) == 8  # two empty cells in the 2x4 grid
    for ax, caption in zip(shown, data.captions, strict=True):
        assert ax.get_xlabel().replace("\n", " ") == caption
        assert (ax.images[0].get_array() == data.images[shown.index(ax)]).all()
    assert shown[0].xaxis.label.get_color() != shown[1].xaxis.label.get_color()
    path = plots.save(fig, tmp_path / "captions.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_captions_must_match_the_scenes():
    data = make_captioned_scenes(2, seed=0)
    with pytest.raises(ValueError, match="one caption per scene"):
        plots.plot_captioned_scenes(data.images, data.captions[:1])
    with pytest.raises(ValueError, match="one mark per scene"):
        plots.plot_captioned_scenes(data.images, data.captions, marks=[True])


def test_word_attention_draws_one_panel_per_word():
    import numpy as np

    data = make_captioned_scenes(1, seed=0)
    words = ["<start>", "a", "red", "disk"]
    maps = np.random.default_rng(0).random((4, 8, 8))
    fig = plots.plot_word_attention(data.images[0], words, maps, columns=3)
    titled = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in titled] == ["scene", *words]
    assert (titled[3].images[1].get_array() == maps[2]).all()  # "red" shows its own map
    with pytest.raises(ValueError, match="one word per attention map"):
        plots.plot_word_attention(data.images[0], words[:2], maps)
