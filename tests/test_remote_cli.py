"""The remote commands end to end: the CLI, the client and the emulator over real HTTP on loopback."""

from __future__ import annotations

import json
import os
import subprocess
from types import SimpleNamespace

import pytest
from support import (
    ACTIONCTL,
    EMULATOR_TOKEN,
    HANG_LIMIT,
    UNLIMITED,
    Terminal,
    configure,
    fake_service,
    service_client,
    stats,
)

from actionctl.remote.errors import ServiceError

GREET = ("async function execute(context) {\n"
         "  if (context.payload.fail) throw new TypeError('no greeting for ' + context.payload.name);\n"
         "  return { greeting: 'Hello ' + (context.payload.name || 'world') };\n"
         "}\n")


def action(name: str, **fields) -> dict:
    return {"name": name, "code": GREET, "active": True, "environment": "server",
            "triggers": [{"trigger": "manual"}], **fields}


# --- who and where ---------------------------------------------------------------------------------

def test_whoami_reports_host_app_and_token_source(cli, remote):
    result = cli("whoami", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["api_url"] == remote.url and result.json["app"] == 1
    assert result.json["tokenSource"] == "ACTIONCTL_TOKEN" and result.json["user"]["email"]
    assert EMULATOR_TOKEN not in result.stdout + result.stderr


def test_login_checks_the_token_then_stores_it_and_logout_forgets_it(cli, remote, monkeypatch):
    from actionctl.remote import credentials

    monkeypatch.delenv("ACTIONCTL_TOKEN")
    refused = cli("login", "--token-stdin", input="wrong-token\n")
    assert refused.exit_code == 3 and "NOT_AUTHORISED" in refused.stderr
    assert "refused this token, so it was not saved" in refused.stderr
    assert credentials.token_for(remote.url) is None
    done = cli("login", "--token-stdin", input=EMULATOR_TOKEN + "\n")
    assert done.exit_code == 0, done.stderr
    assert credentials.token_for(remote.url) == EMULATOR_TOKEN
    assert EMULATOR_TOKEN not in done.stdout + done.stderr
    assert cli("whoami", "--format", "json").json["tokenSource"] == "stored login"
    assert cli("logout").exit_code == 0
    assert credentials.token_for(remote.url) is None
    missing = cli("remote", "list")
    assert missing.exit_code == 2 and "NOT_LOGGED_IN" in missing.stderr and "actionctl login" in missing.stderr


def test_login_without_a_terminal_needs_token_stdin(cli, remote):
    result = cli("login")
    assert result.exit_code == 2 and "--token-stdin" in result.stderr


def test_a_wrong_token_is_exit_3_without_showing_it(cli, remote):
    result = cli("remote", "list", "--token", "not-the-token-at-all", "--verbose")
    assert result.exit_code == 3 and "NOT_AUTHORISED" in result.stderr
    assert "not-the-token-at-all" not in result.stdout + result.stderr


def test_no_app_is_a_usage_error(cli, remote, project):
    (project / "actionctl.yaml").write_text(f"api_url: {remote.url}\n")
    result = cli("remote", "list")
    assert result.exit_code == 2 and "APP_REQUIRED" in result.stderr


# --- list, show, run, delete -------------------------------------------------------------------------

def test_list_follows_pagination_past_50(cli, api):
    for index in range(120):
        api.create_action(action(f"a{index:03}"))
    result = cli("remote", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    names = [a["name"] for a in result.json["actions"]]
    assert names == [f"a{i:03}" for i in range(120)]
    assert set(result.json["actions"][0]) == {"id", "name", "active", "environment", "triggers", "frequency",
                                              "timezone", "published", "lastRunAt", "updatedAt"}
    text = cli("remote", "list")
    assert text.exit_code == 0 and "a119" in text.stdout


def test_remote_list_production_marks_the_copies_published(cli, api):
    api.create_action(action("greet"))
    assert cli("publish", "greet").exit_code == 0
    copies = cli("remote", "list", "--production", "--format", "json").json["actions"]
    assert [(c["name"], c["published"]) for c in copies] == [("greet", True)]
    header, row = cli("remote", "list", "--production").stdout.splitlines()[:2]
    assert row[header.index("published"):].split()[0] == "yes"


def test_show_master_and_production(cli, api):
    api.create_action(action("greet", description="says hello"))
    shown = cli("remote", "show", "greet", "--format", "json")
    assert shown.json["action"]["code"] == GREET and shown.json["action"]["description"] == "says hello"
    unpublished = cli("remote", "show", "greet", "--production")
    assert unpublished.exit_code == 3 and "ACTION_NOT_PUBLISHED" in unpublished.stderr
    assert cli("publish", "greet").exit_code == 0
    production = cli("remote", "show", "greet", "--production", "--format", "json").json["action"]
    assert production["masterTaskId"] == shown.json["action"]["id"] and production["code"] == GREET
    text = cli("remote", "show", "greet")
    assert "name: greet" in text.stdout and "return { greeting" in text.stdout


def test_unknown_action_suggests_a_name(cli, api):
    api.create_action(action("greet"))
    result = cli("remote", "show", "gret")
    assert result.exit_code == 2
    assert result.stderr == ('error: no action named "gret" in app 1 on the service — did you mean "greet"? '
                             '[ACTION_NOT_FOUND]\n')


def test_run_waits_for_the_result(cli, api):
    api.create_action(action("greet"))
    result = cli("remote", "run", "greet", "--payload", '{"name": "Ann"}', "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["result"] == {"greeting": "Hello Ann"} and result.json["taskId"]
    text = cli("remote", "run", "greet")
    assert '"greeting": "Hello world"' in text.stdout


def test_run_failures_keep_the_services_code(cli, api):
    api.create_action(action("greet"))
    api.create_action(action("idle", active=False))
    api.create_action(action("browser", environment="client"))
    failed = cli("remote", "run", "greet", "--payload", '{"fail": true, "name": "Bob"}')
    assert failed.exit_code == 3 and "EXECUTION_FAILED" in failed.stderr and "no greeting for Bob" in failed.stderr
    assert "ACTION_INACTIVE" in cli("remote", "run", "idle").stderr
    assert "CLIENT_ACTION_NOT_RUNNABLE" in cli("remote", "run", "browser").stderr
    big = cli("remote", "run", "greet", "--payload", json.dumps({"name": "x" * 3000}))
    assert big.exit_code == 0, big.stderr  # the service sets no fixed limit on a payload


def test_async_run_then_logs(cli, api):
    api.create_action(action("greet"))
    queued = cli("remote", "run", "greet", "--async", "--format", "json")
    assert queued.exit_code == 0 and queued.json["queued"] is True
    cli("remote", "run", "greet", "--payload", '{"fail": true}')
    follow = cli("logs", "greet", "--follow", "--interval", "0.2", "--polls", "10", "--format", "json")
    entries = [json.loads(line) for line in follow.stdout.splitlines()]
    assert {e["data"]["taskId"] for e in entries} >= {queued.json["taskId"]}
    listed = cli("logs", "greet", "--format", "json").json
    assert listed["count"] == 2 and {e["type"] for e in listed["logs"]} == {"app.task.completed", "app.task.failed"}
    failed = cli("logs", "--failed", "--format", "json").json
    assert [e["type"] for e in failed["logs"]] == ["app.task.failed"]
    assert cli("logs", "--limit", "1", "--format", "json").json["count"] == 1
    text = cli("logs")
    assert "✓ greet" in text.stdout and "✗ greet" in text.stdout and "failed: " in text.stdout


def test_delete_asks_or_needs_yes(cli, api):
    api.create_action(action("greet"))
    refused = cli("remote", "delete", "greet")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert api.find_action("greet") is not None
    done = cli("remote", "delete", "greet", "--yes", "--format", "json")
    assert done.exit_code == 0 and done.json["deleted"]["name"] == "greet"
    assert api.find_action("greet") is None


# --- publish, versions, rollback ----------------------------------------------------------------------

def test_publish_needs_a_published_app(cli, api, remote):
    configure(remote, app_published=False)
    with service_client(remote, app=2) as other:
        other.create_action(action("greet"))
    result = cli("publish", "greet", "--app", "2")
    assert result.exit_code == 3 and "APP_NOT_PUBLISHED" in result.stderr and "publish the app first" in result.stderr
    with service_client(remote, app=2) as other:
        other.publish_app()
    assert cli("publish", "greet", "--app", "2").exit_code == 0


def test_publish_all_and_unpublish(cli, api):
    for name in ("one", "two"):
        api.create_action(action(name))
    published = cli("publish", "--all", "--format", "json")
    assert [p["name"] for p in published.json["published"]] == ["one", "two"]
    assert all(a["published"] for a in cli("remote", "list", "--format", "json").json["actions"])
    assert cli("unpublish", "one").exit_code == 0
    again = cli("unpublish", "one")
    assert again.exit_code == 3 and "ACTION_NOT_PUBLISHED" in again.stderr
    assert cli("publish").exit_code == 2


def test_publish_all_asks_first_in_a_terminal(cli, api, monkeypatch):
    for name in ("one", "two"):
        api.create_action(action(name))
    monkeypatch.setattr("actionctl.cli.confirm.interactive", lambda: True)
    declined = cli("publish", "--all", input="n\n")
    assert "publish all 2 actions of app 1 to production? [y/N]" in declined.stderr
    assert declined.exit_code != 0 and not any(a["published"] for a in cli("remote", "list", "--format",
                                                                              "json").json["actions"])
    accepted = cli("publish", "--all", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert cli("publish", "--all", "--yes").exit_code == 0  # --yes: not asked
    assert all(a["published"] for a in cli("remote", "list", "--format", "json").json["actions"])


def test_versions_have_a_header_and_mark_the_current_one(cli, api):
    created = api.create_action(action("greet"))
    api.update_action(created["id"], {"code": GREET.replace("Hello", "Hi")})
    listed = cli("versions", "greet", "--format", "json").json["versions"]
    assert [v["current"] for v in listed] == [True, False]  # the newest is what the master holds now
    lines = cli("versions", "greet").stdout.splitlines()
    assert lines[0].split() == ["VERSION", "SAVED", "AT", "BY"] and len(lines) == 3
    assert lines[1].endswith("← current") and lines[1].startswith(str(listed[0]["id"]))
    assert "current" not in lines[2]
    cli("rollback", "greet", str(listed[-1]["id"]))  # restoring saves versions too: the restored one is current
    again = cli("versions", "greet", "--format", "json").json["versions"]
    assert [v["current"] for v in again][:2] == [True, False]


def test_versions_and_rollback(cli, api):
    created = api.create_action(action("greet"))
    api.update_action(created["id"], {"code": GREET.replace("Hello", "Hi")})
    listed = cli("versions", "greet", "--format", "json").json["versions"]
    assert len(listed) == 2
    first = listed[-1]["id"]
    back = cli("rollback", "greet", str(first), "--format", "json")
    assert back.exit_code == 0, back.stderr
    assert back.json["action"]["code"] == GREET and back.json["restoredFromVersionId"] == first
    assert len(cli("versions", "greet", "--format", "json").json["versions"]) >= 3
    missing = cli("rollback", "greet", "99999")
    assert missing.exit_code == 3 and "VERSION_NOT_FOUND" in missing.stderr


# --- every code the emulator can answer, through the client ------------------------------------------

@pytest.mark.parametrize("fields, code", [
    ({"name": None}, "NAME_REQUIRED"),
    ({"name": ""}, "NAME_EMPTY"),
    ({"name": "x" * 256}, "NAME_TOO_LONG"),
    ({"name": "bad name"}, "NAME_INVALID_CHARS"),
    ({"code": None}, "CODE_REQUIRED"),
    ({"code": ""}, "CODE_EMPTY"),
    ({"code": "async function run() {}"}, "CODE_VALIDATION_FAILED"),
    ({"environment": "edge"}, "ENVIRONMENT_INVALID"),
    ({"frequency": "every day", "triggers": [{"trigger": "schedule"}]}, "FREQUENCY_INVALID"),
    ({"frequency": "* * * * *", "triggers": [{"trigger": "schedule"}]}, "FREQUENCY_TOO_FREQUENT"),
    ({"frequency": "0 8 * * 1", "timezone": "Mars/Base", "triggers": [{"trigger": "schedule"}]},
     "TIMEZONE_INVALID"),
    ({"triggers": "manual"}, "TRIGGERS_INVALID"),
    ({"triggers": [{"trigger": "webhook"}]}, "TRIGGER_TYPE_INVALID"),
    ({"triggers": [{"trigger": "analytics", "where": {"type": "analytics.pageView"}}]}, "TRIGGER_NOT_ALLOWED"),
    ({"dependencies": "fliplet-datasources"}, "DEPENDENCIES_INVALID"),
])
def test_validation_codes_reach_the_client(api, fields, code):
    body = {k: v for k, v in {**action("checked"), **fields}.items() if v is not None}
    with pytest.raises(ServiceError) as caught:
        api.create_action(body)
    assert (caught.value.code, caught.value.status) == (code, 400)


def test_operational_codes_reach_the_client(api):
    master = api.create_action(action("greet"))
    with pytest.raises(ServiceError) as clash:
        api.create_action(action("greet"))
    assert (clash.value.code, clash.value.status) == ("NAME_ALREADY_EXISTS", 409)
    copy = api.publish_action(master["id"])
    for call, code in ((lambda: api.update_action(copy["id"], {"active": False}), "CANNOT_UPDATE_PRODUCTION"),
                       (lambda: api.delete_action(copy["id"]), "CANNOT_DELETE_PRODUCTION"),
                       (lambda: api.restore_version(copy["id"], 1), "CANNOT_RESTORE_PRODUCTION"),
                       (lambda: api.get_action(424242), "ACTION_NOT_FOUND")):
        with pytest.raises(ServiceError) as caught:
            call()
        assert caught.value.code == code


# --- rate limits and faults ---------------------------------------------------------------------------

def test_a_429_storm_is_ridden_out_without_a_failed_command(cli, api, remote):
    api.create_action(action("greet"))
    forced = {"crud": 5, "run": 2, "publish": 2}
    assert configure(remote, force_429=forced)["force_429"] == forced
    for _ in range(4):
        assert cli("remote", "list", "--format", "json").exit_code == 0
        assert cli("remote", "show", "greet", "--format", "json").exit_code == 0
    assert cli("publish", "greet").exit_code == 0
    assert cli("remote", "run", "greet").exit_code == 0
    seen = stats(remote)
    # Every forced 429 was met, and waited out: each command still succeeded.
    assert {bucket: seen["byBucket"][bucket]["rateLimited"] for bucket in forced} == forced
    assert configure(remote)["force_429"] == {}


def test_a_client_told_the_limits_never_hits_them(cli, api, remote, project):
    api.create_action(action("greet"))
    # The client is told 4 a window of 3 s; the emulator allows 5 a window of 1 s (one for the request
    # that arranged the action). Only a request held up by more than 2 s could meet a 429.
    configure(remote, rate_limits={"crud": 5, "run": 2, "publish": 2}, rate_window=1.0)
    (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {remote.url}\n"
                                            "rate_limits: {crud: 4, run: 2, publish: 2, window: 3}\n")
    for _ in range(6):
        assert cli("remote", "show", "greet").exit_code == 0  # a listing each, paced across the commands
    assert stats(remote)["rateLimited"] == 0


def test_idempotent_commands_succeed_through_20_percent_faults(cli, api, remote):
    names = [f"f{i}" for i in range(5)]
    for name in names:
        api.create_action(action(name))
    configure(remote, faults=0.2)
    for name in names:
        assert cli("remote", "show", name, "--format", "json").exit_code == 0
        assert cli("publish", name).exit_code == 0
        assert cli("versions", name).exit_code == 0
        assert cli("unpublish", name).exit_code == 0
        assert cli("logs", name).exit_code == 0
        assert cli("whoami").exit_code == 0
    for name in names:
        assert cli("remote", "delete", name, "--yes").exit_code == 0
    configure(remote, faults=0.0)
    assert cli("remote", "list", "--format", "json").json["actions"] == []
    assert sum(stats(remote)["faults"].values()) > 0


def test_creates_through_faults_make_no_duplicates(api, remote):
    configure(remote, faults=0.3)
    for index in range(20):
        api.create_action(action(f"c{index}"))
    configure(remote, faults=0.0)
    names = [a["name"] for a in api.list_actions()]
    assert sorted(names) == sorted(f"c{i}" for i in range(20))


# --- a service that misbehaves ---------------------------------------------------------------------


def test_a_service_that_sends_the_same_page_forever_is_refused_in_one_line(cli, project, monkeypatch):
    asked = []

    def same_page(method: str, path: str):
        asked.append(path)
        assert len(asked) < 50, "followed forever"  # before: every page, again and again
        return 200, {"actions": [{"id": 1, "name": "a"}], "pagination": {"total": 9, "hasMore": True}}

    with fake_service(same_page) as url:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\nrate_limits: {json.dumps(UNLIMITED)}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "fake-token-1234")
        result = cli("remote", "list")
    assert result.exit_code == 3 and result.stdout == ""
    assert result.stderr == ("error: GET v3/apps/1/actions: the service answered offset 1 with a page it had already "
                             "sent, and said there was more — stopped rather than go round forever "
                             "[SERVICE_ANSWER_INVALID]\n")
    assert len(asked) == 2


# --- what is read as the URL and the token ----------------------------------------------------------


def test_an_api_url_that_is_no_url_is_a_coded_error_where_it_is_read(cli, project):
    from actionctl.render.printable import printable  # the line is printed disarmed: `\x3a:error`

    (project / "actionctl.yaml").write_text('app: 1\napi_url: "http://[::1"\n')
    validated = cli("validate", "--format", "json")
    assert validated.exit_code == 1
    assert [(d["code"], d["message"]) for d in validated.json["diagnostics"]] == [
        ("CONFIG_INVALID", "api_url must be an http(s) URL")]
    listed = cli("remote", "list", "--token", "t0ken")
    assert (listed.exit_code, listed.stdout) == (2, "")
    assert listed.stderr == "error: actionctl.yaml:2:10: api_url must be an http(s) URL [CONFIG_INVALID]\n"
    (project / "actionctl.yaml").write_text("app: 1\n")  # --api-url is checked where it is read, too
    for url, problem in (("http://[::1", "Invalid IPv6 URL"), ("http://h:99999/", "Port out of range 0-65535"),
                         ("ftp://h/", "it is not an http(s) URL with a host"),
                         ("http://h/\n::error::x", "it holds a space or a control character")):
        given = cli("whoami", "--api-url", url, "--token", "t0ken")
        assert given.exit_code == 2
        assert given.stderr == (f"error: --api-url {printable(repr(url))} cannot be the service's URL: {problem} "
                                "— e.g. https://api.fliplet.com/ [API_URL_INVALID]\n")
    given = cli("whoami", "--api-url", "https://user:s3cretpw@api.example/", "--token", "t0ken")
    assert (given.exit_code, given.stderr) == (
        2, "error: --api-url 'https://***@api.example/' cannot be the service's URL: it holds a user name or "
           "password — the token goes in ACTIONCTL_TOKEN or `actionctl login` — e.g. https://api.fliplet.com/ "
           "[API_URL_INVALID]\n")


def test_a_token_is_read_without_the_whitespace_around_it(cli, remote, monkeypatch):
    from actionctl.remote import credentials

    # Before: the newline went into the header, httpx refused it, and that was retried six times as a
    # network failure.
    monkeypatch.setenv("ACTIONCTL_TOKEN", f"  {EMULATOR_TOKEN}\n")
    assert cli("remote", "list").exit_code == 0
    monkeypatch.delenv("ACTIONCTL_TOKEN")
    credentials.save(remote.url, EMULATOR_TOKEN + "\r\n")  # a stored login written by hand, say
    assert cli("remote", "list").exit_code == 0
    assert cli("remote", "list", "--token", EMULATOR_TOKEN + "\n").exit_code == 0
    logged_in = cli("login", "--token-stdin", input=f"\t{EMULATOR_TOKEN} \n")
    assert logged_in.exit_code == 0, logged_in.stderr
    assert credentials.token_for(remote.url) == EMULATOR_TOKEN


def test_a_token_a_header_cannot_carry_is_refused_at_once_without_showing_it(cli, remote, monkeypatch):
    from actionctl.remote import credentials

    secret = "s3cret-tök€n"
    refusal = ("holds a character an HTTP header cannot carry (outside printable ASCII, or a space) — copy it "
               "again [TOKEN_INVALID]\n")
    monkeypatch.setenv("ACTIONCTL_TOKEN", secret)
    assert cli("remote", "list", "--verbose").stderr == f"error: the token from ACTIONCTL_TOKEN {refusal}"
    monkeypatch.delenv("ACTIONCTL_TOKEN")
    for given, source in ((secret, "--token"), ("in\x1bside", "--token"), ("two words", "--token")):
        result = cli("remote", "list", "--token", given)
        assert (result.exit_code, result.stderr) == (2, f"error: the token from {source} {refusal}")
    credentials.save(remote.url, secret)
    stored = cli("remote", "list")
    assert stored.stderr == f"error: the token from the stored login for {remote.url} {refusal}"
    piped = cli("login", "--token-stdin", input=secret + "\n")
    assert (piped.exit_code, piped.stderr) == (2, f"error: the token from standard input {refusal}")
    assert stats(remote)["requests"] == 0  # nothing was sent, so nothing was retried


def test_login_closes_a_config_folder_others_could_read(cli, remote, monkeypatch, tmp_path):
    import os
    import stat

    from actionctl.remote import credentials

    monkeypatch.delenv("ACTIONCTL_TOKEN")
    folder = tmp_path / "config"
    folder.mkdir()
    os.chmod(folder, 0o755)  # made by something else, as folders are by default
    monkeypatch.setenv("ACTIONCTL_CONFIG_DIR", str(folder))
    assert cli("login", "--token-stdin", input=EMULATOR_TOKEN + "\n").exit_code == 0
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(credentials.path()).st_mode) == 0o600


@pytest.mark.parametrize(("args", "answers", "error"), [
    (("logs",), {"v3/apps/1/actions/logs": [1, 2]},
     "GET v3/apps/1/actions/logs: the service answered a list, not an object"),
    (("logs",), {"v3/apps/1/actions/logs": {"count": 1, "logs": ["a log"]}},
     "GET v3/apps/1/actions/logs: the service's logs are not a list of objects"),
    (("versions", "a"), {"v3/apps/1/actions/5/versions": {"versions": [{"id": 1}, "v2"], "pagination": {}}},
     "GET v3/apps/1/actions/5/versions: the service's versions are not a list of objects"),
    (("rollback", "a", "3"), {"v3/apps/1/actions/5/versions/3/restore": "restored"},
     "POST v3/apps/1/actions/5/versions/3/restore: the service answered a string, not an object"),
])
def test_answers_of_the_wrong_shape_are_refused_in_one_line(cli, project, monkeypatch, args, answers, error):
    def shaped(method: str, path: str):
        path = path.lstrip("/").split("?")[0]
        if path == "v3/apps/1/actions":
            return 200, {"actions": [{"id": 5, "name": "a"}], "pagination": {"total": 1, "hasMore": False}}
        return 200, answers[path]

    with fake_service(shaped) as url:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\nrate_limits: {json.dumps(UNLIMITED)}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "fake-token-1234")
        result = cli(*args)
    assert (result.exit_code, result.stderr) == (3, f"error: {error} [SERVICE_ANSWER_INVALID]\n")


def test_a_log_count_that_is_not_a_number_is_the_number_of_logs(cli, project, monkeypatch):
    log = {"id": 1, "actionId": 5, "type": "app.task.completed", "createdAt": "2026-11-29T10:00:00.000Z",
           "data": {"taskId": "t1", "duration": 3}}

    def answers(method: str, path: str):
        if path.startswith("/v3/apps/1/actions/logs"):
            return 200, {"count": "one", "logs": [log]}
        return 200, {"actions": [{"id": 5, "name": "a"}], "pagination": {"total": 1, "hasMore": False}}

    with fake_service(answers) as url:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\nrate_limits: {json.dumps(UNLIMITED)}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "fake-token-1234")
        result = cli("logs", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"count": 1, "logs": [log]}


def test_logs_follow_shows_only_newer_logs_in_order_within_the_limit(cli, api, monkeypatch):
    greet = api.create_action(action("greet"))
    for name in ("one", "two", "three"):
        api.run_action(greet["id"], {"name": name})
    polls = []

    def between_polls(seconds: float) -> None:  # runs finish between the first two polls, none after
        polls.append(seconds)
        if len(polls) == 1:
            for name in ("four", "five", "six"):
                api.run_action(greet["id"], {"name": name})

    monkeypatch.setattr("actionctl.cli.publishing.time", SimpleNamespace(sleep=between_polls))  # its own clock only
    follow = cli("logs", "greet", "--limit", "2", "--follow", "--polls", "3", "--format", "json")
    assert follow.exit_code == 0, follow.stderr
    shown = [json.loads(line)["data"]["payload"]["name"] for line in follow.stdout.splitlines()]
    # The two newest at first; then, of the three new runs, the two newest (the limit), oldest first; then none.
    assert shown == ["two", "three", "five", "six"] and len(polls) == 3


def test_remote_list_keeps_each_action_on_one_whole_line_when_piped_and_a_name_whole_in_a_narrow_terminal(api):
    name = "send-the-weekly-booking-summary-to-every-manager-of-the-company"
    created = api.create_action(action(name))
    piped = subprocess.run([*ACTIONCTL, "remote", "list"], capture_output=True, text=True, timeout=HANG_LIMIT,
                           env={**os.environ, "COLUMNS": "80"})
    [line] = [line for line in piped.stdout.splitlines() if name in line]
    assert line.split() == [str(created["id"]), name, "yes", "server", "manual", "no", "never"]
    terminal = Terminal("remote", "list", columns=80)
    status, shown = terminal.finish()
    assert status == 0 and name in shown.split(), shown


def test_a_failed_remote_run_in_json_is_a_run_result_with_the_stack(cli, api):
    api.create_action(action("greet"))
    failed = cli("remote", "run", "greet", "--payload", '{"fail": true, "name": "Bob"}', "--format", "json")
    assert failed.exit_code == 3
    document = failed.json
    error = document.pop("error")
    assert document == {"ok": False, "action": "greet", "taskId": document["taskId"], "result": None,
                        "durationMs": None}
    assert (error["code"], error["name"], error["message"]) == ("EXECUTION_FAILED", "TypeError",
                                                                "TypeError: no greeting for Bob")
    assert "at execute (" in error["stack"]
    assert failed.stderr.strip().endswith("[EXECUTION_FAILED]")
    refused = cli("remote", "run", "nothing-by-that-name", "--format", "json")
    assert refused.json["ok"] is False and refused.json["error"]["code"] == "ACTION_NOT_FOUND"
