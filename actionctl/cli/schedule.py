"""`actionctl schedule`: when scheduled actions run next."""

from __future__ import annotations

import datetime as dt

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, complete_action_names
from actionctl.errors import UsageError


@app.command("schedule", rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl schedule",
                 "actionctl schedule send-report --count 10 --from 2026-10-20T00:00:00Z",
             ))
def schedule_command(
    names: list[str] = typer.Argument(None, metavar="NAME", autocompletion=complete_action_names,
                                      help="Actions to show (default: every action with a frequency)."),
    count: int = typer.Option(5, "--count", "-n", metavar="N", min=1, max=1000, help="How many runs to show for each."),
    start: str = typer.Option(None, "--from", metavar="DATETIME",
                              help="ISO date/time to count from (default: now; no offset = UTC)."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Show the next runs of scheduled actions.

    In their time zone and in UTC, across daylight-saving changes."""
    from actionctl import inventory
    from actionctl.project import open_project
    from actionctl.render import console, json_writer

    infos = inventory.actions(open_project(required=True))
    if names:
        infos = inventory.select(infos, names)
        unscheduled = [i.name for i in infos if not i.frequency]
        if unscheduled:
            raise UsageError(f"{', '.join(unscheduled)} has no frequency, so it never runs on a schedule")
    found = inventory.schedules(infos, count, _parse_start(start))
    if fmt is OutputFormat.json:
        json_writer.emit({"schedules": [_as_json(s) for s in found]})
    elif not found:
        console.note("no action has a frequency")
    else:
        console.schedules(found)
    # A frequency or time zone that cannot be read never runs: shown with its reason, it is still a failure.
    raise typer.Exit(1 if any(item.error for item in found) else 0)


def _parse_start(text: str | None) -> dt.datetime:
    from actionctl import schedule

    if text is None:
        return dt.datetime.now(dt.timezone.utc)
    try:
        return schedule.parse_moment(text)
    except ValueError:
        raise UsageError(f"--from {text!r} is not an ISO date or time, e.g. 2026-03-29T00:00:00Z") from None


def _as_json(item) -> dict:
    return {
        "name": item.name,
        "frequency": item.frequency,
        "timezone": item.timezone,
        "description": item.description,
        "error": item.error,
        "runs": [{"local": r.local.isoformat(), "utc": r.utc.strftime("%Y-%m-%dT%H:%M:%SZ"), "note": r.note}
                 for r in item.runs],
    }
