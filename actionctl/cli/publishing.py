"""`actionctl publish|unpublish|logs|versions|rollback`: production copies, run logs and history."""

from __future__ import annotations

import enum
import time
from typing import TYPE_CHECKING

import typer

from actionctl import lookup
from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, choices, complete_action_names, remote_options
from actionctl.errors import UsageError
from actionctl.remote.errors import ServiceAnswerError
from actionctl.remote.publish_state import RELEASE_TYPES
from actionctl.render import json_writer

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote

FAILED_LOG = "app.task.failed"


# How an app publish reaches the app's users (fliplet-apps.md), as the option's choices.
Release = enum.Enum("Release", {kind: kind for kind in RELEASE_TYPES}, type=str)


@app.command(rich_help_panel=usage.DEPLOY,
             epilog=usage.examples(
                 "actionctl publish hello",
                 "actionctl publish --all --app-release silent --changelog 'Nightly report'",
             ))
@remote_options()
def publish(
    names: list[str] = typer.Argument(None, metavar="NAME", autocompletion=complete_action_names,
                                      help="Actions to publish."),
    everything: bool = typer.Option(False, "--all", help="Publish every action of the app."),
    release: Release = typer.Option(None, "--app-release", metavar=choices(Release),
                                    help="Publish the app first, as this kind of release "
                                    "(its actions can only be published once it is)."),
    changelog: str = typer.Option(None, "--changelog", metavar="TEXT",
                                  help="The app release's changelog (with --app-release)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Publish --all without asking (asked only in a terminal)."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Copy actions to production, where triggers run them.

    Scheduled and triggered runs use the production copy; --app-release publishes the app first."""
    from actionctl.cli.confirm import confirm, interactive

    if (names and everything) or not (names or everything or release):
        raise UsageError("name the actions to publish, or pass --all (not both), or --app-release to publish the app")
    if changelog is not None and release is None:
        raise UsageError("--changelog is the app release's: pass --app-release too")
    with remote.client() as client:
        # The names are looked up first: a name that is not there stops the command before the app is published.
        actions = (_usable(client) if everything else lookup.remote_actions(client, names)) if names or everything \
            else []
        if everything and actions and interactive():  # every production copy at once: asked where one can answer
            confirm(f"publish all {len(actions)} actions of app {client.app} to production?", yes)
        released = _publish_app(client, release, changelog, fmt) if release else None
        published = []
        for action in actions:
            copy = _publish_one(client, action)
            published.append({"id": action["id"], "name": action.get("name"), "productionId": copy.get("id")})
            _progress(fmt, f"published {action.get('name')} (production id {copy.get('id')})")
    if fmt is OutputFormat.json:
        json_writer.emit({"app": released, "published": published})


def _publish_app(client, release: Release, changelog: str | None, fmt: OutputFormat) -> dict:
    answer = client.publish_app(release.value, changelog)
    released = {"id": answer.get("id", client.app), "version": answer.get("version"), "release": release.value,
                "updatedAt": answer.get("updatedAt")}
    version = f" version {released['version']}" if released["version"] is not None else ""
    _progress(fmt, f"published app {released['id']}{version} ({release.value} release)")
    return released


def _publish_one(client, action: dict) -> dict:
    from actionctl.remote.errors import APP_NOT_PUBLISHED, PUBLISH_APP_FIRST, ServiceError

    try:
        return client.publish_action(action["id"])
    except ServiceError as exc:
        if exc.code == APP_NOT_PUBLISHED:
            raise ServiceError(f"app {client.app} is not published, so its actions cannot be: {PUBLISH_APP_FIRST}, "
                               f"then run this again ({exc.message})", code=exc.code, status=exc.status) from None
        raise


@app.command(rich_help_panel=usage.DEPLOY, epilog=usage.examples("actionctl unpublish hello"))
@remote_options()
def unpublish(
    names: list[str] = typer.Argument(..., metavar="NAME", autocompletion=complete_action_names,
                                      help="Actions to take out of production."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Remove actions' production copies.

    They stop running in the live app."""
    with remote.client() as client:
        done = []
        for action in lookup.remote_actions(client, names):
            client.unpublish_action(action["id"])
            done.append({"id": action["id"], "name": action.get("name")})
            _progress(fmt, f"unpublished {action.get('name')}")
    if fmt is OutputFormat.json:
        json_writer.emit({"unpublished": done})


def _progress(fmt: OutputFormat, line: str) -> None:
    if fmt is OutputFormat.text:
        from actionctl.render import console

        console.out().print(line, markup=False, highlight=False)


@app.command(rich_help_panel=usage.REMOTE,
             epilog=usage.examples(
                 "actionctl logs hello --limit 20",
                 "actionctl logs --follow",
             ))
@remote_options()
def logs(
    name: str = typer.Argument(None, metavar="NAME|ID", autocompletion=complete_action_names,
                               help="One action's logs (default: the whole app's)."),
    limit: int = typer.Option(50, "--limit", "-n", metavar="N", min=1, max=1000, help="How many of the newest logs."),
    failed: bool = typer.Option(False, "--failed", help="Only failed runs."),
    follow: bool = typer.Option(False, "--follow", help="Keep printing new logs as runs finish (Ctrl-C stops)."),
    interval: float = typer.Option(2.0, "--interval", metavar="SECONDS", min=0.2,
                                   help="Seconds between polls with --follow."),
    polls: int = typer.Option(0, "--polls", metavar="N", min=0, hidden=True,
                              help="Stop --follow after N polls (for tests)."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Show the logs of runs, newest last.

    --follow keeps watching."""
    kind = FAILED_LOG if failed else None
    with remote.client() as client:
        ids, names = _one_action(client, name) if name else ([None], _names(client))
        pages = _pages(client, ids, kind, limit)
        entries = _newest(pages, limit)
        if fmt is OutputFormat.json and not follow:
            json_writer.emit({"count": len(entries), "logs": entries})
            return
        _print_logs(fmt, entries, names)
        # New is what an action's newest `limit` hold now and did not before, each action on its own: the older
        # logs `--limit` left out never enter them (logs only come), while a log stamped earlier than one shown
        # does — a scheduled run is stamped at its tick's end, and a longer run of a tick logs after a shorter
        # one. (Cut across the master and its copy together, a copy's late stamp could let an old master log in.)
        seen = {_key(e) for e in pages}
        count = 0
        while follow and (not polls or count < polls):
            time.sleep(interval)
            count += 1
            fresh = sorted((e for e in _pages(client, ids, kind, limit) if _key(e) not in seen), key=_recency)
            seen.update(_key(e) for e in fresh)
            _print_logs(fmt, fresh, names if name else _names(client) if fresh else names)


def _one_action(client, name: str) -> tuple[list, dict]:
    """The ids whose logs are one action's — its master's and its production copy's, where scheduled and
    triggered runs happen (each log names the one that ran, as data.taskId) — and their names."""
    from actionctl.remote import publish_state

    master = lookup.remote_action(client, name)
    names = {master["id"]: master.get("name", name)}
    copy_id = publish_state.production_id(master)
    if copy_id is None and not publish_state.denies(master):
        copy = publish_state.copy_of(master, client.list_actions(production=True))
        copy_id = copy.get("id") if copy else None
    if copy_id is not None:
        names[copy_id] = f"{names[master['id']]} (production)"
    return list(names), names


def _newest(pages: list[dict], limit: int) -> list[dict]:
    """The newest `limit` of the actions' logs, oldest first (the order to read them in)."""
    return list(reversed(sorted(pages, key=_recency, reverse=True)[:limit]))


def _pages(client, ids: list, kind, limit: int) -> list[dict]:
    """The newest `limit` logs of each of the actions `ids` (None: the whole app's), as the service orders
    them. The service's `count` is the size of its page, not a total: a page shorter than asked for is the
    last."""
    found: list[dict] = []
    for action_id in ids:
        mine: list[dict] = []
        while len(mine) < limit:
            asked = min(100, limit - len(mine))
            page = client.logs(action_id, type=kind, limit=asked, offset=len(mine))["logs"][:asked]
            if page and {_key(e) for e in page} <= {_key(e) for e in mine}:
                raise ServiceAnswerError(f"the service answered logs at offset {len(mine)} with a page it had "
                                         "already sent — stopped rather than show runs twice")
            mine += page
            if len(page) < asked:
                break
        found += mine
    return found


def _key(entry: dict) -> str:
    return repr(entry.get("id"))


def _recency(entry: dict) -> tuple[str, int]:
    ident = entry.get("id")
    return str(entry.get("createdAt") or ""), ident if isinstance(ident, int) and not isinstance(ident, bool) else 0


def _names(client) -> dict:
    """Every action's name by id, production copies' included (a scheduled run is the copy's)."""
    from actionctl.remote import publish_state
    from actionctl.sync.listing import remote_listing

    masters = _usable(client)
    names = {a["id"]: a["name"] for a in masters}
    for copy in remote_listing(client, production=True).actions:
        master = next((m for m in masters if publish_state.copy_of(m, [copy]) is copy), None)
        names.setdefault(copy.get("id"), f"{master['name'] if master else copy.get('name')} (production)")
    return names


def _usable(client) -> list[dict]:
    """The app's actions actionctl can use (sync/listing.py): one that cannot be is never named nor published."""
    from actionctl.sync.listing import remote_listing

    return remote_listing(client).actions


def _print_logs(fmt: OutputFormat, entries: list[dict], names: dict) -> None:
    if fmt is OutputFormat.json:  # with --follow: one JSON object per line
        for entry in entries:
            json_writer.emit_line(entry)
        return
    from actionctl.render import console

    for entry in entries:
        data = entry.get("data") if isinstance(entry.get("data"), dict) else {}
        ok = entry.get("type") != FAILED_LOG
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        outcome = "ok" if ok else f"failed: {error.get('message') or error.get('code') or 'see the log'}"
        duration = data.get("duration")
        took = f"{duration:.0f} ms" if isinstance(duration, (int, float)) else "?"
        action = data.get("taskId")  # the id of the action that ran (app-actions-v3.md calls actions tasks)
        name = names.get(action, f"action {action}")
        console.plain(console.printable(f"{entry.get('createdAt')}  {'✓' if ok else '✗'} {name}  "
                                        f"{data.get('mode', '')}  {took}  {outcome}"))


@app.command(rich_help_panel=usage.REMOTE, epilog=usage.examples("actionctl versions hello"))
@remote_options()
def versions(
    name: str = typer.Argument(..., metavar="NAME|ID", autocompletion=complete_action_names),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """List an action's saved versions, newest first.

    The service keeps 100."""
    with remote.client() as client:
        action = lookup.remote_action(client, name)
        found = _marked(client.list_versions(action["id"]), action)
    if fmt is OutputFormat.json:
        json_writer.emit({"action": {"id": action.get("id"), "name": action.get("name")}, "versions": found})
        return
    from actionctl.render import console

    if not found:
        console.note(f"{action.get('name')} has no saved versions")
        return
    rows = [(str(v.get("id")), str(v.get("createdAt")), _saved_by(v), "← current" if v["current"] else "")
            for v in found]
    widths = [max(len(row[i]) for row in [*rows, _VERSIONS_HEADER]) for i in range(3)]
    for row in [_VERSIONS_HEADER, *rows]:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        console.plain(console.printable(f"{line}  {row[3]}".rstrip()))


_VERSIONS_HEADER = ("VERSION", "SAVED AT", "BY", "")


def _marked(found: list[dict], action: dict) -> list[dict]:
    """The versions (newest first), each with `current`: a version is saved with each change of the master, so
    the newest one saved when the master last changed is what it holds now (a restore saves two at once)."""
    current = next((v for v in found if v.get("createdAt") is not None
                    and v.get("createdAt") == action.get("updatedAt")), None)
    return [{**version, "current": version is current} for version in found]


def _saved_by(version: dict) -> str:
    user = version.get("user")
    who = user.get("email") or user.get("fullName") if isinstance(user, dict) else version.get("userId")
    return str(who or "")


@app.command(rich_help_panel=usage.DEPLOY, epilog=usage.examples("actionctl rollback hello 4242"))
@remote_options()
def rollback(
    name: str = typer.Argument(..., metavar="NAME|ID", autocompletion=complete_action_names),
    version_id: int = typer.Argument(..., metavar="VERSION_ID", help="From `actionctl versions NAME`."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Restore an action to a saved version.

    Its master is restored; the current version is saved first."""
    with remote.client() as client:
        action = lookup.remote_action(client, name)
        answer = client.restore_version(action["id"], version_id)
    restored = answer.get("action") if isinstance(answer.get("action"), dict) else {}
    if fmt is OutputFormat.json:
        json_writer.emit({"action": restored, "restoredFromVersionId": answer.get("restoredFromVersionId"),
                          "preRestoreVersionId": answer.get("preRestoreVersionId")})
        return
    from actionctl.render import console

    console.plain(console.printable(f"restored {restored.get('name', name)} to version {version_id} (the state "
                                    f"before is saved as version {answer.get('preRestoreVersionId')}); "
                                    "`actionctl publish` to take it live"))
