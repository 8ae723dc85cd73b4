"""Run the real `neuralens` entry point in this process (ValueError -> one line, exit 2)."""

from __future__ import annotations

import sys

from neuralens.cli import main


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """`neuralens ARGS...` -> (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["neuralens", *args])
    code = 0
    try:
        main()
    except SystemExit as exit_info:
        code = exit_info.code or 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err
