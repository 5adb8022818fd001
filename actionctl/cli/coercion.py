"""Typer's own coercion, without pydantic, for the values most commands are given.

Typer 0.29 coerces every parameter but a set flag through a pydantic TypeAdapter, built when the
parameter is first processed even if it was left unset, and importing pydantic costs more than
everything else a command like `actionctl list` loads. For a choice (an Enum or a Literal, given as
text or as a member), for text and for an empty list, that adapter only wraps a function of Typer's
own, so calling the function gives the same value; an unset value never reaches either. Any other
value (a path, a number), and every error, goes through Typer's adapter exactly as before. With a
Typer lacking these internals, `install` does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_origin

try:
    from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    from typer._param_types import choice_coercion_annotation, coerce_cli_choice
    from typer.core import _TyperParameter
except ImportError:  # pragma: no cover - another Typer coerces as it always did
    RuntimeParam = None


def install() -> None:
    """Give every Typer parameter the shortcut in front of its adapter (once; idempotent)."""
    if RuntimeParam is None or not hasattr(_TyperParameter, "get_runtime_param"):
        return
    _TyperParameter.get_runtime_param = _get_runtime_param


def _get_runtime_param(param: Any) -> Any:
    if param._runtime_param is None:
        descriptor = param.type_descriptor
        param._runtime_param = _Shortcut(descriptor.parameter_info, descriptor.annotation, descriptor)
    return param._runtime_param


if RuntimeParam is not None:

    @dataclass(frozen=True)
    class _Shortcut(RuntimeParam):
        descriptor: TypeDescriptor

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            own = self._typers_own(value, ctx)
            if own is not None:
                return own[0]
            return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

        def _typers_own(self, value: Any, ctx: Any) -> tuple[Any] | None:
            """(value,) when Typer's adapter would only have called its own function; None otherwise."""
            info = self.parameter_info
            if self.descriptor.file_annotation is not None or info.parser is not None:
                return None
            choices = choice_coercion_annotation(self.annotation, info)
            if choices is not None:
                try:
                    return (coerce_cli_choice(value, choices=choices[0], case_sensitive=choices[1], ctx=ctx),)
                except ValueError:
                    return None  # Typer's adapter says why, in its own words
            if self.annotation is str and type(value) is str:  # Typer's str parser keeps text as it is
                return (value,)
            if get_origin(self.annotation) is list and isinstance(value, (list, tuple)) and not value:
                return ([],)
            return None
