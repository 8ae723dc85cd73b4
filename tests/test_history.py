from __future__ import annotations

import json

import numpy as np
import pytest

from neuralens.history import History


def test_log_and_read_back():
    history = History()
    for step in range(3):
        history.log(step=step, loss=1.0 / (step + 1))
    history.log(step=3, accuracy=0.5)
    assert history.keys() == ["step", "loss", "accuracy"]
    assert np.allclose(history["loss"][:3], [1, 0.5, 1 / 3]) and np.isnan(history["loss"][3])
    assert history.last("loss") == pytest.approx(1 / 3) and len(history) == 4


def test_round_trip_through_json():
    history = History()
    history.log(step=0, loss=2.5)
    again = History.from_dict(json.loads(json.dumps(history.to_dict())))
    assert again.rows == history.rows


def test_unknown_name_says_what_was_logged():
    history = History()
    history.log(loss=1.0)
    with pytest.raises(KeyError, match="it logged \\['loss'\\]"):
        history["accuracy"]
    with pytest.raises(KeyError):
        history.last("accuracy")
