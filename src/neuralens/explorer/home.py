"""Home: the arc of the lecture, and what each chapter of the explorer shows."""

from __future__ import annotations

from collections.abc import Sequence

import gradio as gr

from neuralens import __version__
from neuralens.explorer.chapter import Chapter

INTRO = """
# neuralens: deep learning theory for images

Every step of the lecture, runnable: from a line through wine measurements, its
error and the *loss landscape*, to *gradient descent* ("follow the slope"),
networks as equations drawn as graphs, pixels as features, convolutions and
pooling, what models output, latent spaces and diffusion. Pick a chapter in the
bar above; everything runs on this computer, on bundled data.
"""


def chapter_list(chapters: Sequence[Chapter]) -> str:
    """The table of contents as Markdown: one linked line per chapter, in lecture order."""
    lines = ["| | chapter | what you do |\n|---|---|---|"]
    for chapter in chapters:
        link = f"[{chapter.title}](/{chapter.path})"
        lines.append(f"| {chapter.number} | {link} | {chapter.summary} |")
    return "\n".join(lines)


def build(chapters: Sequence[Chapter]) -> None:
    """Lay out the home page."""
    gr.Markdown(INTRO)
    gr.Markdown(chapter_list(chapters), elem_id="chapter-list")
    gr.Markdown(f"neuralens {__version__} · works offline · `neuralens --help` for the CLI")
