"""The coercion shortcut (actionctl/cli/coercion.py) gives exactly the values Typer's own adapter gives, and
refuses what it refuses, in plain words."""

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
    return ["x", "", " spaced ", "é", 3, b"bytes", "3", "3.0", " 4 ", "1_000", "-1", "0", "0.05", "1e400", "nan",
            "-inf", "65536", "86400", "86401"]


def _outcome(runtime, value, param, ctx):
    """("value", the value) or ("error",): the shortcut words an error its own way (pinned below)."""
    try:
        return "value", runtime.coerce(value, param=param, ctx=ctx)
    except BadParameter:
        return ("error",)


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


@pytest.mark.parametrize(("args", "message"), [
    (("list", "--format", "xml"), "'xml' is not one of 'text', 'json'."),
    (("push", "--app", "x"), "'x' is not a whole number."),
    (("push", "--app", "3.5"), "'3.5' is not a whole number."),
    (("run", "a", "--timeout", "soon"), "'soon' is not a number."),
    (("run", "a", "--timeout", "0"), "0 is out of range: it must be from 0.1 to 86400."),
    (("logs", "--limit", "0"), "0 is out of range: it must be from 1 to 1000."),
    (("logs", "--interval", "0.1"), "0.1 is out of range: it must be at least 0.2."),
])
def test_a_refusal_is_worded_plainly(args, message):
    # pydantic's words ("Value error, …", "Input should be a valid integer, unable to parse string as an
    # integer") never reach the user.
    command = typer.main.get_command(app)
    *path, option, value = args
    for name in path[:-1]:
        command = command.get_command(None, name)
    sub = command.get_command(None, path[-1]) if hasattr(command, "get_command") else command
    param = next(p for p in sub.params if option in getattr(p, "opts", ()))
    descriptor = param.type_descriptor
    shortcut = coercion._Shortcut(descriptor.parameter_info, descriptor.annotation, descriptor)
    with pytest.raises(BadParameter) as raised:
        shortcut.coerce(value, param=param, ctx=Context(sub))
    assert raised.value.message == message
