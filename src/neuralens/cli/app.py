"""The ``neuralens`` typer app, its root options, and the small commands (serve, bench)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from neuralens import __version__
from neuralens.cli.flags import JsonFlag

app = typer.Typer(
    help="neuralens: deep learning theory for images, runnable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"neuralens {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """neuralens: the lecture *Deep learning theory for images*, runnable."""


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; 0.0.0.0 exposes it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the explorer.")] = 7860,
) -> None:
    """Start the explorer (a local web app) on the bundled data."""
    from neuralens.explorer.app import serve as serve_app

    serve_app(host=host, port=port)


@app.command()
def bench(
    name: Annotated[str, typer.Argument(help="A benchmark; `neuralens bench list` lists them.")],
    as_json: JsonFlag = False,
    busy: Annotated[
        bool, typer.Option(help="Run beside a process spinning on one core (train only).")
    ] = False,
    samples: Annotated[
        int | None, typer.Option(help="Samples per digit and setting (diffusion only).")
    ] = None,
    fid_samples: Annotated[
        int | None, typer.Option(help="Samples for the Fréchet distance (diffusion only).")
    ] = None,
) -> None:
    """Run a speed benchmark (ours vs a baseline, side by side) and print the result."""
    from neuralens.bench import BENCHMARKS, run_benchmark

    if name == "list":
        for bench_name, (_, summary) in BENCHMARKS.items():
            typer.echo(f"{bench_name}: {summary}")
        return
    options = {"busy": True} if busy else {}
    counts = {"samples_per_digit": samples, "fid_samples": fid_samples}
    options.update({key: value for key, value in counts.items() if value is not None})
    result = run_benchmark(name, **options)
    typer.echo(json.dumps(result, indent=None if as_json else 2))
