"""Lower layers never import higher ones (DESIGN.md): checked in fresh interpreters."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

HEAVY = ("torch", "matplotlib", "gradio")


@pytest.mark.parametrize("module", ["neuralens", "neuralens.data", "neuralens.history"])
def test_numpy_layers_load_no_heavy_library(module):
    code = (f"import sys, {module}; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")  # fmt: skip
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()  # fmt: skip
    assert loaded == "", f"importing {module} loaded {loaded}"


def test_building_the_explorer_loads_no_torch():
    # the explorer must answer within seconds: torch (about 1 s to import) loads on first use
    code = ("import sys; from neuralens.explorer.app import build_app; build_app(); "
            "print('torch' in sys.modules)")  # fmt: skip
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip().splitlines()[-1]  # fmt: skip
    assert loaded == "False", "building the explorer imported torch"


def importers(library: str) -> set[str]:
    """Sub-packages of neuralens whose modules import ``library``."""
    from pathlib import Path

    import neuralens

    package = Path(neuralens.__file__).parent
    pattern = re.compile(rf"^\s*(import|from) {library}\b", re.MULTILINE)
    return {path.parent.name for path in package.rglob("*.py") if pattern.search(path.read_text())}


def test_only_the_explorer_imports_gradio():
    assert importers("gradio") <= {"explorer"}


def test_only_plots_import_matplotlib():
    assert importers("matplotlib") <= {"plots"}
