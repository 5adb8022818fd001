"""Limits as the platform documents them: a deadline by environment (120 s server, 30 s client), a 6 MB result, no
fixed payload limit (a warning past 2,048 characters unless `limits.payload` asks for a refusal), and the chosen
profile's `limits:` applied to run and test.

No test here waits for a deadline: which deadline a run gets is read from what the run reports, and from the
prepared run the worker is handed.
"""

from __future__ import annotations

import json

import pytest

from actionctl.execution import prepare
from actionctl.project import open_project

RETURN_ONE = "async function execute(context) { return 1; }\n"
LONG_PAYLOAD = json.dumps({"note": "x" * 2040})  # 2,051 characters of JSON
PAYLOAD_WARNING = ("warning: the payload is 2051 characters of JSON: the platform sets no fixed limit, but past "
                   "2,048 it may not fit the URL it travels in — pass an id instead (limits.payload in actionctl.yaml "
                   "turns this into a refusal)\n")


def manifest(environment: str, trigger: str = "manual") -> str:
    return f"name: a\nactive: true\nenvironment: {environment}\ntriggers: [{{trigger: {trigger}}}]\n"


def deadline_of(cli, *args: str) -> dict:
    result = cli("run", "a", *args, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.json["deadline"]


# --- the deadline by environment ----------------------------------------------------------------------------


@pytest.mark.parametrize(("environment", "trigger", "expected"), [
    ("server", "manual", {"seconds": 120, "environment": "server", "setBy": "platform"}),
    ("client", "manual", {"seconds": 30, "environment": "client", "setBy": "platform"}),
    # An `any` action runs where its trigger is served; a manual run may be on either side: the shorter deadline.
    ("any", "manual", {"seconds": 30, "environment": "client", "setBy": "platform"}),
    ("any", "schedule", {"seconds": 120, "environment": "server", "setBy": "platform"}),
    ("any", "analytics", {"seconds": 30, "environment": "client", "setBy": "platform"}),
])
def test_the_deadline_is_the_platforms_for_the_environment_and_the_run_says_which(cli, action, environment,
                                                                                   trigger, expected):
    action(RETURN_ONE, manifest=manifest(environment, trigger))
    extra = ("--trigger", trigger, "--event", '{"type": "analytics.pageView"}') if trigger == "analytics" else (
        ("--trigger", trigger) if trigger != "manual" else ())
    assert deadline_of(cli, *extra) == expected


def test_a_scheduled_run_of_an_any_action_gets_the_server_deadline(cli, action):
    action(RETURN_ONE, manifest="name: a\nactive: true\nenvironment: any\nfrequency: '0 8 * * 1'\n"
                                "timezone: Europe/Rome\ntriggers: [{trigger: schedule}]\n")
    [run] = cli("trigger", "schedule", "a", "--format", "json").json["runs"]
    assert run["deadline"] == {"seconds": 120, "environment": "server", "setBy": "platform"}


def test_the_worker_is_handed_the_client_deadline(action, project):
    action(RETURN_ONE, manifest=manifest("client"))
    found = open_project(project)
    prepared = prepare.prepare(found, prepare.find_action(found, "a"), prepare.RunOptions())
    assert prepared.timeout == 30


def test_limits_timeout_overrides_both_environments_and_timeout_overrides_it(cli, action, project):
    (project / "actionctl.yaml").write_text("region: eu\nlimits: {timeout: 45}\n")
    action(RETURN_ONE, manifest=manifest("client"))
    assert deadline_of(cli) == {"seconds": 45, "environment": "client", "setBy": "limits.timeout"}
    assert deadline_of(cli, "--timeout", "5") == {"seconds": 5, "environment": "client", "setBy": "timeout"}


def test_a_run_of_an_any_action_says_in_text_which_side_it_ran_as(cli, action):
    action(RETURN_ONE, manifest=manifest("any"))
    result = cli("run", "a")
    assert result.exit_code == 0
    assert result.stderr == "a runs as a client action, 30 s (the platform's client limit)\n"
    assert result.stdout.startswith("✓ a") and result.stdout.endswith("result\n1\n")  # the run view, as for any run


def test_a_run_of_a_server_action_says_nothing_more(cli, action):
    action(RETURN_ONE, manifest=manifest("server"))
    result = cli("run", "a")
    assert result.stderr == "" and result.stdout.startswith("✓ a")


def test_test_reports_the_deadline_of_each_case(cli, action, tree):
    action(RETURN_ONE, manifest=manifest("any"))
    tree({"tests/a.test.yaml": "action: a\ncases:\n  - {name: one, expect: {result: 1}}\n"
                               "  - {name: quick, timeout: 2, expect: {result: 1}}\n"})
    body = cli("test", "--format", "json").json
    assert [c["deadline"] for c in body["cases"]] == [
        {"seconds": 30, "environment": "client", "setBy": "platform"},
        {"seconds": 2, "environment": "client", "setBy": "timeout"}]
    lines = cli("test").stdout.splitlines()
    assert lines[0].startswith("✓ tests/a.test.yaml::one  ")
    assert lines[0].endswith(" ms  (as a client action, 30 s (the platform's client limit))")
    assert lines[1].endswith(" ms  (as a client action, 2 s (the timeout asked for))")


# --- the payload ------------------------------------------------------------------------------------------


def test_a_long_payload_runs_with_a_warning_as_the_platform_has_no_fixed_limit(cli, action):
    action(RETURN_ONE)
    result = cli("run", "a", "--payload", LONG_PAYLOAD)
    assert result.exit_code == 0
    assert result.stderr == PAYLOAD_WARNING


def test_a_test_case_with_a_long_payload_runs(cli, action, tree):
    action("async function execute(context) { return context.payload.note.length; }\n")
    tree({"tests/a.test.yaml": f"action: a\ncases:\n  - name: long\n    payload: {LONG_PAYLOAD}\n"
                               "    expect: {result: 2040}\n"})
    result = cli("test")
    assert result.exit_code == 0, result.stdout


# --- the result -------------------------------------------------------------------------------------------


def test_the_result_limit_is_6_000_000_bytes_of_json(cli, action):
    # 'x' repeated n times is n + 2 bytes of JSON (the quotes).
    action("async function execute(context) { return 'x'.repeat(context.payload.n); }\n")
    assert cli("run", "a", "--payload", '{"n": 5999998}', "--format", "json").exit_code == 0
    over = cli("run", "a", "--payload", '{"n": 5999999}', "--format", "json").json["error"]
    assert over["code"] == "RESULT_TOO_LARGE"
    assert over["message"] == "the result is 6,000,001 bytes of JSON; the service allows 6,000,000"


# --- the profile's limits ---------------------------------------------------------------------------------


PROFILED = ("region: eu\nlimits: {memory: 128}\n"
            "profiles:\n  small: {limits: {result: 1000, payload: 100}}\n  plain: {app: 2}\n")


def test_run_with_a_profile_uses_the_profiles_limits(cli, action, project):
    (project / "actionctl.yaml").write_text(PROFILED)
    action("async function execute(context) { return 'x'.repeat(1200); }\n")
    assert cli("run", "a", "--format", "json").exit_code == 0
    assert cli("run", "a", "--profile", "plain", "--format", "json").exit_code == 0
    small = cli("run", "a", "--profile", "small", "--format", "json").json["error"]
    assert small["code"] == "RESULT_TOO_LARGE" and small["message"].endswith("the service allows 1,000")
    refused = cli("run", "a", "--profile", "small", "--payload", '{"note": "' + "x" * 100 + '"}', "--format", "json")
    assert refused.json["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_profile_keeps_the_project_limits_it_does_not_set(project):
    (project / "actionctl.yaml").write_text(PROFILED)
    limits = open_project(project).limits("small")
    assert (limits["memory"], limits["result"], limits["payload"]) == (128, 1000, 100)
    assert "timeout" not in limits  # unset: the platform's deadline by environment


def test_test_with_a_profile_uses_the_profiles_limits(cli, action, project, tree):
    (project / "actionctl.yaml").write_text(PROFILED)
    action("async function execute(context) { return 'x'.repeat(1200); }\n")
    tree({"tests/a.test.yaml": "action: a\ncases:\n  - {name: big, expect: {error: RESULT_TOO_LARGE}}\n"})
    assert cli("test", "--profile", "small").exit_code == 0
    assert cli("test").exit_code == 1


def test_an_unusable_limit_in_a_profile_is_a_coded_error(cli, action, project):
    (project / "actionctl.yaml").write_text("region: eu\nprofiles:\n  p: {limits: {timeout: .inf}}\n")
    action(RETURN_ONE)
    result = cli("run", "a", "--profile", "p", "--no-validate")
    assert (result.exit_code, result.stderr) == (
        2, "error: actionctl.yaml:3:25: limits.timeout must be a positive number up to 86,400 [CONFIG_INVALID]\n")
