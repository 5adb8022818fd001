"""`actionctl ci`: the lint-and-deploy step of a pipeline — validate, test, diff, and (with --deploy) push.

The stages run in the core (actionctl/pipeline.py); this module shows each as it ends. In GitHub
Actions (GITHUB_ACTIONS=true, or `--annotations github`) problems become annotations on the pull
request and the plan is added to the job summary.
"""

from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, choices, remote_options
from actionctl.envvars import Env

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote
    from actionctl.pipeline import CiReport


class Annotations(str, enum.Enum):
    auto = "auto"
    github = "github"
    none = "none"


@app.command(rich_help_panel=usage.DEPLOY, epilog=usage.examples("actionctl ci", "actionctl ci --deploy --publish"))
@remote_options()
def ci(
    deploy: bool = typer.Option(False, "--deploy", help="Push the plan (without asking) once everything passed."),
    prune: bool = typer.Option(False, "--prune", help="With --deploy: delete actions not in the repository."),
    publish: bool = typer.Option(False, "--publish", help="With --deploy: publish what the push changes."),
    skip_tests: bool = typer.Option(False, "--skip-tests", help="Do not run tests/*.test.yaml."),
    strict: bool = typer.Option(False, "--strict", help="Fail on validation warnings too."),
    annotations: Annotations = typer.Option(Annotations.auto, "--annotations", metavar=choices(Annotations),
                                            help="GitHub workflow annotations (auto: when GITHUB_ACTIONS=true)."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Validate, test, diff and (with --deploy) push.

    Never prompts. Exit 0 all good, 1 a check failed (or a conflict held the deploy back), 3 the service refused;
    without --deploy, changes are only shown."""
    from actionctl import pipeline
    from actionctl.project import open_project

    github = annotations is Annotations.github or (annotations is Annotations.auto
                                                   and os.environ.get(Env.GITHUB_ACTIONS) == "true")
    project = open_project(required=True)
    view = _View(fmt, github, deploy, project.relpath)
    report = pipeline.run(project, remote.profile, lambda: remote.target(project),
                          pipeline.CiOptions(deploy, prune, publish, skip_tests, strict),
                          log=remote.request_log(), observer=view.stage)
    view.finish(report)


class _View:
    """Each stage shown as it ends (text, GitHub annotations, the job summary), then the JSON and the exit."""

    def __init__(self, fmt: OutputFormat, github: bool, deploy: bool, relpath) -> None:
        self.fmt = fmt
        self.github = github
        self.deploy = deploy
        self.relpath = relpath

    @property
    def text(self) -> bool:
        return self.fmt is OutputFormat.text

    def stage(self, name: str, report: CiReport) -> None:
        from actionctl.pipeline import DIFF, PUSH, TEST, VALIDATE

        {VALIDATE: self._validate, TEST: self._test, DIFF: self._diff, PUSH: self._push}[name](report)

    def finish(self, report: CiReport) -> None:
        from actionctl.render import ci_report, json_writer

        if report.error is not None and self.github:
            self.annotate("error", f"{report.error.message} [{report.error.code}]", title="actionctl ci")
        if self.fmt is OutputFormat.json:
            json_writer.emit(ci_report.to_json(report, self.relpath))
        if report.error is not None:
            raise report.error
        if report.exit_code:
            raise typer.Exit(report.exit_code)

    def say(self, line: str) -> None:
        from actionctl.render import console

        console.note(line)

    def annotate(self, level: str, message: str, **props: Any) -> None:
        from actionctl.render.diagnostic_formats import github_command

        sys.stdout.write(github_command(level, message, **props) + "\n")

    def _validate(self, report: CiReport) -> None:
        from actionctl.render import console, diagnostic_formats

        if self.github and report.validation.diagnostics:
            sys.stdout.write(diagnostic_formats.to_github(report.validation) + "\n")
        elif self.text:
            console.diagnostics(report.validation)

    def _test(self, report: CiReport) -> None:
        from actionctl.render import console

        tests = report.tests
        if not tests.results:
            self.say("test: no test cases (tests/*.test.yaml)")
            return
        if self.text and not self.github:
            console.test_report(tests, self.relpath)
        for result in tests.results:
            if not result.ok and self.github:
                self.annotate("error", "; ".join(result.failures), file=result.case.file,
                              title=f"test failed: {result.case.id}")
        if self.github or not self.text:
            self.say(f"test: {tests.passed} passed, {tests.failed} failed")

    def _diff(self, report: CiReport) -> None:
        from actionctl.cli.sync import where
        from actionctl.render import console, plan_view

        if report.diff_skipped is not None:
            self.say(f"diff: skipped — no token for the service (set {Env.TOKEN} to see the plan)")
            return
        if self.text:
            plan_view.render_plan(console.out(), report.plan, where(report.target))
        self._summarise(report)

    def _push(self, report: CiReport) -> None:
        from actionctl.render import console, plan_view

        if report.outcome is not None and self.text:
            plan_view.render_outcome(console.err(), report.outcome)

    def _summarise(self, report: CiReport) -> None:
        """The plan as a notice on the run and a table in the job summary, for whoever reviews the change."""
        from actionctl.render import ci_report
        from actionctl.render.plan_view import summary_line

        line = summary_line(report.plan).plain
        if self.github:
            deploying = "deploying" if self.deploy else "not deployed: run with --deploy"
            self.annotate("notice", f"{line} ({deploying})", title=f"actionctl plan for app {report.target.app}")
        summary_file = os.environ.get(Env.GITHUB_STEP_SUMMARY)
        if summary_file:
            with Path(summary_file).open("a", encoding="utf-8") as handle:
                handle.write(ci_report.job_summary(report, line) + "\n")
