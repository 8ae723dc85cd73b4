"""`neuralens line`: JSON keys, the figures of --out, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from neuralens.cli import app, main

runner = CliRunner()
KEYS = {"x", "y", "samples", "w1", "w0", "mse", "grid_best", "gd"}


def test_json_has_the_closed_form_grid_and_descent():
    result = runner.invoke(app, ["line", "--json", "--grid", "64"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert KEYS <= set(summary)
    assert summary["w1"] == pytest.approx(616.2845098, rel=1e-6)
    assert {"w1", "w0", "mse"} <= set(summary["grid_best"])
    assert {"w1", "w0", "mse", "steps", "status"} <= set(summary["gd"])
    assert summary["gd"]["status"] == "converged" and summary["gd"]["steps"] > 0
    assert summary["gd"]["w1"] == pytest.approx(summary["w1"], rel=1e-4)


def test_many_features_descent_equals_least_squares():
    result = runner.invoke(app, ["line", "--features", "all", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert len(summary["features"]) == 11 and "fixed acidity" not in summary["features"]
    assert summary["gd"]["status"] == "converged"
    assert summary["largest_relative_difference"] < 1e-6
    for name, weight in summary["closed_form"]["weights"].items():
        assert summary["gd"]["weights"][name] == pytest.approx(weight, rel=1e-6)


def test_many_features_from_own_csv(tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("a,b,t\n" + "\n".join(f"{i},{i * i % 7},{2 * i - 3 * (i * i % 7) + 1}"
                                            for i in range(30)))  # fmt: skip
    result = runner.invoke(app, ["line", "--csv", str(csv), "--features", "a, b", "--y", "t",
                                 "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    weights = json.loads(result.output)["closed_form"]["weights"]
    assert weights["a"] == pytest.approx(2) and weights["b"] == pytest.approx(-3)


def test_own_csv_raw_descent_and_out_writes_every_figure(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 40)
    y = 3 * x - 2 + rng.normal(0, 0.1, 40)
    rows = "\n".join(f"{a:.6f};{b:.6f}" for a, b in zip(x, y, strict=True))
    csv = tmp_path / "mine.csv"
    csv.write_text("size;price\n" + rows)
    out = tmp_path / "figures"
    result = runner.invoke(app, ["line", "--csv", str(csv), "--x", "size", "--y", "price",
                                 "--no-standardize", "--lr", "0.01", "--steps", "300",
                                 "--grid", "32", "--out", str(out), "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["w1"] == pytest.approx(3.0, abs=0.05)
    assert summary["gd"]["standardize"] is False and summary["gd"]["steps"] <= 300
    pngs = sorted(out.glob("*.png"))
    assert {p.stem for p in pngs} == {"line", "errors", "landscape_3d", "landscape_contour",
                                      "descent_raw_vs_standardized", "loss_per_step",
                                      "learning_rates", "network"}  # fmt: skip
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert (out / "descent.gif").read_bytes()[:6] == b"GIF89a"


def test_plain_output_names_the_line():
    result = runner.invoke(app, ["line", "--grid", "16", "--steps", "20"])
    assert result.exit_code == 0, result.output
    assert "closed form: fixed acidity = 616.285 * density -605.96" in result.output
    assert "max_steps after 20 steps" in result.output


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["neuralens", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return exit_info.value.code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lr", "0"], "error: lr must be a finite number > 0; got 0.0"),
        (["--lr", "-1"], "error: lr must be a finite number > 0; got -1.0"),
        (["--grid", "1"], "error: n (grid cells per axis) must be an integer >= 2; got 1"),
        (["--x", "colour"], "error: column 'colour' is not in"),
        (["--steps", "0"], "error: max_steps must be an integer >= 1; got 0"),
        (["--features", "density,nope"], "error: column 'nope' is not in"),
        (["--features", " , "], "error: the feature selection is empty"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(monkeypatch, capsys, args, message):
    code, err = run_main(monkeypatch, capsys, "line", *args)
    assert code == 2
    assert err.startswith(message) and err.count("\n") == 1


def test_bad_csv_cells_are_named_by_the_cli(monkeypatch, capsys, tmp_path):
    csv = tmp_path / "broken.csv"
    csv.write_text("a,b\n1,2\n2,\n")
    code, err = run_main(monkeypatch, capsys, "line", "--csv", str(csv), "--x", "a", "--y", "b")
    assert (code, err) == (2, "error: column 'b' row 2 is empty (missing value)\n")
    csv.write_text("a,b\n1,nan\n2,3\n")
    code, err = run_main(monkeypatch, capsys, "line", "--csv", str(csv), "--x", "a", "--y", "b")
    assert (code, err) == (2, "error: column 'b' row 1 is empty (missing value)\n")
