"""The `ci` pipeline as data: validate → test → diff → push (with `deploy`), never prompting.

Each stage stops the run when it fails, so a broken action is never deployed: validation is the deploy
gate (sync/gate.py), the test cases run next, then the plan against the service, and with `deploy`
exactly that plan is applied. Nothing here prints: `run` returns a CiReport of the stages that ran,
and tells its observer of each stage as it ends, so that a terminal can show them as they come.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from actionctl.envvars import Env
from actionctl.errors import ActionctlError, ValidationFailedError

if TYPE_CHECKING:
    from actionctl.diagnostics import Report
    from actionctl.execution.cases import TestReport
    from actionctl.project import Project
    from actionctl.remote.target import Target
    from actionctl.sync.model import Outcome, Plan

VALIDATE, TEST, DIFF, PUSH = "validate", "test", "diff", "push"
NO_TOKEN = f"no token (set {Env.TOKEN} to see the plan)"


@dataclass(frozen=True)
class CiOptions:
    deploy: bool = False       # push the plan once everything passed
    prune: bool = False        # with deploy: delete actions not in the repository
    publish: bool = False      # with deploy: publish what the push changes
    skip_tests: bool = False
    strict: bool = False       # validation warnings fail too


@dataclass
class CiReport:
    """What each stage found; a stage that did not run is None (or False)."""

    validation: Report | None = None
    tests: TestReport | None = None     # empty when the project has no test cases
    target: Target | None = None
    plan: Plan | None = None
    diff_skipped: str | None = None     # why there is no plan (no token, and not deploying)
    pushed: bool = False                # the push stage ran (with nothing to push, `outcome` stays None)
    outcome: Outcome | None = None
    requests: dict[str, Any] | None = None  # the client's request statistics once the push was applied
    failed: str | None = None           # the check that failed: VALIDATE or TEST
    error: ActionctlError | None = None  # what ended the run otherwise

    @property
    def ok(self) -> bool:
        return self.failed is None and self.error is None

    @property
    def exit_code(self) -> int:
        """0 all good, 1 a check failed, else the error's own (a conflict 1, the service 3, usage 2)."""
        if self.error is not None:
            return self.error.exit_code
        return 1 if self.failed else 0


Observer = Callable[[str, CiReport], None]


def run(project: Project, profile: str | None, target_of: Callable[[], Target], options: CiOptions, *,
        log: Callable[[str], None] | None = None, observer: Observer | None = None) -> CiReport:
    """Run the stages in order until one fails. `target_of` resolves the service to talk to, once the checks passed.

    An ActionctlError ends the run and is kept in the report (`error`), after the stages that ran.
    """
    report = CiReport()

    def tell(stage: str) -> None:
        if observer is not None:
            observer(stage, report)

    try:
        if _validate(report, project, profile, options, tell) and _test(report, project, profile, options, tell):
            _diff_and_push(report, project, target_of, options, log, tell)
    except ActionctlError as exc:
        report.error = exc
    return report


def _validate(report: CiReport, project: Project, profile: str | None, options: CiOptions, tell) -> bool:
    from actionctl.sync import gate

    try:
        report.validation = gate.require_valid(project, profile, strict=options.strict)
    except ValidationFailedError as refused:
        report.validation, report.failed = refused.report, VALIDATE
    tell(VALIDATE)
    return report.failed is None


def _test(report: CiReport, project: Project, profile: str | None, options: CiOptions, tell) -> bool:
    if options.skip_tests:
        return True
    from actionctl.execution import cases as testing

    cases = testing.collect(testing.test_files(project, []), root=project.root)
    report.tests = (testing.run_cases(project, cases, profile=profile) if cases
                    else testing.TestReport(project.root, []))  # no cases: no workers to start
    if not report.tests.ok:
        report.failed = TEST
    tell(TEST)
    return report.failed is None


def _diff_and_push(report: CiReport, project: Project, target_of: Callable[[], Target], options: CiOptions,
                   log, tell) -> None:
    from actionctl import sync
    from actionctl.remote.target import client_for
    from actionctl.sync import listing

    report.target = target = target_of()
    if not target.token and not options.deploy:
        report.diff_skipped = NO_TOKEN
        tell(DIFF)
        return
    with client_for(target, log=log) as client:
        report.plan, state = sync.compare(project, client, target.profile, prune=options.prune,
                                          publish=options.publish)
        tell(DIFF)
        if not options.deploy:
            listing.refuse(report.plan.unusable)
            return
        report.pushed = True
        if report.plan.has_changes:
            report.outcome = sync.apply(report.plan, client, state, force=False)
            report.requests = client.stats.as_json()
        else:
            sync.record_unchanged(report.plan, state)
        tell(PUSH)
    if report.outcome is not None:
        sync.finish_push(report.outcome)
    listing.refuse(report.plan.unusable)  # after the rest was compared and pushed, as `diff` and `push` do
