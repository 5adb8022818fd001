"""`actionctl login|logout|whoami`: signing in (browser, email and password, or a token), stored per host."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.confirm import interactive
from actionctl.cli.options import FORMAT, OutputFormat, remote_options
from actionctl.errors import TokenRequiredError, UsageError
from actionctl.render import json_writer

# Seconds the browser has to come back: time to type a password and a two-factor code.
SIGNIN_TIMEOUT = 300.0

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote
    from actionctl.remote.signin import SignedIn

# Without a terminal nothing can be asked: which options sign in then.
NO_TERMINAL = ("not a terminal: pipe a token in with --token-stdin (CI), sign in with --email ADDRESS "
               "--password-stdin, or with --no-browser to open the sign-in link elsewhere")


@app.command(rich_help_panel=usage.REMOTE,
             epilog=usage.examples(
                 "actionctl login",
                 "actionctl login --email ada@example.com",
                 "actionctl login --region us --no-browser",
             ))
@remote_options("profile", "api_url", "region", "verbose")
def login(
    browser: bool = typer.Option(None, "--browser/--no-browser",
                                 help="Sign in through the browser (the default in a terminal); --no-browser "
                                      "prints the link to open in a browser elsewhere."),
    email: str = typer.Option(None, "--email", metavar="ADDRESS",
                              help="Sign in with this email and its password (asked, hidden)."),
    password_stdin: bool = typer.Option(False, "--password-stdin",
                                        help="With --email: read the password from standard input."),
    code: str = typer.Option(None, "--code", metavar="CODE",
                             help="With --email: the two-factor code (asked for when the "
                                                   "service wants one, in a terminal)."),
    token_stdin: bool = typer.Option(False, "--token-stdin",
                                     help="Read a token from standard input (asked, hidden, in a terminal)."),
    timeout: float = typer.Option(SIGNIN_TIMEOUT, "--timeout", metavar="SECONDS", min=1.0, max=3600.0,
                                  help="Seconds to wait for the browser to come back."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Sign in and store the token for the host.

    By browser, email and password, or a token; the token is checked with the service, then stored (0600)."""
    from actionctl.remote import credentials, signin

    host, routes = remote.host(), remote.routes()
    how = _way(browser, email, token_stdin, password_stdin, code)
    if how == "token":
        token = _read_token()
    elif how == "email":
        token = signin.password(host, email, _read_password(password_stdin), code=code, routes=routes,
                                ask_code=lambda: _ask_code(host))
    else:
        token = signin.browser(host, _shower(host, browser is not False, timeout), timeout=timeout, routes=routes)
    signed = signin.check(host, token, how, routes=routes, log=remote.request_log())
    stored = credentials.save(host, signed.token, signed.user, signed.facts())
    if fmt is OutputFormat.json:
        json_writer.emit({"api_url": host, "user": signed.user, "stored": str(stored), **signed.facts()})
        return
    from actionctl.render import console

    console.note(f"logged in to {host} as {_who(signed.user)} ({_facts(signed)}); the token is stored in {stored}")


def _way(browser: bool | None, email: str | None, token_stdin: bool, password_stdin: bool, code: str | None) -> str:
    """How to sign in, from the options (one way at most); in a terminal, the browser by default."""
    chosen = [way for way, given in (("browser", browser is not None), ("email", email is not None),
                                     ("token", token_stdin)) if given]
    if len(chosen) > 1:
        raise UsageError(f"choose one way to sign in, not {' and '.join(chosen)}: --browser/--no-browser, --email "
                         "or --token-stdin")
    if (password_stdin or code is not None) and chosen != ["email"]:
        raise UsageError("--password-stdin and --code go with --email ADDRESS")
    if chosen:
        return chosen[0]
    if not interactive():
        raise TokenRequiredError(NO_TERMINAL)
    return "browser"


def _read_token() -> str:
    from actionctl.remote.credentials import usable_token

    if sys.stdin.isatty():  # typed, it is asked without echo rather than read as a visible line
        token = usable_token(typer.prompt("Token", hide_input=True, err=True), "the prompt")
    else:
        token = usable_token(sys.stdin.readline(), "standard input")
    if not token:
        raise TokenRequiredError("the token is empty")
    return token


def _read_password(password_stdin: bool) -> str:
    if password_stdin and not sys.stdin.isatty():
        secret = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty() or interactive():  # typed: asked without echo, as --token-stdin is
        secret = typer.prompt("Password", hide_input=True, err=True)
    else:
        raise TokenRequiredError("not a terminal: pipe the password in with --password-stdin")
    if not secret:
        raise TokenRequiredError("the password is empty")
    return secret


def _ask_code(host: str) -> str:
    from actionctl.remote.errors import TwoFactorRequiredError

    if not interactive():
        raise TwoFactorRequiredError(f"{host} asks for a two-factor code: pass it with --code (not a terminal, so "
                                     "it cannot be asked) — nothing was stored")
    return typer.prompt("Two-factor code", err=True).strip()


def _shower(host: str, open_browser: bool, timeout: float):
    """What shows the sign-in page: the browser (webbrowser honours $BROWSER), the link printed either way."""
    from actionctl.render import console

    def show(url: str) -> None:
        wait = f"waiting up to {timeout:g} s; Ctrl-C cancels"
        if not open_browser:
            console.note(f"open this link in a browser to sign in to {host} ({wait}):")
            console.note(url)
            return
        console.note(f"signing in to {host} in the browser ({wait}); if no page opens, open:")
        console.note(url)
        import threading
        import webbrowser

        def open_it() -> None:
            if not webbrowser.open(url):
                console.note("no browser could be opened: open the link above in one")

        # A $BROWSER command is waited for (a terminal browser runs until it is closed): on a thread of its
        # own, so that the timeout and the token's arrival are not held up by it.
        threading.Thread(target=open_it, name="signin-browser", daemon=True).start()

    return show


def _who(user: dict) -> str:
    return str(user.get("email") or user.get("fullName") or user.get("id") or "an unnamed user")


def _facts(signed: SignedIn) -> str:
    region = (f"region {signed.region}" if signed.region else "no region") + {
        "token": " (from the token)", "user": " (as the service says)", "host": " (from the host)"}[signed.region_from]
    return f"{signed.kind}, signed in by {signed.how}, {region}"


@app.command(rich_help_panel=usage.REMOTE, epilog=usage.examples("actionctl logout", "actionctl logout --region us"))
@remote_options("profile", "api_url", "region")
def logout(fmt: OutputFormat = FORMAT, remote: Remote = None) -> None:
    """Forget the stored token for the host."""
    from actionctl.remote import credentials

    host = remote.host()
    removed = credentials.forget(host)
    if fmt is OutputFormat.json:
        json_writer.emit({"api_url": host, "removed": removed})
        return
    from actionctl.render import console

    console.note(f"logged out of {host}" if removed else f"no stored login for {host}")


@app.command(rich_help_panel=usage.REMOTE,
             epilog=usage.examples(
                 "actionctl whoami",
                 "actionctl whoami --profile staging --format json",
             ))
@remote_options("profile", "api_url", "region", "token", "verbose")
def whoami(fmt: OutputFormat = FORMAT, remote: Remote = None) -> None:
    """Show the host, app and user remote commands act as.

    And what kind of token, checked with the service."""
    from actionctl.remote import credentials, signin
    from actionctl.remote.target import token_source

    target = remote.target()
    source = token_source(remote.token)
    entry = (credentials.entry_for(target.api_url) or {}) if source == "stored login" else {}
    how = entry.get("how") if entry.get("how") in signin.WAYS else "token"  # logins stored before: tokens
    with remote.client() as client:
        user = client.whoami()
    signed = signin.described(target.token, user, how, target.api_url)
    if fmt is OutputFormat.json:
        json_writer.emit({"api_url": target.api_url, "app": target.app, "profile": target.profile, "user": user,
                          "tokenSource": source, **signed.facts()})
        return
    from actionctl.render import console

    app_text = f"app {target.app}" if target.app is not None else "no app set"
    console.plain(console.printable(f"{_who(user)} on {target.api_url} ({app_text}; token from {source}; "
                                    f"{_facts(signed)})"))
