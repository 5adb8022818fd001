"""`actionctl init` and `new`: lay out a project and add actions."""

from __future__ import annotations

from pathlib import Path

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, Region, Template, choices


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl init --app 123456",
                 "actionctl init my-actions --region us",
             ))
def init(
    folder: Path = typer.Argument(Path("."), metavar="FOLDER", help="Where to create the project (default: here)."),
    app_id: int = typer.Option(None, "--app", metavar="ID", help="The Fliplet app id the actions belong to."),
    region: Region = typer.Option(Region.eu, "--region", metavar=choices(Region), help="The region of the app."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Create actionctl.yaml, the folders and a .gitignore.

    Never overwrites a file."""
    from actionctl.render import console
    from actionctl.scaffold import init_project

    scaffold = init_project(folder, app_id, region.value)
    _report_scaffold(scaffold, fmt)
    if fmt is OutputFormat.text:
        console.note("next: actionctl new hello --template on-demand")


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl new hello",
                 "actionctl new send-report --template scheduled",
             ))
def new(
    name: str = typer.Argument(..., metavar="NAME", help="The action's name: letters, digits, - and _."),
    template: Template = typer.Option(Template.on_demand, "--template", "-t", metavar=choices(Template),
                                      help="What the action starts as."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Add an action (manifest and code) from a template.

    A test file comes with it. Refuses to replace existing files."""
    from actionctl.scaffold import new_action

    _report_scaffold(new_action(name, template.value), fmt)


def _report_scaffold(scaffold, fmt: OutputFormat) -> None:
    from actionctl.render import console, json_writer

    def rel(path: Path) -> str:
        try:
            return path.resolve().relative_to(scaffold.root).as_posix()
        except ValueError:
            return path.as_posix()

    if fmt is OutputFormat.json:
        body = {"root": str(scaffold.root), "created": [rel(p) for p in scaffold.created],
                "kept": [rel(p) for p in scaffold.kept]}
        if scaffold.updated:
            body["updated"] = [rel(p) for p in scaffold.updated]
        json_writer.emit({**body, "notes": scaffold.notes} if scaffold.notes else body)
        return
    out = console.out()
    for path in scaffold.created:
        out.print(f"[green]created[/] {rel(path)}")
    for path in scaffold.updated:
        out.print(f"[green]updated[/] {rel(path)}")
    for path in scaffold.kept:
        out.print(f"[dim]kept[/]    {rel(path)} (already there, left as it is)")
    for note in scaffold.notes:
        console.note(note)
