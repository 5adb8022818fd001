"""The emulator of the App Actions V3 service, driven over real HTTP on loopback."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from support import (
    ACTIONCTL,
    HANG_LIMIT,
    UNLIMITED,
    FakeClock,
    ctrl_c_as_in_a_terminal,
    normalise,
    route_of,
    start_emulator,
)

from actionctl import deps
from actionctl.emulator import FAULTS_ENV, EmulatorOptions
from actionctl.emulator.server import Gate
from actionctl.errors import UsageError
from actionctl.manifest import FIELDS
from actionctl.remote import paths

TOKEN = "local-token"
CODE = "async function execute(context) {\n  return { echo: context.payload };\n}\n"
OMIT = object()  # a field left out of the body
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
_apps = itertools.count(1000)


def fields(**changes) -> dict:
    body = {"name": "hello", "code": CODE, "active": True, "triggers": [{"trigger": "manual"}], **changes}
    return {key: value for key, value in body.items() if value is not OMIT}


class Api:
    """One app of a running emulator, called through the same routes the real client builds."""

    def __init__(self, server, app: int | None = None, token: str = TOKEN) -> None:
        self.server = server
        self.app = app if app is not None else next(_apps)
        self.http = httpx.Client(base_url=server.url, headers={paths.TOKEN_HEADER: token}, timeout=30)

    def call(self, route: paths.Route, body=None, **params) -> httpx.Response:
        return self.http.request(route.method, route.path, json=body, params=params or None)

    def create(self, **changes) -> dict:
        response = self.call(route_of("create_action", self.app), fields(**changes))
        assert response.status_code == 201, response.text
        return response.json()["action"]

    def update(self, action_id: int, **changes) -> httpx.Response:
        return self.call(route_of("update_action", self.app, action_id), changes)

    def get(self, action_id: int) -> httpx.Response:
        return self.call(route_of("get_action", self.app, action_id))

    def run(self, action_id: int, payload=None, *, wait: bool = True) -> httpx.Response:
        params = {"wait": "true"} if wait else {}
        return self.call(route_of("run_action", self.app, action_id), {"payload": payload}, **params)

    def logs(self, action_id: int | None = None, *, type: str | None = None, task: int | None = None,
             **params) -> dict:
        """Logs filtered as the JS API documents: `where: {type, data: {taskId}}` (sent as JSON in ?where=)."""
        route = route_of("app_logs", self.app) if action_id is None else route_of("action_logs", self.app, action_id)
        where = {"type": type} if type else {}
        if task is not None:
            where["data"] = {"taskId": task}
        if where:
            params["where"] = json.dumps(where)
        response = self.call(route, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def versions(self, action_id: int, **params) -> dict:
        return self.call(route_of("list_versions", self.app, action_id), **params).json()

    def control(self, method: str, name: str, body=None) -> httpx.Response:
        return self.http.request(method, f"_emulator/{name}", json=body)


def refused(response: httpx.Response, status: int, code: str) -> dict:
    assert (response.status_code, response.json().get("status")) == (status, code), response.text
    assert response.json()["error"]
    return response.json()


def wait_for_logs(api: Api, count: int, **params) -> dict:
    """The logs once there are `count` of them (a queued run logs when it ends)."""
    deadline = time.monotonic() + HANG_LIMIT
    while True:
        found = api.logs(**params)
        if found["count"] >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture(scope="module")
def shared():
    """One emulator for the tests that need no particular settings (each works in an app of its own)."""
    with start_emulator(timeout=HANG_LIMIT) as server:
        yield server


@pytest.fixture
def api(shared):
    """A fresh app on the shared emulator, so that tests do not see each other's actions."""
    client = Api(shared)
    yield client
    client.http.close()


@pytest.fixture
def start():
    """Start an emulator with particular options; each is closed after the test."""
    started = []

    def run(**options) -> Api:
        server = start_emulator(**options)
        started.append(server)
        return Api(server)

    yield run
    for server in started:
        server.close()


# --- the contract ----------------------------------------------------------------------------------


def test_every_route_of_the_contract_is_served():
    """Every route of the table the client sends on is one the emulator answers (the sign-in routes included,
    which are answered before any token is asked for)."""
    from actionctl.emulator import accounts
    from actionctl.emulator.server import find

    for name, spec in paths.TABLE.items():
        values = dict(zip(("app", "id", "version"), (7, 8, 9), strict=True))
        route = paths.DEFAULT.build(name, **values)
        if name in accounts.SIGN_IN_ROUTES:
            assert accounts.route("/" + route.path) == name
            continue
        found, params, _ = find(route.method, f"/{route.path}")
        assert found is not None and found.bucket == spec.bucket, route
        assert sorted(params.values()) == sorted(values[p] for p in paths.placeholders(spec.path))


def test_current_user(api):
    response = api.call(route_of("current_user"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"user": {"id": 1, "email": "emulator@localhost", "fullName": "actionctl emulator"}}


def test_create_fills_in_the_service_defaults(api):
    action = api.create(active=OMIT, triggers=OMIT)
    assert action["appId"] == api.app and isinstance(action["id"], int)
    assert {k: action[k] for k in ("description", "active", "environment", "triggers", "dependencies",
                                   "frequency", "timezone", "lastRunAt", "assets")} == {
        "description": None, "active": False, "environment": "server", "triggers": [], "dependencies": [],
        "frequency": None, "timezone": None, "lastRunAt": None, "assets": []}
    assert "integrationOrigins" not in action  # no field of the platform
    assert action["actionVersion"] == "v3"
    assert action["productionTaskId"] is None and action["masterTaskId"] is None
    assert "productionActionId" not in action and "masterActionId" not in action  # names nobody published
    assert ISO.match(action["createdAt"]) and action["createdAt"] == action["updatedAt"]
    assert api.get(action["id"]).json() == {"action": action}


def test_assets_come_from_the_fliplet_packages(api):
    code = "async function execute(context) {\n  return Fliplet.DataSources.connect(1);\n}\n"
    action = api.create(code=code, dependencies=["fliplet-datasources", "https://cdn.example.com/lib.js"])
    assert action["assets"] == [{"name": "fliplet-datasources",
                                 "url": "https://cdn.fliplet.com/assets/fliplet-datasources/1.0/datasources.js",
                                 "path": "assets/fliplet-datasources/1.0/datasources.js"}]


def test_keys_the_service_sets_are_ignored_and_others_refused(api):
    action = api.create(id=999_999, appId=1, assets=[], createdAt="x", productionTaskId=5,
                        masterTaskId=None, isPublished=True)
    assert action["id"] != 999_999 and action["appId"] == api.app
    body = refused(api.call(route_of("create_action", api.app), fields(nmae="x")), 400, "UNKNOWN_KEY")
    assert "nmae" in body["error"]


@pytest.mark.parametrize(("changes", "code"), [
    ({"name": OMIT}, "NAME_REQUIRED"),
    ({"name": None}, "NAME_REQUIRED"),
    ({"name": "   "}, "NAME_EMPTY"),
    ({"name": "a" * 256}, "NAME_TOO_LONG"),
    ({"name": "hello world"}, "NAME_INVALID_CHARS"),
    ({"code": OMIT}, "CODE_REQUIRED"),
    ({"code": ""}, "CODE_EMPTY"),
    ({"code": "async function execute(context) { return Fliplet.DataSources.connect(1); }"},
     "CODE_VALIDATION_FAILED"),
    ({"code": "async function run(context) { return 1; }"}, "CODE_VALIDATION_FAILED"),
    ({"code": "async function execute(context) { return ; ) }"}, "CODE_VALIDATION_FAILED"),
    ({"environment": "cloud"}, "ENVIRONMENT_INVALID"),
    ({"frequency": "every day", "triggers": [{"trigger": "schedule"}]}, "FREQUENCY_INVALID"),
    ({"frequency": "* * * * *", "triggers": [{"trigger": "schedule"}]}, "FREQUENCY_TOO_FREQUENT"),
    ({"timezone": "Mars/Olympus"}, "TIMEZONE_INVALID"),
    ({"triggers": "manual"}, "TRIGGERS_INVALID"),
    ({"triggers": [{"trigger": "cron"}]}, "TRIGGER_TYPE_INVALID"),
    ({"environment": "client", "triggers": [{"trigger": "schedule"}]}, "TRIGGER_NOT_ALLOWED"),
    ({"dependencies": "fliplet-datasources"}, "DEPENDENCIES_INVALID"),
    ({"dependencies": ["ftp://example.com/x.js"]}, "DEPENDENCIES_INVALID"),
    ({"active": "yes"}, "TYPE_INVALID"),
    ({"code": 42}, "TYPE_INVALID"),
])
def test_create_refuses_what_validation_calls_an_error(api, changes, code):
    refused(api.call(route_of("create_action", api.app), fields(**changes)), 400, code)
    assert api.call(route_of("list_actions", api.app)).json()["pagination"]["total"] == 0


def test_a_body_that_is_not_a_json_object_is_a_bad_request(api):
    route = route_of("create_action", api.app)
    refused(api.http.request(route.method, route.path, content=b"{nope"), 400, "BAD_REQUEST")
    refused(api.call(route, [1, 2]), 400, "BAD_REQUEST")


def test_names_are_unique_among_an_apps_masters(api, shared):
    first = api.create(name="hello")
    refused(api.call(route_of("create_action", api.app), fields(name="hello")), 409, "NAME_ALREADY_EXISTS")
    other = api.create(name="other")
    refused(api.update(other["id"], name="hello"), 409, "NAME_ALREADY_EXISTS")
    assert api.update(first["id"], name="hello", active=False).status_code == 200  # its own name is no clash
    assert Api(shared).create(name="hello")["name"] == "hello"  # another app


def test_update_is_partial_and_validates_the_result(api):
    action = api.create(description="first", frequency="0 8 * * 1", timezone="Europe/Rome",
                        triggers=[{"trigger": "schedule"}])
    updated = api.update(action["id"], active=False).json()["action"]
    assert (updated["description"], updated["active"], updated["frequency"]) == ("first", False, "0 8 * * 1")
    assert updated["updatedAt"] >= action["updatedAt"] and updated["createdAt"] == action["createdAt"]
    assert api.update(action["id"], description=None).json()["action"]["description"] is None
    refused(api.update(action["id"], environment="client"), 400, "TRIGGER_NOT_ALLOWED")
    refused(api.update(action["id"], colour="red"), 400, "UNKNOWN_KEY")
    assert api.get(action["id"]).json()["action"]["environment"] == "server"


def test_unknown_actions_and_other_apps_actions_are_not_found(api, shared):
    mine = api.create()
    stranger = Api(shared)
    for action_id in (999_999, mine["id"]):
        names = ("get_action", "update_action", "delete_action", "publish_action", "unpublish_action",
                 "run_action", "action_logs", "list_versions")
        routes = [route_of(name, stranger.app, action_id) for name in names]
        for route in (*routes, route_of("get_version", stranger.app, action_id, 1),
                      route_of("restore_version", stranger.app, action_id, 1)):
            refused(stranger.call(route, {}), 404, "ACTION_NOT_FOUND")


# --- master and production ---------------------------------------------------------------------------


def test_publish_copies_the_master_to_production(api):
    master = api.create()
    published = api.call(route_of("publish_action", api.app, master["id"]))
    assert published.status_code == 200
    production = published.json()["action"]
    assert production["id"] != master["id"] and production["masterTaskId"] == master["id"]
    assert production["name"] == master["name"] and production["code"] == master["code"]
    assert api.get(master["id"]).json()["action"]["productionTaskId"] == production["id"]
    listed = api.call(route_of("list_actions", api.app), production="true").json()["actions"]
    assert [a["id"] for a in listed] == [production["id"]]
    assert [a["id"] for a in api.call(route_of("list_actions", api.app)).json()["actions"]] == [master["id"]]

    api.update(master["id"], code=CODE.replace("echo", "again"))
    republished = api.call(route_of("publish_action", api.app, master["id"])).json()["action"]
    assert republished["id"] == production["id"] and "again" in republished["code"]


def test_a_production_copy_cannot_be_changed_directly(api):
    master = api.create()
    production = api.call(route_of("publish_action", api.app, master["id"])).json()["action"]
    version = api.versions(master["id"])["versions"][0]["id"]
    refused(api.update(production["id"], active=False), 403, "CANNOT_UPDATE_PRODUCTION")
    refused(api.call(route_of("publish_action", api.app, production["id"])), 403, "CANNOT_UPDATE_PRODUCTION")
    refused(api.call(route_of("delete_action", api.app, production["id"])), 403, "CANNOT_DELETE_PRODUCTION")
    refused(api.call(route_of("restore_version", api.app, production["id"], version)), 403, "CANNOT_RESTORE_PRODUCTION")


def test_unpublish_deletes_the_production_copy(api):
    master = api.create()
    production = api.call(route_of("publish_action", api.app, master["id"])).json()["action"]
    assert api.call(route_of("unpublish_action", api.app, master["id"])).status_code == 204
    refused(api.get(production["id"]), 404, "ACTION_NOT_FOUND")
    assert api.get(master["id"]).json()["action"]["productionTaskId"] is None
    refused(api.call(route_of("unpublish_action", api.app, master["id"])), 400, "ACTION_NOT_PUBLISHED")


def test_deleting_a_master_deletes_its_production_copy(api):
    master = api.create()
    production = api.call(route_of("publish_action", api.app, master["id"])).json()["action"]
    response = api.call(route_of("delete_action", api.app, master["id"]))
    assert (response.status_code, response.content) == (204, b"")
    refused(api.get(master["id"]), 404, "ACTION_NOT_FOUND")
    refused(api.get(production["id"]), 404, "ACTION_NOT_FOUND")


def test_actions_of_an_unpublished_app_cannot_be_published(start):
    api = start(app_published=False)
    action = api.create()
    refused(api.call(route_of("publish_action", api.app, action["id"])), 400, "APP_NOT_PUBLISHED")
    response = api.call(route_of("publish_app", api.app), {"release": {"type": "silent"}})
    assert response.status_code == 201
    app = response.json()["app"]
    assert set(app) == {"version", "id", "updatedAt"} and app["id"] == api.app and ISO.match(app["updatedAt"])
    assert api.call(route_of("publish_action", api.app, action["id"])).status_code == 200
    api.control("POST", "config", {"app_published": False})  # applies to the apps already seen too
    refused(api.call(route_of("publish_action", api.app, action["id"])), 400, "APP_NOT_PUBLISHED")


# --- lists and versions ------------------------------------------------------------------------------


def test_the_list_pages_past_fifty_actions(api):
    created = [api.create(name=f"action-{n:02}")["id"] for n in range(55)]
    first = api.call(route_of("list_actions", api.app)).json()
    assert [a["id"] for a in first["actions"]] == created[:50]
    assert first["pagination"] == {"total": 55, "limit": 50, "offset": 0, "hasMore": True}
    rest = api.call(route_of("list_actions", api.app), offset=50).json()
    assert [a["id"] for a in rest["actions"]] == created[50:] and rest["pagination"]["hasMore"] is False
    everything = api.call(route_of("list_actions", api.app), limit=500).json()
    assert len(everything["actions"]) == 55 and everything["pagination"]["limit"] == 100
    refused(api.call(route_of("list_actions", api.app), limit=0), 400, "BAD_REQUEST")
    refused(api.call(route_of("list_actions", api.app), offset="-1"), 400, "BAD_REQUEST")


def test_versions_keep_the_newest_hundred(api):
    action = api.create(description="v0")
    for n in range(1, 105):
        assert api.update(action["id"], description=f"v{n}").status_code == 200
    listed = api.versions(action["id"], limit=100)
    ids = [v["id"] for v in listed["versions"]]
    assert listed["status"] == "VERSIONS_LISTED" and ids == sorted(ids, reverse=True)
    assert listed["pagination"] == {"total": 100, "limit": 100, "offset": 0, "hasMore": False}
    assert listed["versions"][0]["user"]["email"] == "emulator@localhost" and ISO.match(listed["versions"][0]
                                                                                         ["createdAt"])
    newest = api.call(route_of("get_version", api.app, action["id"], ids[0])).json()
    assert newest["status"] == "VERSION_RETRIEVED"
    assert set(newest["version"]["data"]) == set(FIELDS) and newest["version"]["data"]["description"] == "v104"
    oldest_kept = api.call(route_of("get_version", api.app, action["id"], ids[-1])).json()["version"]["data"]
    assert oldest_kept["description"] == "v5"
    refused(api.call(route_of("get_version", api.app, action["id"], ids[-1] - 1)), 404, "VERSION_NOT_FOUND")
    page = api.versions(action["id"], limit=10, offset=95)
    assert len(page["versions"]) == 5 and page["pagination"]["hasMore"] is False


def test_restore_snapshots_before_and_after(api):
    action = api.create(description="first")
    first = api.versions(action["id"])["versions"][0]["id"]
    api.update(action["id"], description="second")
    restored = api.call(route_of("restore_version", api.app, action["id"], first))
    assert restored.status_code == 200
    body = restored.json()
    assert body["status"] == "ACTION_RESTORED" and body["restoredFromVersionId"] == first
    assert body["action"]["description"] == "first"
    before = api.call(route_of("get_version", api.app, action["id"], body["preRestoreVersionId"])).json()["version"]
    assert before["data"]["description"] == "second"
    assert api.versions(action["id"])["pagination"]["total"] == 4  # create, update, before and after restore
    refused(api.call(route_of("restore_version", api.app, action["id"], 999_999)), 404, "VERSION_NOT_FOUND")


def test_restoring_a_name_another_action_took_is_refused(api):
    action = api.create(name="one")
    first = api.versions(action["id"])["versions"][0]["id"]
    api.update(action["id"], name="two")
    api.create(name="one")
    refused(api.call(route_of("restore_version", api.app, action["id"], first)), 409, "NAME_ALREADY_EXISTS")
    assert api.versions(action["id"])["pagination"]["total"] == 2  # nothing was snapshotted


# --- runs and logs -----------------------------------------------------------------------------------


def test_a_run_with_wait_answers_the_value_and_logs_it(api):
    action = api.create()
    response = api.run(action["id"], {"n": 1})
    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["data"]) == (True, {"echo": {"n": 1}})
    assert body["taskId"] == action["id"] and isinstance(body["duration"], int)
    logs = api.logs(action["id"])
    assert logs["count"] == 1
    log = logs["logs"][0]
    # The documented log entry (app-actions-v3.md, "Log entry object structure"): no top-level action id,
    # data.taskId is the action's id, result wraps what execute() returned.
    assert set(log) == {"id", "type", "createdAt", "data"} and ISO.match(log["createdAt"])
    assert log["type"] == "app.task.completed"
    assert log["data"] == {"mode": "on-demand", "runOn": "server", "taskId": action["id"], "payload": {"n": 1},
                           "duration": log["data"]["duration"], "actionVersion": "v3",
                           "result": {"data": {"echo": {"n": 1}}, "success": True}}
    assert ISO.match(api.get(action["id"]).json()["action"]["lastRunAt"])


def test_a_run_that_throws_is_execution_failed(api):
    action = api.create(code="async function execute(context) {\n  throw new TypeError('boom');\n}\n")
    body = refused(api.run(action["id"]), 500, "EXECUTION_FAILED")
    assert body["error"] == "EXECUTION_FAILED: TypeError: boom"
    assert body["details"]["name"] == "TypeError" and "hello.js:2" in body["details"]["stack"]
    log = api.logs(action["id"])["logs"][0]
    assert log["type"] == "app.task.failed" and log["data"]["taskId"] == action["id"]
    error = log["data"]["error"]
    assert (error["name"], error["message"]) == ("TypeError", "boom") and "hello.js:2" in error["stack"]
    assert log["data"]["result"] == {"error": error, "success": False, "errorObject": {}}


def test_runs_the_service_refuses_before_starting(api):
    inactive = api.create(name="inactive", active=False)
    refused(api.run(inactive["id"]), 400, "ACTION_INACTIVE")
    client = api.create(name="client", environment="client")
    refused(api.run(client["id"]), 400, "CLIENT_ACTION_NOT_RUNNABLE")
    action = api.create()
    refused(api.call(route_of("run_action", api.app, action["id"]), "payload"), 400, "BAD_REQUEST")
    assert api.logs()["count"] == 0


def test_a_long_payload_runs_as_on_the_service_unless_a_limit_is_set(api, start):
    action = api.create()
    assert api.run(action["id"], {"text": "x" * 5000}).status_code == 200  # the service has no fixed limit
    limited = start(payload_limit=2048)
    action = limited.create()
    refused(limited.run(action["id"], {"text": "x" * 2040}), 400, "PAYLOAD_TOO_LARGE")
    refused(limited.call(route_of("run_action", limited.app, action["id"]), "payload"), 400, "BAD_REQUEST")
    assert limited.logs()["count"] == 0


def test_a_run_sees_the_apps_other_actions_through_fliplet_app_v3_actions(api):
    """On the service an action may run another of its app's actions; the emulator's runs see the app's actions."""
    api.create(name="double", code="async function execute(context) { return context.payload.n * 2; }")
    caller = api.create(name="caller", code=(
        "async function execute(context) {\n"
        "  const listed = await Fliplet.App.V3.Actions.get();\n"
        "  const doubled = await Fliplet.App.V3.Actions.runWithResult('double', { n: 21 });\n"
        "  return { names: listed.actions.map(a => a.name).sort(), doubled };\n}\n"))
    response = api.run(caller["id"])
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"names": ["caller", "double"], "doubled": 42}


def test_a_run_without_wait_is_queued_and_logs_later(api):
    action = api.create()
    response = api.run(action["id"], {"n": 2}, wait=False)
    assert response.status_code == 202
    task = response.json()
    assert task["status"] == "QUEUED"
    logs = wait_for_logs(api, 1, task=action["id"])
    assert logs["count"] == 1 and logs["logs"][0]["data"]["result"] == {"data": {"echo": {"n": 2}}, "success": True}


def test_the_production_copy_runs_the_published_code(api):
    master = api.create(code="async function execute(context) { return 'published'; }")
    production = api.call(route_of("publish_action", api.app, master["id"])).json()["action"]
    api.update(master["id"], code="async function execute(context) { return 'draft'; }")
    assert api.run(production["id"]).json()["data"] == "published"
    assert api.run(master["id"]).json()["data"] == "draft"


def test_logs_filter_and_page(api):
    good = api.create(name="good")
    bad = api.create(name="bad", code="async function execute(context) { throw new Error('no'); }")
    for _ in range(3):
        api.run(good["id"])
    api.run(bad["id"])
    everything = api.logs()
    ids = [log["id"] for log in everything["logs"]]
    assert everything["count"] == 4 and ids == sorted(ids, reverse=True)
    assert api.logs(type="app.task.failed")["logs"][0]["data"]["taskId"] == bad["id"]
    assert api.logs(good["id"])["count"] == 3 and api.logs(bad["id"])["count"] == 1
    assert api.logs(task=good["id"])["count"] == 3  # the documented filter: where.data.taskId
    assert api.logs(good["id"], task=bad["id"])["count"] == 0
    page = api.logs(limit=2, offset=1)
    assert page["count"] == 2 and [log["id"] for log in page["logs"]] == ids[1:3]  # count: this page's
    for where in ("[1]", '{"type": 5}', '{"data": 3}', '{"data": {"taskId": "x"}}', "{nope"):
        refused(api.call(route_of("app_logs", api.app), where=where), 400, "BAD_REQUEST")


def test_a_run_that_never_ends_is_stopped_and_logged_as_failed(start):
    api = start(timeout=1)
    action = api.create(code="async function execute(context) {\n  while (true) {}\n}\n")
    api.run(action["id"], wait=False)
    log = wait_for_logs(api, 1, task=action["id"])["logs"][0]
    assert log["type"] == "app.task.failed" and "ran longer than 1 s" in log["data"]["error"]["message"]
    quick = api.create(name="quick")
    assert api.run(quick["id"]).json()["success"] is True  # the worker came back


def test_runs_read_the_projects_fixtures_and_cached_dependencies(start, tmp_path):
    (tmp_path / "fixtures" / "datasources").mkdir(parents=True)
    (tmp_path / "fixtures" / "datasources" / "7.yaml").write_text(
        "name: People\nentries:\n  - data: {Name: Ada}\n  - data: {Name: Bob}\n")
    url = "https://cdn.example.com/lib.js"
    deps.cache_path(tmp_path, url).parent.mkdir(parents=True)
    deps.cache_path(tmp_path, url).write_text("var LIBRARY = 'loaded';\n")
    api = start(project=tmp_path)
    code = ("async function execute(context) {\n  const people = await Fliplet.DataSources.connect(7);\n"
            "  return { count: (await people.find()).length, library: LIBRARY };\n}\n")
    action = api.create(code=code, dependencies=["fliplet-datasources", url])
    assert api.run(action["id"]).json()["data"] == {"count": 2, "library": "loaded"}
    uncached = api.create(name="uncached", dependencies=["https://cdn.example.com/other.js"])
    body = refused(api.run(uncached["id"]), 500, "EXECUTION_FAILED")
    assert body["details"]["code"] == "DEPENDENCY_NOT_CACHED"


# --- HTTP: auth, routes, limits and faults ------------------------------------------------------------


def test_requests_need_the_token(shared):
    for headers in ({}, {paths.TOKEN_HEADER: "wrong"}, {"Authorization": "Bearer wrong"}):
        response = httpx.get(shared.url + "v1/user", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "not authorised" and response.json()["message"]
    bearer = httpx.get(shared.url + "v1/user", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 200


def test_unknown_routes_and_wrong_methods(api):
    refused(api.http.get("v3/apps/1/nothing"), 404, "NOT_FOUND")
    refused(api.http.get("v3/apps/1/actions/abc"), 404, "NOT_FOUND")
    wrong = api.http.patch(route_of("list_actions", api.app).path)
    refused(wrong, 405, "METHOD_NOT_ALLOWED")
    assert wrong.headers["allow"] == "GET, POST"


def raw_exchange(server, request: bytes, *, half_close: bool = False) -> tuple[str, dict[str, str], bytes]:
    """Send bytes as they are (what httpx would never send) and read the answer to the end: status line,
    headers (lower-cased names) and body. Every answer here closes the connection, which ends the read."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=HANG_LIMIT) as connection:
        connection.sendall(request)
        if half_close:
            connection.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    return status, {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body


def post_with_length(length: bytes, body: bytes = b"{}") -> bytes:
    return (b"POST /v3/apps/1/actions HTTP/1.1\r\nHost: x\r\nAuth-token: " + TOKEN.encode() +
            b"\r\nContent-Type: application/json\r\nContent-Length: " + length + b"\r\n\r\n" + body)


def test_bodies_nested_deeper_than_json_parse_goes_are_a_bad_request(api):
    route = route_of("create_action", api.app)
    for depth in (101, 5_000, 100_000):  # 100,000 overflowed the decoder's recursion: a 500 and a traceback
        nested = api.http.request(route.method, route.path, content=b"[" * depth + b"]" * depth)
        assert refused(nested, 400, "BAD_REQUEST")["error"] == "the body nests more than 100 levels deep"
    from actionctl.emulator.server import decode

    decode(b"[" * 100 + b"]" * 100)  # the limit itself is taken
    decode(b'{"a": ' * 99 + b"[]" + b"}" * 99)
    nested = api.run(api.create()["id"], {"a": [[[[[[[[[["ten levels"]]]]]]]]]]})
    assert nested.json()["data"] == {"echo": {"a": [[[[[[[[[["ten levels"]]]]]]]]]]}}
    for text in (b'{"payload": NaN}', b'{"payload": Infinity}', b'{"payload": -Infinity}', b'{"payload": 1e999}'):
        run = route_of("run_action", api.app, 1)
        body = refused(api.http.request(run.method, run.path, content=text), 400, "BAD_REQUEST")
        assert body["error"].startswith("the body is not valid JSON: ")


@pytest.mark.parametrize("value", ["\u0661\u0662", "\u00b2", "99999999999999999999", "9" * 5000, "-1", "1.5", "0x10"])
def test_pagination_values_are_whole_numbers_in_ascii_digits_that_sqlite_holds(api, value):
    action = api.create()
    routes = (route_of("list_actions", api.app), route_of("list_versions", api.app, action["id"]),
              route_of("app_logs", api.app), route_of("action_logs", api.app, action["id"]))
    for route, name in itertools.product(routes, ("limit", "offset")):
        body = refused(api.call(route, **{name: value}), 400, "BAD_REQUEST")
        assert body["error"].startswith(f"{name} must be a whole number from ")


@pytest.mark.parametrize(("length", "status", "code", "error"), [
    (b"-1", "400 Bad Request", "BAD_REQUEST", "Content-Length '-1' is not a whole number of bytes"),
    (b"abc", "400 Bad Request", "BAD_REQUEST", "Content-Length 'abc' is not a whole number of bytes"),
    (b"\xb2", "400 Bad Request", "BAD_REQUEST", "Content-Length '\u00b2' is not a whole number of bytes"),
    (b"9" * 30, "413 Request Entity Too Large", "REQUEST_TOO_LARGE", "the body is over 16777216 bytes"),
])
def test_a_content_length_that_is_not_a_size_is_refused_in_json(shared, length, status, code, error):
    answered, headers, body = raw_exchange(shared, post_with_length(length))
    assert answered == f"HTTP/1.1 {status}"
    assert headers["content-type"] == "application/json" and headers["connection"] == "close"
    assert json.loads(body) == {"status": code, "error": error}


def test_a_body_shorter_than_its_content_length_is_refused_not_taken_for_the_whole(shared):
    # What arrived is a whole action: before, it was taken for the body and the action created.
    sent = json.dumps(fields()).encode()
    announced = len(sent) + 50
    answered, _, body = raw_exchange(shared, post_with_length(str(announced).encode(), sent), half_close=True)
    assert answered == "HTTP/1.1 400 Bad Request"
    assert json.loads(body) == {"status": "BAD_REQUEST", "error": f"the body ended after {len(sent)} of the "
                                f"{announced} bytes its Content-Length announced"}
    assert Api(shared, 1).call(route_of("list_actions", 1)).json()["pagination"]["total"] == 0


def test_a_body_that_never_arrives_is_answered_408(shared, monkeypatch):
    from actionctl.emulator.server import _Handler

    monkeypatch.setattr(_Handler, "timeout", 1)  # the client never sends the rest: the answer comes after 1 s
    answered, _, body = raw_exchange(shared, post_with_length(b"100"))
    assert answered == "HTTP/1.1 408 Request Timeout"
    assert json.loads(body) == {"status": "REQUEST_TIMEOUT", "error": "the body of 100 bytes did not arrive within "
                                "1 s"}


def test_head_options_and_unknown_methods_are_answered_in_json(api):
    route = route_of("list_actions", api.app)
    head = api.http.head(route.path)
    assert (head.status_code, head.headers["allow"], head.headers["content-type"]) == (405, "GET, POST",
                                                                                        "application/json")
    assert head.content == b"" and int(head.headers["content-length"]) > 0  # the headers the body would have
    assert api.http.get(route_of("current_user").path).status_code == 200  # the connection is still in step
    options = refused(api.http.options(route.path), 405, "METHOD_NOT_ALLOWED")
    assert options["error"] == f"OPTIONS is not allowed on /{route.path}; use GET, POST"
    assert refused(api.http.request("BREW", route.path), 501, "NOT_IMPLEMENTED")["error"] == \
        "Unsupported method ('BREW')"
    answered, headers, body = raw_exchange(api.server, b"GET /v1/user please HTTP/1.1\r\n\r\n")
    assert (answered, headers["content-type"]) == ("HTTP/1.1 400 Bad Request", "application/json")
    assert json.loads(body)["status"] == "BAD_REQUEST"


def test_the_control_endpoints_need_the_token_and_a_json_body(start):
    api = start()
    before = api.control("POST", "config", {}).json()["config"]
    stranger = httpx.Client(base_url=api.server.url)
    for method, name in (("GET", "stats"), ("POST", "config")):
        for headers in ({}, {paths.TOKEN_HEADER: "wrong"}):
            answer = stranger.request(method, f"_emulator/{name}", json={"faults": 1}, headers=headers)
            assert answer.status_code == 401 and answer.json()["error"] == "not authorised"
    # What a web page can make a browser send cross-site without asking: a form or text/plain POST.
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        forged = api.http.post("_emulator/config", content=b'{"faults": 1}', headers={"Content-Type": content_type})
        assert refused(forged, 415, "UNSUPPORTED_MEDIA_TYPE")["error"] == ("send the settings as a JSON object with "
                                                                          "Content-Type: application/json")
    for text in (b'{"rate_window": Infinity}', b'{"faults": NaN}', b'{"rate_window": 1e999}'):
        refused(api.http.post("_emulator/config", content=text, headers={"Content-Type": "application/json"}), 400,
                "BAD_REQUEST")
    for bad in ({"rate_window": 0}, {"rate_window": -5}, {"rate_window": 10**9}, {"rate_window": 10**400},
                {"faults": 10**400}, {"rate_limits": {"crud": 0}}):
        refused(api.control("POST", "config", bad), 400, "BAD_REQUEST")
    assert api.control("POST", "config", {}).json()["config"] == before  # nothing of the above changed a thing
    assert api.control("DELETE", "config").status_code == 405


def test_a_window_that_is_not_a_number_of_seconds_is_refused_at_start(start):
    for window in (float("nan"), float("inf"), 0.0, -1.0):
        with pytest.raises(UsageError, match="the rate window must be above 0"):
            start(rate_window=window)


def test_rate_limits_answer_429_once_the_window_is_full(start):
    # A window of a minute: nothing ages out of it while the test runs, however slowly.
    api = start(rate_limits={"crud": 3, "run": 30, "publish": 10}, rate_window=60)
    route = route_of("list_actions", api.app)
    first = time.monotonic()
    assert [api.call(route).status_code for _ in range(3)] == [200, 200, 200]
    asked = dt.datetime.now(dt.timezone.utc)
    limited = api.call(route)
    answered, elapsed = dt.datetime.now(dt.timezone.utc), time.monotonic() - first
    assert limited.status_code == 429
    wait = float(limited.headers["retry-after"])
    assert 60 - elapsed <= wait <= 60  # until the first request ages out
    body = limited.json()
    assert body["message"] == (f"too many crud requests for app {api.app}: the limit is 3 per 60 s — retry after "
                               f"{wait:g} s")
    assert body["referenceUrl"] == "https://developers.fliplet.com/API/core/rate-limiting.html"
    next_valid = dt.datetime.fromisoformat(body["nextValidRequestDate"].replace("Z", "+00:00"))
    later = dt.timedelta(seconds=wait)
    assert asked + later - dt.timedelta(milliseconds=1) <= next_valid <= answered + later  # written to the ms
    assert Api(api.server).call(route_of("list_actions", next(_apps))).status_code == 200  # limits are per app
    assert api.call(route_of("current_user")).status_code == 200  # and per bucket
    for _ in range(10):  # refused requests do not count against the window
        assert api.call(route).status_code == 429
    assert api.server.stats()["byBucket"]["crud"] == {"served": 4, "rateLimited": 11, "maxInWindow": 3}
    assert api.control("GET", "stats").json()["rateLimited"] == 11


def test_the_window_frees_a_slot_as_its_oldest_request_ages_out():
    clock = FakeClock(100.0)
    gate = Gate(EmulatorOptions(rate_limits={"crud": 2}, rate_window=10), clock=clock)
    assert gate.admit(1, "crud") is None
    clock.sleep(4)
    assert gate.admit(1, "crud") is None
    assert gate.admit(1, "crud") == pytest.approx(6)  # the request at 100 ages out at 110
    clock.sleep(5.5)
    assert gate.admit(1, "crud") == pytest.approx(0.5)
    clock.sleep(0.5)
    assert gate.admit(1, "crud") is None
    assert gate.admit(1, "crud") == pytest.approx(4)  # now the one at 104 is the oldest
    assert gate.admit(2, "crud") is None  # another app has a window of its own
    assert gate.stats()["byBucket"]["crud"] == {"served": 4, "rateLimited": 3, "maxInWindow": 2}


def test_429s_are_forced_for_the_next_requests_of_a_bucket(start):
    api = start()
    forced = api.control("POST", "config", {"force_429": {"crud": 2, "publish": 1}})
    assert forced.json()["config"]["force_429"] == {"crud": 2, "publish": 1}
    route = route_of("list_actions", api.app)
    limited = [api.call(route) for _ in range(2)]
    assert [r.status_code for r in limited] == [429, 429] and limited[0].headers["retry-after"] == "0.05"
    assert limited[0].json()["message"] == (f"too many crud requests for app {api.app}: forced through "
                                            "/_emulator/config — retry after 0.05 s")
    assert api.call(route).status_code == 200  # the next is served: forcing took no slot of the window
    assert api.server.stats()["byBucket"]["crud"] == {"served": 1, "rateLimited": 2, "maxInWindow": 1}
    assert api.control("POST", "config", {}).json()["config"]["force_429"] == {"publish": 1}  # still to come
    assert api.control("POST", "config", {"force_429": {"publish": 0}}).json()["config"]["force_429"] == {}
    for bad in ({"crud": -1}, {"other": 1}, {"crud": True}, {"crud": 1.5}, 3):
        refused(api.control("POST", "config", {"force_429": bad}), 400, "BAD_REQUEST")


def test_limits_and_windows_change_on_a_running_emulator(start):
    api = start()
    changed = api.control("POST", "config", {"rate_limits": {"publish": 1}, "rate_window": 30})
    assert changed.json()["config"]["rate_limits"] == {**UNLIMITED, "publish": 1}
    action = api.create()
    publishing = time.monotonic()
    assert api.call(route_of("publish_action", api.app, action["id"])).status_code == 200
    limited = api.call(route_of("unpublish_action", api.app, action["id"]))
    assert limited.status_code == 429
    assert 30 - (time.monotonic() - publishing) <= float(limited.headers["retry-after"]) <= 30
    for bad in ({"faults": 2}, {"rate_limits": {"crud": 0}}, {"rate_limits": {"other": 1}}, {"rate_window": 0},
                {"app_published": "yes"}, {"colour": 1}, [1]):
        refused(api.control("POST", "config", bad), 400, "BAD_REQUEST")
    refused(api.control("GET", "config"), 405, "METHOD_NOT_ALLOWED")


def test_faults_of_every_kind(start):
    api = start(faults=1.0, fault_seed=3)
    outcomes: dict[str, list[str]] = {"503": [], "500": [], "drop": []}
    for n in range(30):
        name = f"fault-{n}"
        try:
            response = api.call(route_of("create_action", api.app), fields(name=name))
        except httpx.RemoteProtocolError:
            outcomes["drop"].append(name)
            continue
        expected = {503: "SERVICE_UNAVAILABLE", 500: "INTERNAL_ERROR"}[response.status_code]
        assert response.json()["status"] == expected
        outcomes[str(response.status_code)].append(name)
    assert all(outcomes.values())
    assert api.control("GET", "stats").json()["faults"] == {kind: len(names) for kind, names in outcomes.items()}
    api.control("POST", "config", {"faults": 0})
    listed = api.call(route_of("list_actions", api.app)).json()["actions"]
    assert sorted(a["name"] for a in listed) == sorted(outcomes["500"] + outcomes["drop"])  # 503 applies nothing


def test_the_fault_fraction_can_come_from_the_environment(start, monkeypatch):
    monkeypatch.setenv(FAULTS_ENV, "1")
    api = start(fault_seed=1)
    try:
        status = api.call(route_of("current_user")).status_code
    except httpx.RemoteProtocolError:
        status = None
    assert status != 200
    assert sum(api.control("GET", "stats").json()["faults"].values()) == 1
    monkeypatch.setenv(FAULTS_ENV, "lots")
    with pytest.raises(UsageError, match=FAULTS_ENV):
        start()


def test_state_survives_a_restart(start, tmp_path):
    db = tmp_path / "emulator.sqlite3"
    api = start(db=db)
    action = api.create()
    api.update(action["id"], description="kept")
    production = api.call(route_of("publish_action", api.app, action["id"])).json()["action"]
    task = api.run(action["id"]).json()["taskId"]
    api.server.close()

    again = Api(start(db=db).server, api.app)
    assert again.get(action["id"]).json()["action"]["description"] == "kept"
    assert again.get(production["id"]).json()["action"]["masterTaskId"] == action["id"]
    assert again.versions(action["id"])["pagination"]["total"] == 2
    assert again.logs()["logs"][0]["data"]["taskId"] == task
    assert again.create(name="later")["id"] > production["id"]  # ids are never handed out twice


# --- the command -------------------------------------------------------------------------------------


COMMAND = [*ACTIONCTL, "emulator"]


def test_the_command_serves_until_ctrl_c(project: Path):
    process = subprocess.Popen([*COMMAND, "--port", "0", "--token", "secret"], cwd=project,
                               stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_as_in_a_terminal)
    try:
        line = process.stderr.readline()
        # The line in full: a token the user chose is not echoed.
        assert normalise(line, project) == ("emulator listening on http://127.0.0.1:<port>/ (token: the one given "
                                            "with --token or ACTIONCTL_EMULATOR_TOKEN, data: "
                                            "<tmp>/.actionctl/emulator.sqlite3) — Ctrl-C stops it\n")
        assert normalise(process.stderr.readline(), project) == (
            "sign in with `actionctl login --api-url http://127.0.0.1:<port>/`: the browser comes straight back "
            "signed in; --email emulator@localhost takes the password local-password\n")
        port = int(re.search(r":(\d+)/", line).group(1))
        response = httpx.get(f"http://127.0.0.1:{port}/v1/user", headers={paths.TOKEN_HEADER: "secret"})
        assert response.json()["user"]["id"] == 1
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=HANG_LIMIT) == 0
        assert process.stderr.read() == ""
    finally:
        process.kill()
        process.stderr.close()


def test_the_command_refuses_a_port_in_use(project: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = subprocess.run([*COMMAND, "--port", str(taken.getsockname()[1])], cwd=project,
                                capture_output=True, text=True, timeout=HANG_LIMIT)
    assert result.returncode == 2
    assert "is already in use" in result.stderr and "PORT_IN_USE" in result.stderr


def test_the_command_refuses_data_that_is_not_its_database(cli, project: Path):
    import sqlite3

    text_file = project / "notes.txt"
    text_file.write_text("not a database\n" * 100)
    other = project / "other.sqlite3"
    with sqlite3.connect(other) as made:
        made.execute("CREATE TABLE actions (what TEXT)")  # another program's table of the same name
    made.close()
    (project / "file").write_text("")
    cases = {
        text_file: f"{text_file}: not a database of the emulator (file is not a database) — give --data another "
                   "file, or move this one away",
        other: f"{other}: not a database of the emulator (no such column: app_id) — give --data another file, or "
               "move this one away",
        project / "actions": f"{project / 'actions'}: cannot be opened as the emulator's database (unable to open "
                             "database file)",
        project / "file" / "db.sqlite3": f"{project / 'file' / 'db.sqlite3'}: cannot make its folder "
                                          f"{project / 'file'} (File exists)",
    }
    for data, message in cases.items():
        result = cli("emulator", "--port", "0", "--data", str(data))
        assert result.exit_code == 2, result.stderr
        assert " ".join(result.stderr.split()) == f"error: {message} [EMULATOR_DATA_INVALID]"


def test_the_command_reads_its_token_as_clients_read_theirs(project: Path):
    def started(token: str) -> subprocess.Popen:
        return subprocess.Popen([*COMMAND, "--port", "0"], cwd=project, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "ACTIONCTL_EMULATOR_TOKEN": token},
                                preexec_fn=ctrl_c_as_in_a_terminal)

    refused = started("t\u00f6ken")  # no client could send it: before, an emulator nobody could use
    try:
        assert refused.stderr.readline() == ("error: the token from --token or ACTIONCTL_EMULATOR_TOKEN holds a "
                                             "character an HTTP header cannot carry (outside printable ASCII, or a "
                                             "space) — copy it again [TOKEN_INVALID]\n")
        assert refused.wait(timeout=HANG_LIMIT) == 2
    finally:
        refused.kill()
        refused.stderr.close()
    process = started("from-a-file\n")
    try:
        port = int(re.search(r":(\d+)/", process.stderr.readline()).group(1))
        response = httpx.get(f"http://127.0.0.1:{port}/v1/user", headers={paths.TOKEN_HEADER: "from-a-file"})
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=HANG_LIMIT) == 0
    finally:
        process.kill()
        process.stderr.close()


def test_a_run_payload_may_travel_in_the_query_string(api):
    """The newest docs say the payload may go URL-encoded in the query string: the emulator reads it there
    too, so a project that sends it so (`api: {run_action: {payload: query}}`) is tried as it will run."""
    action = api.create()
    route = route_of("run_action", api.app, action["id"])
    answer = api.call(route, None, wait="true", payload=json.dumps({"a": "é&x=1#frag"}))
    assert answer.status_code == 200 and answer.json()["data"] == {"echo": {"a": "é&x=1#frag"}}
    refused(api.call(route, {"payload": {"a": 1}}, wait="true", payload="{}"), 400, "BAD_REQUEST")
    assert "?payload=" in refused(api.call(route, None, wait="true", payload="{nope"), 400, "BAD_REQUEST")["error"]
