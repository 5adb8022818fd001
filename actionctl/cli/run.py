"""`actionctl run`: execute(context) locally, in a V8 isolate, against fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, PROFILE, OutputFormat, Trigger, choices, complete_action_names, timeout_option
from actionctl.errors import UsageError, ValidationFailedError


def json_argument(value: str | None, option: str) -> Any:
    """A JSON value given inline or as @file.json."""
    if value is None:
        return None
    text = value
    if value.startswith("@"):
        from actionctl import sourcefile

        try:  # a regular file of a bounded size: `@/dev/zero` would never end, a FIFO never answer
            text = sourcefile.read(Path(value[1:]), sourcefile.CODE_MAX_BYTES).decode("utf-8")
        except sourcefile.Refused as exc:
            raise UsageError(f"{option} {value}: {exc.message}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{option} {value}: cannot read the file ({exc.__class__.__name__})") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{option}: not valid JSON ({exc})") from None
    except RecursionError:  # nested deeper than Python's parser goes (`{"a":` 100,000 times)
        raise UsageError(f"{option}: the JSON nests too deep to read") from None


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 'actionctl run hello --payload \'{"name": "Ada"}\'',
                 "actionctl run send-report --trigger schedule --now 2026-03-29T08:00:00Z",
             ))
def run(
    target: str = typer.Argument(..., metavar="NAME|FILE", autocompletion=complete_action_names,
                                 help="The action's name, manifest or .js file."),
    payload: str = typer.Option(None, "--payload", "-p", metavar="JSON",
                                help="JSON payload, or @file.json (manual runs)."),
    trigger: Trigger = typer.Option(Trigger.manual, "--trigger", "-t", metavar=choices(Trigger),
                                    help="What starts the run."),
    event: str = typer.Option(None, "--event", "-e", metavar="JSON",
                              help="The log or analytics event, JSON or @file.json."),
    timeout: float = timeout_option("Seconds before the run is stopped."),
    now: str = typer.Option(None, "--now", metavar="DATETIME",
                            help="Freeze Date.now() and new Date() at this ISO date-time."),
    seed: int = typer.Option(None, "--seed", metavar="N", help="Make Math.random() repeatable."),
    profile: str = PROFILE,
    fmt: OutputFormat = FORMAT,
    write_fixtures: bool = typer.Option(False, "--write-fixtures", help="Save data-source writes to the fixtures."),
    validate: bool = typer.Option(True, "--validate/--no-validate", help="Check the action first (default)."),
) -> None:
    """Run an action locally, in V8, against fixtures.

    execute(context) runs with the service's globals and limits, and a local copy of the platform's APIs."""
    from actionctl.execution import prepare
    from actionctl.project import open_project
    from actionctl.render import console, execution_view, json_writer
    from actionctl.runtime import writeback

    project = open_project()
    options = prepare.RunOptions(
        payload=json_argument(payload, "--payload"), trigger=trigger.value, event=json_argument(event, "--event"),
        timeout=timeout, now=now, seed=seed, profile=profile, validate=validate)
    try:
        prepared, outcome = prepare.run(project, target, options)
    except ValidationFailedError as refused:
        if fmt is OutputFormat.json:
            _refusal_json(refused)
        else:
            console.diagnostics(refused.report)
        raise
    for warning in prepared.warnings:
        console.note(f"warning: {warning}")
    if fmt is OutputFormat.json:
        json_writer.emit({**outcome.as_json(), "deadline": prepared.deadline.as_json()})
    else:
        if prepared.manifest.data.get("environment") == "any":  # the one case where the side is a choice: say it
            console.note(f"{prepared.name} runs {prepared.deadline.describe()}")
        execution_view.render(prepared.name, outcome, project.root)
    if write_fixtures and outcome.ok:
        for path in writeback.write_back(prepared.fixtures, outcome.effects.get("datasources", [])):
            console.note(f"updated {project.relpath(path)} with this run's data-source writes")
    raise typer.Exit(0 if outcome.ok else 1)


def _refusal_json(refused: ValidationFailedError) -> None:
    from actionctl.render import json_writer
    from actionctl.render.diagnostic_formats import to_json
    from actionctl.runtime.host import no_effects

    error = {"code": refused.code, "message": refused.message, "stack": ""}
    json_writer.emit({"ok": False, "result": None, "error": error,
                      "logs": [], "effects": no_effects(), "durationMs": 0, "validation": to_json(refused.report)})
