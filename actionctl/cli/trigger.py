"""`actionctl trigger`: which actions an event would start, and running them as the service would."""

from __future__ import annotations

import enum

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, choices, complete_action_names, timeout_option
from actionctl.cli.run import json_argument
from actionctl.errors import UsageError


class EventKind(str, enum.Enum):
    log = "log"
    analytics = "analytics"
    schedule = "schedule"


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 'actionctl trigger log --event \'{"type": "signup"}\'',
                 "actionctl trigger schedule send-report --run",
             ))
def trigger(
    kind: EventKind = typer.Argument(..., metavar=choices(EventKind),
                                     help="log or analytics (an event), or schedule (one action)."),
    name: str = typer.Argument(None, metavar="NAME", autocompletion=complete_action_names,
                               help="With schedule: the action to run at its next tick."),
    event: str = typer.Option(None, "--event", "-e", metavar="JSON",
                              help="The event, JSON or @file.json (log and analytics)."),
    run_them: bool = typer.Option(False, "--run", help="Run the matching actions with the payload they would get."),
    now: str = typer.Option(None, "--now", metavar="DATETIME", help="Freeze Date.now() at this ISO date-time."),
    timeout: float = timeout_option("Seconds before each run is stopped."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Match an event against the project's triggers.

    With --run, run what matches."""
    from actionctl.execution import prepare, triggers
    from actionctl.project import open_project
    from actionctl.render import console, execution_view, json_writer

    project = open_project(required=True)
    if kind is EventKind.schedule:
        if not name:
            raise UsageError("trigger schedule needs the action's NAME")
        manifest = prepare.find_action(project, name)
        kinds = [t.get("trigger") for t in manifest.data.get("triggers") or [] if isinstance(t, dict)]
        if "schedule" not in kinds:
            raise UsageError(f"{name} has no schedule trigger, so the service never runs it on a schedule")
        names, payload_event = [name], None
        run_them = True
    else:
        if name:
            raise UsageError(f"trigger {kind.value} takes --event, not a NAME")
        payload_event = json_argument(event, "--event")
        if not isinstance(payload_event, dict):
            raise UsageError(f"trigger {kind.value} needs --event with a JSON object")
        names = [m.name for m in triggers.matching(project, kind.value, payload_event)]
    results = []
    for action in names if run_them else []:
        options = prepare.RunOptions(trigger=kind.value, event=payload_event, now=now, timeout=timeout)
        prepared, outcome = prepare.run(project, action, options)
        results.append((prepared.name, outcome, prepared.deadline))
    if fmt is OutputFormat.json:
        runs = [{"action": n, **o.as_json(), "deadline": d.as_json()} for n, o, d in results]
        body = {"matched": names, "runs": runs}
        json_writer.emit(body)
    elif not run_them:
        console.note(f"{len(names)} action(s) match" + (":" if names else ""))
        for action in names:
            console.out().print(action)
    else:
        for action, outcome, _ in results:
            execution_view.render(action, outcome, project.root)
    raise typer.Exit(0 if all(o.ok for _, o, _ in results) else 1)
