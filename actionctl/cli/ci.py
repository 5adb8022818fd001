"""`actionctl ci`: the lint-and-deploy step of a pipeline — validate, test, diff, and (with --deploy) push.

Nothing prompts; each stage stops the run when it fails, so a broken action is never deployed. In
GitHub Actions (GITHUB_ACTIONS=true, or `--annotations github`) problems become annotations on the
pull request and the plan is added to the job summary.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, remote_options
from actionctl.envvars import Env
from actionctl.render import json_writer

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote


class Annotations(str, enum.Enum):
    auto = "auto"
    github = "github"
    none = "none"


@app.command()
@remote_options()
def ci(
    deploy: bool = typer.Option(False, "--deploy", help="Push the plan (without asking) once everything passed."),
    prune: bool = typer.Option(False, "--prune", help="With --deploy: delete actions not in the repository."),
    publish: bool = typer.Option(False, "--publish", help="With --deploy: publish what the push changes."),
    skip_tests: bool = typer.Option(False, "--skip-tests", help="Do not run tests/*.test.yaml."),
    strict: bool = typer.Option(False, "--strict", help="Fail on validation warnings too."),
    annotations: Annotations = typer.Option(Annotations.auto, "--annotations",
                                            help="GitHub workflow annotations (auto: when GITHUB_ACTIONS=true)."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Validate → test → diff → push (with --deploy), never prompting. Exit 0 all good, 1 a check failed
    (or a conflict held the deploy back), 3 the service refused; without --deploy, changes are only shown."""
    from actionctl.project import open_project

    github = annotations is Annotations.github or (annotations is Annotations.auto
                                                   and os.environ.get(Env.GITHUB_ACTIONS) == "true")
    run = _Run(fmt, github)
    project = open_project()
    try:
        if not _validate(run, project, remote.profile, strict):
            return run.finish(1)
        if not skip_tests and not _test(run, project, remote.profile):
            return run.finish(1)
        target = remote.target()
        if not target.token and not deploy:
            run.stage("diff", {"skipped": f"no token (set {Env.TOKEN} to see the plan)"})
            run.say(f"diff: skipped — no token for the service (set {Env.TOKEN} to see the plan)")
            return run.finish(0)
        _diff_and_push(run, project, remote, deploy, prune, publish)
    except Exception as exc:
        from actionctl.errors import ActionctlError

        if not isinstance(exc, ActionctlError):
            raise
        if github:
            run.annotate("error", f"{exc.message} [{exc.code}]", title="actionctl ci")
        run.stage("error", {"code": exc.code, "message": exc.message})
        if fmt is OutputFormat.json:
            run.emit(False)
        raise
    return run.finish(0)


class _Run:
    """What the stages found, for the JSON document and the exit status."""

    def __init__(self, fmt: OutputFormat, github: bool) -> None:
        self.fmt = fmt
        self.github = github
        self.stages: dict[str, Any] = {}

    @property
    def text(self) -> bool:
        return self.fmt is OutputFormat.text

    def stage(self, name: str, body: Any) -> None:
        self.stages[name] = body

    def say(self, line: str) -> None:
        from actionctl.render import console

        console.note(line)

    def annotate(self, level: str, message: str, **props: Any) -> None:
        from actionctl.render.diagnostic_formats import github_command

        sys.stdout.write(github_command(level, message, **props) + "\n")

    def emit(self, ok: bool) -> None:
        json_writer.emit({"ok": ok, **self.stages})

    def finish(self, status: int) -> None:
        if self.fmt is OutputFormat.json:
            self.emit(status == 0)
        if status:
            raise typer.Exit(status)


def _validate(run: _Run, project, profile: str | None, strict: bool) -> bool:
    from actionctl.render import console, diagnostic_formats
    from actionctl.validation import validate_manifests

    report = validate_manifests(project, project.manifests(), profile, deploying=True)
    run.stage("validate", {"actions": report.actions, "errors": report.errors, "warnings": report.warnings})
    if run.github and report.diagnostics:
        sys.stdout.write(diagnostic_formats.to_github(report) + "\n")
    elif run.text:
        console.diagnostics(report)
    return report.exit_code(strict) == 0


def _test(run: _Run, project, profile: str | None) -> bool:
    from actionctl.execution import cases as testing
    from actionctl.render import console

    cases = testing.collect(testing.test_files(project, []))
    if not cases:
        run.stage("test", {"cases": 0, "passed": 0, "failed": 0, "failures": []})
        run.say("test: no test cases (tests/*.test.yaml)")
        return True
    report = testing.run_cases(project, cases, profile=profile)
    run.stage("test", {"cases": len(report.results), "passed": report.passed, "failed": report.failed,
                       "failures": [{"case": r.case.id, "file": project.relpath(r.case.file), "messages": r.failures}
                                    for r in report.results if not r.ok]})
    if run.text and not run.github:
        console.test_report(report, project.relpath)
    for result in report.results:
        if not result.ok and run.github:
            run.annotate("error", "; ".join(result.failures), file=result.case.file,
                         title=f"test failed: {result.case.id}")
    if run.github or not run.text:
        run.say(f"test: {report.passed} passed, {report.failed} failed")
    return report.ok


def _diff_and_push(run: _Run, project, remote: Remote, deploy: bool, prune: bool, publish: bool) -> None:
    from actionctl import sync
    from actionctl.cli.sync import finish_push, where
    from actionctl.render import console, plan_view

    with remote.connected() as (target, client):
        plan, state = sync.compare(project, client, target.profile, prune=prune, publish=publish)
        run.stage("diff", plan.as_json())
        if run.text:
            plan_view.render_plan(console.out(), plan, where(target))
        _summarise(run, plan, target, deploy)
        if not deploy:
            return
        if not plan.has_changes:
            sync.record_unchanged(plan, state)
            run.stage("push", None)
            return
        outcome = sync.apply(plan, client, state, force=False)
        run.stage("push", {**outcome.as_json(), "requests": client.stats.as_json()})
        if run.text:
            plan_view.render_outcome(console.err(), outcome)
    finish_push(outcome)


def _summarise(run: _Run, plan, target, deploy: bool) -> None:
    """The plan as a notice on the run and a table in the job summary, for whoever reviews the change."""
    from actionctl.render.plan_view import summary_line
    from actionctl.sync.model import UNCHANGED

    line = summary_line(plan).plain
    if run.github:
        run.annotate("notice", f"{line} ({'deploying' if deploy else 'not deployed: run with --deploy'})",
                     title=f"actionctl plan for app {target.app}")
    summary_file = os.environ.get(Env.GITHUB_STEP_SUMMARY)
    if summary_file:
        rows = [f"| {s.kind} | `{s.name}` | {', '.join(c.field for c in s.changes) or s.reason or ''} |"
                for s in plan.steps if s.kind != UNCHANGED]
        text = (f"### actionctl plan for app {target.app}\n\n{line}\n\n"
                + ("| change | action | fields |\n|---|---|---|\n" + "\n".join(rows) + "\n" if rows else ""))
        with Path(summary_file).open("a", encoding="utf-8") as handle:
            handle.write(text + "\n")

