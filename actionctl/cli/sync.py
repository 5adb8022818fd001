"""`actionctl diff|push|pull`: the repository against the app's actions on the service."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.confirm import confirm
from actionctl.cli.options import FORMAT, NAMES, YES, OutputFormat, remote_options
from actionctl.errors import PullRefusedError, ValidationFailedError
from actionctl.render import json_writer

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote

LONG_PUSH = 30.0  # seconds after which a push's lines say how long it took and how much longer it should
WAIT_LINE_EVERY = 30.0  # seconds between the lines of one long wait on the rate limit (CI logs)
PRUNE = typer.Option(False, "--prune", help="Delete actions that are on the service but not in the repository.")
CHANGES_EXIT = 4


def where(target) -> str:
    profile = f" (profile {target.profile})" if target.profile else ""
    return f"app {target.app}{profile} at {target.api_url}"


def _header(target) -> dict:
    return {"app": target.app, "profile": target.profile, "apiUrl": target.api_url}


@app.command(rich_help_panel=usage.DEPLOY,
             epilog=usage.examples(
                 "actionctl diff",
                 "actionctl diff hello --profile staging --exit-code",
             ))
@remote_options()
def diff(
    names: list[str] = NAMES,
    prune: bool = PRUNE,
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 4 when there are changes to push, 0 when none."),
    show_unchanged: bool = typer.Option(False, "--all", help="List unchanged actions too."),
    publish: bool = typer.Option(False, "--publish", help="Plan as `push --publish` would: what it would publish."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Show what `push` would change on the service.

    Creates, updates (with a code diff), deletes."""
    from actionctl import sync
    from actionctl.project import open_project
    from actionctl.render import console, plan_view
    from actionctl.sync.listing import refuse

    project = open_project(required=True)
    with remote.connected(project) as (target, client):
        plan, _state = sync.compare(project, client, target.profile, names=names, prune=prune, publish=publish)
    if fmt is OutputFormat.json:
        json_writer.emit({**_header(target), **plan.as_json()})
    else:
        plan_view.render_plan(console.out(), plan, where(target), show_unchanged=show_unchanged)
    refuse(plan.unusable)
    if exit_code and plan.has_changes:
        raise typer.Exit(CHANGES_EXIT)


@app.command(rich_help_panel=usage.DEPLOY,
             epilog=usage.examples(
                 "actionctl push",
                 "actionctl push hello --yes",
                 "actionctl push --prune --dry-run",
             ))
@remote_options()
def push(
    names: list[str] = NAMES,
    prune: bool = PRUNE,
    publish: bool = typer.Option(False, "--publish", help="Publish what this push creates or updates."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan and stop."),
    yes: bool = YES,
    force: bool = typer.Option(False, "--force", help="Overwrite actions changed on the service since the last sync."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Make the service match the repository.

    Validate everything, show the plan, confirm, apply it."""
    from actionctl import sync
    from actionctl.project import open_project
    from actionctl.render import console, plan_view
    from actionctl.sync.listing import refuse

    project = open_project(required=True)
    _validate_all(project, remote.profile, fmt)
    with remote.connected(project) as (target, client):
        plan, state = sync.compare(project, client, target.profile, names=names, prune=prune, publish=publish)
        text = fmt is OutputFormat.text
        if text:
            plan_view.render_plan(console.out(), plan, where(target))
        if dry_run or not plan.has_changes:
            if not dry_run:
                sync.record_unchanged(plan, state)
            if not text:
                json_writer.emit({**_header(target), "dryRun": dry_run, "plan": plan.as_json(), "result": None,
                                  "requests": client.stats.as_json()})
            refuse(plan.unusable)
            return
        confirm(_question(plan, target, force), yes)
        try:
            outcome = _apply(plan, client, state, force, text)
        except sync.PushInterrupted as stopped:  # Ctrl-C: say how far it got, then end as `interrupted`
            console.note(stopped.report())
            raise
        if text:
            plan_view.render_outcome(console.err(), outcome)
        else:
            json_writer.emit({**_header(target), "dryRun": False, "plan": plan.as_json(),
                              "result": outcome.as_json(), "requests": client.stats.as_json()})
    sync.finish_push(outcome)
    refuse(plan.unusable)


def _validate_all(project, profile: str | None, fmt: OutputFormat) -> None:
    """The deploy gate (nothing is sent unless the whole project is valid); in text, what stopped it."""
    from actionctl.render import console
    from actionctl.sync import gate

    try:
        gate.require_valid(project, profile)
    except ValidationFailedError as failed:
        if fmt is OutputFormat.text:
            console.diagnostics(failed.report)
        raise


def _question(plan, target, force: bool) -> str:
    counts = plan.summary()
    deleting = f", DELETE {counts['delete']}" if counts["delete"] else ""
    publishing = f", publish {counts['publish']}" if counts["publish"] else ""
    # A conflict is not an update: without --force it is left alone (and the push fails), with it the edit made
    # on the service is lost. Counted as an update, the answer would be given to the wrong question.
    conflicts = counts["conflict"]
    conflicting = "" if not conflicts else (f", OVERWRITE {conflicts} changed on the service" if force
                                            else f", leave {conflicts} in conflict (--force overwrites)")
    return (f"Push to app {target.app}: create {counts['create']}, update {counts['update']}{conflicting}"
            f"{deleting}{publishing}?")


def _apply(plan, client, state, force: bool, text: bool):
    """Apply the plan, telling people how it goes: a bar in a terminal, a line per action elsewhere (CI logs
    show how far a push got); either way what a wait on the rate limit waits for, and, once a push takes a
    while, how long it has taken and how much longer it should."""
    from actionctl import sync
    from actionctl.render import console

    if text and console.err().is_terminal:
        return _apply_with_bar(plan, client, state, force)
    writes, started = len(plan.writes), time.monotonic()
    seen = iter(range(1, writes + 1))

    def line(step, what: str) -> None:
        if text:
            done = next(seen)
            took = _timing(time.monotonic() - started, done, writes)
            console.note(f"[{done}/{writes}] {step.kind} {step.name}: {what}{took}")

    with _waits_told(client, console.note if text else None, every=WAIT_LINE_EVERY):
        return sync.apply(plan, client, state, force=force, progress=line)


def _apply_with_bar(plan, client, state, force: bool):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from actionctl import sync
    from actionctl.render import console
    from actionctl.render.printable import printable

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console.err(), transient=True) as bar:
        task = bar.add_task("pushing", total=len(plan.writes))
        with _waits_told(client, lambda text: bar.update(task, description=text), every=0):
            return sync.apply(plan, client, state, force=force,
                              progress=lambda step, what: bar.update(task, advance=1,
                                                                     description=printable(step.name)))


@contextmanager
def _waits_told(client, tell, every: float):
    """While the plan is applied, each wait on the rate limit is told (`tell`): as it starts, then every
    `every` seconds of it (0: at each of the pacer's ticks, for a bar that redraws)."""
    pacer = getattr(client, "pacer", None)
    if tell is None or pacer is None:
        yield
        return
    last: float | None = None

    def told(wait) -> None:
        nonlocal last
        if last is None or wait.elapsed == 0 or wait.elapsed - last >= every:
            last = wait.elapsed
            tell(wait.describe())

    pacer.on_wait = told
    try:
        yield
    finally:
        pacer.on_wait = None


def _timing(elapsed: float, done: int, total: int) -> str:
    """How long a push has taken and, from its pace so far, how much longer it should: only once it is long."""
    from actionctl.remote.pacing import span

    if elapsed < LONG_PUSH:
        return ""
    if done >= total:
        return f" ({span(elapsed)} elapsed)"
    return f" ({span(elapsed)} elapsed, about {span(elapsed / done * (total - done))} left)"


@app.command(rich_help_panel=usage.DEPLOY, epilog=usage.examples("actionctl pull --app 123456", "actionctl pull hello"))
@remote_options()
def pull(
    names: list[str] = NAMES,
    force: bool = typer.Option(False, "--force", help="Overwrite local edits that were not pushed or committed."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Write the app's actions into the repository.

    A new project gets `actionctl init`'s layout."""
    from pathlib import Path

    from actionctl.project import open_project
    from actionctl.render import console
    from actionctl.sync import pull as pulling
    from actionctl.sync.listing import refuse

    project = open_project()
    created = []
    with remote.connected(project) as (target, client):
        if project.config_path is None:
            project, created = _new_project(Path.cwd(), target, remote.region)
        report = pulling.pull(project, client, target.profile, names=names, force=force)
    if fmt is OutputFormat.json:
        json_writer.emit({**_header(target), "initialised": created, **report.as_json()})
    else:
        _render_pull(console, report, created)
    if report.refused:
        raise PullRefusedError(f"kept {len(report.refused)} action(s) as they are so as not to lose local edits: "
                               f"{', '.join(r.name for r in report.refused)} (why: above, or `refused` in the JSON) — "
                               "pull --force overwrites them")
    refuse(report.unusable)


def _new_project(folder, target, region):
    """Lay out a project for the target's app, as `actionctl init` would."""
    from actionctl.project import open_project
    from actionctl.remote import paths
    from actionctl.remote.errors import NoAppError
    from actionctl.scaffold import init_project

    if target.app is None:
        raise NoAppError("no actionctl.yaml here: pass --app (and --region or --api-url) to pull into a new project")
    region_name = region.value if region else paths.DEFAULT_REGION
    custom = target.api_url if target.api_url != paths.REGION_HOSTS.get(region_name) else None
    scaffold = init_project(folder, int(target.app), region_name, api_url=custom)
    return open_project(folder), [p.relative_to(scaffold.root).as_posix() for p in scaffold.created]


def _render_pull(console, report, created: list[str]) -> None:
    if created:
        console.note(f"initialised a project here ({len(created)} files)")
    for written in report.written:
        console.plain(console.printable(f"{'+' if written.kind == 'created' else '~'} {written.kind} {written.name}: "
                                        f"{', '.join(written.files)}"))
    for refused in report.refused:
        console.plain(console.printable(f"! kept {refused.name}: {', '.join(refused.files)} — {refused.reason}"),
                      stderr=True)
    console.set_aside(report.unusable)
    if report.local_only:
        console.note(f"only in the repository (not on the service): {', '.join(report.local_only)}")
    console.note(f"{len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.refused)} kept"
                 + (f", {len(report.unusable)} set aside" if report.unusable else ""))
