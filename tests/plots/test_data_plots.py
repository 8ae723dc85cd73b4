from __future__ import annotations

import numpy as np

from neuralens import plots
from neuralens.data import load_mnist, load_wine, make_shapes
from neuralens.history import History
from neuralens.plots.data import digit_mosaic, instance_map


def test_digit_mosaic_puts_one_class_per_row():
    images, labels = load_mnist("test")
    mosaic = digit_mosaic(images, labels, per_class=3)
    assert mosaic.shape == (10 * 28, 3 * 28)
    first_seven = images[labels == 7][0]
    assert np.array_equal(mosaic[7 * 28 : 8 * 28, :28], first_seven)


def test_instance_map_numbers_objects_from_one():
    masks = np.zeros((2, 4, 4), dtype=bool)
    masks[0, 0, 0] = masks[1, 3, 3] = True
    ids = instance_map(masks)
    assert ids[0, 0] == 1 and ids[3, 3] == 2 and ids.sum() == 3


def test_figures_render_and_save(tmp_path):
    history = History()
    for step in range(5):
        history.log(step=step, loss=1 / (step + 1), accuracy=step / 5)
    figures = {
        "wine": plots.plot_wine_scatter(load_wine()),
        "digits": plots.plot_digit_grid(*load_mnist("test")),
        "shapes": plots.plot_shapes(make_shapes(2, seed=0), count=2),
        "history": plots.plot_history(history, keys=("loss", "accuracy")),
    }
    for name, figure in figures.items():
        path = plots.save(figure, tmp_path / f"{name}.png")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        rgb = plots.to_rgb(figure)
        assert rgb.ndim == 3 and rgb.shape[2] == 3 and rgb.std() > 0
