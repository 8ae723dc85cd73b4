"""The ``neuralens`` typer app, its root options, and the small commands (serve, bench)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from neuralens import __version__
from neuralens.cli.flags import JsonFlag, config_flags
from neuralens.explorer.serving import ServeConfig

# serve's flags are ServeConfig's fields but these (tuning, and --auth parsed from text)
SERVE_NOT_FLAGS = ("auth", "queue_size", "cache_check_s", "cache_max_age_s", "malloc_arenas")

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
@config_flags(ServeConfig, skip=SERVE_NOT_FLAGS)
def serve(
    auth: Annotated[
        str | None,
        typer.Option(
            help="Require a login: USER:PASS, or a file of USER:PASS lines.", show_default=False
        ),
    ] = None,
    overrides: dict | None = None,
) -> None:
    """Start the explorer (a local web app); for a class: --host 0.0.0.0 --auth USER:PASS."""
    from neuralens.explorer.app import serve as serve_app

    serve_app(ServeConfig(**(overrides or {})).with_auth(auth))


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
    clients: Annotated[
        int | None, typer.Option(help="Learners at once (serve only; default 20).")
    ] = None,
    interactions: Annotated[
        int | None, typer.Option(help="Slider moves per learner (serve only; default 200).")
    ] = None,
) -> None:
    """Run a speed benchmark (ours vs a baseline, side by side) and print the result."""
    from neuralens.bench import BENCHMARKS, run_benchmark

    if name == "list":
        for bench_name, (_, summary) in BENCHMARKS.items():
            typer.echo(f"{bench_name}: {summary}")
        return
    options = {"busy": True} if busy else {}
    counts = {"samples_per_digit": samples, "fid_samples": fid_samples, "clients": clients,
              "interactions": interactions}  # fmt: skip
    options.update({key: value for key, value in counts.items() if value is not None})
    result = run_benchmark(name, **options)
    typer.echo(json.dumps(result, indent=None if as_json else 2))
