"""`actionctl doctor`: local checks, and `--live` probes that only read — against the emulator and against
fakes that answer otherwise (a refused token, an app not found, other field names, no answer at all)."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from support import EMULATOR_TOKEN, UNLIMITED, Request, http_service

from actionctl.remote import credentials, paths
from actionctl.remote.client import Client
from actionctl.remote.pacing import Pacer

CHECK_IDS = ["python", "actionctl", "worker", "project", "target", "routes", "credentials", "token"]
LIVE_IDS = ["live.current_user", "live.list_actions", "live.get_action", "live.list_versions", "live.app_logs"]
TOKEN = "eu--doctor-secret-token-0123456789"
USER = {"id": 4242, "email": "jane.doe@example.com", "fullName": "Jane Doe", "isAdmin": False}
ACTION = {"id": 31, "appId": 7, "name": "bill-acme-corp", "code": "async function execute(context) { return 'SECRET' }",
          "active": True, "environment": "server", "actionVersion": "v3", "triggers": [], "isPublished": True}
LOG = {"id": 5, "type": "app_action", "createdAt": "2026-01-01T00:00:00Z",
       "data": {"taskId": 31, "payload": {"card": "4111111111111111"}, "result": {"success": True}}}
# A Date two hours behind: a clock this far off is what the clock check is for.
def skewed_date() -> str:
    """A Date header two hours behind this machine's clock, whatever that clock says."""
    from email.utils import formatdate

    return formatdate(time.time() - 7200, usegmt=True)


def checks(document: dict) -> dict[str, dict]:
    return {check["id"]: check for check in document["checks"]}


# --- a fake service: answers what a test says, with the headers it says, and remembers every request --------


@contextmanager
def fake(answer: Callable[[str, str], tuple[int, Any]], headers: dict[str, str] | None = None,
         date: str | None = None) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A service on a free loopback port answering `answer(method, path with query)` with `headers` (and, when
    given, `date` as its clock); yields its URL and the (method, path) of every request it got."""
    seen: list[tuple[str, str]] = []

    def respond(request: Request) -> tuple[int, Any, dict[str, str]]:
        seen.append((request.method, request.target))
        return (*answer(request.method, request.target), headers or {})

    with http_service(respond, date=date) as url:
        yield url, seen


def platform_like(action: dict = ACTION, actions_path: str = "v3/apps/7/actions?") -> Callable:
    """A service answering the documented shapes (logs as {count, logs}), with `action` its one action, listed
    at `actions_path`."""

    def answer(method: str, path: str) -> tuple[int, Any]:
        path = path.lstrip("/")
        if path == "v1/user":
            return 200, {"user": USER}
        if path.startswith(actions_path):
            return 200, {"actions": [action], "pagination": {"total": 1, "hasMore": False}}
        if path.startswith("v3/apps/7/actions/logs"):
            return 200, {"count": 1, "logs": [LOG]}
        if path.startswith("v3/apps/7/actions/31/versions"):
            return 200, {"versions": [{"id": 1, "createdAt": "2026-01-01T00:00:00Z", "userId": 4242}]}
        if path == "v3/apps/7/actions/31":
            return 200, {"action": action}
        return 404, {"status": "NOT_FOUND", "error": f"no route {method} {path}"}

    return answer


@pytest.fixture
def live(cli, project, monkeypatch):
    """`doctor --live --format json` against a service at `url`, app 7, the test's token, in a project whose
    actionctl.yaml ends with `extra`."""
    monkeypatch.setenv("ACTIONCTL_TOKEN", TOKEN)

    def run(url: str, extra: str = "", *args: str):
        (project / "actionctl.yaml").write_text(f"app: 7\napi_url: {url}\nrate_limits: {json.dumps(UNLIMITED)}\n"
                                                + extra)
        return cli("doctor", "--live", "--format", "json", *args)

    return run


def assert_nothing_leaks(text: str) -> None:
    for secret in (TOKEN, TOKEN.upper(), TOKEN[6:20], USER["email"], USER["fullName"], ACTION["name"], "SECRET",
                   "4111111111111111"):
        assert secret not in text, secret


# --- offline -------------------------------------------------------------------------------------------


def test_doctor_outside_a_project_checks_the_machine_and_skips_the_project(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("doctor", "--format", "json")
    assert result.exit_code == 0, result.stdout
    document = result.json
    assert list(document) == ["version", "live", "checks", "routes"] and document["live"] is False
    assert [check["id"] for check in document["checks"]] == [*CHECK_IDS, "clock"]
    assert all(list(check) == ["id", "title", "status", "detail", "facts"] for check in document["checks"])
    found = checks(document)
    assert found["worker"]["status"] == "ok" and set(found["worker"]["facts"]) == {"startMs", "runMs"}
    assert found["project"]["status"] == "skip"
    assert found["project"]["detail"].startswith("not inside a project (no actionctl.yaml here or above)")
    assert found["token"]["status"] == "warn"  # offline, no token is worth saying, not a failure
    assert [row["route"] for row in document["routes"]] == list(paths.TABLE)
    assert list(document["routes"][0]) == ["route", "method", "path", "source", "overridden", "summary", "probe"]
    assert all(row["probe"] is None for row in document["routes"])


def test_doctor_text_is_a_line_per_check_and_a_count(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("doctor")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[0].startswith("actionctl doctor ")
    assert lines[1].startswith("ok    python       Python ")
    assert lines[4].startswith("skip  project      not inside a project")
    assert lines[-1] == "6 ok, 2 warn, 1 skip"


def test_an_invalid_actionctl_yaml_and_a_wrong_api_section_fail_with_what_validate_says(cli, tree):
    tree({"actionctl.yaml": "app: 1\nregion: mars\napi:\n  list_actionz: {path: x}\n"})
    result = cli("doctor", "--format", "json")
    assert result.exit_code == 1
    found = checks(result.json)
    assert found["project"]["status"] == "fail"
    assert {d["code"] for d in found["project"]["facts"]["diagnostics"]} == {"CONFIG_INVALID"}
    assert found["target"]["status"] == "ok"  # the bad region falls back to the default host
    assert found["routes"]["status"] == "fail"
    assert found["routes"]["detail"] == ('unknown route "list_actionz" — did you mean "list_actions"? '
                                         "(in actionctl.yaml)")


def test_the_target_says_where_each_setting_came_from(cli, tree, monkeypatch):
    tree({"actionctl.yaml": "app: 1\nregion: eu\napi:\n  app_logs: {filter: params}\nprofiles:\n"
                            "  staging: {app: 9, api_url: 'http://127.0.0.1:9/'}\n"})
    monkeypatch.setenv("ACTIONCTL_TOKEN", "us--0123456789abcdef")
    found = checks(cli("doctor", "--profile", "staging", "--format", "json").json)
    assert found["target"]["facts"] == {
        "profile": {"value": "staging", "from": "--profile"},
        "apiUrl": {"value": "http://127.0.0.1:9/", "from": "api_url of profile staging"},
        "app": {"value": 9, "from": "app of profile staging"}}
    assert found["routes"]["detail"] == ("1 corrected in actionctl.yaml: app_logs → GET "
                                         "v3/apps/{app}/actions/logs (filter: params)")
    assert found["token"]["facts"] == {"source": "ACTIONCTL_TOKEN", "region": "us"}
    monkeypatch.setenv("ACTIONCTL_PROFILE", "staging")
    assert checks(cli("doctor", "--format", "json").json)["target"]["facts"]["profile"] == {
        "value": "staging", "from": "ACTIONCTL_PROFILE"}
    monkeypatch.delenv("ACTIONCTL_PROFILE")
    found = checks(cli("doctor", "--app", "3", "--region", "eu", "--format", "json").json)
    assert found["target"]["facts"]["app"] == {"value": 3, "from": "--app"}
    assert found["target"]["facts"]["apiUrl"] == {"value": "https://api.fliplet.com/", "from": "--region"}
    assert found["token"]["status"] == "warn"
    assert found["token"]["detail"] == ("from ACTIONCTL_TOKEN; it starts us-- (a us token) but the host is the eu "
                                        "region's — use --region us")
    assert "0123456789abcdef" not in json.dumps(found)


@pytest.mark.skipif(os.name == "nt", reason="file modes")
def test_stored_logins_others_can_read_are_a_warning(cli, project):
    file = credentials.save("https://api.fliplet.com/", TOKEN, USER)
    found = checks(cli("doctor", "--format", "json").json)
    assert found["credentials"]["status"] == "ok"
    assert found["credentials"]["facts"]["mode"] == "0600" and found["credentials"]["facts"]["folderMode"] == "0700"
    assert found["token"]["detail"] == "from the stored login for https://api.fliplet.com/ (a eu token)"
    os.chmod(file, 0o644)
    found = checks(cli("doctor", "--format", "json").json)
    assert found["credentials"]["status"] == "warn"
    assert found["credentials"]["detail"] == (f"{file} is mode 0644: others can read the tokens — "
                                              f"`chmod 600 {file}`")
    os.chmod(file, 0o600)
    os.chmod(file.parent, 0o755)
    found = checks(cli("doctor", "--format", "json").json)
    assert found["credentials"]["status"] == "warn" and "`chmod 700 " in found["credentials"]["detail"]


# --- live, against the emulator ---------------------------------------------------------------------------


def test_doctor_live_against_the_emulator_reads_every_route_by_shape(cli, api, remote):
    api.create_action({"name": "bill-acme-corp", "code": "async function execute(context) { return 'SECRET' }",
                       "active": True, "triggers": [{"trigger": "manual"}]})
    action_id = api.list_actions()[0]["id"]
    api.publish_action(action_id)
    api.run_action(action_id, {"card": "4111111111111111"})
    result = cli("doctor", "--live", "--format", "json", "--verbose")
    assert result.exit_code == 0, result.stdout
    document = result.json
    assert document["live"] is True
    assert [check["id"] for check in document["checks"]] == [*CHECK_IDS, *LIVE_IDS, "clock"]
    assert {check["id"]: check["status"] for check in document["checks"]} == dict.fromkeys(
        [*CHECK_IDS, *LIVE_IDS, "clock"], "ok")
    found = checks(document)
    assert found["live.current_user"]["detail"] == "the token is e…@localhost's"
    listing = found["live.list_actions"]["facts"]
    assert (listing["method"], listing["path"], listing["status"]) == ("GET", "v3/apps/{app}/actions", 200)
    assert listing["answerKeys"] == ["actions", "pagination"]
    assert found["live.get_action"]["facts"]["publishFields"] == ["productionTaskId", "masterTaskId"]
    assert found["live.app_logs"]["facts"]["itemNested"]["data"][:3] == ["actionVersion", "duration", "mode"]
    assert "skewSeconds" in found["clock"]["facts"]
    probed = {row["route"]: row["probe"]["status"] for row in document["routes"] if row["probe"]}
    assert probed == {"list_actions": 200, "get_action": 200, "app_logs": 200, "list_versions": 200,
                      "current_user": 200}
    requests = [line for line in result.stderr.splitlines() if line.startswith("· ")]
    assert len(requests) == 5 and all(line.startswith("· GET ") for line in requests)  # never a write
    text = cli("doctor", "--live")
    assert text.exit_code == 0 and "live.app_logs" in text.stdout
    for output in (result.stdout, result.stderr, text.stdout, text.stderr):
        assert EMULATOR_TOKEN not in output and "emulator@localhost" not in output
        assert "bill-acme-corp" not in output and "SECRET" not in output and "4111111111111111" not in output


# --- live, against services that answer otherwise ----------------------------------------------------------


def test_a_service_with_other_fields_is_described_and_api_overrides_are_probed(live):
    date_and_limits = {"X-RateLimit-Remaining": "59", "X-RateLimit-Limit": "60"}
    other = {**ACTION}
    with fake(platform_like(other, "v2/apps/7/tasks?"), date_and_limits, skewed_date()) as (url, seen):
        result = live(url, "api:\n  list_actions: {path: 'v2/apps/{app}/tasks'}\n")
    assert result.exit_code == 0, result.stdout
    found = checks(result.json)
    assert found["live.list_actions"]["facts"]["path"] == "v2/apps/{app}/tasks"
    assert found["live.get_action"]["facts"]["publishFields"] == ["isPublished"]
    assert found["live.get_action"]["detail"] == "publish state read from isPublished"
    assert found["live.app_logs"]["facts"]["itemNested"] == {"data": ["payload", "result", "taskId"]}
    assert found["live.current_user"]["facts"]["rateLimit"] == {"x-ratelimit-remaining": "59",
                                                               "x-ratelimit-limit": "60"}
    assert found["live.current_user"]["facts"]["user"] == {"email": "j…@example.com",
                                                           "keys": ["email", "fullName", "id", "isAdmin"]}
    assert found["clock"]["status"] == "warn" and found["clock"]["facts"]["skewSeconds"] > 3600
    assert found["clock"]["detail"].startswith("this machine's clock is ")
    overridden = next(row for row in result.json["routes"] if row["route"] == "list_actions")
    assert overridden["overridden"] is True and overridden["probe"]["status"] == 200
    assert {method for method, _ in seen} == {"GET"}
    assert_nothing_leaks(result.stdout + result.stderr)


def test_a_route_overridden_to_a_write_is_never_sent(live):
    """A read overridden to a write is refused as a setting (paths.override_problems); doctor says so and
    sends no write whatever the table says."""
    with fake(platform_like()) as (url, seen):
        result = live(url, "api:\n  app_logs: {method: POST}\n  get_action: {method: DELETE}\n")
    assert result.exit_code == 1
    found = checks(result.json)
    assert found["routes"]["status"] == "fail" and "must stay GET" in found["routes"]["detail"]
    assert all(method == "GET" for method, _ in seen)


def test_a_refused_token_is_a_failed_check_not_a_crash(live):
    refused = {"error": "not authorised", "message": "The auth_token provided doesn't belong to any user."}
    with fake(lambda method, path: (401, refused)) as (url, seen):
        result = live(url)
    assert result.exit_code == 1
    found = checks(result.json)
    assert found["live.current_user"]["status"] == "fail"
    assert found["live.current_user"]["detail"] == (
        "GET v1/user → 401: the token was refused (The auth_token provided doesn't belong to any user.) — "
        "`actionctl login` again; an app token does not reach the working-draft apps V3 actions live on")
    assert [found[name]["status"] for name in LIVE_IDS[1:]] == ["skip"] * 4
    assert len(seen) == 1  # one attempt, no retry
    assert_nothing_leaks(result.stdout + result.stderr)


def test_an_app_not_found_says_what_may_be_wrong(live):
    def answer(method: str, path: str) -> tuple[int, Any]:
        if path == "/v1/user":
            return 200, {"user": USER}
        return 404, {"status": "NOT_FOUND", "error": "no such app"}

    with fake(answer) as (url, seen):
        result = live(url)
    assert result.exit_code == 1
    found = checks(result.json)
    assert found["live.list_actions"]["status"] == "fail"
    assert found["live.list_actions"]["detail"].startswith("GET v3/apps/{app}/actions → 404: no app 7 there, or the "
                                                           "token cannot see it")
    assert [found[name]["status"] for name in ("live.get_action", "live.list_versions")] == ["skip", "skip"]
    assert found["live.app_logs"]["status"] == "fail"
    assert len(seen) == 3 and all(path.startswith(("/v1/user", "/v3/apps/7/actions")) for _, path in seen)


def test_a_service_that_does_not_answer_is_a_failed_check(live):
    with socket.socket() as closed:  # bound, never listening: refused, and no other process can take the port
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        result = live(f"http://127.0.0.1:{port}/")
    assert result.exit_code == 1 and result.stderr == ""
    found = checks(result.json)
    assert found["live.current_user"]["status"] == "fail"
    assert found["live.current_user"]["detail"] == (f"GET v1/user: no answer from http://127.0.0.1:{port}/ "
                                                    "(ConnectError)")
    assert found["clock"]["status"] == "ok"


def test_a_web_page_where_the_service_should_be_is_a_failed_check(live):
    with fake(lambda method, path: (200, "<html>welcome</html>")) as (url, _seen):
        result = live(url)
    found = checks(result.json)
    assert result.exit_code == 1
    assert found["live.current_user"]["detail"] == ("GET v1/user → 200 but not with a JSON object: is the URL the "
                                                    "service's base URL (e.g. https://api.fliplet.com/)?")
    assert found["live.list_actions"]["status"] == "fail"


def test_without_a_token_live_is_not_attempted(cli, project, tmp_path):
    result = cli("doctor", "--live", "--api-url", "http://127.0.0.1:9/", "--format", "json")
    assert result.exit_code == 1
    found = checks(result.json)
    assert found["token"]["status"] == "fail"
    assert found["live"]["detail"] == "not probed: fix the checks above first (service, routes, token)"


# --- the client's probe ---------------------------------------------------------------------------------


def test_a_probe_is_one_get_without_retry_and_refuses_anything_else():
    unavailable = fake(lambda method, path: (503, {"status": "SERVICE_UNAVAILABLE"}), {"Retry-After": "3"})
    with unavailable as (url, seen), Client(url, TOKEN, 7, pacer=Pacer(UNLIMITED)) as client:
        answer = client.probe(client.routes.build("list_actions", app=7), {"limit": 1})
        with pytest.raises(ValueError):
            client.probe(client.routes.build("delete_action", app=7, id=1))
    assert (answer.status, answer.body, answer.headers["retry-after"]) == (503, {"status": "SERVICE_UNAVAILABLE"},
                                                                           "3")
    assert seen == [("GET", "/v3/apps/7/actions?limit=1")]


def test_a_users_name_is_taken_out_of_text_but_not_out_of_field_names():
    from actionctl.doctor.shapes import scrub

    facts = {"detail": "the token is Name's", "user": {"keys": ["email", "fullName", "id"]}, "fullName": "Name"}
    assert scrub(facts, "eu--0123456789abcdef", {"Name": "***"}) == {
        "detail": "the token is ***'s", "user": {"keys": ["email", "fullName", "id"]}, "fullName": "***"}
