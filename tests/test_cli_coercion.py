"""The coercion shortcut (actionctl/cli/coercion.py) gives exactly what Typer's own adapter gives."""

from __future__ import annotations

import enum
from typing import get_origin

import pytest
import typer.main
from typer._click import Context
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param

from actionctl.cli import app, coercion


def _parameters():
    def walk(command, path):
        for param in command.params:
            yield f"{' '.join(path) or 'actionctl'} {param.name}", command, param
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, (*path, name))

    return list(walk(typer.main.get_command(app), ()))


def _values(annotation) -> list:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        members = list(annotation)
        return [*members, *(m.value for m in members), *(str(m.value).upper() for m in members), "nope", 7]
    if get_origin(annotation) is list:
        return [(), [], ("x",)]
    return ["x", "", " spaced ", "é", 3, b"bytes"]


def _outcome(runtime, value, param, ctx):
    try:
        return "value", runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter as exc:
        return "error", exc.format_message()


@pytest.mark.parametrize(("command", "param"), [pytest.param(command, param, id=name)
                                                 for name, command, param in _parameters()
                                                 if hasattr(param, "type_descriptor")])
def test_the_shortcut_coerces_as_typer_does(command, param):
    descriptor = param.type_descriptor
    ctx = Context(command)
    shortcut = coercion._Shortcut(descriptor.parameter_info, descriptor.annotation, descriptor)
    typers = build_runtime_param(descriptor)
    for value in [None, *_values(descriptor.annotation)]:
        assert _outcome(shortcut, value, param, ctx) == _outcome(typers, value, param, ctx), value


def test_the_shortcut_is_what_typer_parameters_use():
    _, _, param = _parameters()[0]
    param._runtime_param = None
    assert isinstance(param.get_runtime_param(), coercion._Shortcut)
