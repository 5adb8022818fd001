"""Which service, which app and which token a remote command uses.

Settings come from `actionctl.yaml` (top level, overlaid by the selected profile), then from the
command line. The token is looked up in order: `--token`, `ACTIONCTL_TOKEN`, the stored login for
the host.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from actionctl.envvars import Env
from actionctl.errors import SettingInvalidError
from actionctl.project import Project, rate_limits
from actionctl.remote import credentials, paths
from actionctl.remote.errors import NotLoggedInError
from actionctl.remote.pacing import DEFAULT_LIMITS, DEFAULT_WINDOW


@dataclass
class Target:
    api_url: str
    app: int | str | None
    token: str | None
    profile: str | None = None
    rate_limits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    rate_window: float = DEFAULT_WINDOW
    routes: paths.Routes = field(default_factory=paths.Routes)

    def require_token(self) -> str:
        if not self.token:
            raise NotLoggedInError(f"no token for {self.api_url}: run `actionctl login` (or set {Env.TOKEN}, or "
                                   "pass --token)")
        return self.token


def settings(project: Project | None, profile: str | None) -> dict[str, Any]:
    """The project's settings with the profile's laid over them."""
    return project.settings(profile) if project is not None else {}


def api_url_for(chosen: dict[str, Any], *, api_url: str | None = None, region: str | None = None) -> str:
    if api_url:
        return paths.base_url(api_url, "--api-url")
    if region:
        return paths.REGION_HOSTS[region]
    configured = chosen.get("api_url")
    if isinstance(configured, str) and configured:
        return paths.base_url(configured, "api_url of actionctl.yaml")
    return paths.REGION_HOSTS.get(chosen.get("region") or paths.DEFAULT_REGION, paths.REGION_HOSTS["eu"])


def token_source(given: str | None) -> str:
    """Where `token_from` finds the token, in its order: "--token", ACTIONCTL_TOKEN, or "stored login"."""
    if given and given.strip():
        return "--token"
    if (os.environ.get(Env.TOKEN) or "").strip():
        return Env.TOKEN
    return "stored login"


def token_from(given: str | None, api_url: str) -> str | None:
    """The first token found, in order: `given` (--token), ACTIONCTL_TOKEN, the stored login for the host."""
    for token, source in ((given, "--token"), (os.environ.get(Env.TOKEN), Env.TOKEN)):
        if token and token.strip():
            return credentials.usable_token(token, source)
    stored = credentials.token_for(api_url)
    return credentials.usable_token(stored, f"the stored login for {api_url}") if stored else None


def resolve(project: Project | None, *, profile: str | None = None, app: int | None = None,
            api_url: str | None = None, region: str | None = None, token: str | None = None) -> Target:
    profile = profile or os.environ.get(Env.PROFILE) or None
    chosen = settings(project, profile)
    url = api_url_for(chosen, api_url=api_url, region=region)
    found = token_from(token, url)
    limits = rate_limits(chosen)
    return Target(
        api_url=url, app=app if app is not None else chosen.get("app"), token=found, profile=profile,
        rate_limits={**DEFAULT_LIMITS, **{k: int(v) for k, v in limits.items() if k in DEFAULT_LIMITS}},
        rate_window=float(limits.get("window", DEFAULT_WINDOW)), routes=routes_for(chosen))


def routes_for(chosen: dict[str, Any]) -> paths.Routes:
    """The route table with the settings' `api:` overrides; CONFIG_INVALID when one cannot be used (for the
    commands that do not validate the project first, as `validate` would)."""
    overrides = chosen.get("api")
    problems = paths.override_problems(overrides)
    if problems:
        raise SettingInvalidError(f"{problems[0][1]} (in actionctl.yaml)")
    return paths.Routes(overrides)


def client_for(target: Target, *, log=None):
    """A Client for the target (imports httpx only when a command really talks to the service)."""
    from actionctl.remote.client import Client
    from actionctl.remote.pacing import Ledger, Pacer

    ledger = Ledger.for_app(credentials.config_dir() / "pacing", target.api_url, target.app)
    return Client(target.api_url, target.require_token(), target.app, log=log, routes=target.routes,
                  pacer=Pacer(target.rate_limits, target.rate_window, ledger=ledger))
