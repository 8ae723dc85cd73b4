"""Command-line flags built from a config dataclass's fields: one definition, its comments as help.

``@config_flags(TrainConfig, names={"num_epochs": "--epochs"})`` adds one option per field
(``--batch-size``, ``--lr``, ``--grad-clip``, ...) to a typer command; the command gets the
values the user gave as ``overrides`` (absent flags are left out, so the recipe's values
stay). The dataclass validates them: ``--lr 0`` is an error, never silently replaced.
"""

from __future__ import annotations

import functools
import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import fields
from typing import Annotated

import typer

COMMENT = re.compile(r"^\s+(\w+)\s*:[^#]*#\s*(.+)$")


def field_help(config_type: type) -> dict[str, str]:
    """Each field's trailing comment in the dataclass's source: its help text."""
    source = inspect.getsource(config_type)
    return {match[1]: match[2].strip() for match in map(COMMENT.match, source.splitlines())
            if match}  # fmt: skip


def _plain(annotation: object) -> type:
    """``int | None`` -> int; ``bool`` -> bool."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return annotation  # type: ignore[return-value]


def config_parameters(config_type: type, skip: tuple[str, ...] = (),
                      names: dict[str, str] | None = None) -> list[inspect.Parameter]:  # fmt: skip
    """One keyword-only typer option per field of ``config_type`` (default None: not given)."""
    hints = typing.get_type_hints(config_type)
    helps = field_help(config_type)
    names = names or {}
    parameters = []
    for field in fields(config_type):
        if field.name in skip:
            continue
        kind = _plain(hints[field.name])
        flag = names.get(field.name, "--" + field.name.replace("_", "-"))
        declared = f"{flag}/--no-{flag.removeprefix('--')}" if kind is bool else flag
        option = typer.Option(declared, help=helps.get(field.name, ""), show_default=False)
        parameters.append(inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY,
                                            default=None,
                                            annotation=Annotated[kind | None, option]))  # fmt: skip
    return parameters


def config_flags(config_type: type, skip: tuple[str, ...] = (),
                 names: dict[str, str] | None = None) -> Callable:  # fmt: skip
    """Decorate a command taking ``overrides: dict``: add the config's fields as its flags."""

    def decorate(command: Callable) -> Callable:
        added = config_parameters(config_type, skip, names)
        own = [p for p in inspect.signature(command).parameters.values() if p.name != "overrides"]
        hints = typing.get_type_hints(command, include_extras=True)
        own = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in own]
        config_names = {p.name for p in added}

        @functools.wraps(command)
        def wrapper(**values: object) -> object:
            overrides = {k: v for k, v in values.items() if k in config_names and v is not None}
            rest = {k: v for k, v in values.items() if k not in config_names}
            return command(**rest, overrides=overrides)

        wrapper.__signature__ = inspect.Signature(own + added)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in own + added}
        del wrapper.__wrapped__  # typer must read the new signature, not the command's
        return wrapper

    return decorate


JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
