"""The HTTP face of the emulator: the routes of `actionctl.remote.paths`, auth, rate limits and injected faults.

A request goes: read the body → auth (401) → route (404, 405) → rate limit (429, which does not count
against the window) → fault decision → apply → answer, or instead of the answer the injected fault: a
503 before applying, a 500 after applying, or a connection dropped after applying without a word.
The sign-in routes (`v1/auth/login`, `v1/auth/third-party`: accounts.py) are answered before auth, as
they are how a client gets the token, and without limits or faults.
`/_emulator/stats`, `/_emulator/config` and `/_emulator/clock` (scheduler.py) are for tests: no limits
and no faults, but the token like every other request, and a POST only as `Content-Type:
application/json` (a web page can make a browser send a cross-site form or `text/plain` POST without
asking; it cannot set either).

HEAD and OPTIONS, methods http.server does not know, malformed request lines and bodies are answered
as everything else is: a JSON error (405 with `Allow` on a known path, 400, 408, 411, 413, 501).
A body is JSON as `JSON.parse` reads it: no `NaN` or `Infinity`, no number beyond a double, and at
most MAX_DEPTH levels deep.

`POST /_emulator/config` takes any of `rate_limits` ({bucket: n}), `rate_window` (seconds), `faults`
(a fraction), `app_published` (true/false) and `force_429` ({bucket: n}: the next n requests of that
bucket, of any app, answer 429 with `Retry-After: 0.05` whatever the window holds — so a test meets a
rate limit by asking for one, not by hoping to send requests fast enough; 0 cancels). It answers the
settings now, with the forced 429s still to come.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import math
import os
import random
import re
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from actionctl.emulator import accounts, datasources
from actionctl.emulator import errors as api
from actionctl.emulator.clock import Clock
from actionctl.emulator.errors import ApiError
from actionctl.emulator.scheduler import Scheduler
from actionctl.emulator.service import Runner, Service, iso
from actionctl.emulator.store import Store
from actionctl.envvars import Env
from actionctl.errors import SettingInvalidError
from actionctl.remote import paths
from actionctl.remote.pacing import DEFAULT_LIMITS

if TYPE_CHECKING:
    from actionctl.emulator import EmulatorOptions

FAULTS_ENV = Env.EMULATOR_FAULTS  # fraction of requests to fail when the options ask for none
FAULT_KINDS = ("503", "500", "drop")
LIMITED_BUCKETS = tuple(DEFAULT_LIMITS)
RATE_LIMIT_URL = "https://developers.fliplet.com/API/core/rate-limiting.html"
FORCED_WAIT = 0.05  # seconds a forced 429 tells the client to wait
CONTROL_PREFIX = "/_emulator/"
MAX_BODY = 16 * 1024 * 1024
# Nesting of a JSON body. An action's fields go four levels deep and a payload is usually small; a
# body nested a thousand levels would exhaust the recursion of the decoder, the rules or the encoder.
MAX_DEPTH = 100
MAX_WINDOW = 86_400.0  # seconds: a rate window of a day is already longer than any test waits
MAX_OFFSET = 2**63 - 1  # the largest integer SQLite holds
_ID = "[0-9]{1,18}"  # ids are integers SQLite can hold; anything else is not a route


# --- rate limits, faults and the counts behind /_emulator/stats -------------------------------------


class Gate:
    """Sliding-window limits per app and bucket, the fault dice, and what happened to every request."""

    def __init__(self, options: EmulatorOptions, clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[int | None, str], deque[float]] = {}
        self._random = random.Random(options.fault_seed)
        self._requests = 0
        self._faults = dict.fromkeys(FAULT_KINDS, 0)
        self._buckets: dict[str, dict[str, int]] = {}
        self._forced: dict[str, int] = {}  # bucket: how many of its next requests answer 429 regardless
        for bucket in (*LIMITED_BUCKETS, "none"):
            self._bucket(bucket)

    def count(self) -> None:
        with self._lock:
            self._requests += 1

    def admit(self, app: int | None, bucket: str) -> float | None:
        """None when the request may go on (it then counts against the window); else seconds to wait."""
        limit = self.options.rate_limits.get(bucket)
        window = self.options.rate_window
        now = self._clock()
        with self._lock:
            served = self._windows.setdefault((app, bucket), deque())
            while served and now - served[0] >= window:
                served.popleft()
            counts = self._bucket(bucket)
            if limit is not None and len(served) >= limit:
                counts["rateLimited"] += 1
                # The request may go once enough of the window has aged out to leave one free slot.
                return served[len(served) - limit] + window - now
            served.append(now)
            counts["served"] += 1
            counts["maxInWindow"] = max(counts["maxInWindow"], len(served))
            return None

    def forced(self, bucket: str) -> bool:
        """Whether this request of `bucket` is one of the 429s a test asked for (it then counts as rate limited)."""
        with self._lock:
            if self._forced.get(bucket, 0) <= 0:
                return False
            self._forced[bucket] -= 1
            self._bucket(bucket)["rateLimited"] += 1
            return True

    def force_429(self, counts: dict[str, int]) -> dict[str, int]:
        """Make the next `counts[bucket]` requests of each bucket answer 429; the forced 429s still to come."""
        with self._lock:
            self._forced.update(counts)
            return {bucket: n for bucket, n in self._forced.items() if n > 0}

    def fault(self) -> str | None:
        """Which fault this request gets, if any."""
        with self._lock:
            if self.options.faults <= 0 or self._random.random() >= self.options.faults:
                return None
            kind = self._random.choice(FAULT_KINDS)
            self._faults[kind] += 1
            return kind

    def stats(self) -> dict:
        with self._lock:
            buckets = {name: dict(counts) for name, counts in self._buckets.items()}
            return {"requests": self._requests, "served": sum(c["served"] for c in buckets.values()),
                    "rateLimited": sum(c["rateLimited"] for c in buckets.values()), "faults": dict(self._faults),
                    "byBucket": buckets}

    def _bucket(self, name: str) -> dict[str, int]:
        return self._buckets.setdefault(name, {"served": 0, "rateLimited": 0, "maxInWindow": 0})


def retry_after(seconds: float) -> float:
    """Seconds to tell the client, rounded up to hundredths so that waiting that long is always enough."""
    return max(0.01, math.ceil(seconds * 100) / 100)


# --- routes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request, as the endpoints see it."""

    params: dict[str, int]
    query: dict[str, str]
    body: Any

    @property
    def app(self) -> int:
        return self.params["app"]

    @property
    def id(self) -> int:
        return self.params["action_id"]

    @property
    def version(self) -> int:
        return self.params["version_id"]

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("true", "1")

    def page(self) -> dict[str, int]:
        limit = self._integer("limit", paths.PAGE_LIMIT, minimum=1)
        return {"limit": min(limit, paths.MAX_PAGE_LIMIT), "offset": self._integer("offset", 0, minimum=0)}

    def log_filters(self) -> dict[str, Any]:
        """The JS API's filter, `where: {type, data: {taskId}}`, sent as JSON in `?where=` (the inferred
        placement of paths.TABLE), and the page."""
        where = self._json_query("where")
        if not isinstance(where, dict):
            raise ApiError(api.BAD_REQUEST, 'where must be a JSON object like {"type": "app.task.failed", '
                                            '"data": {"taskId": 12}}')
        type_, data = where.get("type"), where.get("data", {})
        if type_ is not None and not isinstance(type_, str):
            raise ApiError(api.BAD_REQUEST, "where.type must be a log type such as app.task.failed")
        if not isinstance(data, dict):
            raise ApiError(api.BAD_REQUEST, "where.data must be an object like {\"taskId\": 12}")
        task = data.get("taskId")
        if task is not None and (isinstance(task, bool) or not isinstance(task, int)):
            raise ApiError(api.BAD_REQUEST, "where.data.taskId must be the number of an action")
        return {"type_": type_, "task": task, **self.page()}

    def run_body(self) -> Any:
        """The run's body: {"payload": …} as sent, or the payload URL-encoded in `?payload=` (the newest docs
        say it may travel that way; a project's `api: {run_action: {payload: query}}` sends it so)."""
        if "payload" not in self.query:
            return self.body
        if isinstance(self.body, dict) and self.body:
            raise ApiError(api.BAD_REQUEST, "send the payload in the body or in ?payload=, not both")
        return {"payload": self._json_query("payload")}

    def _json_query(self, name: str) -> Any:
        text = self.query.get(name)
        if text is None:
            return {}
        try:
            return decode(text.encode("utf-8"))
        except ApiError as exc:  # decode() speaks of "the body": here it is a parameter
            raise ApiError(api.BAD_REQUEST, f"?{name}=: {exc.message.replace('the body', 'it')}") from None

    def _integer(self, name: str, default: int, *, minimum: int) -> int:
        text = self.query.get(name)
        if text is None:
            return default
        # ASCII digits only: str.isdigit() also takes "١٢" and "²", which int() reads or refuses.
        if not (text.isascii() and text.isdigit()) or len(text) > 19 or not minimum <= int(text) <= MAX_OFFSET:
            raise ApiError(api.BAD_REQUEST, f"{name} must be a whole number from {minimum} to {MAX_OFFSET}, not "
                               f"{text[:40]!r}")
        return int(text)


Handle = Callable[[Service, Call], "tuple[int, dict | None]"]


@dataclass(frozen=True)
class Endpoint:
    method: str
    pattern: re.Pattern
    bucket: str
    handle: Handle


_GROUPS = {"app": "app", "id": "action_id", "version": "version_id"}


def endpoint(name: str, handle: Handle) -> Endpoint:
    """Match the route `name` of the default table, each placeholder ({app}, {id}, {version}) a numeric group."""
    spec = paths.TABLE[name]
    pattern = re.escape(spec.path)
    for placeholder in paths.placeholders(spec.path):
        pattern = pattern.replace(re.escape("{" + placeholder + "}"), f"(?P<{_GROUPS[placeholder]}>{_ID})")
    return Endpoint(spec.method, re.compile(f"/{pattern}"), spec.bucket, handle)


def _run(service: Service, call: Call) -> tuple[int, dict]:
    body = call.run_body()
    if call.flag("wait"):
        return 200, service.run_and_wait(call.app, call.id, body)
    return 202, service.queue_run(call.app, call.id, body)


ENDPOINTS = (
    endpoint("list_actions",
             lambda s, c: (200, s.list_actions(c.app, production=c.flag("production"), **c.page()))),
    endpoint("create_action", lambda s, c: (201, s.create_action(c.app, c.body))),
    endpoint("get_action", lambda s, c: (200, s.get_action(c.app, c.id))),
    endpoint("update_action", lambda s, c: (200, s.update_action(c.app, c.id, c.body))),
    endpoint("delete_action", lambda s, c: (204, s.delete_action(c.app, c.id))),
    endpoint("publish_action", lambda s, c: (200, s.publish_action(c.app, c.id))),
    endpoint("unpublish_action", lambda s, c: (204, s.unpublish_action(c.app, c.id))),
    endpoint("run_action", _run),
    endpoint("app_logs", lambda s, c: (200, s.logs(c.app, None, **c.log_filters()))),
    endpoint("action_logs", lambda s, c: (200, s.logs(c.app, c.id, **c.log_filters()))),
    endpoint("list_versions", lambda s, c: (200, s.list_versions(c.app, c.id, **c.page()))),
    endpoint("get_version", lambda s, c: (200, s.get_version(c.app, c.id, c.version))),
    endpoint("restore_version", lambda s, c: (200, s.restore_version(c.app, c.id, c.version))),
    endpoint("publish_app", lambda s, c: (201, s.publish_app(c.app, c.body))),
    endpoint("current_user", lambda s, c: (200, s.current_user())),
    endpoint("list_datasources", lambda s, c: (200, datasources.listing(s.options.project, c.query))),
    endpoint("query_datasource", lambda s, c: (200, datasources.query(s.options.project, c.id, c.body))),
)


def find(method: str, path: str) -> tuple[Endpoint | None, dict[str, int], list[str]]:
    """The endpoint for the request and its parameters; else None and the methods the path allows."""
    allowed = []
    for candidate in ENDPOINTS:
        found = candidate.pattern.fullmatch(path)
        if found is None:
            continue
        if candidate.method == method:
            return candidate, {name: int(value) for name, value in found.groupdict().items()}, []
        allowed.append(candidate.method)
    return None, {}, allowed


def decode(raw: bytes) -> Any:
    """The JSON body, as strict as JSON.parse and at most MAX_DEPTH deep; an empty body is an empty object."""
    if not raw.strip():
        return {}
    too_deep = ApiError(api.BAD_REQUEST, f"the body nests more than {MAX_DEPTH} levels deep")
    try:
        value = json.loads(raw, parse_constant=_not_json, parse_float=_finite)
    except RecursionError:  # deeper than the decoder goes
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(api.BAD_REQUEST, f"the body is not valid JSON: {exc}") from None
    if _deeper_than(value, MAX_DEPTH):
        raise too_deep
    return value


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not a JSON value")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:40]} is beyond the range of a number")
    return number


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels: a walk level by level, without recursion."""
    level, depth = [value], 0
    while True:
        containers = [item for item in level if type(item) in (dict, list)]
        if not containers:
            return False
        depth += 1
        if depth > limit:
            return True
        level = [child for item in containers for child in (item.values() if type(item) is dict else item)]


# --- HTTP ----------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as clients pool connections
    server_version = "actionctl-emulator"
    timeout = 30  # an idle kept-alive connection is closed after this many seconds
    disable_nagle_algorithm = True  # headers and body go in two writes; Nagle would hold the body ~40 ms
    server: _HttpServer

    def do_GET(self) -> None:
        self._handle()

    # HEAD and OPTIONS are routed too: no endpoint takes them, so a known path answers 405 with `Allow`.
    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a malformed request line, a method it has no handler for, headers
        too long) as JSON, like every other answer, instead of its HTML page."""
        self.close_connection = True
        status = HTTPStatus(code)
        self._send(code, {"status": status.name, "error": message or status.phrase})

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: an access line per request would bury what a developer is looking for."""

    def _handle(self) -> None:
        raw = self._read_body()
        if raw is None:
            return
        url = urlsplit(self.path)
        emulator = self.server.emulator
        if url.path.startswith(CONTROL_PREFIX):
            if self._authorised():
                self._control(url.path, raw)
            else:
                self._refuse_token()
        elif emulator.closed:
            self._send(503, {"status": "SERVICE_UNAVAILABLE", "error": "the emulator is shutting down"})
        else:
            emulator.gate.count()
            self._service(url.path, dict(parse_qsl(url.query)), raw)

    def _service(self, path: str, query: dict[str, str], raw: bytes) -> None:
        emulator = self.server.emulator
        sign_in = accounts.route(path)
        if sign_in is not None:  # no token asked: signing in is how a client gets one
            self._sign_in(sign_in, path, query, raw)
            return
        if not self._authorised():
            self._refuse_token()
            return
        found, params, allowed = find(self.command, path)
        if found is None:
            self._refuse_route(path, allowed)
            return
        if emulator.gate.forced(found.bucket):
            self._too_many(params.get("app"), found.bucket, FORCED_WAIT, "forced through /_emulator/config")
            return
        wait = emulator.gate.admit(params.get("app"), found.bucket)
        if wait is not None:
            self._too_many(params.get("app"), found.bucket, retry_after(wait))
            return
        fault = emulator.gate.fault()
        if fault == "503":
            self._send(503, {"status": "SERVICE_UNAVAILABLE", "error": "injected fault: the service is unavailable "
                             "(the request was not applied)"})
            return
        status, body = self._apply(found, params, query, raw)
        if fault == "drop":
            self.close_connection = True  # applied, and the connection closes with no answer
        elif fault == "500":
            self._send(500, {"status": "INTERNAL_ERROR", "error": "injected fault: the request was applied but "
                             "its answer was lost"})
        else:
            self._send(status, body)

    def _apply(self, found: Endpoint, params: dict[str, int], query: dict[str, str],
               raw: bytes) -> tuple[int, dict | None]:
        emulator = self.server.emulator
        try:
            return found.handle(emulator.service, Call(params, query, decode(raw)))
        except ApiError as exc:
            return exc.status, exc.body()
        except Exception as exc:
            if emulator.closed:  # the store closed under a request still in flight
                return 503, {"status": "SERVICE_UNAVAILABLE", "error": "the emulator is shutting down"}
            traceback.print_exc()  # a bug in the emulator: show where
            return 500, {"status": "INTERNAL_ERROR", "error": f"{type(exc).__name__}: {exc}"}

    def _sign_in(self, name: str, path: str, query: dict[str, str], raw: bytes) -> None:
        method = paths.TABLE[name].method
        if self.command != method:
            self._refuse_route(path, [method])
            return
        options = self.server.emulator.options
        if options.host not in accounts.LOOPBACK_HOSTS:
            # Signing in hands out the emulator's one token: only to this machine, never to a network.
            self._send(403, {"status": "FORBIDDEN", "error": "the emulator signs in only on loopback "
                             f"(127.0.0.1, localhost or ::1), not on {options.host}: send its token instead"})
            return
        self._send(*accounts.answer(name, options.account, options.token, query, raw,
                                    self.headers.get("Content-Type", "")))

    def _authorised(self) -> bool:
        token = self.server.emulator.options.token.encode()
        offered = [self.headers.get(paths.TOKEN_HEADER, "")]
        authorization = self.headers.get("Authorization", "")
        if authorization[:7].lower() == "bearer ":
            offered.append(authorization[7:].strip())
        return any(hmac.compare_digest(given.encode("latin-1"), token) for given in offered if given)

    def _refuse_token(self) -> None:
        self._send(401, {"error": "not authorised", "message": "the Auth-token header is missing or is not "
                         "this emulator's token"})

    def _refuse_route(self, path: str, allowed: list[str]) -> None:
        if allowed:
            self._send(405, {"status": "METHOD_NOT_ALLOWED", "error": f"{self.command} is not allowed on {path}; "
                             f"use {', '.join(allowed)}"}, {"Allow": ", ".join(allowed)})
        else:
            self._send(404, {"status": "NOT_FOUND", "error": f"no route {self.command} {path}"})

    def _too_many(self, app: int | None, bucket: str, wait: float, reason: str = "") -> None:
        options = self.server.emulator.options
        reason = reason or f"the limit is {options.rate_limits.get(bucket)} per {options.rate_window:g} s"
        next_valid = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=wait)
        self._send(429, {"message": f"too many {bucket} requests for app {app}: {reason} — retry after {wait:g} s",
                         "referenceUrl": RATE_LIMIT_URL,
                         "nextValidRequestDate": iso(next_valid)}, {"Retry-After": f"{wait:g}"})

    def _control(self, path: str, raw: bytes) -> None:
        """The test-only endpoints: statistics, settings changed on a running emulator, and its clock."""
        emulator = self.server.emulator
        routes = {f"{CONTROL_PREFIX}stats": ("GET",), f"{CONTROL_PREFIX}config": ("POST",),
                  f"{CONTROL_PREFIX}clock": ("GET", "POST")}
        if routes.get(path) is None:
            self._send(404, {"status": "NOT_FOUND", "error": f"no route {self.command} {path}: use GET "
                             f"{CONTROL_PREFIX}stats, POST {CONTROL_PREFIX}config or GET/POST {CONTROL_PREFIX}clock"})
        elif self.command not in routes[path]:
            self._refuse_route(path, list(routes[path]))
        elif self.command == "GET":
            self._send(200, emulator.stats() if path.endswith("stats") else emulator.scheduler.state())
        elif not self._sent_json():
            self._send(415, {"status": "UNSUPPORTED_MEDIA_TYPE", "error": "send the settings as a JSON object "
                             "with Content-Type: application/json"})
        else:
            try:
                body = decode(raw)
                self._send(200, emulator.scheduler.move(body) if path.endswith("clock")
                           else {"config": emulator.configure(body)})
            except ApiError as exc:
                self._send(exc.status, exc.body())

    def _sent_json(self) -> bool:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower() == "application/json"

    def _read_body(self) -> bytes | None:
        """The request body, or None once a request whose body cannot be read has been answered."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._unreadable(411, "LENGTH_REQUIRED", "send the body with a Content-Length")
        length = self.headers.get("Content-Length", "0").strip()
        # ASCII digits only: "²" passes str.isdigit() and then fails int().
        if not (length.isascii() and length.isdigit()):
            return self._unreadable(400, "BAD_REQUEST", f"Content-Length {length[:40]!r} is not a whole number "
                                    "of bytes")
        if len(length) > len(str(MAX_BODY)) or int(length) > MAX_BODY:
            return self._unreadable(413, "REQUEST_TOO_LARGE", f"the body is over {MAX_BODY} bytes")
        try:
            raw = self.rfile.read(int(length))
        except TimeoutError:
            return self._unreadable(408, "REQUEST_TIMEOUT", f"the body of {length} bytes did not arrive within "
                                    f"{self.timeout:g} s")
        if len(raw) < int(length):  # the client closed its side early
            return self._unreadable(400, "BAD_REQUEST", f"the body ended after {len(raw)} of the {length} bytes "
                                    "its Content-Length announced")
        return raw

    def _unreadable(self, status: int, code: str, message: str) -> None:
        self.close_connection = True  # the unread body would be taken for the next request
        self._send(status, {"status": code, "error": message})

    def _send(self, status: int, body: dict | None, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status == 204:
            self.end_headers()
            return
        data = json.dumps(body).encode("utf-8")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":  # the answer to HEAD is the headers the body would have had
            self.wfile.write(data)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    emulator: EmulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is no news
            return
        super().handle_error(request, client_address)


# --- the server ----------------------------------------------------------------------------------

CONFIG_KEYS = ("rate_limits", "rate_window", "faults", "app_published", "force_429")


class EmulatorServer:
    """A running emulator: an HTTP server on its own daemon thread, its store and its worker."""

    def __init__(self, options: EmulatorOptions) -> None:
        self.options = replace(options, rate_limits=dict(options.rate_limits))
        self.options.faults = _fault_fraction(options.faults)
        if not 0 < self.options.rate_window <= MAX_WINDOW:  # NaN too: it passes every comparison of --rate-window
            raise SettingInvalidError(f"the rate window must be above 0 and at most {MAX_WINDOW:g} seconds, not "
                                      f"{self.options.rate_window:g}")
        self._httpd = _HttpServer((options.host, options.port), _Handler)  # a taken port fails before the rest
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://{options.host}:{self.port}/"
        self.closed = False
        self._close_lock = threading.Lock()
        with ExitStack() as undo:  # what started is stopped again if the next part fails
            undo.callback(self._httpd.server_close)
            self.store = Store(options.db)
            undo.callback(self.store.close)
            self.runner = Runner(self.options)
            undo.pop_all()
        datasources.prepare(self.options.project)
        self.clock = Clock(options.clock, options.clock_speed)
        self.service = Service(self.store, self.runner, self.options, self.clock)
        self.scheduler = Scheduler(self.service, self.clock)
        self.gate = Gate(self.options)
        self._httpd.emulator = self
        # A short poll interval: close() waits for the serving loop to notice it should stop.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="emulator-http",
                                        daemon=True)
        self._thread.start()

    def stats(self) -> dict:
        return self.gate.stats()

    def configure(self, changes: Any) -> dict:
        """Apply `changes` to the settings (all of them or, when one is wrong, none); the settings now."""
        _check_config(changes)
        options = self.options
        if "rate_limits" in changes:
            options.rate_limits = {**options.rate_limits, **changes["rate_limits"]}
        if "rate_window" in changes:
            options.rate_window = float(changes["rate_window"])
        if "faults" in changes:
            options.faults = float(changes["faults"])
        if "app_published" in changes:
            self.service.set_apps_published(changes["app_published"])
        forced = self.gate.force_429(changes.get("force_429", {}))
        return {"rate_limits": dict(options.rate_limits), "rate_window": options.rate_window,
                "faults": options.faults, "app_published": options.app_published, "force_429": forced}

    def close(self) -> None:
        """Stop serving, stop the worker and close the store; later calls do nothing."""
        with self._close_lock:
            if self.closed:
                return
            self.closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()
        self.scheduler.close()
        self.runner.close()
        self.store.close()

    def __enter__(self) -> EmulatorServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fault_fraction(configured: float) -> float:
    """The configured fraction, or the environment's when none is configured."""
    text = os.environ.get(FAULTS_ENV, "").strip() if not configured else ""
    try:
        fraction = float(text) if text else float(configured)
    except ValueError:
        raise SettingInvalidError(f"{FAULTS_ENV}={text!r} is not a number between 0 and 1") from None
    if not 0 <= fraction <= 1:
        raise SettingInvalidError(f"the fault fraction must be between 0 and 1, not {fraction:g}")
    return fraction


def _check_config(changes: Any) -> None:
    def refuse(message: str) -> ApiError:
        return ApiError(api.BAD_REQUEST, message)

    if not isinstance(changes, dict):
        raise refuse(f"the body must be a JSON object with any of {', '.join(CONFIG_KEYS)}")
    unknown = [key for key in changes if key not in CONFIG_KEYS]
    if unknown:
        raise refuse(f"unknown settings {', '.join(unknown)}; use {', '.join(CONFIG_KEYS)}")
    limits = changes.get("rate_limits", {})
    if not isinstance(limits, dict) or any(b not in LIMITED_BUCKETS or not _count(n) for b, n in limits.items()):
        raise refuse(f"rate_limits maps {', '.join(LIMITED_BUCKETS)} to whole numbers of at least 1")
    if "rate_window" in changes and not (_number(changes["rate_window"]) and 0 < changes["rate_window"] <= MAX_WINDOW):
        raise refuse(f"rate_window is a number of seconds above 0 and at most {MAX_WINDOW:g}")
    if "faults" in changes and not (_number(changes["faults"]) and 0 <= changes["faults"] <= 1):
        raise refuse("faults is a fraction between 0 and 1")
    if "app_published" in changes and not isinstance(changes["app_published"], bool):
        raise refuse("app_published is true or false")
    forced = changes.get("force_429", {})
    if not isinstance(forced, dict) or any(b not in LIMITED_BUCKETS or not _count(n, 0) for b, n in forced.items()):
        raise refuse(f"force_429 maps {', '.join(LIMITED_BUCKETS)} to whole numbers of at least 0")


def _number(value: Any) -> bool:
    """A finite number (decode() lets no NaN or Infinity through; this holds for settings made in Python too).
    An int is always finite, and may be too large for math.isfinite to take."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _count(value: Any, minimum: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
