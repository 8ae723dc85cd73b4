"""The `neuralens` command: parse -> config -> library call -> print or save (thin).

One module per group of commands (``data``, ``line``, ``train``/``eval``; ``serve`` and
``bench`` beside the app in ``app``); training flags are built from the config dataclasses
(``flags``). Every user error (``ValueError``, which ``DatasetError`` and
``CheckpointError`` extend) ends as one line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import sys

import typer

from neuralens.cli import data, line, train  # noqa: F401 - each registers its commands
from neuralens.cli.app import app
from neuralens.cli_diffusion import register as register_diffusion

register_diffusion(app)  # neuralens generate, neuralens inpaint


def main() -> None:
    """Entry point: run the app; a user error becomes one line and exit code 2."""
    try:
        app()
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
