"""The remote client's own logic, against scripted answers (httpx.MockTransport): pacing, 429s,
retries that are safe, a create whose answer is lost, the error envelope, and the token kept secret.
The same client is driven end to end against the emulator in test_remote_cli.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import httpx
import pytest
from support import FakeClock

from actionctl.remote import credentials, paths, target
from actionctl.remote.client import MAX_PAGES, RETRIES, Client
from actionctl.remote.errors import (
    ApiUrlInvalidError,
    CredentialsError,
    NetworkError,
    NotAuthorisedError,
    ServiceAnswerError,
    ServiceError,
    TokenInvalidError,
    redact,
)
from actionctl.remote.pacing import Ledger, Pacer, retry_after

TOKEN = "eu--secret-token-123456"


def client_with(handler, *, pacer: Pacer | None = None, log=None, clock: FakeClock | None = None) -> Client:
    clock = clock or FakeClock()
    return Client("https://api.example.test", TOKEN, 7, pacer=pacer or Pacer(clock=clock, sleep=clock.sleep),
                  transport=httpx.MockTransport(handler), sleep=clock.sleep, log=log)


def answer(status: int, body=None, headers=None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers) if body is not None else \
        httpx.Response(status, headers=headers)


# --- pacing --------------------------------------------------------------------------------------

def test_the_pacer_spaces_requests_to_the_limit():
    clock = FakeClock()
    pacer = Pacer({"crud": 3}, window=10, clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(7):
        pacer.acquire("crud")
        sent.append(clock.now)
    # No 10-second window ever holds more than three requests.
    assert all(sum(1 for t in sent if start <= t < start + 10) <= 3 for start in sent)
    assert sent[3] >= sent[0] + 10 and sent[6] >= sent[3] + 10
    pacer.acquire("none")  # a kind without a limit never waits
    assert pacer.waited == pytest.approx(sum(clock.slept))


def test_a_hold_after_429_delays_only_that_kind():
    clock = FakeClock()
    pacer = Pacer(clock=clock, sleep=clock.sleep)
    pacer.hold("run", 4.0)
    pacer.acquire("crud")
    assert clock.slept == []
    pacer.acquire("run")
    assert clock.slept == [pytest.approx(4.0)]


def test_a_watched_wait_is_told_what_it_waits_for_how_long_and_what_is_left():
    clock = FakeClock()
    pacer = Pacer({"crud": 2}, window=3, clock=clock, sleep=clock.sleep)
    told = []
    pacer.on_wait = lambda wait: told.append(wait.describe())
    pacer.hold("run", 2.5)
    pacer.acquire("run")
    for _ in range(3):
        pacer.acquire("crud")
    assert told == [
        "waiting on the rate limit for run requests (the service answered 429): 0 s of 3 s, 3 s left",
        "waiting on the rate limit for run requests (the service answered 429): 1 s of 3 s, 2 s left",
        "waiting on the rate limit for run requests (the service answered 429): 2 s of 3 s, 1 s left",
        "waiting on the rate limit for crud requests (at most 2 per 3 s): 0 s of 4 s, 4 s left",
        "waiting on the rate limit for crud requests (at most 2 per 3 s): 1 s of 4 s, 3 s left",
        "waiting on the rate limit for crud requests (at most 2 per 3 s): 2 s of 4 s, 2 s left",
        "waiting on the rate limit for crud requests (at most 2 per 3 s): 3 s of 4 s, 1 s left",
    ]
    assert clock.slept == pytest.approx([1, 1, 0.5, 1, 1, 1, 0.05])  # in slices, so the watcher is told


def test_processes_sharing_a_ledger_pace_as_one_client(tmp_path):
    clock = FakeClock()
    ledger = Ledger.for_app(tmp_path, "https://api.example.test/", 7)
    first = Pacer({"crud": 3}, window=10, clock=clock, sleep=clock.sleep, ledger=ledger)
    for _ in range(2):
        first.acquire("crud")
    first.hold("run", 6.0)
    # A later command (a new process) for the same app inherits what the first one spent and was told.
    second = Pacer({"crud": 3}, window=10, clock=clock, sleep=clock.sleep, ledger=Ledger(ledger.path))
    second.acquire("crud")
    assert clock.slept == []
    second.acquire("crud")
    assert clock.slept == [pytest.approx(10.05)]
    second.acquire("run")
    assert len(clock.slept) == 1  # the 6-second hold has passed while it waited for the crud slot
    other_app = Pacer({"crud": 3}, window=10, clock=clock, sleep=clock.sleep,
                      ledger=Ledger.for_app(tmp_path, "https://api.example.test/", 8))
    for _ in range(3):
        other_app.acquire("crud")
    assert len(clock.slept) == 1  # another app has its own budget


def test_a_ledger_that_cannot_be_opened_leaves_the_pacer_pacing_alone(tmp_path):
    clock = FakeClock()
    (tmp_path / "pacing").write_text("a file where the folder should be")
    pacer = Pacer({"crud": 2}, window=10, clock=clock, sleep=clock.sleep, ledger=Ledger(tmp_path / "pacing" / "a.json"))
    for _ in range(3):
        pacer.acquire("crud")
    assert clock.slept == [pytest.approx(10.05)]  # still paced, in memory


def test_a_damaged_ledger_is_read_as_empty(tmp_path):
    clock = FakeClock()
    ledger = Ledger(tmp_path / "pacing" / "app.json")
    ledger.path.parent.mkdir()
    ledger.path.write_text('{"sent": {"crud": ["x", 1e30]}, "held": 7')
    pacer = Pacer({"crud": 1}, window=10, clock=clock, sleep=clock.sleep, ledger=ledger)
    pacer.acquire("crud")  # the future stamp would block forever if it were trusted as a list of numbers…
    assert json.loads(ledger.path.read_text())["sent"]["crud"][-1] == clock.now


@pytest.mark.parametrize("headers, body, expected", [
    ({"Retry-After": "2.5"}, {}, 2.5),
    ({"Retry-After": "Mon, 23 Nov 2026 10:00:05 GMT"}, {}, 5.0),
    ({}, {"nextValidRequestDate": "2026-11-23T10:00:07.000Z"}, 7.0),
    ({}, {"nextValidRequestDate": "2026-11-23T09:59:00Z"}, 0.0),
    ({}, {"message": "slow down"}, None),
    ({"Retry-After": "inf"}, {"nextValidRequestDate": "2026-11-23T10:00:03Z"}, 3.0),  # not a number of seconds
    ({"Retry-After": "NaN"}, {}, None),
])
def test_retry_after_reads_the_header_or_the_body(headers, body, expected):
    now = dt.datetime(2026, 11, 23, 10, 0, 0, tzinfo=dt.timezone.utc)
    assert retry_after(headers, body, now=now) == expected


def test_a_429_that_asks_for_forever_holds_at_most_an_hour():
    waits = iter(["1e300", "inf", "-5"])

    def handler(request: httpx.Request) -> httpx.Response:
        wait = next(waits, None)
        return answer(429, {}, {"Retry-After": wait}) if wait else answer(200, {"action": {"id": 5}})

    class Clock(FakeClock):
        def sleep(self, seconds: float) -> None:
            assert seconds <= 3600, f"asked to sleep {seconds} s"  # before: 1e300, which time.sleep refuses
            super().sleep(seconds)

    clock = Clock()
    with client_with(handler, clock=clock) as client:
        assert client.get_action(5) == {"id": 5}
    # An hour for 1e300; inf is no number of seconds, so the backoff's 0.8 s; -5 is no wait at all.
    assert clock.slept == [pytest.approx(3600.0), pytest.approx(0.8)]


# --- answers and errors --------------------------------------------------------------------------

def test_requests_carry_the_token_header_and_unwrap_actions():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(200, {"action": {"id": 5, "name": "a"}})

    with client_with(handler) as client:
        assert client.get_action(5) == {"id": 5, "name": "a"}
    assert seen[0].headers["Auth-token"] == TOKEN
    assert seen[0].url.path == "/v3/apps/7/actions/5"


def test_list_follows_pagination_to_the_end():
    def handler(request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        items = [{"id": i, "name": f"a{i}"} for i in range(offset, min(offset + limit, 120))]
        return answer(200, {"actions": items, "pagination": {"total": 120, "hasMore": offset + limit < 120}})

    with client_with(handler) as client:
        actions = client.list_actions()
        assert [a["id"] for a in actions] == list(range(120))
        assert client.stats.requests == 3


def endless(pages, total: int | None = None):
    """A handler that answers each listing with the next of `pages` (offset → items) and says there is more
    (counting `total` actions, or none), and that fails the test if it is asked more often than the client's
    cap allows (before: forever)."""
    asked = []
    counted = {} if total is None else {"total": total}

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(int(request.url.params["offset"]))
        assert len(asked) <= MAX_PAGES, "the client followed the pages past its cap"
        return answer(200, {"actions": pages(asked[-1]), "pagination": {**counted, "hasMore": True}})

    return handler, asked


def test_pages_that_never_end_are_followed_up_to_the_cap_and_refused():
    handler, asked = endless(lambda offset: [{"id": offset + i, "name": f"a{offset + i}"} for i in range(3)])
    with client_with(handler) as client, pytest.raises(ServiceAnswerError) as caught:
        client.list_actions()
    assert (caught.value.code, caught.value.exit_code) == ("SERVICE_ANSWER_INVALID", 3)
    assert caught.value.message == ("GET v3/apps/7/actions: the service still said there was more after 1000 pages "
                                    "(3000 actions) — stopped rather than follow it forever")
    assert len(asked) == MAX_PAGES


def test_more_past_the_total_the_service_counted_is_refused_at_once():
    handler, asked = endless(lambda offset: [{"id": offset + i, "name": f"a{offset + i}"} for i in range(3)], 3)
    with client_with(handler) as client, pytest.raises(ServiceAnswerError) as caught:
        client.list_actions()
    assert caught.value.message == ("GET v3/apps/7/actions: the service said there was more after 3 actions, of 3 "
                                    "it counted — stopped rather than follow it")
    assert asked == [0]


@pytest.mark.parametrize("pages", [
    lambda offset: [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],  # the same page at every offset
    lambda offset: [{"id": offset // 2 % 2, "name": "x"}, {"id": 9, "name": "y"}],  # two pages in turn
])
def test_a_page_sent_again_is_refused_at_once(pages):
    handler, asked = endless(pages)
    with client_with(handler) as client, pytest.raises(ServiceAnswerError) as caught:
        client.list_actions()
    assert caught.value.message == (f"GET v3/apps/7/actions: the service answered offset {asked[-1]} with a page it "
                                    "had already sent, and said there was more — stopped rather than go round "
                                    "forever")
    assert len(asked) <= 3


@pytest.mark.parametrize(("body", "says"), [
    (["not", "a", "page"], "the service answered a list, not a page of actions"),
    (7, "the service answered a number, not a page of actions"),
    ({"actions": "all of them"}, "the service's page holds a string where the list of actions belongs"),
    ({"actions": {"id": 1}}, "the service's page holds an object where the list of actions belongs"),
])
def test_a_page_without_a_list_is_refused(body, says):
    with client_with(lambda r: answer(200, body)) as client, pytest.raises(ServiceAnswerError) as caught:
        client.list_actions()
    assert caught.value.message == f"GET v3/apps/7/actions: {says}"


def test_a_user_that_is_not_an_object_is_no_answer():
    """A token is stored once v1/user says whose it is: an answer without a user confirms nothing."""
    for body, said in (({"user": "me"}, "a string"), ({"user": 5}, "a number"), (["me"], "a list")):
        with client_with(lambda r, body=body: answer(200, body)) as client, \
                pytest.raises(ServiceAnswerError) as caught:
            client.whoami()
        assert caught.value.message == (f"GET v1/user: the service answered {said} where the user belongs — is "
                                        "the URL the service's base URL?")


def test_a_total_that_is_not_a_number_is_no_reason_to_go_on():
    with client_with(lambda r: answer(200, {"actions": [{"id": 1}], "pagination": {"total": "many"}})) as client:
        assert client.list_actions() == [{"id": 1}]


def test_the_error_envelope_keeps_the_services_code():
    def handler(request: httpx.Request) -> httpx.Response:
        return answer(409, {"status": "NAME_ALREADY_EXISTS", "error": "Name already used by another action"})

    with client_with(handler) as client, pytest.raises(ServiceError) as caught:
        client.update_action(1, {"name": "x"})
    assert (caught.value.code, caught.value.status, caught.value.exit_code) == ("NAME_ALREADY_EXISTS", 409, 3)
    assert "Name already used" in caught.value.message


def test_401_says_what_to_do_and_never_shows_the_token():
    def handler(request: httpx.Request) -> httpx.Response:
        return answer(401, {"error": "not authorised", "message": f"token {TOKEN} was revoked"})

    lines = []
    with client_with(handler, log=lines.append) as client, pytest.raises(NotAuthorisedError) as caught:
        client.list_actions()
    assert "actionctl login" in caught.value.message
    assert TOKEN not in caught.value.message and "***" in caught.value.message
    assert all(TOKEN not in line for line in lines)


# --- retries -----------------------------------------------------------------------------------------

def test_429_waits_as_long_as_the_service_says_then_succeeds():
    clock = FakeClock()
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(clock.now)
        if len(calls) < 3:
            return answer(429, {"message": "Too many requests", "nextValidRequestDate": "2099-01-01T00:00:00Z"},
                          {"Retry-After": "3"})
        return answer(200, {"action": {"id": 1}})

    with client_with(handler, clock=clock) as client:
        assert client.get_action(1) == {"id": 1}
        assert client.stats.rate_limited == 2
    assert calls[1] - calls[0] >= 3 and calls[2] - calls[1] >= 3


def test_transient_failures_are_retried_with_bounded_backoff():
    clock = FakeClock()
    attempts = []

    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("refused")
        if len(attempts) == 2:
            return answer(503, {"status": "SERVICE_UNAVAILABLE", "error": "busy"})
        if len(attempts) == 3:
            raise httpx.ReadTimeout("slow")
        if len(attempts) == 4:
            return answer(502)
        return answer(200, {"actions": [], "pagination": {"total": 0, "hasMore": False}})

    with client_with(handler, clock=clock) as client:
        assert client.list_actions() == []
        assert client.stats.retries == 4
    assert all(0 < s <= 5.0 for s in clock.slept)


def test_giving_up_after_the_retries_is_a_network_error():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with client_with(handler) as client, pytest.raises(NetworkError) as caught:
        client.get_action(1)
    assert f"{RETRIES} attempts" in caught.value.message and caught.value.exit_code == 3


def test_a_lost_create_is_looked_up_by_name_and_never_sent_twice_when_it_landed():
    store: list[dict] = []
    posts = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(1)
            store.append({"id": 1, **json.loads(request.content)})
            raise httpx.RemoteProtocolError("connection dropped")  # it landed, but the answer is lost
        return answer(200, {"actions": store, "pagination": {"total": len(store), "hasMore": False}})

    with client_with(handler) as client:
        created = client.create_action({"name": "greet", "code": "x"})
    assert created["id"] == 1 and len(posts) == 1


def test_a_lost_create_that_did_not_land_is_sent_again():
    store: list[dict] = []
    posts = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(1)
            if len(posts) == 1:
                return answer(500, {"status": "INTERNAL_ERROR", "error": "boom"})  # failed before applying
            store.append({"id": 2, **json.loads(request.content)})
            return answer(201, {"action": store[-1]})
        return answer(200, {"actions": store, "pagination": {"total": len(store), "hasMore": False}})

    with client_with(handler) as client:
        assert client.create_action({"name": "greet"})["id"] == 2
    assert len(posts) == 2


def test_a_run_is_never_sent_twice_after_a_lost_answer():
    runs = []

    def handler(request: httpx.Request) -> httpx.Response:
        runs.append(1)
        raise httpx.ReadTimeout("slow")

    with client_with(handler) as client, pytest.raises(NetworkError) as caught:
        client.run_action(1, {})
    assert len(runs) == 1 and "may or may not have started" in caught.value.message


def test_execution_failed_is_an_answer_not_a_retry():
    runs = []

    def handler(request: httpx.Request) -> httpx.Response:
        runs.append(1)
        return answer(500, {"status": "EXECUTION_FAILED", "error": "TypeError: x is undefined"})

    with client_with(handler) as client, pytest.raises(ServiceError) as caught:
        client.run_action(1, {})
    assert caught.value.code == "EXECUTION_FAILED" and len(runs) == 1


def test_a_retried_delete_that_already_happened_succeeds():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.RemoteProtocolError("dropped after deleting")
        return answer(404, {"status": "ACTION_NOT_FOUND", "error": "Action not found"})

    with client_with(handler) as client:
        client.delete_action(3)
    assert len(calls) == 2


def test_a_delete_of_a_missing_action_is_still_an_error_the_first_time():
    missing = answer(404, {"status": "ACTION_NOT_FOUND", "error": "Action not found"})
    with client_with(lambda r: missing) as client, pytest.raises(ServiceError, match="Action not found"):
        client.delete_action(3)


def test_run_results_are_unwrapped():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.params["wait"] == "true"
        assert json.loads(request.content) == {"payload": {"a": 1}}
        return answer(200, {"success": True, "data": {"greeting": "hi"}, "taskId": "t1", "duration": 12})

    with client_with(handler) as client:
        outcome = client.run_action(1, {"a": 1})
    assert (outcome.result, outcome.task_id, outcome.duration_ms) == ({"greeting": "hi"}, "t1", 12)


def test_verbose_logs_name_requests_but_not_the_token():
    lines: list[str] = []
    with client_with(lambda r: answer(200, {"user": {"id": 1}}), log=lines.append) as client:
        client.whoami()
    assert any(line.startswith("GET https://api.example.test/v1/user → 200") for line in lines)
    assert all(TOKEN not in line for line in lines)


def test_verbose_request_lines_show_the_query_cut_short_when_long():
    lines: list[str] = []
    with client_with(lambda r: answer(200, {"logs": []}), log=lines.append) as client:
        client.logs(7, type="error", limit=5)
    assert lines == [line for line in lines if " → 200 in " in line]
    assert lines[0].startswith("GET https://api.example.test/v3/apps/7/actions/7/logs?limit=5&offset=0&where=")
    lines.clear()
    with client_with(lambda r: answer(200, {"success": True, "data": 1}), log=lines.append) as client:
        client.routes = paths.Routes({"run_action": {"payload": "query"}})
        client.run_action(7, {"text": "x" * 500})
    [line] = lines
    assert "?wait=true&payload=" in line and "…(" in line and len(line) < 400


def test_a_request_httpx_cannot_send_is_not_retried_as_a_network_failure():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError("Illegal header value")

    with client_with(handler) as client, pytest.raises(httpx.LocalProtocolError):
        client.whoami()
    assert (client.stats.requests, client.stats.retries) == (1, 0)


def test_the_client_refuses_a_url_and_a_token_it_could_never_send():
    with pytest.raises(ApiUrlInvalidError, match=r"^the service's URL 'http://\[::1' cannot be the service's URL"):
        Client("http://[::1", TOKEN, 7)
    with pytest.raises(TokenInvalidError) as caught:
        Client("https://api.example.test", "t\u00f6ken", 7)
    assert "t\u00f6ken" not in caught.value.message
    with Client("https://api.example.test", f" {TOKEN}\n", 7) as client:
        assert client._http.headers["Auth-token"] == TOKEN


# --- credentials and targets --------------------------------------------------------------------------

def test_credentials_are_per_host_and_private(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIONCTL_CONFIG_DIR", str(tmp_path / "cfg"))
    credentials.save("https://API.fliplet.com", "t-eu", {"email": "a@b"})
    credentials.save("https://us.api.fliplet.com/", "t-us")
    file = credentials.path()
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    assert credentials.token_for("https://api.fliplet.com/") == "t-eu"
    assert credentials.token_for("https://us.api.fliplet.com") == "t-us"
    assert credentials.forget("https://us.api.fliplet.com") is True
    assert credentials.token_for("https://us.api.fliplet.com") is None
    assert credentials.forget("https://us.api.fliplet.com") is False


def test_a_corrupt_credentials_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTIONCTL_CONFIG_DIR", str(tmp_path))
    (tmp_path / "credentials.json").write_text("{nope")
    with pytest.raises(CredentialsError, match="cannot read the stored logins"):
        credentials.token_for("https://api.fliplet.com/")


def test_token_lookup_order_and_profiles(tmp_path, monkeypatch):
    from actionctl.project import open_project

    monkeypatch.setenv("ACTIONCTL_CONFIG_DIR", str(tmp_path / "cfg"))
    (tmp_path / "actionctl.yaml").write_text(
        "app: 1\nregion: us\nrate_limits: {crud: 5, window: 2}\n"
        "profiles:\n  prod: {app: 2, api_url: 'http://127.0.0.1:9/'}\n")
    project = open_project(tmp_path)
    assert project.problems == []
    credentials.save("https://us.api.fliplet.com/", "stored")
    chosen = target.resolve(project)
    assert (chosen.api_url, chosen.app, chosen.token) == ("https://us.api.fliplet.com/", 1, "stored")
    assert chosen.rate_limits["crud"] == 5 and chosen.rate_window == 2.0
    monkeypatch.setenv("ACTIONCTL_TOKEN", "from-env")
    assert target.resolve(project).token == "from-env"
    assert target.resolve(project, token="from-flag").token == "from-flag"
    prod = target.resolve(project, profile="prod")
    assert (prod.api_url, prod.app) == ("http://127.0.0.1:9/", 2)
    assert target.resolve(project, profile="prod", app=9, region="ca").app == 9
    with pytest.raises(Exception, match=r'no profile "prdo".*did you mean'):
        target.resolve(project, profile="prdo")


# --- the token kept secret --------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "shown"), [
    (f"token {TOKEN} refused", "token *** refused"),
    (f"token {TOKEN.upper()} refused", "token *** refused"),  # a proxy that upper-cases what it echoes
    (f"token {TOKEN[:8]}… refused", "token ***… refused"),  # a prefix
    (f"ends in {TOKEN[-9:]}", "ends in ***"),
    (f"middle {TOKEN[5:15].upper()}!", "middle ***!"),
    (f"{TOKEN[:8]}/{TOKEN[8:16]}", "***/***"),
    (f"only {TOKEN[:7]}, seven characters", f"only {TOKEN[:7]}, seven characters"),  # too short to give it away
    ("the emulator is shutting down", "the emulator is shutting down"),
])
def test_redact_hides_the_token_and_every_long_enough_piece_of_it_in_any_case(text, shown):
    assert redact(text, TOKEN) == shown


def test_a_service_echoing_part_of_the_token_has_it_hidden_in_the_error_and_the_log():
    lines: list[str] = []
    echo = {"status": "TOKEN_MALFORMED", "error": f"token {TOKEN[:12].upper()}… is malformed"}
    with client_with(lambda r: answer(400, echo), log=lines.append) as client, pytest.raises(ServiceError) as caught:
        client.whoami()
    assert caught.value.message == "token ***… is malformed"
    assert redact("x", "short") == "x" and redact("a SHORT one", "short") == "a *** one"


def test_every_token_option_says_ps_shows_it_and_what_to_use_instead(cli):
    import typer.main

    from actionctl.cli import app

    group = typer.main.get_command(app)
    checked = []
    for path, command in _commands(group):
        for param in command.params:
            if "--token" in getattr(param, "opts", []):
                text = " ".join(cli(*path, "--help").stdout.split())
                assert "Other users of this machine see it in `ps`: prefer ACTIONCTL_" in text, path
                checked.append(" ".join(path))
    assert {"remote list", "push", "whoami", "emulator", "logs"} <= set(checked)


def _commands(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command
