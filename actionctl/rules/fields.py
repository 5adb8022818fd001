"""Simple fields: description, active and environment."""

from __future__ import annotations

from collections.abc import Iterator

from actionctl.diagnostics import Diagnostic
from actionctl.manifest import DESCRIPTION_MAX, ENVIRONMENTS
from actionctl.rules.context import ActionCheck
from actionctl.rules.values import kind, quote_hint
from actionctl.suggest import did_you_mean


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    yield from _description(a)
    yield from _active(a)
    yield from _environment(a)


def _description(a: ActionCheck) -> Iterator[Diagnostic]:
    value = a.data.get("description")
    if value is None:
        return
    if not isinstance(value, str):
        yield a.at("TYPE_INVALID", f"description must be a string, not {kind(value)}{quote_hint(value)}",
                   ("description",))
    elif len(value) > DESCRIPTION_MAX:
        yield a.at("DESCRIPTION_TOO_LONG",
                   f"the description is {len(value)} characters long; the service allows {DESCRIPTION_MAX}",
                   ("description",))


def _active(a: ActionCheck) -> Iterator[Diagnostic]:
    if "active" not in a.data:
        yield a.warn("ACTIVE_NOT_SET", "active is not set, so the service creates the action inactive and it "
                     "never runs — add `active: true` (or `active: false` to say so)")
        return
    value = a.data["active"]
    if not isinstance(value, bool):
        yield a.at("TYPE_INVALID", f"active must be true or false, not {kind(value)}", ("active",))


def _environment(a: ActionCheck) -> Iterator[Diagnostic]:
    value = a.data.get("environment")
    if value is None:
        return
    if not isinstance(value, str) or value not in ENVIRONMENTS:
        hint = did_you_mean(value, ENVIRONMENTS) if isinstance(value, str) else ""
        shown = repr(value) if isinstance(value, str) else kind(value)
        yield a.at("ENVIRONMENT_INVALID", f"environment must be server, client or any, not {shown}{hint}",
                   ("environment",))
