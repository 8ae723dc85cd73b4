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
from neuralens.cli_diffusion import register as register_diffusion

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
    host: Annotated[
        str, typer.Option(help="Address to bind; 0.0.0.0 exposes it to the network.")
    ] = "127.0.0.1",
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


@app.command()
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
    lr: Annotated[float, typer.Option(help="Learning rate of gradient descent.")] = 0.1,
    steps: Annotated[int, typer.Option(help="Most gradient-descent steps.")] = 1000,
    standardize: Annotated[
        bool, typer.Option("--standardize/--no-standardize", help="Descend on standardised x.")
    ] = True,
    grid: Annotated[int, typer.Option(help="Landscape cells per axis (n x n).")] = 256,
    seed: Annotated[int, typer.Option(help="Seed of the random start.")] = 0,
    features: Annotated[
        str | None,
        typer.Option(help="Many features instead of one x: comma-separated columns, or 'all' "
                          "(every numeric column but y)."),
    ] = None,
) -> None:
    """Fit a line y = w1 x + w0: closed form, loss landscape, gradient descent."""
    from neuralens import data, linear

    frame = data.load_csv(csv) if csv is not None else data.load_wine("red")
    if features is not None:
        _many_features(frame, features, y, as_json)
        return
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
        from neuralens.studies.network_equation import train_grades

        grades = train_grades()  # the chapter's last figure: a softmax layer on wine grades
        names = [f"grade {g}" for g in grades.data.grades]
        network = plots.plot_network(grades.model.weight_matrices(), grades.data.features, names)
        figures["network"] = network.figure
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


def _many_features(frame, features: str, y: str, as_json: bool) -> None:
    """y = w . x + b over several columns: gradient descent beside the exact least squares."""
    from neuralens import data, linear

    if features.strip() == "all":
        names = [name for name in frame.columns if name != y]
    else:
        names = [name.strip() for name in features.split(",") if name.strip()]
    X, targets = data.select_columns(frame, names, y)
    fit = linear.many_features(X, targets)
    summary = {
        "features": names, "y": y, "samples": len(targets),
        "gd": {"weights": dict(zip(names, fit.weights[:-1].tolist(), strict=True)),
               "intercept": float(fit.weights[-1]), "steps": fit.descent.num_steps,
               "status": fit.descent.status},
        "closed_form": {"weights": dict(zip(names, fit.exact[:-1].tolist(), strict=True)),
                        "intercept": float(fit.exact[-1])},
        "largest_relative_difference": fit.largest_relative_difference,
    }  # fmt: skip
    if as_json:
        typer.echo(json.dumps(summary))
        return
    descent = fit.descent
    typer.echo(f"{y} from {len(names)} features, {len(targets)} rows "
               f"(gradient descent: {descent.status} after {descent.num_steps} steps)")  # fmt: skip
    for name, w_gd, w_exact in zip([*names, "(intercept)"], fit.weights, fit.exact, strict=True):
        typer.echo(f"  {name:>24}: descent {w_gd:+.6g}   least squares {w_exact:+.6g}")
    typer.echo(f"largest relative difference: {fit.largest_relative_difference:.2e}")


TORCH_MODELS = ("mlp", "cnn")
ENGINE_MODELS = ("engine-mlp", "engine-cnn")


def _train_engine(model: str, data: str, epochs, lr, batch_size, seed, limit, quiet) -> dict:
    """The NumPy engine's MNIST models (mini MNIST only): lazily imported, trained, summarised."""
    from neuralens.engine.mnist import train_engine

    if data != "mnist-mini":
        raise ValueError(f"{model} trains on mnist-mini only (NumPy is slow), not {data!r}")

    def on_epoch(live: dict[str, float]) -> None:
        if not quiet:
            typer.echo("  ".join(f"{key} {value:.4g}" for key, value in live.items()))

    run = train_engine(model, epochs, lr, 64 if batch_size is None else batch_size, seed, limit,
                       on_epoch=on_epoch)  # fmt: skip
    return {"model": model, "data": data, "seed": seed, "test_accuracy": run.test_accuracy,
            "history": run.history.to_dict()}  # fmt: skip


@app.command()
def train(
    model: Annotated[str, typer.Argument(help="mlp, cnn, engine-mlp, engine-cnn or diffusion")],
    data: Annotated[
        str, typer.Option(help="mnist-mini (bundled), mnist, fashion-mnist(-mini).")
    ] = "mnist-mini",
    epochs: Annotated[int | None, typer.Option(help="Passes over the data (recipe's).")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Images per step (recipe's).")] = None,
    lr: Annotated[float | None, typer.Option(help="Peak learning rate (recipe's).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of weights, shuffling, augmentation.")] = 0,
    target_acc: Annotated[
        float | None, typer.Option(help="Stop once test accuracy reaches this fraction.")
    ] = None,
    eval_every: Annotated[
        int, typer.Option(help="Also evaluate every N steps (0: per epoch).")
    ] = 0,
    device: Annotated[str, typer.Option(help="auto, cpu, cuda or mps.")] = "auto",
    out: Annotated[
        Path, typer.Option(help="Folder for the weights and the training state.")
    ] = Path("runs"),
    resume: Annotated[bool, typer.Option(help="Continue the run saved in --out.")] = False,
    train_limit: Annotated[
        int | None, typer.Option(help="Use only the first N training images.")
    ] = None,
    threads: Annotated[int, typer.Option(help="CPU threads for torch (0: torch's default).")] = 0,
    dry_run: Annotated[bool, typer.Option(help="One step on one batch; writes nothing.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Train a classifier; save its weights (safetensors + metadata) and the resumable state.

    Runs as is under `torchrun --nproc_per_node N` (DistributedDataParallel: NCCL on GPUs,
    gloo on CPUs; --batch-size is the global batch, split over the processes).
    """
    if model == "diffusion":  # the denoise task: its own recipe, schedule and checkpoint
        from neuralens.cli_diffusion import train_diffusion

        return train_diffusion(data, epochs, seed, device, out, train_limit, dry_run, as_json)
    if model not in TORCH_MODELS + ENGINE_MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of "
                         f"{', '.join(TORCH_MODELS + ENGINE_MODELS)}")  # fmt: skip
    if epochs is not None and epochs < 1:
        raise ValueError(f"--epochs must be at least 1, got {epochs}")
    if target_acc is not None and not 0 < target_acc <= 1:
        raise ValueError(f"--target-acc is a fraction in (0, 1], like 0.99; got {target_acc}")
    if threads:
        import torch

        torch.set_num_threads(threads)
    if model in ENGINE_MODELS:
        summary = _train_engine(model, data, 1 if dry_run else epochs, lr, batch_size, seed,
                                train_limit or (64 if dry_run else None), as_json)  # fmt: skip
        typer.echo(
            json.dumps(summary) if as_json else f"test accuracy {summary['test_accuracy']:.4f}"
        )
        return
    from dataclasses import replace

    from neuralens import training
    from neuralens.tasks import resolve
    from neuralens.tasks.run import train_and_save, weights_paths

    task, chosen = resolve(model)
    rank, _ = training.init_distributed(device)
    recipe = chosen.train
    batch_size = recipe.batch_size if batch_size is None else batch_size
    config = replace(
        recipe, num_epochs=1 if dry_run else epochs or recipe.num_epochs, batch_size=batch_size,
        lr=lr or recipe.lr, seed=seed, device=device, target=target_acc, eval_every=eval_every,
        resume=resume, progress=not as_json and rank == 0,
    )  # fmt: skip
    if resume and not weights_paths(out, model)[1].exists():
        typer.echo(f"nothing to resume in {out}: starting from scratch", err=True)
    try:
        summary = train_and_save(
            task, chosen, data, config, out_dir=None if dry_run else out,
            train_limit=batch_size if dry_run else train_limit,
        )  # fmt: skip
    finally:
        training.close_distributed()
    if rank != 0:
        return
    if as_json:
        typer.echo(json.dumps(summary))
        return
    typer.echo(f"{model} on {data}: test accuracy {summary['test_accuracy']:.4f} after "
               f"{summary['steps']} steps ({summary['train_time']:.1f} s of training)")  # fmt: skip
    if "weights" in summary:
        typer.echo(f"wrote {summary['weights']}")


@app.command("eval")
def evaluate(
    model: Annotated[str, typer.Argument(help="mlp or cnn")],
    data: Annotated[
        str, typer.Option(help="mnist-mini (bundled), mnist, fashion-mnist.")
    ] = "mnist-mini",
    weights: Annotated[
        Path | None, typer.Option(help="A .safetensors from `neuralens train` (default: shipped).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Test accuracy, per-class accuracy and confusion matrix of trained (or shipped) weights."""
    if model not in TORCH_MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(TORCH_MODELS)}")
    from neuralens import checkpoints
    from neuralens.tasks.classify import evaluate_classifier, load_images

    load_images(data, "test")  # an unknown or missing dataset fails first
    if weights is None:
        network, weights = checkpoints.load_shipped(model), checkpoints.shipped_path(model)
    else:
        network = checkpoints.load_model(weights, expected=model)
    report = {
        "model": model,
        "weights": str(weights),
        **evaluate_classifier(network, data),
    }
    if as_json:
        typer.echo(json.dumps(report))
        return
    typer.echo(f"{model} ({weights}) on {data}: accuracy {report['accuracy']:.4f} "
               f"({report['num_examples']} test images)")  # fmt: skip
    for name, value in zip(report["classes"], report["per_class_accuracy"], strict=True):
        typer.echo(f"  {name:>12}: {value:.4f}")


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


if __name__ == "__main__":
    main()
