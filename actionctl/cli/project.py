"""`actionctl init`, `new`, `list` and `schema`: the project and its actions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from actionctl.cli.app import app
from actionctl.cli.options import OutputFormat, Region, Template


@app.command()
def init(
    folder: Path = typer.Argument(Path("."), help="Where to create the project (default: here)."),
    app_id: int = typer.Option(None, "--app", help="The Fliplet app id the actions belong to."),
    region: Region = typer.Option(Region.eu, "--region", help="The region of the app."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),
) -> None:
    """Create actionctl.yaml, the folders and a .gitignore. Never overwrites a file."""
    from actionctl import console
    from actionctl.scaffold import init_project

    scaffold = init_project(folder, app_id, region.value)
    _report_scaffold(scaffold, fmt)
    if fmt is OutputFormat.text:
        console.note("next: actionctl new hello --template on-demand")


@app.command()
def new(
    name: str = typer.Argument(..., help="The action's name: letters, digits, - and _."),
    template: Template = typer.Option(Template.on_demand, "--template", "-t", help="What the action starts as."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),
) -> None:
    """Add an action (manifest + code) from a template. Refuses to replace existing files."""
    from actionctl.scaffold import new_action

    _report_scaffold(new_action(name, template.value), fmt)


def _report_scaffold(scaffold, fmt: OutputFormat) -> None:
    from actionctl import console

    def rel(path: Path) -> str:
        try:
            return path.resolve().relative_to(scaffold.root).as_posix()
        except ValueError:
            return path.as_posix()

    if fmt is OutputFormat.json:
        body = {"root": str(scaffold.root), "created": [rel(p) for p in scaffold.created],
                "kept": [rel(p) for p in scaffold.kept]}
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
        return
    out = console.out()
    for path in scaffold.created:
        out.print(f"[green]created[/] {rel(path)}")
    for path in scaffold.kept:
        out.print(f"[dim]kept[/]    {rel(path)} (already there, left as it is)")


@app.command("list")
def list_actions(
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f"),
) -> None:
    """List the project's actions: name, environment, triggers, schedule, dependencies."""
    from actionctl import console, inventory
    from actionctl.project import open_project

    infos = inventory.actions(open_project())
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps({"actions": [i.as_json() for i in infos]}, indent=2, default=str) + "\n")
        return
    if not infos:
        console.note("no actions yet — add one with `actionctl new NAME`")
        return
    console.action_table(infos)


@app.command()
def schema(
    output: Path = typer.Option(None, "--output", "-o", help="Write to this file instead of standard output."),
) -> None:
    """Print the JSON Schema of action manifests (for editors and other tools)."""
    from actionctl.schema import schema_text

    if output is None:
        sys.stdout.write(schema_text())
        return
    from actionctl import console
    from actionctl.atomicfile import write_atomic

    write_atomic(output, schema_text())
    console.note(f"wrote {output}")
