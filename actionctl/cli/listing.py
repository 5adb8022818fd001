"""`actionctl list` and `schema`: what the project holds, and the shape of a manifest."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat


@app.command("list", rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl list",
                 "actionctl list --format json",
             ))
def list_actions(
    fmt: OutputFormat = FORMAT,
) -> None:
    """List the project's actions.

    Name, environment, triggers, schedule, dependencies."""
    from actionctl import inventory
    from actionctl.project import open_project
    from actionctl.render import console, json_writer

    infos = inventory.actions(open_project(required=True))
    if fmt is OutputFormat.json:
        json_writer.emit({"actions": [i.as_json() for i in infos]})
        return
    if not infos:
        console.note("no actions yet — add one with `actionctl new NAME`")
        return
    console.action_table(infos)
    for info in infos:
        if not info.readable:
            console.note(f"{info.file} cannot be read ({info.problem}) — `actionctl validate` shows where")


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples("actionctl schema --output .actionctl/manifest.schema.json"))
def schema(
    output: Path = typer.Option(None, "--output", "-o", metavar="FILE",
                                help="Write to this file instead of standard output."),
) -> None:
    """Print the JSON Schema of action manifests.

    For editors and other tools."""
    from actionctl.schema import schema_text

    if output is None:
        sys.stdout.write(schema_text())
        return
    from actionctl.atomicfile import write_atomic
    from actionctl.errors import PathNotFoundError
    from actionctl.render import console

    if not output.parent.is_dir():  # a typo in the path would otherwise become a folder nobody asked for
        raise PathNotFoundError(str(output.parent), "folder")
    write_atomic(output, schema_text())
    console.note(f"wrote {output}")
