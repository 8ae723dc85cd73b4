"""Every lesson (.py, jupytext percent format) has its paired notebook, with the same cells.

The notebooks themselves are executed by nbmake (`pytest --nbmake`, on by default).
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "lessons").glob("*.py"))


def cell_sources(notebook) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_there_are_lessons():
    assert LESSONS, "lessons/ holds no lesson"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.stem)
def test_notebook_matches_its_lesson(lesson: Path):
    notebook = REPO / "notebooks" / (lesson.stem + ".ipynb")
    assert notebook.exists(), f"run: jupytext --to ipynb {lesson} -o {notebook}"
    assert cell_sources(jupytext.read(lesson)) == cell_sources(jupytext.read(notebook)), (
        f"{notebook.name} differs from {lesson.name}; run: jupytext --sync {lesson}"
    )
