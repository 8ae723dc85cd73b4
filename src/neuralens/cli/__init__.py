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
from neuralens.cli.diffusion import register as register_diffusion
from neuralens.cli.edit import register as register_edit

register_diffusion(app)  # neuralens generate, neuralens inpaint
register_edit(app)  # neuralens edit
UsageError = typer.BadParameter.__base__  # click's UsageError (typer vendors click)


def main() -> None:
    """Entry point: run the app; a user error becomes one line and exit code 2.

    User errors: bad values (``ValueError``, which ``DatasetError`` and ``CheckpointError``
    extend), files that cannot be read or written (``OSError``) and flags that do not
    parse (click's usage errors).
    """
    try:
        code = app(standalone_mode=False)
    except UsageError as error:
        words = error.ctx.command_path.split() if error.ctx else []
        command = words[words.index("neuralens") + 1 :] if "neuralens" in words else words[1:]
        hint = f" (see: neuralens {' '.join([*command, '--help'])})"
        _fail(f"{error.format_message()}{hint}")
    except (ValueError, OSError) as error:
        _fail(str(error))
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> None:
    """One line on stderr, exit code 2."""
    typer.echo("error: " + " ".join(message.split()), err=True)
    sys.exit(2)


__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
