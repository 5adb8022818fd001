"""`actionctl dev` on screen: a live summary of the loop in a terminal, a block per cycle to a pipe, or one JSON
line per cycle (`--format json`) for editors and scripts."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Group
from rich.text import Text

from actionctl.execution.cases import CaseResult, TestReport
from actionctl.execution.devloop import Cycle, RunOutcome
from actionctl.render import console, diagnostic_formats, json_writer, test_reports
from actionctl.render.printable import printable, printable_lines

SHOWN_FAILURES = 8  # with their diffs; the rest are counted (the terminal has so many lines)
SHOWN_LOGS = 5


def to_json(cycle: Cycle, relpath) -> dict:
    """One line of `dev --format json`: the first (`ready`, every case) and then one per cycle."""
    validation = diagnostic_formats.to_json(cycle.report) if cycle.report is not None else {"diagnostics": []}
    return {
        "event": "ready" if cycle.number == 0 else "cycle",
        "cycle": cycle.number,
        "ok": cycle.ok,
        "changed": [relpath(path) for path in cycle.changed],
        "diagnostics": validation["diagnostics"],
        "problems": cycle.problems,
        "ran": test_reports.to_json(TestReport(Path(), cycle.results), relpath)["cases"],
        "run": _run_json(cycle.run),
        "passed": cycle.passed,
        "failed": cycle.failed,
        "tookMs": round(cycle.took_ms, 3),
    }


def _run_json(run: RunOutcome | None) -> dict | None:
    if run is None:
        return None
    failure = {"code": run.error.code, "message": run.error.message} if run.error is not None else None
    return {"action": run.action, "ok": failure is None and run.execution is not None and run.execution.ok,
            "error": failure, "execution": run.execution.as_json() if run.execution is not None else None}


class View:
    """Shows each cycle: `--format json` a line each; a terminal one live summary, redrawn; a pipe a block each."""

    def __init__(self, as_json: bool, relpath) -> None:
        self.as_json, self.relpath = as_json, relpath
        self._live = None
        if not as_json and console.out().is_terminal:
            from rich.live import Live

            self._live = Live(console=console.out(), auto_refresh=False, vertical_overflow="crop")
            self._live.start()

    def show(self, cycle: Cycle) -> None:
        if self.as_json:
            json_writer.emit_line(to_json(cycle, self.relpath))
        elif self._live is not None:
            self._live.update(self.summary(cycle), refresh=True)
        else:  # a pipe: written here, so that a reader gone is a BrokenPipeError as for the JSON lines (Rich
            # would end the process itself, exit 1)
            with console.out().capture() as captured:
                console.out().print(self.summary(cycle))
            sys.stdout.write(captured.get())
            sys.stdout.flush()

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def summary(self, cycle: Cycle) -> Group:
        # The short lines first: a terminal shows the top of the summary when the diffs do not fit.
        lines: list = [self._headline(cycle), self._totals(cycle)]
        if cycle.run is not None:
            lines.extend(_run_lines(cycle.run))
        lines.extend(Text(f"! {printable(problem)}", style="bold red") for problem in cycle.problems)
        if cycle.report is not None:
            lines.extend(self._diagnostic(d) for d in cycle.report.diagnostics)
        for result in cycle.failing[:SHOWN_FAILURES]:
            lines.extend(self._failure(result))
        if len(cycle.failing) > SHOWN_FAILURES:
            lines.append(Text(f"… and {len(cycle.failing) - SHOWN_FAILURES} more failing", style="dim"))
        return Group(*lines)

    def _headline(self, cycle: Cycle) -> Text:
        what = (", ".join(self.relpath(p) for p in cycle.changed[:3]) + (" …" if len(cycle.changed) > 3 else "")
                if cycle.changed else "start")
        ran = f"{len(cycle.results)} case{'s' if len(cycle.results) != 1 else ''}"
        return Text.assemble((f"cycle {cycle.number}", "bold"), f" · {printable(what)} · ran {ran} in "
                             f"{cycle.took_ms:.0f} ms", (" · watching, Ctrl-C stops", "dim"))

    def _totals(self, cycle: Cycle) -> Text:
        style = "bold green" if cycle.failed == 0 else "bold red"
        return Text(f"{cycle.passed} passed, {cycle.failed} failed", style=style)

    def _diagnostic(self, d) -> Text:
        colour = "red" if d.is_error else "yellow"
        return Text.assemble((f"{self.relpath(d.file)}:{d.line}:{d.column}", "bold"), ": ",
                             (d.severity.value, f"bold {colour}"), (f" {d.code}", colour), f" {printable(d.message)}")

    def _failure(self, result: CaseResult) -> list[Text]:
        lines = [Text.assemble(("✗ ", "bold red"), f"{self.relpath(result.case.file)}::",
                               (printable(result.case.name), "bold"))]
        for failure in result.failures:
            for line in printable_lines(failure).split("\n"):
                style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
                lines.append(Text("    " + line, style=style))
        return lines


def _run_lines(run: RunOutcome) -> list[Text]:
    if run.error is not None:
        return [Text.assemble(("✗ ", "bold red"), (run.action, "bold"), f"  {printable(run.error.message)} "
                              f"[{run.error.code}]")]
    execution = run.execution
    if execution.ok:
        lines = [Text.assemble(("✓ ", "bold green"), (run.action, "bold"), f"  {execution.duration_ms:.1f} ms  → ",
                               printable(json_writer.inline(execution.result)))]
    else:
        lines = [Text.assemble(("✗ ", "bold red"), (run.action, "bold"), "  ", (execution.error["code"], "red"),
                               f"  {printable(execution.error['message'])}")]
    for entry in execution.logs[-SHOWN_LOGS:]:
        lines.append(Text(f"    {entry.get('level', 'log')}: {printable(entry.get('message', ''))}", style="dim"))
    return lines
