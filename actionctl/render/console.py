"""Rich rendering for people: diagnostics with code frames, tables and summaries.

Data goes to stdout, messages to stderr. Rich honours NO_COLOR and turns colour off when output is not a
terminal, so the same text is safe to pipe. Rich loads on first use: a command that writes JSON, or
nothing, never pays for it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from actionctl import sourcefile
from actionctl.diagnostics import Diagnostic, Report, Severity
from actionctl.render.printable import printable, printable_lines

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_FRAME_WIDTH = 120  # characters of a long line shown around the column


_PIPED_WIDTH = 1 << 16  # no line of ours is longer: piped output is never wrapped, folded or cut


@cache
def out() -> Console:
    return _console(stderr=False)


@cache
def err() -> Console:
    return _console(stderr=True)


def _console(*, stderr: bool) -> Console:
    """Rich fits tables to the terminal; to a pipe or a file it would fit them to 80 columns (or COLUMNS),
    folding and cutting names that `grep` and scripts look for. What is not a terminal gets its lines whole."""
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console.width = _PIPED_WIDTH
    return console


def error_line(code: str, message: str) -> None:
    from rich.markup import escape

    err().print(f"[bold red]error[/]: {escape(printable(message))} [dim]\\[{escape(printable(code))}][/]")


def note(message: str) -> None:
    """A line for people on stderr; what it quotes from the service is made printable (see printable.py)."""
    from rich.markup import escape

    err().print(escape(printable(message)))


def plain(text: str, *, stderr: bool = False) -> None:
    """Text as it is, no markup, on its lines (a result, code, a log), each made printable."""
    (err() if stderr else out()).print(printable_lines(text), markup=False, highlight=False)


def set_aside(unusable) -> None:
    """One coded line per entry of the service's listing that could not be used (sync/listing.py)."""
    from actionctl.errors import RemoteActionUnusableError

    for entry in unusable:
        note(f"! set aside {entry.label}: {entry.reason} [{RemoteActionUnusableError.code}]")


def diagnostics(report: Report, *, frames: bool = True) -> None:
    console = out()
    sources = _Sources(report.root)
    for d in report.diagnostics:
        console.print(_headline(report, d))
        if frames:
            frame = sources.frame(d)
            if frame is not None:
                console.print(frame)
    console.print(_summary(report))


def _headline(report: Report, d: Diagnostic) -> Text:
    from rich.text import Text

    colour = "red" if d.severity is Severity.ERROR else "yellow"
    text = Text()
    text.append(f"{report.relpath(d.file)}:{d.line}:{d.column}", style="bold")
    text.append(": ")
    text.append(d.severity.value, style=f"bold {colour}")
    text.append(f" {d.code}", style=colour)
    text.append(f" {d.message}")
    return text


def _summary(report: Report) -> Text:
    from rich.text import Text

    noun = "action" if report.actions == 1 else "actions"
    if not report.diagnostics:
        return Text(f"✓ {report.actions} {noun} valid", style="bold green")
    parts = []
    if report.errors:
        parts.append(f"{report.errors} error{'s' if report.errors != 1 else ''}")
    if report.warnings:
        parts.append(f"{report.warnings} warning{'s' if report.warnings != 1 else ''}")
    mark, style = ("✗", "bold red") if report.errors else ("!", "bold yellow")
    return Text(f"{mark} {', '.join(parts)} in {report.actions} {noun}", style=style)


def source_frame(path: Path, root: Path, line: int, column: int, length: int = 1,
                 colour: str = "red") -> Text | None:
    """A code frame around `path:line:column`, or None when the file or line is not there, or not in `root`."""
    probe = Diagnostic("", "", path, line, column, Severity.ERROR if colour == "red" else Severity.WARNING,
                       None, length)
    return _Sources(root).frame(probe)


class _Sources:
    """Lines of the files diagnostics point into, each read once; only files of the project (`root`).

    A frame quotes the file, so it is read under the rules of every other read: inside the project (a
    manifest symlinked to /proc/self/environ, or a stack an action forged to name ../netrc, shows no
    frame), bounded, and never a FIFO (a diagnostic may be about exactly such a file).
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._lines: dict[Path, list[str] | None] = {}

    def lines(self, path: Path) -> list[str] | None:
        if path not in self._lines:
            try:
                raw = sourcefile.read(path, sourcefile.CODE_MAX_BYTES, self._root)
                self._lines[path] = raw.decode("utf-8", "replace").splitlines()
            except (OSError, sourcefile.Refused):
                self._lines[path] = None
        return self._lines[path]

    def frame(self, d: Diagnostic) -> Text | None:
        from rich.text import Text

        lines = self.lines(d.file)
        if not lines or d.line > len(lines):
            return None
        width = len(str(d.line))
        text = Text()
        if d.line >= 2 and lines[d.line - 2].strip():
            text.append(f"  {d.line - 1:>{width}} │ ", style="dim").append(_clip(lines[d.line - 2], d.column)[0])
            text.append("\n")
        shown, shift = _clip(lines[d.line - 1], d.column)
        text.append(f"  {d.line:>{width}} │ ", style="dim").append(shown).append("\n")
        colour = "red" if d.severity is Severity.ERROR else "yellow"
        pad = " " * (d.column - 1 - shift)
        underline = "^" * max(1, min(d.length, len(shown) - (d.column - 1 - shift)))
        text.append(f"  {'':>{width}} │ ", style="dim").append(pad + underline, style=f"bold {colour}")
        return text


def _clip(line: str, column: int) -> tuple[str, int]:
    """The part of a long line around `column`, with tabs shown as single spaces; and how far it was shifted."""
    line = line.replace("\t", " ")
    if len(line) <= _FRAME_WIDTH:
        return line, 0
    start = max(0, min(column - _FRAME_WIDTH // 2, len(line) - _FRAME_WIDTH))
    return line[start : start + _FRAME_WIDTH], start


def action_table(infos) -> None:
    from rich.markup import escape
    from rich.table import Table

    from actionctl.schedule import SERVER_DEFAULT_ZONE

    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("name", no_wrap=True)  # in a narrow terminal the other columns fold; a name stays whole
    for column in ("environment", "active", "triggers", "schedule", "dependencies", "file"):
        table.add_column(column, overflow="fold")
    for info in infos:
        if not info.readable:  # what it would say is not known: no default stands in for it
            table.add_row(f"[red]{escape(info.name or '?')} (unreadable)[/]", "", "", "", "", "", escape(info.file))
            continue
        when = f"{info.frequency} ({info.timezone or SERVER_DEFAULT_ZONE})" if info.frequency else ""
        name = escape(info.name or "?")
        active = "yes" if info.active is True else "[yellow]no[/]"
        table.add_row(name, escape(str(info.environment)), active, escape(", ".join(info.triggers)),
                      escape(str(when)), escape(", ".join(map(str, info.dependencies))), escape(info.file))
    out().print(table)


def schedules(items) -> None:
    from rich.table import Table
    from rich.text import Text

    from actionctl.schedule import ASSUMED_SERVER_ZONE, SERVER_DEFAULT_ZONE

    console = out()
    for item in items:
        zone = item.timezone or f"{SERVER_DEFAULT_ZONE}, assumed {ASSUMED_SERVER_ZONE} here"
        console.print(Text.assemble((item.name, "bold"), f"  {item.frequency}  {zone}  ",
                                    (item.description, "dim")))
        if item.error:
            console.print(Text(f"  {item.error}", style="red"))
            continue
        table = Table(box=None, show_header=True, header_style="dim", pad_edge=False, padding=(0, 2))
        table.add_column(f"  local ({item.timezone or ASSUMED_SERVER_ZONE})")
        table.add_column("UTC")
        table.add_column("")
        for run in item.runs:
            table.add_row(f"  {run.local:%a %Y-%m-%d %H:%M %Z}", f"{run.utc:%Y-%m-%d %H:%M}Z", run.note or "")
        console.print(table)


def _side_of(result) -> str:
    """For a case of an `any` action, which side of the platform it ran as (a choice worth saying)."""
    prepared = result.prepared
    if prepared is None or prepared.manifest.data.get("environment") != "any":
        return ""
    return f"  ({prepared.deadline.describe()})"


def test_report(report, relpath) -> None:
    from rich.text import Text

    console = out()
    for result in report.results:
        took = f"  {result.execution.duration_ms:.0f} ms" if result.execution else ""
        mark = ("✓ ", "green") if result.ok else ("✗ ", "bold red")
        console.print(Text.assemble(mark, f"{relpath(result.case.file)}::", (result.case.name, "bold"), took,
                                    (_side_of(result), "dim")))
        for failure in result.failures:
            for line in failure.splitlines():
                style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
                console.print(Text("    " + line, style=style))
    # The plain closing line test runners (and CI) read: "N passed, N failed".
    console.print(Text(f"{report.passed} passed, {report.failed} failed",
                       style="bold green" if report.ok else "bold red"))
