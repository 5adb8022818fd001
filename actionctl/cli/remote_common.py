"""What every command that talks to the service shares: its options, its target, its confirmations."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any

import typer

from actionctl.cli.options import Region
from actionctl.errors import UsageError

PROFILE = typer.Option(None, "--profile", envvar="ACTIONCTL_PROFILE", help="Profile of actionctl.yaml to use.")
APP = typer.Option(None, "--app", min=1, help="The app id (default: `app:` of actionctl.yaml or the profile).")
API_URL = typer.Option(None, "--api-url", help="The service's base URL (default: the region's host).")
REGION = typer.Option(None, "--region", help="Use the region's host: eu, us or ca.")
TOKEN = typer.Option(None, "--token", help="API token (default: ACTIONCTL_TOKEN, then the stored login).")
VERBOSE = typer.Option(False, "--verbose", "-v", help="Log each request (never the token) to stderr.")


@dataclass
class Remote:
    """The options of a remote command, resolved into a target and a client on first use."""

    profile: str | None
    app: int | None
    api_url: str | None
    region: Region | None
    token: str | None
    verbose: bool

    def target(self):
        from actionctl.project import open_project
        from actionctl.remote import target

        return target.resolve(open_project(), profile=self.profile, app=self.app, api_url=self.api_url,
                              region=self.region.value if self.region else None, token=self.token)

    def client(self):
        from actionctl.remote.target import client_for

        return client_for(self.target(), log=log_request if self.verbose else None)


def log_request(line: str) -> None:
    sys.stderr.write(f"· {line}\n")


def interactive() -> bool:
    return sys.stdin.isatty() and not os.environ.get("CI")


def confirm(question: str, yes: bool) -> None:
    """Go on only with --yes, or after a "y" typed in a terminal; never prompt where nobody can answer."""
    if yes:
        return
    if not interactive():
        raise UsageError(f"{question} — not a terminal, so pass --yes to confirm", code="CONFIRMATION_REQUIRED")
    if not typer.confirm(question, default=False, err=True):
        raise typer.Exit(1)


def emit_json(body: Any) -> None:
    sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def by_name(client, names: list[str]) -> list[dict]:
    """The master actions named (or numbered) in `names`, listing the app once rather than once per name."""
    from actionctl.remote.errors import ServiceError
    from actionctl.suggest import did_you_mean

    actions = client.list_actions()
    found = []
    for name in names:
        match = next((a for a in actions if a.get("name") == name or (name.isdigit() and str(a.get("id")) == name)),
                     None)
        if match is None:
            hint = did_you_mean(name, [str(a.get("name")) for a in actions])
            raise ServiceError(f'the app has no action named "{name}"{hint}', code="ACTION_NOT_FOUND", status=404)
        found.append(match)
    return found
