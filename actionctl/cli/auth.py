"""`actionctl login|logout|whoami`: the token a remote command uses, stored per host."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

from actionctl.cli.app import app
from actionctl.cli.confirm import interactive
from actionctl.cli.options import FORMAT, OutputFormat, remote_options
from actionctl.envvars import Env
from actionctl.errors import TokenRequiredError
from actionctl.render import json_writer

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote


def _read_token(token_stdin: bool) -> str:
    from actionctl.remote.credentials import usable_token

    if token_stdin:
        token = usable_token(sys.stdin.readline(), "standard input")
    elif interactive():
        token = usable_token(typer.prompt("API token (from Fliplet Studio → App settings → API tokens)",
                                          hide_input=True, err=True), "the prompt")
    else:
        raise TokenRequiredError("not a terminal: pipe the token in with --token-stdin")
    if not token:
        raise TokenRequiredError("the token is empty")
    return token


@app.command()
@remote_options("profile", "api_url", "region", "verbose")
def login(
    token_stdin: bool = typer.Option(False, "--token-stdin", help="Read the token from standard input."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Check an API token against the service and store it for that host (mode 0600)."""
    from actionctl.remote import credentials
    from actionctl.remote.client import Client
    from actionctl.remote.errors import NotAuthorisedError

    host = remote.host()
    token = _read_token(token_stdin)
    with Client(host, token, log=remote.request_log()) as client:
        try:
            user = client.whoami()
        except NotAuthorisedError as exc:
            raise NotAuthorisedError(f"{host} refused this token, so it was not saved ({exc.message})",
                                     status=401) from None
    stored = credentials.save(host, token, user)
    if fmt is OutputFormat.json:
        json_writer.emit({"api_url": host, "user": user, "stored": str(stored)})
        return
    from actionctl.render import console

    console.note(f"logged in to {host} as {_who(user)}; the token is stored in {stored}")


def _who(user: dict) -> str:
    return str(user.get("email") or user.get("fullName") or user.get("id") or "an unnamed user")


@app.command()
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


@app.command()
@remote_options("profile", "api_url", "region", "token", "verbose")
def whoami(fmt: OutputFormat = FORMAT, remote: Remote = None) -> None:
    """Which host, app and user the remote commands act as, checked with the service."""
    target = remote.target()
    source = "--token" if remote.token else Env.TOKEN if os.environ.get(Env.TOKEN) else "stored login"
    with remote.client() as client:
        user = client.whoami()
    if fmt is OutputFormat.json:
        json_writer.emit({"api_url": target.api_url, "app": target.app, "profile": target.profile, "user": user,
                          "tokenSource": source})
        return
    from actionctl.render import console

    app_text = f"app {target.app}" if target.app is not None else "no app set"
    console.out().print(f"{_who(user)} on {target.api_url} ({app_text}; token from {source})", markup=False,
                        highlight=False)
