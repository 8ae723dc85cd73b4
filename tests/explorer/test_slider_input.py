"""A slider's number box left blank or holding junk: one line that says what to type."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from neuralens.explorer.components import Slider


@pytest.mark.parametrize(
    ("payload", "shown"),
    [(None, "the box is empty"), ("", "the box is empty"), ("abc", "got 'abc'"),
     (float("nan"), "got nan"), (4.5, "got 4.5"), ("9" * 40, "got 1e+40")],
)  # fmt: skip
def test_a_blank_or_wrong_box_names_the_slider_and_its_range(payload, shown):
    box = Slider(-3, 3, value=0, step=0.01, label="latent number 1", render=False)
    with pytest.raises(gr.Error) as error:
        box.preprocess(payload)
    assert str(error.value.message) == (
        f"'latent number 1' needs a number between -3 and 3; {shown}. Type one, or drag the slider."
    )


def test_a_number_in_range_passes_as_gradio_passes_it():
    box = Slider(0, 1999, value=0, step=1, label="test image #", render=False)
    assert box.preprocess(12) == gr.Slider(0, 1999, step=1, render=False).preprocess(12)
    assert box.get_block_name() == "slider"  # the browser draws Gradio's own slider


def test_a_slider_the_page_rebuilt_for_a_learner_still_checks():
    """Gradio rebuilds an updated component from its class (``block.__class__(**kwargs)``)."""
    box = Slider(-3, 3, value=0, label="latent number 1", render=False)
    rebuilt = box.__class__(**{**box.constructor_args, "minimum": -5, "render": False})
    with pytest.raises(gr.Error, match="between -5 and 3"):
        rebuilt.preprocess(None)


def test_no_stub_file_is_written_beside_the_explorer():
    from neuralens.explorer import components

    assert not Path(components.__file__).with_suffix(".pyi").exists()
