"""Validation rules, one module per concern. Each `check` yields the diagnostics for one action.

The code rules read JavaScript facts from a real parse (`jsparse.py`, tree-sitter) and V8's own verdict on
syntax (`v8syntax.py`), never from regular expressions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from actionctl.diagnostics import Diagnostic
from actionctl.rules import code, dependencies, fields, keys, name, schedule, triggers
from actionctl.rules.context import ActionCheck

Rule = Callable[[ActionCheck], Iterable[Diagnostic]]

RULES: tuple[Rule, ...] = (
    keys.check,
    name.check,
    fields.check,
    triggers.check,
    schedule.check,
    dependencies.check,
    code.check,
)


def check_action(action: ActionCheck) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for rule in RULES:
        found.extend(rule(action))
    return found


__all__ = ["RULES", "ActionCheck", "check_action"]
