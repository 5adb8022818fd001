"""The service a remote command talks to: its options resolved into a target and a client, on first use."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from actionctl.cli.options import Region


@dataclass
class Remote:
    """The remote options a command was given (see `options.remote_options`)."""

    profile: str | None = None
    app: int | None = None
    api_url: str | None = None
    region: Region | None = None
    token: str | None = None
    verbose: bool = False

    def target(self, project=None):
        """The service, app and token to use: the command line over `project`'s settings (read if not given)."""
        from actionctl.project import open_project
        from actionctl.remote import target

        return target.resolve(project if project is not None else open_project(), profile=self.profile,
                              app=self.app, api_url=self.api_url, region=self.region.value if self.region else None,
                              token=self.token)

    def host(self) -> str:
        """The service's base URL, without needing a token or an app (login, logout)."""
        from actionctl.project import open_project
        from actionctl.remote.target import api_url_for, settings

        return api_url_for(settings(open_project(), self.profile), api_url=self.api_url,
                           region=self.region.value if self.region else None)

    def routes(self):
        """The route table with the project's `api:` overrides (login and sign-in need no token or app)."""
        from actionctl.project import open_project
        from actionctl.remote.target import routes_for, settings

        return routes_for(settings(open_project(), self.profile))

    def client(self, target=None):
        """A client for the target (httpx is imported only here, when a command really connects)."""
        from actionctl.remote.target import client_for

        return client_for(target or self.target(), log=self.request_log())

    @contextmanager
    def connected(self, project=None) -> Iterator[tuple[Any, Any]]:
        """The target (for `project`, when the command has it open already) and an open client for it."""
        target = self.target(project)
        with self.client(target) as client:
            yield target, client

    def request_log(self):
        return log_request if self.verbose else None


def log_request(line: str) -> None:
    sys.stderr.write(f"· {line}\n")
