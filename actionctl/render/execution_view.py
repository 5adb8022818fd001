"""Rich rendering of one execution for people: result, console, effects, errors with a code frame."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rich.markup import escape
from rich.text import Text

from actionctl.render.console import out, source_frame
from actionctl.runtime.host import Execution

_FRAME = re.compile(r"\(?(?P<file>[^\s()]+\.js):(?P<line>\d+):(?P<column>\d+)\)?$")
_LEVEL_STYLE = {"error": "red", "warn": "yellow", "info": "cyan", "debug": "dim", "log": ""}


def render(name: str, execution: Execution, root: Path) -> None:
    console = out()
    took = f"{execution.duration_ms:.1f} ms"
    if execution.ok:
        console.print(Text.assemble(("✓ ", "bold green"), (name, "bold"), f"  {took}"))
    else:
        console.print(Text.assemble(("✗ ", "bold red"), (name, "bold"), "  ", (execution.error["code"], "red"),
                                    f"  {took}"))
    if execution.logs:
        console.print(Text("console", style="bold"))
        for entry in execution.logs:
            level = entry.get("level", "log")
            console.print(Text.assemble(("  " + level.ljust(5), _LEVEL_STYLE.get(level, "")), " ",
                                        entry.get("message", "")))
    effects = effect_lines(execution.effects)
    if effects:
        console.print(Text("effects", style="bold"))
        for line in effects:
            console.print("  " + escape(line))
    if execution.ok:
        console.print(Text("result", style="bold"))
        console.print(json.dumps(execution.result, indent=2, ensure_ascii=False), markup=False)
    else:
        _error(execution.error, root)


def _error(error: dict, root: Path) -> None:
    console = out()
    console.print(Text(error["message"], style="red"))
    for line in (error.get("stack") or "").split("\n")[1:]:
        console.print(Text(line, style="dim"))
    frame = top_frame(error.get("stack") or "")
    if frame is not None:
        rendered = source_frame(root / frame[0], root, frame[1], frame[2])
        if rendered is not None:
            console.print(rendered)


def top_frame(stack: str) -> tuple[str, int, int] | None:
    """(file, line, column) of the first stack frame in a .js file of the project."""
    for line in stack.split("\n"):
        match = _FRAME.search(line.strip())
        if match and "://" not in match.group("file"):
            return match.group("file"), int(match.group("line")), int(match.group("column"))
    return None


def effect_lines(effects: dict) -> list[str]:
    lines = []
    for email in effects.get("emails", []):
        to = ", ".join(t.get("email", "?") for t in email.get("to", []) if isinstance(t, dict))
        lines.append(f"email → {to}: {email.get('subject', '')!r}")
    for sms in effects.get("sms", []):
        lines.append(f"sms → {sms.get('to')}: {sms.get('body', '')!r}")
    for push in effects.get("pushes", []):
        lines.append(f"push → app {push.get('appId')}: {push.get('title') or push.get('body')!r}")
    for notification in effects.get("notifications", []):
        lines.append(f"notification #{notification.get('id')}: {json.dumps(notification, ensure_ascii=False)}")
    for request in effects.get("requests", []):
        outcome = request.get("status") if request.get("error") is None else request.get("error")
        lines.append(f"request {request.get('method')} {request.get('url')} → {outcome}")
    for item in effects.get("media", []):
        what = item.get("item") if "item" in item else {"id": item.get("id")}
        lines.append(f"media {item.get('op')}: {json.dumps(what, ensure_ascii=False)}")
    for write in effects.get("settings", []):
        what = write.get("values") if write.get("op") == "set" else write.get("keys")
        lines.append(f"settings {write.get('op')}: {json.dumps(what, ensure_ascii=False)}")
    for log in effects.get("appLogs", []):
        lines.append(f"app log #{log.get('id')}: {json.dumps(log.get('data'), ensure_ascii=False)}")
    for run in effects.get("actions", []):
        outcome = f"failed: {run['error']}" if run.get("error") is not None else "ran"
        lines.append(f"action {run.get('mode')} {run.get('name')} → {outcome}")
    lines.extend(datasource_lines(effects.get("datasources", [])))
    return lines


# Changes to whole data sources (Fliplet.DataSources.create, update, delete), as the diff names them.
SOURCE_OPS = {"create": "+ created", "configure": "~ configured", "drop": "- deleted"}


def datasource_lines(changes: list[dict]) -> list[str]:
    """Data-source writes as a diff: + inserted, ~ updated (changed columns), - removed."""
    lines = []
    for change in changes:
        source, op, entry = change.get("dataSourceId"), change.get("op"), change.get("id")
        before = (change.get("before") or {}).get("data") or {}
        after = (change.get("after") or {}).get("data") or {}
        if op in SOURCE_OPS:
            name = (change.get("after") or change.get("before") or {}).get("name")
            lines.append(f"{SOURCE_OPS[op]} data source {source} {json.dumps(name, ensure_ascii=False)}")
        elif op == "insert":
            lines.append(f"+ data source {source} #{entry} {json.dumps(after, ensure_ascii=False)}")
        elif op == "remove":
            lines.append(f"- data source {source} #{entry} {json.dumps(before, ensure_ascii=False)}")
        else:
            changed = [f"{key}: {json.dumps(before.get(key), ensure_ascii=False)} → "
                       f"{json.dumps(after.get(key), ensure_ascii=False)}"
                       for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)]
            lines.append(f"~ data source {source} #{entry} " + (", ".join(changed) or "(no change)"))
    return lines
