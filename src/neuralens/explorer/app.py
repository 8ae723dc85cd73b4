"""Build and serve the explorer: a home page, then one page per chapter in lecture order."""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import threading
import time

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry or version look-ups
# Gradio's queue summarises its last 10,000 events with pandas after every event, for a
# monitoring page the explorer does not open: about 4 ms of each slider move. Every 1,000
# events, and over the last 1,000, it costs a class nothing measurable.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")

import gradio as gr  # noqa: E402
from PIL import Image  # noqa: E402

from neuralens.data.folder import MAX_PIXELS  # noqa: E402
from neuralens.explorer import home, trained  # noqa: E402
from neuralens.explorer.chapter import Chapter  # noqa: E402
from neuralens.explorer.serving import (  # noqa: E402
    ServeConfig,
    limit_malloc_arenas,
    network_warning,
)

# Lecture order. A chapter appears once its capability has landed: add its module here.
CHAPTER_MODULES = (
    "neuralens.explorer.data_page",
    "neuralens.explorer.vision_page",
    "neuralens.explorer.line_page",
    "neuralens.explorer.descent_page",
    "neuralens.explorer.network_page",
    "neuralens.explorer.pixels",
    "neuralens.explorer.convolutions",
    "neuralens.explorer.pooling_cnn",
    "neuralens.explorer.latent_page",
    "neuralens.explorer.outputs_page",
    "neuralens.explorer.train_own",
    "neuralens.explorer.diffusion_page",
    "neuralens.explorer.words_page",
)

HEAVY = "heavy"  # the concurrency group of training, sampling and uploads
HEAVY_FUNCTIONS = ("use_columns",)  # not generators and no File input, but they fit a whole table

CSS = """
.gradio-container {max-width: 1280px !important}
#chapter-list table {font-size: 1rem}
"""


def chapters() -> list[Chapter]:
    """Every chapter that exists, sorted by its place in the lecture."""
    found = [importlib.import_module(name).CHAPTER for name in CHAPTER_MODULES]
    return sorted(found, key=lambda chapter: chapter.number)


def build_app(config: ServeConfig | None = None) -> gr.Blocks:
    """The whole explorer as one Gradio app with a page per chapter.

    Gradio's cache of outputs (every rendered figure is a file) is cleaned every
    ``config.cache_check_s`` seconds of the files older than ``config.cache_max_age_s``.
    """
    config = config or ServeConfig()
    pages = chapters()
    delete_cache = (config.cache_check_s, config.cache_max_age_s)
    with gr.Blocks(title="neuralens", delete_cache=delete_cache) as demo:
        home.build(pages)
    for chapter in pages:
        with demo.route(f"{chapter.number}. {chapter.title}", f"/{chapter.path}"):
            chapter.build()
    share_the_server(demo, config.concurrency)
    return demo


def is_heavy(block_fn) -> bool:
    """Training and sampling (generators that stream), uploads and whole-table fits."""
    fn = block_fn.fn
    takes_file = any(isinstance(block, gr.File) for block in block_fn.inputs)
    name = getattr(fn, "__name__", "")
    return inspect.isgeneratorfunction(fn) or takes_file or name in HEAVY_FUNCTIONS


def share_the_server(demo: gr.Blocks, concurrency: int) -> None:
    """Light events run at once for every learner; heavy ones share ``concurrency`` places.

    Gradio's default runs one call of each page's events at a time for all users, so
    20 learners moving a slider wait for each other. Light events (a slider redraw)
    get no limit; heavy ones wait in one line, and Gradio shows each its place.
    """
    for block_fn in demo.fns.values():
        if is_heavy(block_fn):
            block_fn.concurrency_id, block_fn.concurrency_limit = HEAVY, concurrency
        else:
            block_fn.concurrency_limit = None


def keep_runs_pruned(every_s: float) -> threading.Thread:
    """Remove old runs every ``every_s`` seconds, not only when another training ends."""

    def prune_forever() -> None:
        while True:
            time.sleep(every_s)
            trained.prune_runs()

    thread = threading.Thread(target=prune_forever, name="prune-runs", daemon=True)
    thread.start()
    return thread


def auth_message(config: ServeConfig) -> str | None:
    return "Log in with the name and password your teacher gave you." if config.auth else None


def serve(config: ServeConfig | None = None, **fields) -> None:
    """Start the explorer and block until interrupted.

    ``config`` (or its fields as keywords: ``serve(host="0.0.0.0")``) is validated
    first: a bad port, a port in use or a foreign address is a one-line ValueError.
    """
    config = (config or ServeConfig(**fields)).validated()
    limit_malloc_arenas(config.malloc_arenas)  # before the threads that render start
    trained.prune_runs()  # the folder is private to this user, or a one-line error here
    # Pillow refuses images over twice this many pixels before decoding them (sketchpad
    # uploads are decoded by Gradio): none over the image-folder limit reaches memory
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2
    keep_runs_pruned(config.cache_check_s)
    warning = network_warning(config)
    if warning:
        print(warning, file=sys.stderr)
    demo = build_app(config).queue(max_size=config.queue_size, default_concurrency_limit=None)
    demo.launch(
        server_name=config.host, server_port=config.port, css=CSS, theme=gr.themes.Default(),
        footer_links=["settings"], show_error=True, ssr_mode=False,
        auth=list(config.auth) or None, auth_message=auth_message(config),
        max_file_size=config.max_file_size,
    )  # fmt: skip
