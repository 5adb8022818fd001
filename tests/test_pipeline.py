"""The core under `push` and `ci`: the deploy gate, and the ci pipeline as a report of its stages."""

from __future__ import annotations

import pytest
from support import EMULATOR_TOKEN, UNLIMITED, edit

from actionctl import pipeline
from actionctl.errors import ValidationFailedError
from actionctl.project import open_project
from actionctl.remote import target as targets
from actionctl.sync import gate


def run(options: pipeline.CiOptions, target_of=None) -> tuple[pipeline.CiReport, list[str]]:
    told: list[str] = []
    project = open_project()
    report = pipeline.run(project, None, target_of or (lambda: targets.resolve(project)), options,
                          observer=lambda stage, _report: told.append(stage))
    return report, told


def never_connect():
    raise AssertionError("the pipeline connected although a check failed")


def test_the_gate_refuses_an_invalid_project_with_its_report(cli, project):
    cli("new", "hello")
    cli("new", "other")
    assert gate.require_valid(open_project(), None).actions == 2
    edit(project / "actions/other.yaml", "environment: server", "environment: moon")
    with pytest.raises(ValidationFailedError) as refused:
        gate.require_valid(open_project(), None)  # one broken action holds back the whole project
    assert refused.value.code == "VALIDATION_FAILED" and refused.value.exit_code == 1
    assert [d.code for d in refused.value.report.diagnostics] == ["ENVIRONMENT_INVALID"]
    assert str(refused.value) == "1 validation error(s): nothing was sent — `actionctl validate` shows them"


def test_a_strict_gate_refuses_warnings_too(cli, project):
    cli("new", "hello")
    edit(project / "actions/hello.js", "return {", "Fliplet.Nope.go();\n  return {")
    assert gate.require_valid(open_project(), None).warnings == 1
    with pytest.raises(ValidationFailedError, match="1 validation warning"):
        gate.require_valid(open_project(), None, strict=True)


def test_a_failed_check_ends_the_run_before_the_service_is_asked(cli, project):
    cli("new", "hello")
    edit(project / "actions/hello.yaml", "environment: server", "environment: moon")
    report, told = run(pipeline.CiOptions(deploy=True), never_connect)
    assert told == ["validate"] and report.failed == "validate" and report.exit_code == 1
    assert report.validation.errors == 1 and report.tests is None and report.error is None

    edit(project / "actions/hello.yaml", "environment: moon", "environment: server")
    (project / "tests").mkdir(exist_ok=True)  # `new` made it, with a first case
    (project / "tests/hello.test.yaml").write_text("action: hello\ncases:\n  - name: fails\n    expect:\n"
                                                  "      result: {success: false}\n")
    report, told = run(pipeline.CiOptions(deploy=True), never_connect)
    assert told == ["validate", "test"] and report.failed == "test" and report.tests.failed == 1


def test_without_a_token_the_diff_is_skipped_unless_deploying(cli, project, monkeypatch):
    monkeypatch.delenv("ACTIONCTL_TOKEN", raising=False)
    cli("new", "hello")
    (project / "tests/hello.test.yaml").unlink()
    report, told = run(pipeline.CiOptions())
    assert told == ["validate", "test", "diff"] and report.ok and report.diff_skipped == pipeline.NO_TOKEN
    assert report.tests.results == [] and report.plan is None
    report, told = run(pipeline.CiOptions(deploy=True))
    assert told == ["validate", "test"] and report.error.code == "NOT_LOGGED_IN" and report.exit_code == 2


def test_deploying_pushes_the_plan_and_a_conflict_is_the_error_of_the_run(cli, remote, project):
    from actionctl.remote.client import Client
    from actionctl.remote.pacing import Pacer

    cli("new", "hello")
    shown, told = run(pipeline.CiOptions(skip_tests=True))
    assert told == ["validate", "diff"] and shown.plan.summary()["create"] == 1 and not shown.pushed
    deployed, told = run(pipeline.CiOptions(deploy=True))
    assert told == ["validate", "test", "diff", "push"] and deployed.ok
    assert [d.name for d in deployed.outcome.done] == ["hello"] and deployed.requests["requests"] > 0
    again, _ = run(pipeline.CiOptions(deploy=True))
    assert again.pushed and again.outcome is None and again.ok

    with Client(remote.url, EMULATOR_TOKEN, 1, pacer=Pacer(UNLIMITED)) as client:
        client.update_action(client.find_action("hello")["id"], {"description": "browser"})
    conflict, told = run(pipeline.CiOptions(deploy=True))
    assert told[-1] == "push" and conflict.outcome.refused[0].name == "hello"
    assert conflict.error.code == "SYNC_CONFLICT" and conflict.exit_code == 1 and not conflict.ok
