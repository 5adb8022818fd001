"""`actionctl types`: the platform's types and a jsconfig.json, so an editor completes and checks action code."""

from __future__ import annotations

from pathlib import Path

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl types",
                 "actionctl types --format json",
             ))
def types(
    fmt: OutputFormat = FORMAT,
) -> None:
    """Write the platform's types for editors.

    .actionctl/types/fliplet.d.ts from the platform's surface and the data-source fixtures' columns, and
    jsconfig.json (only when absent: once edited, it is yours), so TypeScript-aware editors complete
    Fliplet.* and check the actions' .js files."""
    from actionctl.project import open_project
    from actionctl.surface.editor import write_types

    report_files(write_types(open_project(required=True)), fmt)


def report_files(files, fmt: OutputFormat) -> None:
    from rich.markup import escape

    from actionctl.render import console, json_writer
    from actionctl.render.printable import printable

    def rel(path: Path) -> str:
        return path.relative_to(files.root).as_posix()

    groups = {"created": files.created, "updated": files.updated, "unchanged": files.unchanged, "kept": files.kept}
    if fmt is OutputFormat.json:
        json_writer.emit({"root": str(files.root), **{k: [rel(p) for p in v] for k, v in groups.items()},
                          "datasources": files.datasources, "notes": files.notes})
        return
    out = console.out()
    styles = {"created": "green", "updated": "green", "unchanged": "dim", "kept": "dim"}
    for kind, paths in groups.items():
        for path in paths:
            out.print(f"[{styles[kind]}]{kind:<9}[/] {escape(printable(rel(path)))}")
    for source in files.datasources:
        columns = ", ".join(source["columns"]) or "none known"
        # Column names come from fixtures, which came from a service: shown, never obeyed by the terminal.
        out.print(escape(printable(f"columns   data source {source['id']} ({source['name']}): {columns}")))
    for note in files.notes:
        console.note(note)
