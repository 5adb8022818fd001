"""Against a second, deliberately different service (tests/other_platform.py): the client copes where the
platform's record allows more than one answer, and where it cannot guess, an `api:` entry in actionctl.yaml
corrects it — no code change, no release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from other_platform import CREATE_FIELDS, TOKEN, other_platform

from actionctl.remote import paths

MANUAL = "name: {name}\nactive: true\ntriggers: [{{trigger: manual}}]\n"
CODE = "async function execute(context) {\n  return context.payload;\n}\n"
RUN_IN_QUERY = "api:\n  run_action: {payload: query}\n"
LOGS_APP_WIDE = "api:\n  app_logs: {path: 'v3/apps/{app}/logs'}\n  action_logs: {path: 'v3/apps/{app}/logs'}\n"


@pytest.fixture
def other(project, monkeypatch):
    """The project pointed at the other service (app 5); `configure(extra)` appends to its actionctl.yaml."""
    with other_platform() as (url, platform):
        base = f"region: eu\napp: 5\napi_url: {url}\n"

        def configure(extra: str = "") -> None:
            (project / "actionctl.yaml").write_text(base + extra)

        configure()
        monkeypatch.setenv("ACTIONCTL_TOKEN", TOKEN)
        platform.configure = configure
        yield platform


def pushed(cli, action, name: str = "a") -> None:
    action(CODE, name)
    result = cli("push", "--yes", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr


def test_a_push_sends_only_the_documented_fields(cli, action, other):
    # integrationOrigins was never a platform field: the other service refuses a body that carries it.
    action(CODE, "a", "name: a\nactive: true\ntriggers: [{trigger: manual}]\nintegrationOrigins: [x]\n")
    assert cli("push", "--yes").exit_code == 0
    action("async function execute(context) {\n  return 2;\n}\n", "a",
           "name: a\nactive: true\ndescription: hello\ntriggers: [{trigger: manual}]\nintegrationOrigins: [x]\n")
    assert cli("push", "--yes").exit_code == 0
    writes = [body for method, _, _, body in other.requests if method in ("POST", "PUT")]
    assert len(writes) == 2 and all(set(body) <= set(CREATE_FIELDS) for body in writes)
    assert set(writes[1]) == {"code", "description"}  # an update sends the changed fields alone


def test_a_run_payload_in_the_query_string_needs_the_route_corrected(cli, action, other):
    pushed(cli, action)
    # As inferred, the payload goes in a JSON body, which this service does not read: the run sees none.
    assert cli("remote", "run", "a", "-p", '{"n": 1}', "--format", "json").json["result"] == {"echo": {}}
    other.configure(RUN_IN_QUERY)
    result = cli("remote", "run", "a", "-p", '{"n": 1}', "--format", "json")
    assert result.exit_code == 0 and result.json["result"] == {"echo": {"n": 1}}
    method, path, query, body = other.requests[-1]
    assert path.endswith("/run")
    assert (method, json.loads(query["payload"]), body) == ("POST", {"n": 1}, {})


def test_logs_at_another_path_are_read_once_the_route_is_corrected(cli, action, other):
    pushed(cli, action)
    other.configure(RUN_IN_QUERY)
    for n in (1, 2):
        assert cli("remote", "run", "a", "-p", json.dumps({"n": n})).exit_code == 0
    refused = cli("logs", "a")
    assert refused.exit_code != 0 and "no route GET /v3/apps/5/actions/" in refused.stderr
    assert refused.stderr.startswith("error: ") and refused.stderr.count("\n") == 1
    other.configure(RUN_IN_QUERY + LOGS_APP_WIDE.removeprefix("api:\n"))
    result = cli("logs", "a", "--format", "json")
    assert result.exit_code == 0, result.stderr
    # The documented shape only: no top-level action id; the action is data.taskId; oldest first.
    assert [log["data"]["payload"] for log in result.json["logs"]] == [{"n": 1}, {"n": 2}]
    _, path, query, _ = other.requests[-1]
    action_id = result.json["logs"][0]["data"]["taskId"]
    assert path == "/v3/apps/5/logs" and json.loads(query["where"]) == {"data": {"taskId": action_id}}
    text = cli("logs")
    assert text.exit_code == 0 and text.stdout.count(" a  on-demand") == 2


def test_a_profile_corrects_routes_one_by_one_over_the_top_level(cli, action, other, project):
    pushed(cli, action)
    other.configure(LOGS_APP_WIDE + "profiles:\n  live:\n    api:\n      run_action: {payload: query}\n")
    result = cli("remote", "run", "a", "-p", '{"n": 3}', "--profile", "live", "--format", "json")
    assert result.json["result"] == {"echo": {"n": 3}}
    logs = cli("logs", "a", "--profile", "live", "--format", "json")  # the top level's logs route still holds
    assert logs.exit_code == 0 and logs.json["logs"][-1]["data"]["payload"] == {"n": 3}


@pytest.mark.parametrize(("section", "message"), [
    ("api:\n  logz: {path: x}\n", 'unknown route "logz"'),
    ("api:\n  get_action: {path: 'v3/apps/{app}/actions'}\n", "api.get_action.path must keep {id}"),
    ("api:\n  app_logs: {path: 'v3/apps/{app}/{version}/logs'}\n", "api.app_logs.path may hold only {app}"),
    ("api:\n  run_action: {payload: form}\n", "api.run_action.payload must be body or query"),
    ("api:\n  list_actions: {payload: query}\n", "api.list_actions.payload is set on run_action only"),
    ("api:\n  delete_action: {method: FETCH}\n", "api.delete_action.method must be one of GET, POST, PUT"),
    ("api:\n  list_actions: {path: null}\n", "api.list_actions.path must be a path relative to the host"),
    ("api:\n  list_actions: {method: null}\n", "api.list_actions.method must be one of GET"),
    # A read stays a read: diff, whoami and doctor promise to change nothing.
    ("api:\n  list_actions: {method: POST}\n", "api.list_actions.method must stay GET"),
    ("api:\n  current_user: {method: delete}\n", "api.current_user.method must stay GET"),
    ("api:\n  get_action: {path: 'https://elsewhere/{app}/{id}'}\n", "must be a path relative to the host"),
    # Nothing can turn a path into another host's URL (the token goes with every request) or climb out of it.
    ("api:\n  get_action: {path: 'http:elsewhere/{app}/{id}'}\n", "must be a path relative to the host"),
    ("api:\n  get_action: {path: 'x@elsewhere/{app}/{id}'}\n", "must be a path relative to the host"),
    ("api:\n  get_action: {path: 'v3/../../{app}/{id}'}\n", "must be a path relative to the host"),
    ("api:\n  get_action: {path: 'v3/%2e%2e/{app}/{id}'}\n", "must be a path relative to the host"),
    ("api:\n  get_action: {path: 'v3/{app}/{id}', verb: GET}\n", 'api.get_action.verb is not a setting'),
    ("api: [run_action]\n", "api must be a mapping of route names"),
])
def test_an_override_that_cannot_be_used_stops_validate_and_every_remote_command(cli, project, other, section,
                                                                                    message):
    other.configure(section)
    checked = cli("validate", "--format", "json")
    assert checked.exit_code != 0
    found = [d for d in checked.json["diagnostics"] if d["code"] == "CONFIG_INVALID"]
    assert found and message in found[0]["message"] and found[0]["line"] >= 4
    refused = cli("remote", "list")
    assert refused.exit_code == 2 and refused.stderr.startswith("error: ") and message in refused.stderr
    assert refused.stderr.rstrip().endswith("[CONFIG_INVALID]")
    assert not other.requests  # nothing was sent


def test_the_route_table_says_how_each_route_is_known():
    rows = {row["route"]: row for row in paths.Routes({"run_action": {"payload": "query"}}).rows()}
    assert rows["publish_app"]["source"] == "documented" and rows["list_versions"]["source"] == "documented"
    assert rows["login"]["source"] == rows["current_user"]["source"] == "observed"
    assert {rows[n]["source"] for n in ("list_actions", "create_action", "run_action", "app_logs")} == {"inferred"}
    assert rows["run_action"]["overridden"] and rows["run_action"]["payload"] == "query"
    assert not rows["get_action"]["overridden"]


def test_the_readme_shows_the_route_table_as_the_code_holds_it():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- routes:start -->\n", 1)[1].split("<!-- routes:end -->", 1)[0]
    assert shown == paths.markdown_table(), "run `python -m actionctl.remote.paths` and paste it into README.md"


def test_publish_state_said_only_as_is_published_is_understood(cli, action, other):
    pushed(cli, action)
    published = cli("publish", "--app-release", "silent", "a", "--format", "json")
    assert published.exit_code == 0, published.stderr
    assert published.json["app"]["version"] == 1
    app_publish = next(body for method, path, _, body in other.requests if path == "/v1/apps/5/publish")
    assert app_publish == {"release": {"type": "silent"}}
    listed = cli("remote", "list", "--format", "json").json["actions"]
    assert [(a["name"], a["published"]) for a in listed] == [("a", True)]
    # No id links master and copy here: the copy is found by name, and it is not behind.
    plan = cli("diff", "--publish", "--format", "json")
    assert plan.exit_code == 0 and plan.json["changes"] is False, plan.stdout


def test_logs_filtered_as_flat_parameters_once_the_route_says_so(cli, action, other):
    """`filter: params` sends the JS API's filter as `?type=&taskId=` instead of `?where=<JSON>`."""
    pushed(cli, action)
    # One action_logs: a key written twice is YAML_DUPLICATE_KEY, which stops the command.
    other.configure(LOGS_APP_WIDE.replace("action_logs: {path: 'v3/apps/{app}/logs'}",
                                          "action_logs: {path: 'v3/apps/{app}/logs', filter: params}"))
    action_id = json.loads(cli("remote", "list", "--format", "json").stdout)["actions"][0]["id"]
    assert cli("logs", "a", "--failed").exit_code == 0
    _, path, query, _ = other.requests[-1]
    assert path == "/v3/apps/5/logs" and "where" not in query
    assert (query["type"], query["taskId"]) == ("app.task.failed", str(action_id))
