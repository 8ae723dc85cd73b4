"""What a chapter of the explorer is: a numbered page of the lecture with its own layout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    """One page of the explorer, in lecture order.

    ``build`` lays out the page's components and wires their callbacks; it runs
    inside the page's ``gr.Blocks`` route, so it only creates components.
    """

    number: int  # position in the lecture (0 = home / data)
    title: str  # shown in the navigation bar
    path: str  # URL path, e.g. "line" -> http://127.0.0.1:7860/line
    summary: str  # one sentence for the home page: what the learner does here
    build: Callable[[], None]
