"""The CLI: help, version, the dataset listing, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from neuralens import __version__
from neuralens.cli import app

runner = CliRunner()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """The real entry point in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "neuralens", *args],
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_help_and_version():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "serve" in result.output and "data" in result.output
    assert runner.invoke(app, ["--version"]).output.strip() == f"neuralens {__version__}"


def test_data_json_lists_and_verifies(full_data_dir):
    result = runner.invoke(app, ["data", "--json", "--data-dir", str(full_data_dir)])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    for name in ["wine-red", "wine-white", "mnist-mini", "mnist", "fashion-mnist", "shapes"]:
        assert name in rows
    assert rows["mnist"]["verified"] is True
    assert rows["mnist"]["location"].endswith("mnist")


def test_data_table_is_printed():
    result = runner.invoke(app, ["data"])
    assert result.exit_code == 0 and "wine-red" in result.output


def test_download_from_a_local_mirror(tmp_path, full_data_dir):
    mirror = (full_data_dir / "mnist").resolve().as_uri() + "/"
    result = runner.invoke(app, ["data", "download", "mnist", "--to", str(tmp_path),
                                 "--mirror", mirror])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "all files verified" in result.output


def test_user_errors_are_one_line_and_exit_2():
    for args, text in [(["data", "download", "cifar"], "unknown dataset 'cifar'"),
                       (["bench", "nothing"], "unknown benchmark 'nothing'")]:  # fmt: skip
        result = run_cli(*args)
        assert result.returncode == 2
        assert result.stderr.strip().count("\n") == 0 and text in result.stderr
        assert "Traceback" not in result.stderr


def test_bench_shapes_prints_json():
    result = run_cli("bench", "shapes", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["benchmark"] == "shapes" and report["images_per_s"] > 0


def test_bench_list_names_every_benchmark():
    from neuralens.bench import BENCHMARKS

    result = runner.invoke(app, ["bench", "list"])
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.output.splitlines()] == list(BENCHMARKS)


def test_startup_benchmark_reports_time_to_first_page():
    from neuralens.bench.startup import run

    report = run(repeats=1)
    # times are reported, never compared: a loaded machine may reorder them
    assert report["seconds_to_first_page"] > 0 and report["seconds_import_gradio"] > 0
    assert report["ratio"] == report["seconds_to_first_page"] / report["seconds_import_gradio"]
