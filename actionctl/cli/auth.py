"""`actionctl login|logout|whoami`: the token a remote command uses, stored per host."""

from __future__ import annotations

import os
import sys

import typer

from actionctl.cli.app import app
from actionctl.cli.options import OutputFormat, Region
from actionctl.cli.remote_common import API_URL, PROFILE, REGION, VERBOSE, emit_json, interactive, log_request
from actionctl.envvars import Env
from actionctl.errors import UsageError

FORMAT = typer.Option(OutputFormat.text, "--format", "-f")


def _host(profile: str | None, api_url: str | None, region: Region | None) -> str:
    from actionctl.project import open_project
    from actionctl.remote.target import api_url_for, settings

    return api_url_for(settings(open_project(), profile or os.environ.get(Env.PROFILE)), api_url=api_url,
                       region=region.value if region else None)


def _read_token(token_stdin: bool) -> str:
    if token_stdin:
        token = sys.stdin.readline().strip()
    elif interactive():
        token = typer.prompt("API token (from Fliplet Studio → App settings → API tokens)", hide_input=True,
                             err=True).strip()
    else:
        raise UsageError("not a terminal: pipe the token in with --token-stdin", code="TOKEN_REQUIRED")
    if not token:
        raise UsageError("the token is empty", code="TOKEN_REQUIRED")
    return token


@app.command()
def login(
    token_stdin: bool = typer.Option(False, "--token-stdin", help="Read the token from standard input."),
    fmt: OutputFormat = FORMAT, profile: str = PROFILE, api_url: str = API_URL, region: Region = REGION,
    verbose: bool = VERBOSE,
) -> None:
    """Check an API token against the service and store it for that host (mode 0600)."""
    from actionctl.remote import credentials
    from actionctl.remote.client import Client
    from actionctl.remote.errors import NotAuthorisedError

    host = _host(profile, api_url, region)
    token = _read_token(token_stdin)
    with Client(host, token, log=log_request if verbose else None) as client:
        try:
            user = client.whoami()
        except NotAuthorisedError as exc:
            raise NotAuthorisedError(f"{host} refused this token, so it was not saved ({exc.message})",
                                     status=401) from None
    stored = credentials.save(host, token, user)
    if fmt is OutputFormat.json:
        emit_json({"api_url": host, "user": user, "stored": str(stored)})
        return
    from actionctl.render import console

    console.note(f"logged in to {host} as {_who(user)}; the token is stored in {stored}")


def _who(user: dict) -> str:
    return str(user.get("email") or user.get("fullName") or user.get("id") or "an unnamed user")


@app.command()
def logout(
    fmt: OutputFormat = FORMAT, profile: str = PROFILE, api_url: str = API_URL, region: Region = REGION,
) -> None:
    """Forget the stored token for the host."""
    from actionctl.remote import credentials

    host = _host(profile, api_url, region)
    removed = credentials.forget(host)
    if fmt is OutputFormat.json:
        emit_json({"api_url": host, "removed": removed})
        return
    from actionctl.render import console

    console.note(f"logged out of {host}" if removed else f"no stored login for {host}")


@app.command()
def whoami(
    fmt: OutputFormat = FORMAT, profile: str = PROFILE, api_url: str = API_URL, region: Region = REGION,
    token: str = typer.Option(None, "--token", help="API token (default: ACTIONCTL_TOKEN, then the stored login)."),
    verbose: bool = VERBOSE,
) -> None:
    """Which host, app and user the remote commands act as, checked with the service."""
    from actionctl.cli.remote_common import Remote

    remote = Remote(profile, None, api_url, region, token, verbose)
    target = remote.target()
    source = "--token" if token else Env.TOKEN if os.environ.get(Env.TOKEN) else "stored login"
    with remote.client() as client:
        user = client.whoami()
    if fmt is OutputFormat.json:
        emit_json({"api_url": target.api_url, "app": target.app, "profile": target.profile, "user": user,
                   "tokenSource": source})
        return
    from actionctl.render import console

    app_text = f"app {target.app}" if target.app is not None else "no app set"
    console.out().print(f"{_who(user)} on {target.api_url} ({app_text}; token from {source})", markup=False,
                        highlight=False)
