"""`neuralens data`: list, check and download datasets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from neuralens.cli.app import app
from neuralens.cli.flags import JsonFlag

data_app = typer.Typer(help="List, check and download datasets.", invoke_without_command=True)
app.add_typer(data_app, name="data")


@data_app.callback()
def data(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    data_dir: Annotated[
        Path | None, typer.Option(help="Folder of full datasets (default: $NEURALENS_DATA).")
    ] = None,
) -> None:
    """List every dataset: where it lives, its size, whether its checksum verifies."""
    if ctx.invoked_subcommand is not None:
        return
    from neuralens.data import list_datasets

    infos = list_datasets(data_dir)
    if as_json:
        typer.echo(json.dumps([info.to_dict() for info in infos], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("dataset", "size", "verified", "location")
    for info in infos:
        size = "-" if info.size_bytes is None else f"{info.size_bytes / 1e6:.1f} MB"
        verified = {True: "yes", False: "NO", None: "-"}[info.verified]
        table.add_row(info.name, size, verified, info.location if info.available else "missing")
    Console().print(table)


@data_app.command("download")
def data_download(
    name: Annotated[str, typer.Argument(help="mnist or fashion-mnist")],
    to: Annotated[
        Path | None, typer.Option(help="Parent folder (default: $NEURALENS_DATA, else the cache).")
    ] = None,
    mirror: Annotated[
        list[str] | None, typer.Option(help="Base URL to fetch from instead of the public mirrors.")
    ] = None,
) -> None:
    """Fetch a full dataset's IDX files, with a progress bar and an MD5 check."""
    from rich.progress import Progress

    from neuralens.data import data_root, download

    with Progress() as progress:
        tasks: dict[str, int] = {}

        def report(filename: str, done: int, total: int | None) -> None:
            if filename not in tasks:
                tasks[filename] = progress.add_task(filename, total=total)
            progress.update(tasks[filename], completed=done)

        folder = download(name, data_root(to), tuple(mirror) if mirror else None, report)
    typer.echo(f"{name}: all files verified in {folder}")
