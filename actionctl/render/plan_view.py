"""Rich rendering of sync plans and of what a push did."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.text import Text

from actionctl.errors import RemoteActionUnusableError
from actionctl.render.printable import printable
from actionctl.sync.model import (
    CONFLICT,
    CREATE,
    DELETE,
    PUBLISH,
    REMOTE_ONLY,
    UNCHANGED,
    UPDATE,
    Outcome,
    Plan,
    Step,
)

_MARKS = {CREATE: ("+", "green"), UPDATE: ("~", "yellow"), DELETE: ("-", "red"), CONFLICT: ("!", "bold red"),
          PUBLISH: ("^", "magenta"), REMOTE_ONLY: ("?", "cyan"), UNCHANGED: ("=", "dim")}
_VALUE_WIDTH = 60
UNUSABLE = RemoteActionUnusableError.code


def render_plan(console: Console, plan: Plan, where: str, *, show_unchanged: bool = False) -> None:
    console.print(Text(f"Plan for {printable(where)}", style="bold"))
    for step in plan.steps:
        if step.kind == UNCHANGED and not show_unchanged:
            continue
        _step(console, step)
    console.print(summary_line(plan))
    for entry in plan.unusable:
        console.print(Text(f"✗ set aside   {entry.label}: {printable(entry.reason)} [{UNUSABLE}]", style="red"))


def summary_line(plan: Plan) -> Text:
    counts = plan.summary()
    parts = [f"{counts['create']} to create", f"{counts['update']} to update", f"{counts['delete']} to delete"]
    if counts["conflict"]:
        parts.append(f"{counts['conflict']} in conflict")
    if counts["publish"]:
        parts.append(f"{counts['publish']} to publish")
    parts.append(f"{counts['unchanged']} unchanged")
    if counts["remoteOnly"]:
        parts.append(f"{counts['remoteOnly']} only on the service")
    style = "bold" if plan.has_changes else "bold green"
    return Text(("Plan: " if plan.has_changes else "No changes: ") + ", ".join(parts) + ".", style=style)


def _step(console: Console, step: Step) -> None:
    mark, colour = _MARKS[step.kind]
    line = Text(f"{mark} {step.kind:<11} ", style=colour)
    line.append(printable(step.name), style="bold")
    extras = []
    if step.id is not None:
        extras.append(f"id {step.id}")
    if step.published is not None:
        extras.append("published" if step.published else "not published")
    if step.publish and step.kind != PUBLISH:
        extras.append("will publish")
    if extras:
        line.append(f"  ({', '.join(extras)})", style="dim")
    console.print(line)
    if step.reason:
        console.print(Text(f"    {printable(step.reason)}", style=colour))
    if step.kind == CREATE:  # what the create will send, as an update shows what it changes
        _fields(console, step)
    for change in step.changes:
        if change.field == "code":
            continue
        console.print(Text(f"    {change.field}: {_short(change.remote)} → {_short(change.local)}"))
    if step.code_diff:
        console.print(Text("    code:"))
        for diff_line in step.code_diff.splitlines():
            style = ("green" if diff_line.startswith("+") else "red" if diff_line.startswith("-")
                     else "cyan" if diff_line.startswith("@@") else "")
            console.print(Text(f"      {printable(diff_line)}", style=style))


def _fields(console: Console, step: Step) -> None:
    for name, value in step.payload().items():
        if name == "code":
            lines = len(value.splitlines()) if isinstance(value, str) else 0
            console.print(Text(f"    code: {lines} lines ({printable(step.local.code.name)})"))
        else:
            console.print(Text(f"    {name}: {_short(value)}"))


def _short(value: Any) -> str:
    text = printable(json.dumps(value, ensure_ascii=False))
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"


def render_outcome(console: Console, outcome: Outcome) -> None:
    """What went wrong, each with what to do, then one line of what landed."""
    for failed in outcome.failed:
        console.print(Text(printable(f"✗ {failed.kind} {failed.name}: {failed.message} [{failed.code}]"), style="red"))
    for step in outcome.refused:
        console.print(Text(printable(f"! refused {step.name}: {step.reason} — `actionctl pull {step.name}` to take "
                                     "the service's copy, or push --force to overwrite it"), style="bold red"))
    for step in outcome.not_attempted:
        console.print(Text(printable(f"· not attempted: {step.kind} {step.name}"), style="yellow"))
    counts = {kind: sum(1 for d in outcome.done if d.kind == kind) for kind in (CREATE, UPDATE, DELETE)}
    published = sum(1 for d in outcome.done if d.published)
    style = "bold green" if outcome.ok else "bold yellow"
    console.print(Text(f"{'✓' if outcome.ok else '!'} pushed: {counts[CREATE]} created, {counts[UPDATE]} updated, "
                       f"{counts[DELETE]} deleted, {published} published", style=style))
