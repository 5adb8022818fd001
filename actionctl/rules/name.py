"""The action's name: required, non-empty, at most 255 characters of letters, digits, - and _, unique."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from actionctl.diagnostics import Diagnostic
from actionctl.manifest import NAME_MAX
from actionctl.rules.context import ActionCheck
from actionctl.rules.values import kind, quote_hint

_BAD_CHAR = re.compile(r"[^A-Za-z0-9_-]")


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    if "name" not in a.data or a.data["name"] is None:
        where = ("name",) if "name" in a.data else ()
        yield a.at("NAME_REQUIRED", 'the action has no name — add `name: my-action`', where, key=bool(where))
        return
    name = a.data["name"]
    if not isinstance(name, str):
        yield a.at("TYPE_INVALID", f"name must be a string, not {kind(name)}{quote_hint(name)}", ("name",))
        return
    for code, message, offset, length in name_problems(name):
        yield a.at(code, message, ("name",), char=offset, length=length)


def name_problems(name: str) -> list[tuple[str, str, int | None, int | None]]:
    """(code, message, character offset, length) for each rule a name breaks."""
    if not name.strip():
        return [("NAME_EMPTY", "the name is empty", None, None)]
    problems = []
    if len(name) > NAME_MAX:
        problems.append(("NAME_TOO_LONG", f"the name is {len(name)} characters long; the service allows "
                         f"{NAME_MAX}", NAME_MAX, len(name) - NAME_MAX))
    bad = _BAD_CHAR.search(name)
    if bad:
        problems.append(("NAME_INVALID_CHARS", f"{bad.group()!r} is not allowed in a name: only letters, digits, "
                         f"dashes and underscores (e.g. {_slug(name)!r})", bad.start(), 1))
    return problems


def check_unique(actions: list[ActionCheck]) -> Iterator[Diagnostic]:
    """Two manifests with one name: NAME_ALREADY_EXISTS on both; names equal but for case: a warning."""
    by_name: dict[str, list[ActionCheck]] = defaultdict(list)
    for action in actions:
        if action.name and action.name.strip():
            by_name[action.name].append(action)
    for name, same in by_name.items():
        if len(same) < 2:
            continue
        for action in same:
            others = ", ".join(_rel(o, action) for o in same if o is not action)
            yield action.at("NAME_ALREADY_EXISTS", f'the name "{name}" is also used by {others}', ("name",))
    by_folded: dict[str, list[str]] = defaultdict(list)
    for name in by_name:
        by_folded[name.lower()].append(name)
    for names in by_folded.values():
        if len(names) < 2:
            continue
        for name in names:
            for action in by_name[name]:
                others = ", ".join(f'"{n}"' for n in names if n != name)
                yield action.warn("NAME_CASE_CONFLICT", f'"{name}" differs only in case from {others}; '
                                  "names that look alike are easy to run by mistake", ("name",))


def _slug(name: str) -> str:
    slug = re.sub(r"-{2,}", "-", _BAD_CHAR.sub("-", name.strip())).strip("-")[:NAME_MAX].strip("-")
    return slug or "my-action"


def _rel(other: ActionCheck, me: ActionCheck) -> str:
    try:
        return other.file.relative_to(me.file.parent).as_posix()
    except ValueError:
        return other.file.as_posix()
