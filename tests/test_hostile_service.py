"""A service that answers what no honest one would — an echoed token, a megabyte of user, logs whose ids
are objects, the same page again, JSON nested past any decoder, a Date from beyond the calendar — meets a
coded one-line error or a warning, never a traceback, and nothing it said is printed or stored unchecked."""

from __future__ import annotations

import json

import httpx
import pytest
from support import fake_service, start_emulator

from actionctl.emulator import EmulatorOptions, serve
from actionctl.remote import credentials

TOKEN = "eu--0123456789abcdefSECRET"


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setenv("ACTIONCTL_TOKEN", TOKEN)


def serving(body, status: int = 200):
    """A fake service answering `body` (a dict, or the raw text of an answer) to every request."""
    return fake_service(lambda method, path: (status, body))


@pytest.mark.parametrize("command", [["whoami"], ["login", "--token-stdin"]])
def test_a_user_answer_that_echoes_the_token_is_never_printed_nor_stored(cli, project, monkeypatch, command):
    user = {"id": 3, "email": "dev@example.com", "fullName": "Dev", "auth_token": TOKEN,
            "session": {"token": TOKEN}, "note": "x" * 5_000_000, "host": f"https://api.fliplet.com/?t={TOKEN}"}
    with serving({"user": user}) as url:
        if command[0] == "whoami":
            monkeypatch.setenv("ACTIONCTL_TOKEN", TOKEN)
        result = cli(*command, "--api-url", url, "--format", "json", input=TOKEN + "\n")
        assert result.exit_code == 0, result.stderr
        assert TOKEN not in result.stdout + result.stderr and "SECRET" not in result.stdout
        assert result.json["user"] == {"id": 3, "email": "dev@example.com", "fullName": "Dev", "host": "***"}
        if command[0] == "login":
            stored = credentials.path().read_text()
            assert stored.count(TOKEN) == 1 and len(stored) < 2000  # the token itself, and no megabytes


@pytest.mark.parametrize("body", [[1, 2], {"user": [1, 2]}, "nope"])
def test_a_user_answer_that_is_no_user_stores_nothing(cli, project, body):
    with serving(body) as url:
        result = cli("login", "--token-stdin", "--api-url", url, input=TOKEN + "\n")
    assert result.exit_code == 3 and result.stderr.rstrip().endswith("[SERVICE_ANSWER_INVALID]"), result.stderr
    assert not credentials.path().exists()


def test_json_nested_past_any_decoder_is_no_answer_not_a_crash():
    from actionctl.remote.client import Client
    from actionctl.remote.errors import ServiceAnswerError

    deep = ("[" * 100_000 + "]" * 100_000).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=deep))
    with Client("https://api.fliplet.com/", TOKEN, 1, transport=transport) as client, \
            pytest.raises(ServiceAnswerError):
        client.whoami()


@pytest.mark.parametrize("entry", [{"id": {"x": 1}, "data": {"taskId": 1}}, {"id": 1, "data": {"taskId": [5]}}])
def test_logs_whose_ids_are_not_ids_are_refused(cli, project, token, entry):
    with serving({"count": 1, "logs": [entry]}) as url:
        result = cli("logs", "--api-url", url, "--app", "1")
    assert result.exit_code == 3 and result.stderr.rstrip().endswith("[SERVICE_ANSWER_INVALID]"), result.stderr
    assert result.stderr.count("\n") == 1


def test_logs_answered_with_the_same_page_again_are_refused(cli, project, token):
    page = {"count": 100, "logs": [{"id": n, "type": "app.task.completed", "createdAt": "2026-01-01T00:00:00Z",
                                    "data": {"taskId": 1}} for n in range(100)]}
    with serving(page) as url:
        result = cli("logs", "--api-url", url, "--app", "1", "-n", "120", "--format", "json")
    assert result.exit_code == 3 and "a page it had already sent" in result.stderr, result.stdout


def test_a_date_from_beyond_the_calendar_is_a_clock_warning():
    import datetime as dt

    from actionctl.doctor.machine import clock

    check = clock("Mon, 01 Jan 2020 00:00:00 +99999999999999999999", dt.datetime.now(dt.timezone.utc))
    assert check.status == "warn" and "cannot be read" in check.detail


@pytest.mark.parametrize("redirect", [
    "http://evil.com\\@127.0.0.1/", "http://evil.com;@127.0.0.1/", "http://127.0.0.1.evil.com/",
    "http://localhost@evil.com/", "//evil.com/", "http://127.0.0.1:1/%5C@evil.com", "https://evil.com/",
])
def test_the_emulator_sends_a_browser_with_its_token_to_this_machine_only(redirect):
    with start_emulator() as emulator:
        answer = httpx.get(emulator.url + "v1/auth/third-party", params={"redirect": redirect})
    assert answer.status_code == 400 and "location" not in answer.headers
    assert emulator.options.token not in answer.text


def test_the_emulator_signs_in_only_on_loopback():
    with serve(EmulatorOptions(host="127.0.0.2", port=0)) as emulator:
        answer = httpx.post(emulator.url + "v1/auth/login", data={"email": "emulator@localhost",
                                                                  "password": "local-password"})
    assert answer.status_code == 403 and emulator.options.token not in answer.text
    assert json.loads(answer.text)["status"] == "FORBIDDEN"
