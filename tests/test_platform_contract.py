"""The platform's published contract: publish state from whichever field an answer carries, the app publish
with its documented release body, what counts as a change (description, timezone), only documented fields
sent — against services that differ from the emulator on purpose, and end to end against the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from support import UNLIMITED, Request, configure, edit, http_service, stats

from actionctl import sync
from actionctl.sync.model import LocalAction
from actionctl.sync.state import State, state_path

CODE = "async function execute(context) {\n  return { ok: true, got: context.payload };\n}\n"
MANIFEST = "name: {name}\nactive: true\nenvironment: server\ntriggers:\n  - trigger: manual\n"
# The create parameters app-actions-v3.md documents, and nothing else.
DOCUMENTED = {"name", "code", "description", "active", "environment", "triggers", "dependencies", "frequency",
              "timezone"}


# --- a service that differs from the emulator ---------------------------------------------------------

@contextmanager
def recording_service(answer: Callable[[Request], tuple[int, Any]]) -> Iterator[tuple[str, list[Request]]]:
    """A service on a free loopback port that answers each request with `answer(request)` (status, JSON body)
    and keeps every request it was sent, body included; yields its base URL and that list."""
    seen: list[Request] = []

    def respond(request: Request) -> tuple[int, Any]:
        seen.append(request)
        return answer(request)

    with http_service(respond) as url:
        yield url, seen


def point_at(project: Path, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\nrate_limits: {json.dumps(UNLIMITED)}\n")
    monkeypatch.setenv("ACTIONCTL_TOKEN", "fake-token-1234")


def served(action_id: int, name: str, **fields) -> dict:
    """An action as a service answers it, matching MANIFEST + CODE."""
    return {"id": action_id, "appId": 1, "name": name, "description": None, "code": CODE, "active": True,
            "environment": "server", "actionVersion": "v3", "triggers": [{"trigger": "manual"}], "dependencies": [],
            "assets": [], "frequency": None, "timezone": None, "lastRunAt": None,
            "createdAt": "2026-11-01T00:00:00.000Z", "updatedAt": "2026-11-01T00:00:00.000Z", **fields}


def page(actions: list[dict]) -> dict:
    return {"actions": actions, "pagination": {"total": len(actions), "limit": 50, "offset": 0, "hasMore": False}}


# --- publish state, from any of the fields -----------------------------------------------------------

@pytest.mark.parametrize(("fields", "published"), [
    ({"productionTaskId": 20}, True),      # the documented version snapshots' name
    ({"productionActionId": 20}, True),    # the name earlier emulators answered
    ({"isPublished": True}, True),         # the restore answer's flag
    ({"productionTaskId": None, "isPublished": True}, True),
    ({"productionTaskId": None}, False),
    ({"isPublished": False}, False),
    ({}, False),
])
def test_publish_state_is_read_from_whichever_field_the_answer_carries(fields, published):
    from actionctl.remote import publish_state

    assert publish_state.is_published({"id": 2, "name": "a", **fields}) is published


def test_a_production_copy_is_found_by_either_link_or_else_by_name():
    from actionctl.remote import publish_state

    master = {"id": 2, "name": "greet"}
    linked = {"id": 20, "name": "greet", "masterTaskId": 2}
    assert publish_state.copy_of(master, [{"id": 30, "name": "other", "masterActionId": 3}, linked]) == linked
    assert publish_state.copy_of({**master, "productionTaskId": 21}, [{"id": 21, "name": "x"}])["id"] == 21
    unlinked = {"id": 22, "name": "greet"}
    assert publish_state.copy_of(master, [unlinked]) == unlinked
    # a copy that names another master is that master's, whatever its name
    assert publish_state.copy_of(master, [{"id": 23, "name": "greet", "masterTaskId": 9}]) is None
    # a service that ignores ?production=true lists the masters again: a master is never its own copy
    assert publish_state.copy_of(master, [dict(master)]) is None


def other_fields_service(request: Request) -> tuple[int, Any]:
    """A service that says only `isPublished` on a master, and names no master on a production copy."""
    masters = [served(2, "greet", isPublished=True), served(3, "quiet", isPublished=False)]
    copies = [served(20, "greet")]
    if request.path == "/v3/apps/1/actions":
        return 200, page(copies if request.query.get("production") == "true" else masters)
    by_id = {str(a["id"]): a for a in masters + copies}
    found = by_id.get(request.path.rsplit("/", 1)[-1])
    return (200, {"action": found}) if found else (404, {"status": "ACTION_NOT_FOUND", "error": "no such action"})


def test_a_service_saying_only_isPublished_is_understood_everywhere(cli, tree, project, monkeypatch):
    tree({"actions/greet.yaml": MANIFEST.format(name="greet"), "actions/greet.js": CODE,
          "actions/quiet.yaml": MANIFEST.format(name="quiet"), "actions/quiet.js": CODE})
    with recording_service(other_fields_service) as (url, _seen):
        point_at(project, url, monkeypatch)
        listed = cli("remote", "list", "--format", "json")
        shown = cli("remote", "show", "greet", "--production", "--format", "json")
        planned = cli("diff", "--publish", "--format", "json")
    assert [(a["name"], a["published"]) for a in listed.json["actions"]] == [("greet", True), ("quiet", False)]
    assert shown.exit_code == 0, shown.stderr
    assert shown.json["action"]["id"] == 20  # found among the production copies by name
    assert planned.exit_code == 0, planned.stderr
    assert [(s["name"], s["action"], s["published"], s["reason"]) for s in planned.json["actions"]] == [
        ("greet", "unchanged", True, None), ("quiet", "publish", False, "not published")]


# --- the app publish -----------------------------------------------------------------------------------

def app_publish_service(request: Request) -> tuple[int, Any]:
    if request.path == "/v1/apps/1/publish":
        release = (request.json or {}).get("release") or {}
        if release.get("type") not in ("silent", "visible", "forced"):
            return 400, {"status": "BAD_REQUEST", "error": "release.type is required"}
        return 201, {"app": {"version": 7, "id": 1, "updatedAt": "2026-11-29T10:00:00.000Z"}}
    return 404, {"status": "NOT_FOUND", "error": "not here"}


def test_app_publish_sends_the_documented_release_body_and_takes_201(cli, project, monkeypatch):
    with recording_service(app_publish_service) as (url, seen):
        point_at(project, url, monkeypatch)
        result = cli("publish", "--app-release", "visible", "--changelog", "New booking form", "--format", "json")
        text = cli("publish", "--app-release", "silent")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"app": {"id": 1, "version": 7, "release": "visible",
                                   "updatedAt": "2026-11-29T10:00:00.000Z"}, "published": []}
    assert [(r.method, r.path, r.json) for r in seen] == [
        ("POST", "/v1/apps/1/publish", {"release": {"type": "visible", "changelog": "New booking form"}}),
        ("POST", "/v1/apps/1/publish", {"release": {"type": "silent"}})]
    assert (text.exit_code, text.stdout) == (0, "published app 1 version 7 (silent release)\n")


def test_publish_options_are_checked_before_anything_is_sent(cli, project, monkeypatch):
    with recording_service(app_publish_service) as (url, seen):
        point_at(project, url, monkeypatch)
        changelog_alone = cli("publish", "greet", "--changelog", "x")
        nothing = cli("publish")
        wrong = cli("publish", "--app-release", "loud")
    assert changelog_alone.exit_code == 2
    assert changelog_alone.stderr == "error: --changelog is the app release's: pass --app-release too [USAGE]\n"
    assert nothing.exit_code == 2 and "--app-release to publish the app" in nothing.stderr
    assert wrong.exit_code == 2
    assert seen == []


def test_the_emulator_publishes_an_app_as_a_new_version_and_refuses_a_body_without_a_release(emulator, api):
    import httpx

    from actionctl.remote import paths
    from actionctl.remote.errors import ServiceError

    first = api.publish_app("silent")
    second = api.publish_app("forced", "Fixes")
    assert set(first) == {"version", "id", "updatedAt"} and first["id"] == 1
    assert second["version"] == first["version"] + 1
    route = paths.DEFAULT.build("publish_app", app=1)
    for body in (None, {}, {"release": {}}, {"release": {"type": "loud"}}, {"release": {"type": "silent",
                                                                                          "changelog": 5}}):
        answer = httpx.request(route.method, emulator.url + route.path, json=body,
                               headers={paths.TOKEN_HEADER: emulator.options.token})
        assert (answer.status_code, answer.json()["status"]) == (400, "BAD_REQUEST"), body
    with pytest.raises(ServiceError):  # the client's own call refuses a made-up type the same way
        api.publish_app("loud")


def test_push_publish_on_an_unpublished_app_names_the_way_to_publish_it(cli, remote, project):
    configure(remote, app_published=False)
    cli("new", "hello")
    pushed = cli("push", "--yes", "--publish")
    assert pushed.exit_code == 3 and "APP_NOT_PUBLISHED" in pushed.stderr
    assert "publish the app first (`actionctl publish --app-release silent|visible|forced`, or Fliplet Studio → " \
           "Publish), then push --publish again" in pushed.stderr
    assert cli("publish", "--app-release", "silent", "hello").exit_code == 0


# --- what counts as a change ---------------------------------------------------------------------------

def local_action(**fields) -> LocalAction:
    data = {"name": "a", "code": CODE, "active": True, "environment": "server", "triggers": [{"trigger": "manual"}],
            **fields}
    return LocalAction("a", Path("/p/actions/a.yaml"), "actions/a.yaml", data, Path("/p/actions/a.js"))


@pytest.mark.parametrize(("mine", "theirs"), [
    ({"timezone": "UTC"}, {"timezone": None}),
    ({}, {"timezone": "UTC"}),
])
def test_no_timezone_is_the_servers_default_not_utc(tmp_path, mine, theirs):
    plan = sync.plan([local_action(**mine)], [served(7, "a", **theirs)], State(tmp_path / "s.json", 1, "http://x/"))
    [step] = plan.steps
    assert step.kind == "update" and [(c.field, c.remote, c.local) for c in step.changes] == [
        ("timezone", theirs["timezone"], mine.get("timezone"))]
    assert step.payload() == {"timezone": mine.get("timezone")}  # null: back to the server's default


@pytest.mark.parametrize("mine", [{"description": ""}, {"description": None}, {}])
def test_clearing_a_description_sends_null_however_the_manifest_says_it(tmp_path, mine):
    plan = sync.plan([local_action(**mine)], [served(7, "a", description="old")],
                     State(tmp_path / "s.json", 1, "http://x/"))
    [step] = plan.steps
    assert step.payload() == {"description": None}


def test_an_empty_and_a_null_description_are_the_same_both_ways(tmp_path):
    for mine, theirs in (("", None), (None, "")):
        plan = sync.plan([local_action(description=mine)], [served(7, "a", description=theirs)],
                         State(tmp_path / "s.json", 1, "http://x/"))
        assert [s.kind for s in plan.steps] == ["unchanged"]


def test_remote_list_shows_a_missing_timezone_as_the_server_default(cli, api):
    api.create_action({"name": "nightly", "code": CODE, "active": True, "frequency": "0 3 * * *",
                       "triggers": [{"trigger": "schedule"}]})
    listed = cli("remote", "list")
    assert listed.exit_code == 0, listed.stderr
    assert "0 3 * * * server default" in listed.stdout and "UTC" not in listed.stdout


# --- only documented fields are sent -------------------------------------------------------------------

def strict_service(request: Request) -> tuple[int, Any]:
    """A service that refuses any key it does not document, as a 400 — and lists no actions."""
    if request.path == "/v3/apps/1/actions" and request.method == "GET":
        return 200, page([])
    if request.path == "/v3/apps/1/actions" and request.method == "POST":
        unknown = sorted(set(request.json) - DOCUMENTED)
        if unknown:
            return 400, {"status": "VALIDATION_ERROR", "error": f"unknown fields {unknown}"}
        return 201, {"action": served(5, request.json["name"])}
    return 404, {"status": "NOT_FOUND", "error": "not here"}


def test_a_create_sends_exactly_the_documented_fields_the_manifest_sets(cli, tree, project, monkeypatch):
    tree({"actions/a.yaml": MANIFEST.format(name="a") + "integrationOrigins: [https://example.com]\n"
                                                        "description: Books rooms\n",
          "actions/a.js": CODE})
    with recording_service(strict_service) as (url, seen):
        point_at(project, url, monkeypatch)
        pushed = cli("push", "--yes", "--format", "json")
    assert pushed.exit_code == 0, pushed.stderr
    [create] = [r for r in seen if r.method == "POST"]
    assert create.json == {"name": "a", "description": "Books rooms", "active": True, "environment": "server",
                           "triggers": [{"trigger": "manual"}], "code": CODE}


# --- end to end against the emulator ---------------------------------------------------------------------

def test_push_publish_app_and_action_run_logs_and_diff_end_to_end(cli, remote, project):
    configure(remote, app_published=False)
    (project / "actions/greet.yaml").write_text(MANIFEST.format(name="greet"))
    (project / "actions/greet.js").write_text(CODE)
    pushed = cli("push", "--yes", "--format", "json")
    assert pushed.exit_code == 0, pushed.stderr
    assert [(d["name"], d["action"], d["published"]) for d in pushed.json["result"]["done"]] == [
        ("greet", "create", False)]

    refused = cli("publish", "greet")
    assert refused.exit_code == 3 and "--app-release" in refused.stderr
    released = cli("publish", "--app-release", "visible", "--changelog", "First release", "--format", "json")
    assert released.exit_code == 0, released.stderr
    assert released.json["app"]["version"] == 1 and released.json["app"]["release"] == "visible"
    assert cli("diff", "--publish", "--format", "json").json["actions"][0]["action"] == "publish"

    published = cli("publish", "greet", "--format", "json")
    assert published.exit_code == 0, published.stderr
    [copy] = published.json["published"]
    assert copy["name"] == "greet" and copy["productionId"] != copy["id"]
    assert published.json["app"] is None
    [listed] = cli("remote", "list", "--format", "json").json["actions"]
    assert listed["published"] is True
    production = cli("remote", "show", "greet", "--production", "--format", "json").json["action"]
    assert production["id"] == copy["productionId"] and production["masterTaskId"] == copy["id"]

    ran = cli("remote", "run", "greet", "--payload", '{"who": "Ada"}', "--format", "json")
    assert ran.exit_code == 0, ran.stderr
    assert ran.json["result"] == {"ok": True, "got": {"who": "Ada"}}
    logs = cli("logs", "greet", "--format", "json")
    assert logs.exit_code == 0, logs.stderr
    [entry] = logs.json["logs"]
    assert logs.json["count"] == 1 and entry["type"] == "app.task.completed"
    assert entry["data"]["taskId"] == copy["id"] and entry["data"]["result"] == {
        "data": {"ok": True, "got": {"who": "Ada"}}, "success": True}
    text = cli("logs")
    assert text.exit_code == 0 and "✓ greet  on-demand" in text.stdout  # named by data.taskId

    clean = cli("diff", "--publish", "--exit-code", "--format", "json")
    assert clean.exit_code == 0, clean.stdout
    assert clean.json["changes"] is False
    assert [(s["action"], s["published"]) for s in clean.json["actions"]] == [("unchanged", True)]

    edit(project / "actions/greet.js", "ok: true", "ok: 1")
    behind = cli("push", "--yes", "--format", "json")
    assert behind.exit_code == 0, behind.stderr
    assert [(s["name"], s["action"], s["reason"]) for s in cli("diff", "--publish", "--format", "json")
            .json["actions"]] == [("greet", "publish", "the production copy is behind")]


def test_a_state_file_from_before_timezone_null_still_matches(cli, remote, project):
    """State written when no timezone was hashed as UTC: after the upgrade a local edit is an update, not a
    conflict with an edit on the service that never happened."""
    from actionctl.sync.local import content_hash

    (project / "actions/greet.yaml").write_text(MANIFEST.format(name="greet"))
    (project / "actions/greet.js").write_text(CODE)
    assert cli("push", "--yes").exit_code == 0
    state_file = state_path(project, 1, remote.url)
    saved = json.loads(state_file.read_text())
    entry = saved["actions"]["greet"]
    fields = {"name": "greet", "code": CODE, "active": True, "environment": "server",
              "triggers": [{"trigger": "manual"}]}
    assert entry["hash"] == content_hash(fields)
    assert entry.pop("hashing") == 2  # an earlier version wrote no hashing mark…
    entry["hash"] = content_hash({**fields, "timezone": "UTC"})  # …and hashed no timezone as UTC
    state_file.write_text(json.dumps(saved))
    edit(project / "actions/greet.js", "ok: true", "ok: 1")
    planned = cli("diff", "--format", "json")
    assert [(s["action"], s["reason"]) for s in planned.json["actions"]] == [("update", None)]


def test_a_timezone_cleared_on_the_service_is_an_edit_there_not_the_same_as_utc(cli, remote, api, project):
    """Once synced by this version, UTC and no timezone (the server's default) never hash alike: the service
    clearing the zone while the code is edited locally is a conflict, not an update that silently undoes it."""
    (project / "actions/greet.yaml").write_text(MANIFEST.format(name="greet") + "timezone: UTC\n")
    (project / "actions/greet.js").write_text(CODE)
    assert cli("push", "--yes").exit_code == 0
    remote_id = api.find_action("greet")["id"]
    api.update_action(remote_id, {"timezone": None})
    edit(project / "actions/greet.js", "ok: true", "ok: 1")
    planned = cli("diff", "--format", "json")
    assert [s["action"] for s in planned.json["actions"]] == ["conflict"], planned.stdout


def test_an_actions_logs_include_its_production_copys_runs(cli, remote, api, project):
    """Scheduled and triggered runs are the production copy's: `logs NAME` shows them, named as the copy."""
    (project / "actions/greet.yaml").write_text(MANIFEST.format(name="greet"))
    (project / "actions/greet.js").write_text(CODE)
    assert cli("push", "--yes").exit_code == 0
    assert cli("publish", "--app-release", "silent", "greet").exit_code == 0
    master = api.find_action("greet")
    copy = api.list_actions(production=True)[0]
    api.run_action(master["id"], {"side": "master"})
    api.run_action(copy["id"], {"side": "production"})
    logged = cli("logs", "greet", "--format", "json")
    assert logged.exit_code == 0, logged.stderr
    assert [(log["data"]["taskId"], log["data"]["payload"]) for log in logged.json["logs"]] == [
        (master["id"], {"side": "master"}), (copy["id"], {"side": "production"})]
    text = cli("logs").stdout
    assert " greet  on-demand" in text and " greet (production)  on-demand" in text, text


def test_an_action_that_is_not_there_stops_publish_before_the_app_is_published(cli, remote):
    result = cli("publish", "--app-release", "visible", "nope")
    assert result.exit_code == 2 and result.stderr.rstrip().endswith("[ACTION_NOT_FOUND]"), result.stderr
    assert stats(remote)["byBucket"]["none"]["served"] == 0  # no app publish was sent
