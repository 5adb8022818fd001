"""What several test modules share: the emulator (started, told what to do, asked what it saw), a client
for arranging the service, the CLI as a process of its own, a file edit, and the one normaliser for text
that differs from run to run.

Fixtures built on these live in conftest.py; import the rest from here (`from support import …`).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from actionctl.emulator import EmulatorOptions, EmulatorServer, serve
from actionctl.remote import paths
from actionctl.remote.client import Client
from actionctl.remote.pacing import Pacer
from actionctl.runtime.fixtures import Fixtures
from actionctl.runtime.job import build as build_job
from actionctl.runtime.job import platform_files, surface_for

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
EMULATOR_TOKEN = "emulator-test-token-0123456789"
# Rate limits no test reaches unless it lowers them on purpose.
UNLIMITED = {"crud": 1_000_000, "run": 1_000_000, "publish": 1_000_000}
# The CLI in a process of its own, as a user starts it.
ACTIONCTL = [sys.executable, "-m", "actionctl"]
# Only bounds a hang: nothing a test waits for takes this long, however busy the machine.
HANG_LIMIT = 120


def ctrl_c_as_in_a_terminal() -> None:
    """For `preexec_fn`: the started command meets Ctrl-C (SIGINT) as in a terminal, even when this test
    run ignores SIGINT (a background job of a script does, and a command inherits that: Python then
    installs no KeyboardInterrupt handler and the SIGINT a test sends is lost)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _own_terminal() -> None:
    """For `preexec_fn`: the pseudo-terminal on fd 0 becomes the command's controlling terminal."""
    import fcntl
    import termios

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def workers(marker: str) -> dict[int, int]:
    """pid → resident kB of every live worker whose environment carries `marker` (ACTIONCTL_TEST_MARK, which a
    worker inherits from the CLI that started it: found even once re-parented)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if b"actionctl.runtime.worker" not in Path(f"/proc/{entry}/cmdline").read_bytes():
                continue
            if f"ACTIONCTL_TEST_MARK={marker}".encode() not in Path(f"/proc/{entry}/environ").read_bytes():
                continue
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:  # gone meanwhile, or not ours
            continue
        if re.search(r"^State:\s+Z", status, re.M):
            continue
        rss = re.search(r"^VmRSS:\s+(\d+)", status, re.M)
        found[int(entry)] = int(rss.group(1)) if rss else 0
    return found


class Terminal:
    """A command run in a pseudo-terminal of `columns` (its controlling terminal, so Ctrl-C typed is SIGINT as
    for a user): read what it shows, type into it. CI and COLUMNS are left out of its environment: a CI job
    never prompts, and the terminal says how wide it is."""

    def __init__(self, *args: str, columns: int = 200) -> None:
        import fcntl  # POSIX only, as pseudo-terminals are
        import pty
        import struct
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        env = {**{k: v for k, v in os.environ.items() if k not in ("CI", "COLUMNS")}, "NO_COLOR": "1"}
        self.process = subprocess.Popen([*ACTIONCTL, *args], stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, preexec_fn=_own_terminal)
        os.close(slave)
        self.shown = b""

    def wait_for(self, text: bytes) -> None:
        deadline = time.monotonic() + HANG_LIMIT
        while text not in self.shown:
            assert time.monotonic() < deadline, self.shown
            if not self._read():
                raise AssertionError(f"the command ended before showing {text!r}: {self.shown!r}")

    def wait_reading(self) -> None:
        """Until the command sleeps on the terminal: a Ctrl-C that lands between the prompt and the read is
        seen by Python only at the next key (a race of CPython's input(), not of the command)."""
        deadline = time.monotonic() + HANG_LIMIT
        stat = Path(f"/proc/{self.process.pid}/stat")
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "S":
            assert time.monotonic() < deadline, self.shown
            time.sleep(0.01)

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def finish(self) -> tuple[int, str]:
        while self._read():
            pass
        status = self.process.wait(timeout=HANG_LIMIT)
        os.close(self.master)
        shown = self.shown.decode("utf-8", "replace").replace("\r\n", "\n")
        return status, re.sub(r"\x1b\[[0-9;]*m", "", shown)  # bold and dim stay on under NO_COLOR

    def _read(self) -> bool:
        import select

        ready, _, _ = select.select([self.master], [], [], HANG_LIMIT)
        try:
            chunk = os.read(self.master, 4096) if ready else b""
        except OSError:  # EIO: the command closed the terminal
            chunk = b""
        self.shown += chunk
        return bool(chunk)


class FakeClock:
    """A clock that moves only when told to: call it for the time, `sleep` to let time pass."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


# --- the emulator --------------------------------------------------------------------------------


def route_of(name: str, app: object = None, action_id: object = None, version_id: object = None) -> paths.Route:
    """A route of the default table (what the emulator serves, and the client sends unless `api:` says
    otherwise), its placeholders filled."""
    return paths.DEFAULT.build(name, app=app, id=action_id, version=version_id)


def start_emulator(**options) -> EmulatorServer:
    """An emulator on a free loopback port, its limits out of reach unless `options` lower them; close it."""
    return serve(EmulatorOptions(**{"rate_limits": dict(UNLIMITED), "port": 0, **options}))


def configure(emulator: EmulatorServer, **settings) -> dict:
    """Change a running emulator's settings through its control endpoint (see `actionctl.emulator.server`)."""
    response = httpx.post(emulator.url + "_emulator/config", json=settings, headers=_control_headers(emulator))
    response.raise_for_status()
    return response.json()["config"]


def stats(emulator: EmulatorServer) -> dict:
    """What the emulator counted: requests, served, rate limited, faults, per bucket."""
    return httpx.get(emulator.url + "_emulator/stats", headers=_control_headers(emulator)).json()


def _control_headers(emulator: EmulatorServer) -> dict[str, str]:
    return {paths.TOKEN_HEADER: emulator.options.token}  # the control endpoints ask for the token too


@contextmanager
def service_client(emulator: EmulatorServer, app: int = 1) -> Iterator[Client]:
    """The core client, unpaced, for arranging what a test needs on the service and reading it back."""
    with Client(emulator.url, EMULATOR_TOKEN, app, pacer=Pacer(UNLIMITED)) as client:
        yield client


def remote_names(emulator: EmulatorServer) -> list[str]:
    with service_client(emulator) as client:
        return [a["name"] for a in client.list_actions()]


@contextmanager
def listing_service(actions: list) -> Iterator[str]:
    """A service that lists `actions` (anything JSON can carry, lone surrogates too, as a misbehaving service
    might) for every GET, in one page, and refuses everything else with 501; its URL."""
    listing = {"actions": actions, "pagination": {"total": len(actions), "hasMore": False}}

    def answer(method: str, path: str) -> tuple[int, Any]:
        return (200, listing) if method == "GET" else (501, {"message": "not here"})

    with fake_service(answer) as url:
        yield url


@dataclass
class Request:
    """One request a test service got: the method, the path and its query apart, the headers, the body."""

    method: str
    target: str  # the path with its query, as sent
    headers: dict[str, str]
    raw: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    @property
    def json(self) -> Any:
        return json.loads(self.raw) if self.raw.strip() else None


# What a test service answers: a status, a JSON body (None: no body) and any headers of its own.
Answer = tuple[int, Any] | tuple[int, Any, dict[str, str]]


@contextmanager
def http_service(respond: Callable[[Request], Answer], *, date: str | None = None) -> Iterator[str]:
    """A service on a free loopback port answering each request with `respond(request)`, its clock saying
    `date` when given (the Date header); yields its base URL, and stops when the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, body, *extra = respond(Request(self.command, self.path, dict(self.headers), raw))
            # Bytes go out as they are, as a web page would (a proxy's sign-in page, a wrong --api-url).
            data = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in (extra[0] if extra else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/html" if isinstance(body, bytes) else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        def date_time_string(self, timestamp: float | None = None) -> str:
            return date or super().date_time_string(timestamp)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def fake_service(answer: Callable[[str, str], tuple[int, Any]]) -> Iterator[str]:
    """A service that misbehaves on demand, where the emulator will not: on a free loopback port, it answers
    every request with `answer(method, path with query)` — a status and a JSON body. Yields its base URL."""
    with http_service(lambda request: answer(request.method, request.target)) as url:
        yield url


# --- the worker ---------------------------------------------------------------------------------


def job(code: str, *, file: str = "actions/t.js", **context) -> dict:
    """A worker job for `code` as `file`, built as every run's is, its context then changed by `context`."""
    built = build_job(code, file, {}, {}, Fixtures(), [], now_ms=1767600000000, seed=1)
    built["context"].update(context)
    # The platform's files follow the dependencies and actions, as the builder chooses them.
    built["platform"] = platform_files(built["context"]["dependencies"], built["context"]["actions"])
    built["context"]["surface"] = surface_for(built["context"]["dependencies"], built["context"]["actions"])
    return built


# --- files and text ------------------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file with `new`; `old` must be there."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


_VARYING = (
    (re.compile(r"\b(127\.0\.0\.1|localhost):\d+"), r"\1:<port>"),
    (re.compile(r"\b\d+(\.\d+)? ms\b"), "<ms>"),
    (re.compile(r"\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"), "<time>"),
)


def normalise(text: str, *folders: Path) -> str:
    """`text` with what differs from run to run replaced: each of `folders` (temporary paths) by `<tmp>`,
    loopback ports by `<port>`, durations in milliseconds by `<ms>`, ISO timestamps by `<time>`."""
    for folder in folders:
        text = text.replace(str(folder), "<tmp>")
    for pattern, replacement in _VARYING:
        text = pattern.sub(replacement, text)
    return text
