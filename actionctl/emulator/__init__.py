"""A local emulator of the App Actions V3 REST service: a real HTTP server on loopback, state in SQLite.

It serves exactly the routes and shapes of `actionctl.remote.paths`, validates with the project's own
rules, runs actions in a warm worker process, and can rate-limit and inject faults so that the client's
pacing and retries can be tried without an account:

    with serve(EmulatorOptions(port=0)) as emulator:
        httpx.get(emulator.url + "v1/user", headers={"Auth-token": "local-token"})
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from actionctl.emulator.accounts import Account
from actionctl.emulator.server import FAULTS_ENV, EmulatorServer
from actionctl.execution.limits import DEADLINES, RESULT_BYTES
from actionctl.remote.pacing import DEFAULT_LIMITS, DEFAULT_WINDOW


@dataclass
class EmulatorOptions:
    db: Path | None = None  # SQLite file that keeps state across restarts; None: in memory, gone on close
    token: str = "local-token"
    account: Account = field(default_factory=Account)  # who signs in (v1/auth/login) to get `token`
    app_published: bool = True  # the state of an app when first seen
    rate_limits: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_LIMITS))  # the service's
    rate_window: float = DEFAULT_WINDOW  # seconds
    faults: float = 0.0  # fraction of /v1 and /v3 requests that fail (0: read ACTIONCTL_EMULATOR_FAULTS)
    fault_seed: int | None = None
    project: Path | None = None  # whose fixtures/ and .actionctl/cache/deps serve runs; None: no fixtures
    # The service runs actions on its server side (it refuses client ones): the server's deadline.
    timeout: float = DEADLINES["server"]  # seconds a run may take
    payload_limit: int | None = None  # characters of JSON; the service has no fixed limit, so None: none
    result_limit: int = RESULT_BYTES  # bytes of JSON
    memory_mb: int = 256
    clock: dt.datetime | None = None  # the moment the emulator's clock starts at; None: the machine's time
    clock_speed: float = 1.0  # emulated seconds per real second (0: stopped, moved only through _emulator/clock)
    host: str = "127.0.0.1"
    port: int = 0  # 0: any free port (see EmulatorServer.port)


def serve(options: EmulatorOptions | None = None) -> EmulatorServer:
    """Start an emulator on a background thread and return at once; close it (or use `with`) to stop it."""
    return EmulatorServer(options or EmulatorOptions())


__all__ = ["FAULTS_ENV", "Account", "EmulatorOptions", "EmulatorServer", "serve"]
