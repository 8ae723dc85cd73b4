"""Build and serve the explorer: a home page, then one page per chapter in lecture order."""

from __future__ import annotations

import importlib
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry or version look-ups

import gradio as gr  # noqa: E402

from neuralens.explorer import home  # noqa: E402
from neuralens.explorer.chapter import Chapter  # noqa: E402

# Lecture order. A chapter appears once its capability has landed: add its module here.
CHAPTER_MODULES = (
    "neuralens.explorer.data_page",
    "neuralens.explorer.line_page",
    "neuralens.explorer.descent_page",
    "neuralens.explorer.network_page",
    "neuralens.explorer.pixels",
    "neuralens.explorer.convolutions",
    "neuralens.explorer.pooling_cnn",
    "neuralens.explorer.train_own",
)

CSS = """
.gradio-container {max-width: 1280px !important}
#chapter-list table {font-size: 1rem}
"""


def chapters() -> list[Chapter]:
    """Every chapter that exists, sorted by its place in the lecture."""
    found = [importlib.import_module(name).CHAPTER for name in CHAPTER_MODULES]
    return sorted(found, key=lambda chapter: chapter.number)


def build_app() -> gr.Blocks:
    """The whole explorer as one Gradio app with a page per chapter."""
    pages = chapters()
    with gr.Blocks(title="neuralens") as demo:
        home.build(pages)
    for chapter in pages:
        with demo.route(f"{chapter.number}. {chapter.title}", f"/{chapter.path}"):
            chapter.build()
    return demo


def serve(host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the explorer and block until interrupted."""
    build_app().queue().launch(
        server_name=host, server_port=port, css=CSS, theme=gr.themes.Default(),
        footer_links=["settings"], show_error=True, ssr_mode=False,
    )  # fmt: skip
