"""Typer's own coercion, without pydantic, for the values most commands are given.

Typer 0.29 coerces every parameter but a set flag through a pydantic TypeAdapter, built when the
parameter is first processed even if it was left unset, and importing pydantic costs more than
everything else a command like `actionctl list` loads. For a choice (an Enum or a Literal, given as
text or as a member), for text and for an empty list, that adapter only wraps a function of Typer's
own, so calling the function gives the same value; an unset value never reaches either. Any other
value (a path, a number) goes through Typer's adapter as before, but a value that is not one of the
choices, not a number or out of a number's range is refused here, in words of our own rather than
pydantic's ("Value error, …", "Input should be a valid integer, unable to parse string as an integer").
With a Typer lacking these internals, `install` does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_origin

try:
    from typer._click.exceptions import BadParameter
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
            own = self._typers_own(value, param, ctx)
            if own is not None:
                return own[0]
            try:
                return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)
            except BadParameter as exc:
                raise _plainly(exc, value, self.parameter_info) from None

        def _typers_own(self, value: Any, param: Any, ctx: Any) -> tuple[Any] | None:
            """(value,) when Typer's adapter would only have called its own function; None otherwise."""
            info = self.parameter_info
            if self.descriptor.file_annotation is not None or info.parser is not None:
                return None
            choices = choice_coercion_annotation(self.annotation, info)
            if choices is not None:
                try:
                    return (coerce_cli_choice(value, choices=choices[0], case_sensitive=choices[1], ctx=ctx),)
                except ValueError as exc:  # its words, without the "Value error, " pydantic puts before them
                    raise BadParameter(str(exc), ctx=ctx, param=param) from None
            if self.annotation is str and type(value) is str:  # Typer's str parser keeps text as it is
                return (value,)
            if get_origin(self.annotation) is list and isinstance(value, (list, tuple)) and not value:
                return ([],)
            return None


# pydantic's kinds of refusal of a number (its `errors()[0]["type"]`), by what the user is told.
_NOT_A_WHOLE_NUMBER = {"int_parsing", "int_from_float", "int_type"}
_NOT_A_NUMBER = {"float_parsing", "float_type"}
_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "finite_number"}


def _plainly(exc: Any, value: Any, info: Any) -> Any:
    """Typer's refusal (through pydantic) reworded: what was refused stays exactly what Typer refuses, only the
    words change — "'x' is not a whole number." for "Input should be a valid integer, unable to parse string as
    an integer". A refusal of another kind keeps Typer's words."""
    errors = exc.__cause__.errors() if hasattr(exc.__cause__, "errors") else []
    kind = errors[0].get("type") if errors else None
    if kind in _NOT_A_WHOLE_NUMBER:
        exc.message = f"{value!r} is not a whole number."
    elif kind in _NOT_A_NUMBER:
        exc.message = f"{value!r} is not a number."
    elif kind in _OUT_OF_RANGE:
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        span = (f"from {low} to {high}" if low is not None and high is not None
                else f"at least {low}" if low is not None else f"at most {high}")
        exc.message = f"{value} is out of range: it must be {span}."
    return exc
