"""Home: the arc of the lecture, and what each chapter of the explorer shows."""

from __future__ import annotations

import html
from collections.abc import Sequence

import gradio as gr

from neuralens import __version__
from neuralens.explorer.chapter import Chapter

INTRO = """
# neuralens: deep learning theory for images

Every step of the lecture, runnable, chapter by chapter: {topics}. Pick a chapter below
or in the bar above; everything runs on this computer, on bundled data.
"""
TABLE_CSS = """
table {border-collapse: collapse; width: 100%; font-size: 1rem}
th, td {text-align: left; padding: 0.4em 0.8em;
  border-bottom: 1px solid var(--border-color-primary)}
td.number {white-space: nowrap; width: 2.5em; text-align: right}
td.title {white-space: nowrap}
"""


def intro(chapters: Sequence[Chapter]) -> str:
    """The opening paragraph, naming only the chapters that exist (the data page aside)."""
    titles = [chapter.title[0].lower() + chapter.title[1:] for chapter in chapters
              if chapter.number > 0]  # fmt: skip
    topics = ", ".join(titles[:-1]) + f" and {titles[-1]}" if len(titles) > 1 else "".join(titles)
    return INTRO.format(topics=topics)


def chapter_list(chapters: Sequence[Chapter]) -> str:
    """The table of contents as HTML: one line per chapter, in lecture order; the links open
    in the same tab, like the navigation bar's."""
    rows = [
        f'<tr><td class="number">{chapter.number}</td><td class="title">'
        f'<a href="/{chapter.path}" target="_self">{html.escape(chapter.title)}</a></td>'
        f"<td>{html.escape(chapter.summary)}</td></tr>"
        for chapter in chapters
    ]
    head = "<tr><th></th><th>chapter</th><th>what you do</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def build(chapters: Sequence[Chapter]) -> None:
    """Lay out the home page."""
    gr.Markdown(intro(chapters))
    gr.HTML(chapter_list(chapters), css_template=TABLE_CSS, elem_id="chapter-list")
    gr.Markdown(f"neuralens {__version__} · works offline · `neuralens --help` for the CLI")
