"""`actionctl remote list|show|run|delete`: the app's actions as the service holds them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from actionctl import lookup
from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.confirm import confirm
from actionctl.cli.options import FORMAT, YES, OutputFormat, complete_action_names, remote_options
from actionctl.remote.errors import ServiceError
from actionctl.remote.publish_state import is_published
from actionctl.render import json_writer

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote

remote_app = usage.Typer(cls=usage.Group,
                         help="The app's actions as the service holds them.", no_args_is_help=True)
app.add_typer(remote_app, name="remote", rich_help_panel=usage.REMOTE)


def summary(action: dict, *, production_copy: bool = False) -> dict:
    """The fields of an action worth a row: what it is, whether it runs, whether it is published (a production
    copy is the published one: it has no copy of its own to point at)."""
    from actionctl.manifest import trigger_kinds

    return {"id": action.get("id"), "name": action.get("name"), "active": action.get("active"),
            "environment": action.get("environment"), "triggers": trigger_kinds(action),
            "frequency": action.get("frequency"), "timezone": action.get("timezone"),
            "published": production_copy or is_published(action),
            "lastRunAt": action.get("lastRunAt"), "updatedAt": action.get("updatedAt")}


@remote_app.command("list",
                    epilog=usage.examples(
                        "actionctl remote list --app 123456",
                        "actionctl remote list --production --format json",
                    ))
@remote_options()
def list_remote(
    production: bool = typer.Option(False, "--production", help="List the published (production) copies."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """List the app's actions."""
    from actionctl.sync.listing import refuse, remote_listing

    with remote.client() as client:
        listing = remote_listing(client, production=production)
    actions = [summary(a, production_copy=production) for a in listing.actions]
    if fmt is OutputFormat.json:
        json_writer.emit({"actions": actions, "unusable": [u.as_json() for u in listing.unusable]})
    else:
        _table(actions)
    refuse(listing.unusable)


def _table(actions: list[dict]) -> None:
    from rich.table import Table
    from rich.text import Text

    from actionctl.render import console
    from actionctl.render.printable import printable
    from actionctl.schedule import SERVER_DEFAULT_ZONE

    if not actions:
        console.note("the app has no actions")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "name"):  # whole in a narrow terminal: the other columns fold
        table.add_column(column, no_wrap=True)
    for column in ("active", "env", "triggers", "schedule", "published", "last run"):
        table.add_column(column, overflow="fold")
    for a in actions:
        schedule = f"{a['frequency']} {a['timezone'] or SERVER_DEFAULT_ZONE}" if a["frequency"] else ""
        cells = (a["id"], a["name"], "yes" if a["active"] else "no", a["environment"],
                 ",".join(map(str, a["triggers"])), schedule, "yes" if a["published"] else "no",
                 a["lastRunAt"] or "never")
        table.add_row(*(Text(printable(cell)) for cell in cells))  # Text: service text is never markup
    console.out().print(table)


@remote_app.command("show", epilog=usage.examples("actionctl remote show hello"))
@remote_options()
def show(
    target: str = typer.Argument(..., metavar="NAME|ID", autocompletion=complete_action_names),
    production: bool = typer.Option(False, "--production", help="Show the published copy instead of the master."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Show one action as the service holds it."""
    from actionctl.remote.errors import ActionNotPublishedError

    with remote.client() as client:
        action = lookup.remote_action(client, target)
        if production:
            copy = _production_copy(client, action)
            if copy is None:
                raise ActionNotPublishedError(f"{action.get('name')} is not published", status=400)
            action = copy
    if fmt is OutputFormat.json:
        json_writer.emit({"action": action})
        return
    from actionctl.render import console

    for key, value in action.items():
        if key != "code":
            console.plain(console.printable(f"{key}: {_text(value)}"))
    console.plain("code:")
    console.plain(action.get("code") or "")


def _production_copy(client, action: dict) -> dict | None:
    """The master's production copy: by the id its answer names, else found among the production copies
    (a service may say only `isPublished`)."""
    from actionctl.remote import publish_state
    from actionctl.sync.listing import remote_listing

    copy_id = publish_state.production_id(action)
    if copy_id is not None:
        return client.get_action(copy_id)
    if publish_state.denies(action):
        return None
    return publish_state.copy_of(action, remote_listing(client, production=True).actions)


def _text(value: object) -> str:
    return value if isinstance(value, str) else json_writer.inline(value)


@remote_app.command("run",
                    epilog=usage.examples(
                        'actionctl remote run hello --payload \'{"name": "Ada"}\'',
                        "actionctl remote run hello --async",
                    ))
@remote_options()
def run_remote(
    target: str = typer.Argument(..., metavar="NAME|ID", autocompletion=complete_action_names),
    payload: str = typer.Option(None, "--payload", "-p", metavar="JSON", help="JSON payload, or @file.json."),
    run_async: bool = typer.Option(False, "--async", help="Fire and forget: queue the run, do not wait."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Run an action on the service.

    Waits for its result unless --async."""
    from actionctl.cli.run import json_argument

    body = json_argument(payload, "--payload")
    body = {} if body is None else body
    with remote.client() as client:
        action = lookup.remote_action(client, target)
        try:
            outcome = client.run_action(action["id"], body, wait=not run_async)
        except ServiceError as failed:
            if fmt is OutputFormat.json:
                _failed_run_document(action, failed)
            raise
    if fmt is OutputFormat.json:
        shape = {"ok": True, "action": action.get("name"), "taskId": outcome.task_id}
        json_writer.emit({**shape, "queued": True} if run_async else {**shape, "result": outcome.result,
                                                                       "durationMs": outcome.duration_ms})
        return
    from actionctl.render import console

    if run_async:
        console.note(f"queued {action.get('name')} — `actionctl logs {action.get('name')}` "
                     "shows how it went")
        return
    console.plain(_text(outcome.result))
    took = f" in {outcome.duration_ms:.0f} ms" if isinstance(outcome.duration_ms, (int, float)) else ""
    console.note(f"ran {action.get('name')}{took}")


def _failed_run_document(action: dict, failed) -> None:
    """A run the action ended in an error, as `run --format json` reports one (its stack included), before the
    error line; any other refusal is left to the error document every command writes."""
    details = failed.answer.get("details")
    if not isinstance(details, dict):
        return
    code = details.get("code") if isinstance(details.get("code"), str) else failed.code
    error = {"code": code, "message": failed.message.removeprefix(f"{code}: "), "stack": details.get("stack") or "",
             "name": details.get("name") or "Error"}
    json_writer.emit({"ok": False, "action": action.get("name"), "taskId": failed.answer.get("taskId"),
                      "result": None, "error": error, "durationMs": None})


@remote_app.command("delete", epilog=usage.examples("actionctl remote delete hello --yes"))
@remote_options()
def delete(
    target: str = typer.Argument(..., metavar="NAME|ID", autocompletion=complete_action_names),
    yes: bool = YES,
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Delete an action from the service.

    Its published copy too."""
    with remote.client() as client:
        action = lookup.remote_action(client, target)
        published = " and its published copy" if is_published(action) else ""
        confirm(f"delete {action.get('name')} (id {action.get('id')}){published} from app {client.app}?", yes)
        client.delete_action(action["id"])
    if fmt is OutputFormat.json:
        json_writer.emit({"deleted": {"id": action.get("id"), "name": action.get("name")}})
        return
    from actionctl.render import console

    console.note(f"deleted {action.get('name')} (id {action.get('id')}){published}")
