"""actionctl.yaml and the project's boundary: a broken or invalid actionctl.yaml stops every command that reads it
before any request, and a command that works on a project's actions says so outside one."""

from __future__ import annotations

import pytest
from support import http_service

# What each broken actionctl.yaml makes every command say: the first problem as `validate` shows it.
BROKEN = {
    "app: [1\n": "error: actionctl.yaml:2:1: did not find expected ',' or ']' (while parsing a flow sequence) "
                 "[YAML_SYNTAX_ERROR]\n",
    "region: mars\n": "error: actionctl.yaml:1:9: region must be eu, us or ca, not 'mars' [CONFIG_INVALID]\n",
    "app: twelve\n": "error: actionctl.yaml:1:6: app must be the numeric id of the Fliplet app [CONFIG_INVALID]\n",
    "rate_limits: {crud: 0}\n": "error: actionctl.yaml:1:21: rate_limits.crud must be a number from 1 to 1,000,000 "
                                "[CONFIG_INVALID]\n",
    "rate_limits: {crud: -3}\n": "error: actionctl.yaml:1:21: rate_limits.crud must be a number from 1 to "
                                 "1,000,000 [CONFIG_INVALID]\n",
    "api_url: api.example.com\n": "error: actionctl.yaml:1:10: api_url must be an http(s) URL [CONFIG_INVALID]\n",
    "regoin: us\n": 'error: actionctl.yaml:1:1: unknown setting "regoin" — did you mean "region"? [UNKNOWN_KEY]\n',
}


@pytest.fixture
def requests():
    """A service that records every request it gets (and lists no actions); (its URL, the requests)."""
    got = []

    def respond(request):
        got.append(request)
        return 200, {"actions": [], "pagination": {"total": 0, "hasMore": False}}

    with http_service(respond) as url:
        yield url, got


@pytest.mark.parametrize("config", list(BROKEN))
def test_a_broken_actionctl_yaml_stops_a_remote_command_before_any_request(cli, tree, monkeypatch, requests,
                                                                           config):
    url, got = requests
    tree({"actionctl.yaml": config})
    monkeypatch.setenv("ACTIONCTL_TOKEN", "secret-token")
    for command in (["diff"], ["push", "--dry-run"], ["remote", "list"], ["pull"]):
        result = cli(*command, "--app", "5", "--api-url", url)
        assert (result.exit_code, result.stderr) == (2, BROKEN[config]), command
    assert got == []


@pytest.mark.parametrize("command", [["list"], ["schedule"], ["test"], ["deps", "fetch"], ["new", "b"],
                                     ["run", "a"], ["trigger", "schedule", "a"]])
def test_a_broken_actionctl_yaml_stops_every_local_command(cli, action, tree, command):
    action("async function execute(context) { return 1 }\n")
    tree({"actionctl.yaml": "region: mars\n"})
    result = cli(*command)
    assert (result.exit_code, result.stderr) == (2, BROKEN["region: mars\n"])


def test_a_broken_actionctl_yaml_is_one_json_error_document_with_the_diagnostic_s_code(cli, tree):
    tree({"actionctl.yaml": "app: [1\n"})
    result = cli("list", "--format", "json")
    assert result.exit_code == 2
    assert result.json["error"]["code"] == "YAML_SYNTAX_ERROR"


def test_the_error_counts_the_problems_it_does_not_show(cli, tree):
    tree({"actionctl.yaml": "region: mars\napp: twelve\n"})
    result = cli("list")
    assert (result.exit_code, result.stderr) == (
        2, "error: actionctl.yaml:1:9: region must be eu, us or ca, not 'mars' (and 1 more: `actionctl validate` "
           "lists them) [CONFIG_INVALID]\n")


def test_validate_still_reports_a_broken_actionctl_yaml_as_a_diagnostic(cli, tree):
    tree({"actionctl.yaml": "region: mars\n"})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert [(d["code"], d["line"], d["column"]) for d in result.json["diagnostics"]] == [("CONFIG_INVALID", 1, 9)]


def test_a_profile_that_is_not_chosen_still_has_to_be_valid(cli, tree):
    tree({"actionctl.yaml": "region: eu\nprofiles:\n  prod: {app: twelve}\n"})
    result = cli("list")
    assert (result.exit_code, result.stderr) == (
        2, "error: actionctl.yaml:3:15: app must be the numeric id of the Fliplet app [CONFIG_INVALID]\n")


# --- outside a project --------------------------------------------------------------------------------

NOT_A_PROJECT = "is not in an actionctl project (no actionctl.yaml here or above) — run `actionctl init` first, " \
                "or cd into the project [PROJECT_NOT_FOUND]\n"


@pytest.mark.parametrize("command", [["validate"], ["test"], ["list"], ["schedule"], ["deps", "fetch"],
                                     ["trigger", "schedule", "a"], ["new", "a"], ["diff", "--app", "5"],
                                     ["ci", "--app", "5"]])
def test_outside_a_project_a_command_that_needs_one_says_so(cli, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = cli(*command)
    assert (result.exit_code, result.stderr) == (2, f"error: {tmp_path} {NOT_A_PROJECT}")


def test_push_prune_from_an_empty_folder_plans_to_delete_nothing(cli, tmp_path, monkeypatch, requests):
    url, got = requests
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACTIONCTL_TOKEN", "secret-token")
    result = cli("push", "--prune", "--dry-run", "--app", "5", "--api-url", url, "--format", "json")
    assert (result.exit_code, result.stderr) == (2, f"error: {tmp_path} {NOT_A_PROJECT}")
    assert result.json["error"]["code"] == "PROJECT_NOT_FOUND"
    assert got == []


def test_validate_of_a_folder_outside_a_project_still_treats_it_as_one(cli, tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text("name: x\nactive: true\ntriggers: [{trigger: manual}]\n")
    (tmp_path / "x.js").write_text("async function execute(context) { return 1 }\n")
    monkeypatch.chdir(tmp_path)
    result = cli("validate", "x.yaml", "--format", "json")
    assert result.json == {"ok": True, "actions": 1, "diagnostics": []}
