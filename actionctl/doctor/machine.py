"""Checks of this machine: Python, actionctl itself, the V8 worker, and the clock."""

from __future__ import annotations

import datetime as dt
import platform
import sys
import time
from email.utils import parsedate_to_datetime

from actionctl import __version__
from actionctl.doctor.model import Check

MIN_PYTHON = (3, 10)  # pyproject.toml's requires-python
# A trivial job: proves the worker starts, loads the platform and runs code, and how long that takes here.
_TRIVIAL = "async function execute(context) { return 1 + 1 }\n"
_RUN_TIMEOUT = 60.0  # a hang bound, not a speed test
# Beyond this, the clock is wrong enough to matter: 429 waits read from `nextValidRequestDate` and schedule
# previews are computed from it. A Date header counts whole seconds, so a few seconds mean nothing.
CLOCK_TOLERANCE = 60


def python() -> Check:
    version = platform.python_version()
    facts = {"python": version, "implementation": platform.python_implementation(), "platform": platform.platform(),
             "executable": sys.executable}
    if sys.version_info[:2] < MIN_PYTHON:
        return Check("python", "Python", "fail", f"Python {version} is older than actionctl needs "
                     f"({'.'.join(map(str, MIN_PYTHON))} or later)", facts)
    return Check("python", "Python", "ok", f"Python {version} ({facts['implementation']}) on {facts['platform']}",
                 facts)


def actionctl() -> Check:
    from importlib import metadata

    facts = {"actionctl": __version__}
    for package in ("mini-racer", "httpx", "typer"):
        try:
            facts[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            facts[package] = None
    return Check("actionctl", "actionctl", "ok", f"actionctl {__version__} (mini-racer {facts['mini-racer']})",
                 facts)


def worker() -> Check:
    """Start a V8 worker as `run` does, run a trivial job on it, and time both."""
    from actionctl.execution.limits import RESULT_BYTES
    from actionctl.runtime.fixtures import Fixtures
    from actionctl.runtime.host import Worker, WorkerDied, execute
    from actionctl.runtime.job import build

    started = time.perf_counter()
    process = Worker(256)
    try:
        process.start()
        ready = time.perf_counter()
        outcome = execute(process, build(_TRIVIAL, "doctor.js", {}, {}, Fixtures(), []), _RUN_TIMEOUT, RESULT_BYTES)
        done = time.perf_counter()
    except (WorkerDied, OSError) as exc:
        return Check("worker", "V8 worker", "fail", f"the worker did not start: {_death(exc)} — reinstall "
                     "actionctl (`pip install --force-reinstall actionctl`) and try again")
    finally:
        process.close()
    facts = {"startMs": round((ready - started) * 1000), "runMs": round((done - ready) * 1000)}
    if not outcome.ok or outcome.result != 2:
        problem = outcome.error["message"] if outcome.error else f"it answered {outcome.result!r}"
        return Check("worker", "V8 worker", "fail", f"the worker started but did not run a trivial job: {problem}",
                     facts)
    return Check("worker", "V8 worker", "ok", f"started in {facts['startMs']} ms, ran a trivial job in "
                 f"{facts['runMs']} ms", facts)


def _death(exc: Exception) -> str:
    stderr = getattr(exc, "stderr", "") or ""
    last = stderr.strip().splitlines()[-1:] if stderr.strip() else []
    return f"{exc}{': ' + last[0][:200] if last else ''}"


def clock(server_date: str | None, received: dt.datetime | None) -> Check:
    """This machine's time and zone; with a live answer, how far it is from the service's `Date`."""
    now = dt.datetime.now(dt.timezone.utc)
    local = now.astimezone()
    facts: dict = {"utc": _iso(now), "zone": local.tzname(), "offset": local.strftime("%z")}
    if server_date is None or received is None:
        return Check("clock", "clock", "ok", f"{_iso(now)} UTC, zone {local.tzname()} (with --live it is compared "
                     "with the service's clock)", facts)
    try:
        server = parsedate_to_datetime(server_date)
        (received - server).total_seconds()  # an offset of 10^20 hours parses, and overflows here
    except (TypeError, ValueError, OverflowError):
        server = None
    if server is None or server.tzinfo is None:
        return Check("clock", "clock", "warn", f"the service's Date header cannot be read: {server_date[:60]!r}",
                     {**facts, "serverDate": server_date[:60]})
    skew = int((received - server).total_seconds())  # toward zero: a Date header drops the fraction
    facts.update(serverDate=server_date, skewSeconds=skew)
    if abs(skew) > CLOCK_TOLERANCE:
        side = "ahead of" if skew > 0 else "behind"
        return Check("clock", "clock", "warn", f"this machine's clock is {abs(skew)} s {side} the service's: "
                     "waits after a 429 and schedule previews use it — set the clock (NTP)", facts)
    return Check("clock", "clock", "ok", f"within {CLOCK_TOLERANCE} s of the service's ({skew:+d} s)", facts)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
