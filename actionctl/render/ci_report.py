"""`ci`'s report for machines: its JSON document and the plan's table for the GitHub job summary."""

from __future__ import annotations

from typing import Any

from actionctl.pipeline import DIFF, PUSH, TEST, VALIDATE, CiReport
from actionctl.sync.model import UNCHANGED


def to_json(report: CiReport, relpath) -> dict[str, Any]:
    """`{"ok", "validate", "test", "diff", "push", "error"}`, a stage that did not run left out.

    The test stage is the test report exactly as `test --format json` prints it.
    """
    from actionctl.render import test_reports

    body: dict[str, Any] = {"ok": report.ok}
    if report.validation is not None:
        checked = report.validation
        body[VALIDATE] = {"actions": checked.actions, "errors": checked.errors, "warnings": checked.warnings}
    if report.tests is not None:
        body[TEST] = test_reports.to_json(report.tests, relpath)
    if report.diff_skipped is not None:
        body[DIFF] = {"skipped": report.diff_skipped}
    elif report.plan is not None:
        body[DIFF] = report.plan.as_json()
    if report.pushed:
        body[PUSH] = None if report.outcome is None else {**report.outcome.as_json(), "requests": report.requests}
    if report.error is not None:
        body["error"] = {"code": report.error.code, "message": report.error.message}
    return body


def job_summary(report: CiReport, line: str) -> str:
    """The plan as Markdown: a heading, its summary `line`, and a row per action that changes."""
    rows = [f"| {s.kind} | {_code(s.name)} | {_cell(', '.join(c.field for c in s.changes) or s.reason or '')} |"
            for s in report.plan.steps if s.kind != UNCHANGED]
    table = "| change | action | fields |\n|---|---|---|\n" + "\n".join(rows) + "\n" if rows else ""
    return f"### actionctl plan for app {report.target.app}\n\n{line}\n\n{table}"


def _cell(text: str) -> str:
    """Text in a cell of a Markdown table: made printable (see printable.py), a `|` kept from ending the cell."""
    from actionctl.render.printable import printable

    return printable(text).replace("|", "\\|")


def _code(text: str) -> str:
    """A name as code in a cell; a backtick in it (the service forbids them, but it sent it) would end the span."""
    return f"`{_cell(text)}`" if "`" not in text else _cell(text)
