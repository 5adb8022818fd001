"""Signing in, three ways, end to end against the emulator on loopback: the browser (a fake one, named by
$BROWSER, that follows the sign-in link as a browser would — or does nothing), email and password with
and without a two-factor code, and a token. Every failure leaves the credentials file exactly as it was."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from support import (
    ACTIONCTL,
    EMULATOR_TOKEN,
    HANG_LIMIT,
    UNLIMITED,
    ctrl_c_as_in_a_terminal,
    fake_service,
    normalise,
    start_emulator,
    stats,
)

from actionctl.emulator import Account
from actionctl.remote import credentials

PASSWORD = "local-password"
CODE = "246810"
OTHER_HOST = "https://elsewhere.example/"
# A browser that follows the link (the emulator's third-party page sends it on to the callback), or one that
# never does anything, as a user who closes the tab.
FOLLOWING = "import sys, urllib.request\nurllib.request.urlopen(sys.argv[1], timeout=60).read()\n"
IDLE = "import sys\n"
# A browser command that does not return (a terminal browser runs until closed) — until its parent, the
# command, is gone: then it ends too, so no test leaves it behind.
HANGING = "import os, time\nparent = os.getppid()\nwhile os.getppid() == parent:\n    time.sleep(0.1)\n"


@pytest.fixture
def signin(remote, monkeypatch):
    """The project pointed at the emulator, no token in the environment, and a login for another host
    already stored: the credentials file exists, and a failed sign-in must leave it byte for byte."""
    monkeypatch.delenv("ACTIONCTL_TOKEN")
    credentials.save(OTHER_HOST, "someone-elses-token", {"email": "other@example.com"})
    return remote


def stored_file() -> tuple[bytes, int]:
    file = credentials.path()
    return file.read_bytes(), stat.S_IMODE(os.stat(file).st_mode)


def browser_script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-browser"
    script.write_text(f"#!{sys.executable}\n{body}")
    script.chmod(0o755)
    return str(script)


def actionctl(project: Path, *args: str, browser: str | None = None, **options) -> subprocess.Popen:
    env = {**os.environ, **({"BROWSER": browser} if browser else {})}
    return subprocess.Popen([*ACTIONCTL, *args], cwd=project, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **{"stdin": subprocess.DEVNULL, **options})


def finished(process: subprocess.Popen) -> tuple[int, str, str]:
    """Its status and output once it ends; a hang (HANG_LIMIT) fails the test and stops the process."""
    try:
        out, err = process.communicate(timeout=HANG_LIMIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, out, err


def link_from(process: subprocess.Popen) -> str:
    """The sign-in link the command printed on stderr (the line after the one that says to open it); a
    command that prints none within HANG_LIMIT fails the test and is stopped."""
    found: list[str] = []

    def read() -> None:
        for line in process.stderr:
            if line.startswith("http"):
                found.append(line.strip())
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(HANG_LIMIT)
    if not found:
        process.kill()
        raise AssertionError("no link printed")
    return found[0]


# --- the browser -------------------------------------------------------------------------------------


def test_login_in_the_browser_stores_the_token_the_browser_brought_back(signin, project, tmp_path):
    process = actionctl(project, "login", "--browser", "--format", "json",
                        browser=browser_script(tmp_path, FOLLOWING))
    code, out, err = finished(process)
    assert code == 0, err
    assert json.loads(out) == {"api_url": signin.url, "user": {"id": 1, "email": "emulator@localhost",
                                                               "fullName": "actionctl emulator"},
                               "stored": str(credentials.path()), "kind": "user", "how": "browser", "region": None,
                               "regionFrom": "host"}
    assert credentials.token_for(signin.url) == EMULATOR_TOKEN
    assert credentials.entry_for(signin.url)["how"] == "browser"
    assert stored_file()[1] == 0o600
    assert credentials.token_for(OTHER_HOST) == "someone-elses-token"  # one store, a login per host
    assert EMULATOR_TOKEN not in out + err


def test_in_a_terminal_login_signs_in_through_the_browser_by_default(signin, project, tmp_path):
    main, side = pty.openpty()  # stdin a terminal, as a user's
    try:
        process = actionctl(project, "login", browser=browser_script(tmp_path, FOLLOWING), stdin=side)
        code, _, err = finished(process)
    finally:
        os.close(main)
        os.close(side)
    assert code == 0, err
    assert normalise(err.splitlines()[-1], project) == (
        f"logged in to {normalise(signin.url)} as emulator@localhost (user, signed in by browser, no region (from "
        f"the host)); the token is stored in {credentials.path()}")
    assert credentials.token_for(signin.url) == EMULATOR_TOKEN


def test_a_browser_that_never_comes_back_times_out_and_stores_nothing(signin, project, tmp_path):
    before = stored_file()
    process = actionctl(project, "login", "--browser", "--timeout", "1", browser=browser_script(tmp_path, IDLE))
    code, _, err = finished(process)
    assert code == 1
    assert normalise(err.splitlines()[-1]) == (
        f"error: the browser did not come back from {normalise(signin.url)} within 1 s — nothing was stored; run "
        "`actionctl login` again (--no-browser prints the link to open elsewhere; --email signs in with a "
        "password) [SIGNIN_TIMEOUT]")
    assert stored_file() == before


def test_a_browser_command_that_does_not_return_does_not_hold_up_the_timeout(signin, project, tmp_path):
    before = stored_file()
    process = actionctl(project, "login", "--browser", "--timeout", "1", browser=browser_script(tmp_path, HANGING))
    code, _, err = finished(process)  # within HANG_LIMIT, though the browser command never returns by itself
    assert code == 1 and err.rstrip().endswith("[SIGNIN_TIMEOUT]")
    assert stored_file() == before


def test_no_browser_prints_the_link_and_takes_the_token_only_at_its_secret_callback(signin, project):
    process = actionctl(project, "login", "--no-browser", "--timeout", str(HANG_LIMIT))
    try:
        link = link_from(process)
        parts = urlsplit(link)
        assert f"{parts.scheme}://{parts.netloc}/" == signin.url and parts.path == "/v1/auth/third-party"
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert {key: query[key] for key in ("responseType", "source", "title")} == {
            "responseType": "code", "source": "CLI", "title": "actionctl"}
        callback = urlsplit(query["redirect"])
        assert callback.scheme == "http" and callback.hostname == "127.0.0.1"
        assert re.fullmatch(r"/actionctl/[A-Za-z0-9_-]{32}", callback.path)
        base = f"http://127.0.0.1:{callback.port}"
        # Another page of this machine, not knowing the state, cannot plant a token; a link without one is refused.
        assert httpx.get(f"{base}/actionctl/guessed?auth_token=planted").status_code == 404
        assert httpx.get(f"{base}{callback.path}").status_code == 400
        page = httpx.get(link, follow_redirects=True)  # the user opens the link in a browser elsewhere
        assert page.status_code == 200 and "you can close this tab" in page.text
        assert page.headers["Referrer-Policy"] == "no-referrer"
        code, _, err = finished(process)
    finally:
        process.kill()
    assert code == 0, err
    assert credentials.token_for(signin.url) == EMULATOR_TOKEN


def test_ctrl_c_while_waiting_for_the_browser_stores_nothing(signin, project):
    before = stored_file()
    process = actionctl(project, "login", "--no-browser", "--timeout", str(HANG_LIMIT),
                        preexec_fn=ctrl_c_as_in_a_terminal)
    try:
        link_from(process)
        process.send_signal(signal.SIGINT)
        code, _, err = finished(process)
    finally:
        process.kill()
    assert (code, err) == (130, "interrupted\n")
    assert stored_file() == before


# --- email and password ------------------------------------------------------------------------------


def two_factor(emulator, code: str | None) -> None:
    emulator.options.account = Account(two_factor=code)


def test_login_with_email_and_password(cli, signin):
    result = cli("login", "--email", "emulator@localhost", "--password-stdin", "--format", "json",
                 input=PASSWORD + "\n")
    assert result.exit_code == 0, result.stderr
    assert {key: result.json[key] for key in ("kind", "how", "region", "regionFrom")} == {
        "kind": "user", "how": "email", "region": None, "regionFrom": "host"}
    assert credentials.token_for(signin.url) == EMULATOR_TOKEN
    assert stored_file()[1] == 0o600


def test_a_wrong_password_is_refused_once_without_showing_it_and_stores_nothing(cli, signin):
    before, sent = stored_file(), stats(signin)["requests"]
    result = cli("login", "--email", "emulator@localhost", "--password-stdin", input="Wr0ng-pa55-42!\n")
    assert (result.exit_code, result.stderr) == (
        3, f"error: {signin.url} refused the email or password (Wrong email or password.) — nothing was stored "
           "[SIGNIN_REFUSED]\n")
    assert stats(signin)["requests"] == sent + 1  # never sent again on its own
    assert stored_file() == before


def test_a_service_that_echoes_the_password_does_not_get_it_shown(cli, project):
    refusal = {"error": "not authorised", "message": "no user has the password Wr0ng-pa55-42!"}
    with fake_service(lambda method, path: (401, refusal)) as url:
        result = cli("login", "--api-url", url, "--email", "a@b.c", "--password-stdin", input="Wr0ng-pa55-42!\n")
    assert (result.exit_code, result.stderr) == (
        3, f"error: {url} refused the email or password (no user has the password ***) — nothing was stored "
           "[SIGNIN_REFUSED]\n")


def test_a_password_is_never_sent_over_plain_http_to_another_machine(cli, project):
    sent = []
    with fake_service(lambda method, path: sent.append(path) or (200, {"auth_token": "x"})) as url:
        result = cli("login", "--api-url", url.replace("127.0.0.1", "127.0.0.2"), "--email", "a@b.c",
                     "--password-stdin", input="secret-password\n")
    assert result.exit_code == 2 and result.stderr.rstrip().endswith("[API_URL_INVALID]") and not sent
    assert "secret-password" not in result.stderr


def test_a_short_password_does_not_hide_the_words_of_the_refusal(cli, signin):
    result = cli("login", "--email", "emulator@localhost", "--password-stdin", input="wrong\n")
    assert result.exit_code == 3 and "(Wrong email or password.)" in result.stderr, result.stderr


def test_a_two_factor_code_given_with_the_password(cli, signin):
    two_factor(signin, CODE)
    result = cli("login", "--email", "emulator@localhost", "--password-stdin", "--code", CODE, input=PASSWORD)
    assert result.exit_code == 0, result.stderr
    assert credentials.token_for(signin.url) == EMULATOR_TOKEN


def test_in_a_terminal_the_password_and_the_code_are_asked(cli, signin, monkeypatch):
    two_factor(signin, CODE)
    monkeypatch.setattr("actionctl.cli.auth.interactive", lambda: True)
    result = cli("login", "--email", "emulator@localhost", input=f"{PASSWORD}\n{CODE}\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("Password:Two-factor code:") and PASSWORD not in result.stderr + result.stdout
    assert credentials.token_for(signin.url) == EMULATOR_TOKEN


def test_a_missing_two_factor_code_without_a_terminal_says_to_pass_it(cli, signin):
    two_factor(signin, CODE)
    before = stored_file()
    result = cli("login", "--email", "emulator@localhost", "--password-stdin", input=PASSWORD + "\n")
    assert (result.exit_code, result.stderr) == (
        2, f"error: {signin.url} asks for a two-factor code: pass it with --code (not a terminal, so it cannot be "
           "asked) — nothing was stored [TWO_FACTOR_REQUIRED]\n")
    assert stored_file() == before


def test_a_wrong_two_factor_code_is_refused_and_stores_nothing(cli, signin, monkeypatch):
    two_factor(signin, CODE)
    before = stored_file()
    given = cli("login", "--email", "emulator@localhost", "--password-stdin", "--code", "111111", input=PASSWORD)
    assert (given.exit_code, given.stderr) == (
        3, f"error: {signin.url} refused the email, password or two-factor code (The two-factor code is not "
           "valid.) — nothing was stored [SIGNIN_REFUSED]\n")
    monkeypatch.setattr("actionctl.cli.auth.interactive", lambda: True)
    asked = cli("login", "--email", "emulator@localhost", input=f"{PASSWORD}\n111111\n")
    assert asked.exit_code == 3
    assert asked.stderr.endswith(f"error: {signin.url} refused the two-factor code (The two-factor code is not "
                                 "valid.) — nothing was stored; run `actionctl login --email …` again with a new "
                                 "code [TWO_FACTOR_INVALID]\n")
    assert stored_file() == before


# --- a token -----------------------------------------------------------------------------------------


def test_a_piped_token_is_checked_and_a_refused_one_leaves_the_file_as_it_was(cli, signin):
    before = stored_file()
    refused = cli("login", "--token-stdin", input="not-the-emulators-token\n")
    assert refused.exit_code == 3 and refused.stderr.endswith("[NOT_AUTHORISED]\n")
    assert stored_file() == before
    done = cli("login", "--token-stdin", "--format", "json", input=EMULATOR_TOKEN + "\n")
    assert done.exit_code == 0, done.stderr
    # The emulator's v1/user names a user and says nothing of the token's kind: not guessed.
    assert {key: done.json[key] for key in ("kind", "how")} == {"kind": "unknown", "how": "token"}


def test_whoami_tells_the_kind_the_way_and_the_region_read_from_the_token(cli, project, monkeypatch):
    with start_emulator(token="us--0123456789abcdef") as emulator:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {emulator.url}\n"
                                                f"rate_limits: {json.dumps(UNLIMITED)}\n")
        assert cli("login", "--email", "emulator@localhost", "--password-stdin", input=PASSWORD).exit_code == 0
        shown = cli("whoami", "--format", "json").json
        assert {key: shown[key] for key in ("tokenSource", "kind", "how", "region", "regionFrom")} == {
            "tokenSource": "stored login", "kind": "user", "how": "email", "region": "us", "regionFrom": "token"}
        text = cli("whoami").stdout
        assert text == (f"emulator@localhost on {emulator.url} (app 1; token from stored login; user, signed in by "
                        "email, region us (from the token))\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "us--0123456789abcdef")
        assert cli("whoami", "--format", "json").json["how"] == "token"


@pytest.mark.parametrize(("user", "kind", "region"), [
    ({}, "api token", (None, "host")),                                 # v1/user names nobody
    ({"user": {"id": 7, "type": "apiToken"}}, "unknown", (None, "host")),  # an undocumented field: no guess
    ({"user": {"id": 7, "email": "a@b.c", "host": "https://ca.api.fliplet.com"}}, "unknown", ("ca", "user")),
])
def test_the_kind_and_region_of_a_pasted_token_are_only_what_the_service_says(cli, project, user, kind, region):
    with fake_service(lambda method, path: (200, user)) as url:
        result = cli("login", "--token-stdin", "--api-url", url, "--format", "json", input="t0ken-of-some-kind\n")
    assert result.exit_code == 0, result.stderr
    assert (result.json["kind"], (result.json["region"], result.json["regionFrom"])) == (kind, region)


def test_without_a_terminal_login_names_the_ways_that_work(cli, signin):
    before = stored_file()
    result = cli("login")
    assert (result.exit_code, result.stderr) == (
        2, "error: not a terminal: pipe a token in with --token-stdin (CI), sign in with --email ADDRESS "
           "--password-stdin, or with --no-browser to open the sign-in link elsewhere [TOKEN_REQUIRED]\n")
    both = cli("login", "--email", "a@b.c", "--token-stdin")
    assert both.exit_code == 2 and "choose one way to sign in, not email and token" in both.stderr
    assert stored_file() == before


# --- the emulator's sign-in routes ------------------------------------------------------------------


def test_the_emulator_signs_in_without_a_token_and_redirects_only_to_this_machine(emulator):
    login = emulator.url + "v1/auth/login"
    assert httpx.post(login, data={"email": "EMULATOR@localhost", "password": PASSWORD}).json() == {
        "email": "emulator@localhost", "auth_token": EMULATOR_TOKEN}
    assert httpx.post(login, json={"email": "emulator@localhost", "password": PASSWORD}).status_code == 200
    assert httpx.post(login, data={"email": "emulator@localhost"}).status_code == 400
    assert httpx.post(login, data={"email": "emulator@localhost", "password": "nope"}).status_code == 401
    two_factor(emulator, CODE)
    assert httpx.post(login, data={"email": "emulator@localhost", "password": PASSWORD}).status_code == 428
    third_party = emulator.url + "v1/auth/third-party"
    sent = httpx.get(third_party, params={"redirect": "http://localhost:9/cb?state=x"})
    assert (sent.status_code, sent.headers["Location"]) == (302, f"http://localhost:9/cb?state=x&auth_token="
                                                                 f"{EMULATOR_TOKEN}")
    for elsewhere in ("https://attacker.example/cb", "http://127.0.0.1.attacker.example/", "", "javascript:x"):
        refused = httpx.get(third_party, params={"redirect": elsewhere})
        assert refused.status_code == 400 and "Location" not in refused.headers, elsewhere
    assert httpx.get(emulator.url + "v1/user").status_code == 401  # every other route still asks for the token


def test_logins_to_different_hosts_at_once_all_stay_stored():
    """Each login rewrites a file shared by every host; without the lock two at once lose one."""
    import multiprocessing

    def logins(n: int) -> None:
        for i in range(10):
            credentials.save(f"https://host{n}.example/", f"token-{n}-{i}")

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=logins, args=(n,)) for n in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(HANG_LIMIT)
    assert [worker.exitcode for worker in workers] == [0] * 6
    assert {credentials.token_for(f"https://host{n}.example/") for n in range(6)} == {
        f"token-{n}-9" for n in range(6)}
    assert stat.S_IMODE(os.stat(credentials.path()).st_mode) == 0o600
