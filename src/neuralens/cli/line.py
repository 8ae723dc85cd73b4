"""`neuralens line`: fit a line through two wine columns (or your CSV); print, draw, save."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from neuralens.cli.app import app
from neuralens.cli.flags import JsonFlag, config_flags
from neuralens.linear.descent import DescentConfig


@app.command()
@config_flags(DescentConfig, names={"max_steps": "--steps"})
def line(
    csv: Annotated[
        Path | None, typer.Option(help="Your own CSV (delimiter sniffed); default: red wine.")
    ] = None,
    x: Annotated[str, typer.Option("--x", help="Column of the feature x.")] = "density",
    y: Annotated[str, typer.Option("--y", help="Column of the target y.")] = "fixed acidity",
    as_json: JsonFlag = False,
    out: Annotated[
        Path | None, typer.Option(help="Folder for every figure (PNG, descent GIF, grade network).")
    ] = None,
    standardize: Annotated[
        bool, typer.Option("--standardize/--no-standardize", help="Descend on standardised x.")
    ] = True,
    grid: Annotated[int, typer.Option(help="Landscape cells per axis (n x n).")] = 256,
    features: Annotated[
        str | None,
        typer.Option(
            help="Many features instead of one x: comma-separated columns, or 'all' "
            "(every numeric column but y)."
        ),
    ] = None,
    overrides: dict | None = None,
) -> None:
    """Fit a line y = w1 x + w0: closed form, loss landscape, gradient descent."""
    from neuralens import data
    from neuralens.studies import line as chapter

    frame = data.load_csv(csv) if csv is not None else data.load_wine("red")
    if features is not None:
        _print_many(chapter.many_features_summary(frame, features, y), as_json)
        return
    config = DescentConfig(**(overrides or {}))
    result = chapter.study_columns(frame, x, y, config, standardize, grid)
    summary = result.summary
    if out is not None:
        summary["figures"] = _save_figures(result, out, x, y)
    if as_json:
        typer.echo(json.dumps(summary))
        return
    study, gd, best = result.study, summary["gd"], summary["grid_best"]
    typer.echo(f"closed form: {y} = {study.fit.w1:.6g} * {x} {study.fit.w0:+.6g}  "
               f"(MSE {study.fit.mse:.6g}, {summary['samples']} rows)")  # fmt: skip
    typer.echo(f"grid {grid}x{grid} best cell: w1 = {best['w1']:.6g}, w0 = {best['w0']:.6g} "
               f"(MSE {best['mse']:.6g})")  # fmt: skip
    typer.echo(f"gradient descent ({'standardised' if standardize else 'raw'} x, "
               f"lr {config.lr:g}): w1 = {gd['w1']:.6g}, w0 = {gd['w0']:.6g} "
               f"(MSE {gd['mse']:.6g}), {gd['status']} after {gd['steps']} steps")  # fmt: skip
    for path in summary.get("figures", []):
        typer.echo(f"wrote {path}")


def _save_figures(result, out: Path, x: str, y: str) -> list[str]:
    """Draw the chapter's figures (plots) and save them in ``out``; their paths."""
    from neuralens import plots
    from neuralens.studies import line as chapter

    inputs = chapter.figure_inputs(result)
    figures = plots.line_figures(result.study, inputs.comparison, inputs.sweep, labels=(x, y))
    network = plots.plot_network(inputs.grade_weights, inputs.grade_features, inputs.grade_names)
    figures["network"] = network.figure
    paths = [str(plots.save(figure, out / f"{name}.png")) for name, figure in figures.items()]
    land, descent = inputs.comparison["standardized"]
    frames = plots.descent_frames(land, descent, feature=f"standardised {x}")
    return [*paths, str(plots.save_gif(frames, out / "descent.gif"))]


def _print_many(summary: dict, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(summary))
        return
    gd, exact, names = summary["gd"], summary["closed_form"], summary["features"]
    typer.echo(f"{summary['y']} from {len(names)} features, {summary['samples']} rows "
               f"(gradient descent: {gd['status']} after {gd['steps']} steps)")  # fmt: skip
    for name in names:
        typer.echo(f"  {name:>24}: descent {gd['weights'][name]:+.6g}   "
                   f"least squares {exact['weights'][name]:+.6g}")  # fmt: skip
    typer.echo(f"  {'(intercept)':>24}: descent {gd['intercept']:+.6g}   "
               f"least squares {exact['intercept']:+.6g}")  # fmt: skip
    typer.echo(f"largest relative difference: {summary['largest_relative_difference']:.2e}")
