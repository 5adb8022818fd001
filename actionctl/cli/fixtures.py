"""`actionctl fixtures pull|list`: the app's data sources on the service, as local fixtures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, remote_options
from actionctl.errors import UsageError
from actionctl.render import json_writer

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote

fixtures_app = usage.Typer(cls=usage.Group,
                           help="The app's data sources, as local fixtures.", no_args_is_help=True)
app.add_typer(fixtures_app, name="fixtures", rich_help_panel=usage.REMOTE)


@fixtures_app.command("pull",
                      epilog=usage.examples(
                          "actionctl fixtures pull Users",
                          "actionctl fixtures pull 158 --where '{\"status\": \"active\"}' --limit 20",
                          "actionctl fixtures pull Users Orders --redact email --redact name",
                      ))
@remote_options()
def pull(
    targets: list[str] = typer.Argument(..., metavar="DATASOURCE", help="A data source's name or id."),
    where: str = typer.Option(None, "--where", metavar="JSON",
                              help="Only the entries this filter selects (the Data Sources `where`; @file.json "
                                   "reads a file)."),
    limit: int = typer.Option(None, "--limit", metavar="N", min=1, help="At most N entries of each data source."),
    redact: list[str] = typer.Option([], "--redact", metavar="COLUMN",
                                     help="Replace this column's values with stable stand-ins (repeatable)."),
    force: bool = typer.Option(False, "--force", help="Replace fixtures edited since they were pulled."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Write data sources' entries into fixtures/datasources.

    Each DATASOURCE (a name or an id) of the app is queried on the service and written as
    fixtures/datasources/ID.yaml (ID: the data source's) with its name, columns and entries. A
    fixture edited since it was pulled is never replaced without --force.
    """
    from actionctl.cli.run import json_argument
    from actionctl.datasources.pull import pull as pull_fixtures
    from actionctl.project import open_project

    filter_ = json_argument(where, "--where")
    if filter_ is not None and not isinstance(filter_, dict):
        raise UsageError('--where must be a JSON object, e.g. {"email": "ada@example.org"}')
    project = open_project(required=True)
    with remote.connected(project) as (_target, client):
        pulled = pull_fixtures(project.root, client, targets, where=filter_, limit=limit, redact=redact, force=force)
        app_id = client.app
    rows = [item.as_json(project.root, redact) for item in pulled]
    if fmt is OutputFormat.json:
        json_writer.emit({"app": app_id, "dataSources": rows})
        return
    from actionctl.render import console

    for row in rows:
        redacted = f"; {', '.join(row['redacted'])} redacted" if row["redacted"] else ""
        console.plain(console.printable(f"wrote {row['file']}: {row['name']} ({row['entries']} entries{redacted})"))


@fixtures_app.command("list", epilog=usage.examples("actionctl fixtures list", "actionctl fixtures list --format json"))
@remote_options()
def list_fixtures(fmt: OutputFormat = FORMAT, remote: Remote = None) -> None:
    """List the app's data sources and their local fixtures.

    Each data source of the app on the service, with the fixture file that holds it locally, if any,
    and whether that file was edited since it was pulled.
    """
    from actionctl.datasources import pull as pulling
    from actionctl.project import open_project

    project = open_project(required=True)
    with remote.connected(project) as (_target, client):
        rows = pulling.listing(client.list_datasources(), project.root)
        app_id = client.app
    if fmt is OutputFormat.json:
        json_writer.emit({"app": app_id, "dataSources": rows})
    else:
        _table(rows)


def _table(rows: list[dict]) -> None:
    from rich.table import Table
    from rich.text import Text

    from actionctl.render import console
    from actionctl.render.printable import printable

    if not rows:
        console.note("the app has no data sources")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "name", "fixture"):
        table.add_column(column, overflow="fold")
    for row in rows:
        fixture = row["fixture"] or "—"
        fixture += " (edited)" if row["edited"] else ""
        table.add_row(*(Text(printable(cell)) for cell in (row["id"], row["name"], fixture)))
    console.out().print(table)
