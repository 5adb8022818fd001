"""`doctor`'s report for people: a line per check, and for each probe what the service's answer looked like."""

from __future__ import annotations

from typing import TYPE_CHECKING

from actionctl.render import console
from actionctl.render.printable import printable

if TYPE_CHECKING:
    from actionctl.doctor import Check, Report

_MARKS = {"ok": "ok  ", "warn": "warn", "fail": "FAIL", "skip": "skip"}
_STYLES = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}
# Facts of a probe worth a line of their own, in this order: the shape of what the service answered.
_SHAPE_FACTS = (("answerKeys", "answer"), ("itemKeys", "item"), ("publishFields", "publish state"),
                ("rateLimit", "rate limit"))


def show(report: Report) -> None:
    console.out().print(f"actionctl doctor {report.version}" + (" (--live)" if report.live else ""),
                        markup=False)
    width = max(len(check.id) for check in report.checks)
    for check in report.checks:
        _line(check, width)
    counts = {status: sum(check.status == status for check in report.checks) for status in _MARKS}
    console.out().print(", ".join(f"{n} {status}" for status, n in counts.items() if n), markup=False)


def _line(check: Check, width: int) -> None:
    from rich.text import Text

    text = Text(_MARKS[check.status], style=_STYLES[check.status])
    text.append(f"  {check.id.ljust(width)}  {printable(check.detail)}")  # Text: a service's words are not markup
    console.out().print(text)
    indent = " " * (width + 8)
    facts = check.facts
    if facts.get("status") is not None:
        console.out().print(Text(f"{indent}{facts['method']} {facts['path']} → {facts['status']} in "
                                 f"{facts['elapsedMs']} ms", style="dim"))
    for key, label in _SHAPE_FACTS:
        value = check.facts.get(key)
        if value:
            shown = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else ", ".join(value)
            console.out().print(Text(f"{indent}{label}: {printable(shown)}", style="dim"))
