"""The `neuralens` command: parse -> config -> library call -> print or save (thin).

Every user error (``ValueError``, which ``DatasetError`` and ``CheckpointError``
extend) ends as one line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from neuralens import __version__

app = typer.Typer(
    help="neuralens: deep learning theory for images, runnable.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_app = typer.Typer(help="List, check and download datasets.", invoke_without_command=True)
app.add_typer(data_app, name="data")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


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
    host: Annotated[str, typer.Option(help="Address to bind; 0.0.0.0 exposes it to the network.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the explorer.")] = 7860,
) -> None:
    """Start the explorer (a local web app) on the bundled data."""
    from neuralens.explorer.app import serve as serve_app

    serve_app(host=host, port=port)


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


@app.command()
def bench(
    name: Annotated[str, typer.Argument(help="A benchmark; `neuralens bench list` lists them.")],
    as_json: JsonFlag = False,
) -> None:
    """Run a speed benchmark (ours vs a baseline, side by side) and print the result."""
    from neuralens.bench import BENCHMARKS, run_benchmark

    if name == "list":
        for bench_name, (_, summary) in BENCHMARKS.items():
            typer.echo(f"{bench_name}: {summary}")
        return
    result = run_benchmark(name)
    typer.echo(json.dumps(result, indent=None if as_json else 2))


@app.command()
def line(
    csv: Annotated[
        Path | None, typer.Option(help="Your own CSV (delimiter sniffed); default: red wine.")
    ] = None,
    x: Annotated[str, typer.Option("--x", help="Column of the feature x.")] = "density",
    y: Annotated[str, typer.Option("--y", help="Column of the target y.")] = "fixed acidity",
    as_json: JsonFlag = False,
    out: Annotated[Path | None, typer.Option(help="Folder to write every figure to (PNG).")] = None,
    lr: Annotated[float, typer.Option(help="Learning rate of gradient descent.")] = 0.1,
    steps: Annotated[int, typer.Option(help="Most gradient-descent steps.")] = 1000,
    standardize: Annotated[
        bool, typer.Option("--standardize/--no-standardize", help="Descend on standardised x.")
    ] = True,
    grid: Annotated[int, typer.Option(help="Landscape cells per axis (n x n).")] = 256,
    seed: Annotated[int, typer.Option(help="Seed of the random start.")] = 0,
) -> None:
    """Fit a line y = w1 x + w0: closed form, loss landscape, gradient descent."""
    from neuralens import data, linear

    frame = data.load_csv(csv) if csv is not None else data.load_wine("red")
    features, targets = data.select_columns(frame, x, y)
    config = linear.DescentConfig(lr=lr, max_steps=steps, seed=seed)
    study = linear.study_line(features[:, 0], targets, config, standardize, n=grid)
    summary = {"x": x, "y": y, **study.to_dict()}
    if out is not None:
        from neuralens import plots

        comparison = linear.raw_and_standardized(study.x, study.y, config)
        sweep = linear.learning_rate_sweep(linear.Standardizer.fit(study.x).transform(study.x),
                                           study.y, config)  # fmt: skip
        figures = plots.line_figures(study, comparison, sweep, labels=(x, y))
        summary["figures"] = [str(plots.save(fig, out / f"{name}.png"))
                              for name, fig in figures.items()]  # fmt: skip
        land, result = comparison["standardized"]
        gif = plots.save_gif(plots.descent_frames(land, result, feature=f"standardised {x}"),
                             out / "descent.gif")  # fmt: skip
        summary["figures"].append(str(gif))
    if as_json:
        typer.echo(json.dumps(summary))
        return
    gd, best = summary["gd"], summary["grid_best"]
    typer.echo(f"closed form: {y} = {study.fit.w1:.6g} * {x} {study.fit.w0:+.6g}  "
               f"(MSE {study.fit.mse:.6g}, {summary['samples']} rows)")  # fmt: skip
    typer.echo(f"grid {grid}x{grid} best cell: w1 = {best['w1']:.6g}, w0 = {best['w0']:.6g} "
               f"(MSE {best['mse']:.6g})")  # fmt: skip
    typer.echo(f"gradient descent ({'standardised' if standardize else 'raw'} x, lr {lr:g}): "
               f"w1 = {gd['w1']:.6g}, w0 = {gd['w0']:.6g} (MSE {gd['mse']:.6g}), "
               f"{gd['status']} after {gd['steps']} steps")  # fmt: skip
    for path in summary.get("figures", []):
        typer.echo(f"wrote {path}")


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


if __name__ == "__main__":
    main()
