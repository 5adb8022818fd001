"""An HTTP client for the App Actions V3 REST surface: paced, retrying, and careful with the token.

Retries follow what a failure says about the request:
- not sent (connection refused, connect timeout), 503 and 429: the service did nothing, so any
  request is sent again (429 after the time the service names);
- sent but unanswered (reset, read timeout, dropped connection), 500 INTERNAL_ERROR, 502 and 504:
  the service may have applied it, so only idempotent requests are sent again; a create instead
  looks up the name to see whether the first attempt landed before trying again;
- anything else (validation, not found, conflicts): the answer, raised with the service's code.
Backoff is exponential with jitter and bounded in attempts and in time.

A list is followed page by page while the service says there is more, but never forever: a page the
service already sent, "more" past the total a page counts, or more than MAX_PAGES pages, ends the listing with
SERVICE_ANSWER_INVALID.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

import httpx

from actionctl import __version__
from actionctl.remote import paths
from actionctl.remote.errors import (
    NetworkError,
    NotAuthorisedError,
    RateLimitedError,
    ServiceAnswerError,
    ServiceError,
    redact,
)
from actionctl.remote.pacing import Pacer, retry_after

RETRIES = 6               # transient failures per request before giving up
RATE_LIMIT_RETRIES = 30   # 429s per request before giving up (each waits as long as the service says)
BACKOFF_BASE = 0.2
BACKOFF_CAP = 5.0
# Pages of one list: 50,000 actions at 50 a page, far more than an app holds. A service still saying
# "more" past that is looping, and a listing must end.
MAX_PAGES = 1_000
QUERY_SHOWN = 200         # characters of a query string a `-v` line shows
_NOT_APPLIED_STATUSES = {503}
_MAYBE_APPLIED_STATUSES = {502, 504}
# What `v1/user` may say of the token's owner that actionctl shows and stores (platform-notes, "Signing in").
USER_FIELDS = ("id", "email", "fullName", "firstName", "lastName", "isAdmin", "region", "host")
# Service error codes that mean "already done" when seen on a retry of the same request.
_DONE_ON_RETRY = {"DELETE": {"ACTION_NOT_FOUND"}, "unpublish": {"ACTION_NOT_PUBLISHED"}}


class _Unanswered(Exception):
    """A request that may have reached the service but got no usable answer."""


@dataclass
class Stats:
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"requests": self.requests, "retries": self.retries, "rateLimited": self.rate_limited,
                "byMethod": dict(self.by_method)}


@dataclass
class Answer:
    """What the service answered one probe, as it came: for `doctor --live`, which shows shapes, not data."""

    status: int
    headers: dict[str, str]
    body: Any  # the decoded JSON, or None
    elapsed_ms: float


@dataclass
class RunResult:
    result: Any
    task_id: str | None
    duration_ms: float | None


class Client:
    def __init__(self, api_url: str, token: str, app: int | str | None = None, *, pacer: Pacer | None = None,
                 timeout: float = 30.0, log: Callable[[str], None] | None = None,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep,
                 page_size: int = paths.PAGE_LIMIT, routes: paths.Routes | None = None) -> None:
        from actionctl.remote.credentials import usable_token

        self.api_url = paths.base_url(api_url, "the service's URL")
        token = usable_token(token, "the caller")  # a header httpx cannot send fails here, not at each attempt
        self.app = app
        self.routes = routes or paths.DEFAULT
        self.pacer = pacer or Pacer()
        self.stats = Stats()
        self.page_size = page_size
        self._token = token
        self._log = log
        self._sleep = sleep
        self._http = httpx.Client(base_url=self.api_url, timeout=timeout, transport=transport,
                                  headers={paths.TOKEN_HEADER: token, "Accept": "application/json",
                                           "User-Agent": f"actionctl/{__version__}"})

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        self.pacer.close()

    # --- actions --------------------------------------------------------------------------------

    def list_actions(self, *, production: bool = False) -> list[dict]:
        """Every action of the app (masters, or production copies), following pagination to the end."""
        extra = {"production": "true"} if production else {}
        return list(self._pages(self._route("list_actions"), "actions", extra))

    def get_action(self, action_id: int | str) -> dict:
        return _action(self._call(self._route("get_action", action_id)))

    def find_action(self, name: str) -> dict | None:
        return next((a for a in self.list_actions() if isinstance(a, dict) and a.get("name") == name), None)

    def create_action(self, fields: dict) -> dict:
        """Create an action; if the answer is lost, look for it by name before trying again."""
        route = self._route("create_action")
        for attempt in range(RETRIES):
            if attempt:
                landed = self.find_action(str(fields.get("name")))
                if landed is not None:
                    self._note(f"create {fields.get('name')}: the earlier attempt landed (id {landed.get('id')})")
                    return landed
            try:
                return _action(self._call(route, body=fields))
            except _Unanswered as exc:
                cause = exc
                self._backoff(attempt, f"create {fields.get('name')}: {exc}; checking whether it landed")
        raise NetworkError(f"could not create {fields.get('name')}: {cause}")

    def update_action(self, action_id: int | str, fields: dict) -> dict:
        return _action(self._call(self._route("update_action", action_id), body=fields))

    def delete_action(self, action_id: int | str) -> None:
        self._call(self._route("delete_action", action_id), done_on_retry=_DONE_ON_RETRY["DELETE"])

    def publish_action(self, action_id: int | str) -> dict:
        return _action(self._call(self._route("publish_action", action_id)))

    def unpublish_action(self, action_id: int | str) -> None:
        self._call(self._route("unpublish_action", action_id), done_on_retry=_DONE_ON_RETRY["unpublish"])

    def run_action(self, action_id: int | str, payload: Any, *, wait: bool = True) -> RunResult:
        """Run it; with `wait`, its result. A run is never sent twice once it may have started."""
        route = self._route("run_action", action_id)
        params = {"wait": "true"} if wait else {}
        if route.payload == "query":  # URL-encoded JSON, as the platform's docs say it may travel
            params["payload"] = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        try:
            body = self._call(route, body={"payload": payload} if route.payload == "body" else None,
                              params=params or None)
        except _Unanswered as exc:
            raise NetworkError(f"no answer to the run ({exc}); it may or may not have started — "
                               "`actionctl logs` shows what ran") from None
        body = body if isinstance(body, dict) else {}
        if not wait:
            return RunResult(None, body.get("taskId"), None)
        wrapped = "success" in body and "data" in body and set(body) <= {"success", "data", "taskId", "duration"}
        return RunResult(body.get("data") if wrapped else body, body.get("taskId"), body.get("duration"))

    # --- logs and versions ----------------------------------------------------------------------

    def logs(self, action_id: int | str | None = None, *, type: str | None = None, limit: int = paths.PAGE_LIMIT,
             offset: int = 0) -> dict:
        """`{count, logs}` of one page, newest first, for one action or the whole app.

        The filter is the JS API's `where: {type, data: {taskId}}`, where `taskId` is the action's id
        (app-actions-v3.md, "Get the logs"); `count` is the number of logs on this page, not a total.
        """
        route = self._route("action_logs", action_id) if action_id is not None else self._route("app_logs")
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        if route.filter == "params":
            params.update({key: value for key, value in (("type", type), ("taskId", action_id)) if value is not None})
        else:
            where: dict[str, Any] = {"type": type} if type else {}
            if action_id is not None:
                where["data"] = {"taskId": action_id}
            if where:
                params["where"] = json.dumps(where, separators=(",", ":"))
        body = _object(self._call(route, params=params), route)
        logs = body.get("logs") if body.get("logs") is not None else []
        if not isinstance(logs, list) or not all(isinstance(entry, dict) for entry in logs):
            raise ServiceAnswerError(f"{route.method} {route.path}: the service's logs are not a list of objects")
        for entry in logs:  # an id and the action it names are keys to the commands that read logs
            data = entry.get("data") if isinstance(entry.get("data"), dict) else {}
            if not all(_scalar(value) for value in (entry.get("id"), data.get("taskId"))):
                raise ServiceAnswerError(f"{route.method} {route.path}: a log's id or data.taskId is "
                                         f"{_kind(entry.get('id') if not _scalar(entry.get('id')) else data['taskId'])}"
                                         ", not a number or a string")
        return {"count": len(logs), "logs": logs}

    def list_versions(self, action_id: int | str) -> list[dict]:
        route = self._route("list_versions", action_id)
        versions = list(self._pages(route, "versions", {}))
        if not all(isinstance(version, dict) for version in versions):
            raise ServiceAnswerError(f"{route.method} {route.path}: the service's versions are not a list of objects")
        return versions

    def get_version(self, action_id: int | str, version_id: int | str) -> dict:
        route = self._route("get_version", action_id, version_id)
        return _object(_object(self._call(route), route).get("version", {}), route)

    def restore_version(self, action_id: int | str, version_id: int | str) -> dict:
        route = self._route("restore_version", action_id, version_id)
        return _object(self._call(route), route)

    def publish_app(self, release: str = "silent", changelog: str | None = None) -> dict:
        """Publish the app as a release (fliplet-apps.md: `silent`, `visible` or `forced`); `{version, id,
        updatedAt}` of the app's answer. Not sent again after a lost answer: a second visible release would
        notify the app's users twice."""
        route = self._route("publish_app")
        body = {"release": {"type": release, **({"changelog": changelog} if changelog is not None else {})}}
        try:
            answer = _object(self._call(route, body=body), route)
        except _Unanswered as exc:
            raise NetworkError(f"no answer to publishing app {self.app} ({exc}); it may or may not have been "
                               "published") from None
        app = answer.get("app")
        return app if isinstance(app, dict) else answer

    def whoami(self) -> dict:
        """Who the token is, as `v1/user` says: only the facts that name a person or a region (USER_FIELDS), each
        a short scalar — an answer is printed and stored, and must carry no token, session or megabytes."""
        route = self.routes.build("current_user")
        body = self._call(route, json_required=True)
        user = body.get("user", body) if isinstance(body, dict) else None
        if not isinstance(user, dict):
            said = body.get("user") if isinstance(body, dict) else body
            raise ServiceAnswerError(f"{route.method} {route.path}: the service answered {_kind(said)} where "
                                     "the user belongs — is the URL the service's base URL?")
        return {key: ("***" if self._token in value else value[:200]) if isinstance(value, str) else value
                for key, value in user.items()
                if key in USER_FIELDS and (value is None or isinstance(value, (str, int, float, bool)))}

    # --- data sources (docs/REST-API/fliplet-datasources.md) ----------------------------------------

    def list_datasources(self) -> list[dict]:
        """The app's data sources, `{id, name, columns, …}` each, as `GET v1/data-sources?appId=` lists them."""
        route = self.routes.build("list_datasources")
        body = _object(self._call(route, params={"appId": self._app()}, json_required=True), route)
        return _objects(body, "dataSources", route)

    def query_datasource(self, source_id: int | str, where: dict | None = None, limit: int | None = None) -> list[dict]:
        """The entries of a data source that `where` selects (all without it), at most `limit` of them."""
        route = self.routes.build("query_datasource", id=source_id)
        query: dict[str, Any] = {"type": "select"}
        if where:
            query["where"] = where
        if limit is not None:
            query["limit"] = limit
        entries = _objects(_object(self._call(route, body=query, json_required=True), route), "entries", route)
        # `limit` in this body is inferred (paths.py): a service that ignores it still gives no more than asked.
        return entries if limit is None else entries[:limit]

    # --- probes -------------------------------------------------------------------------------------

    def probe(self, route: paths.Route, params: dict | None = None) -> Answer:
        """Send one GET once and hand back the answer whatever it is: no retry, no waiting out a 429, no
        error raised for a status — `doctor --live` reports what the service says. Paced as every request.
        Anything but a GET is refused before it is sent: a probe never changes the service."""
        if route.method != "GET":
            raise ValueError(f"a probe only reads: {route.method} {route.path} was not sent")
        self._admit(route)
        started = time.perf_counter()
        try:
            response = self._http.request("GET", route.path, params=params)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            self._note(f"GET {route.path} → no answer ({type(exc).__name__})")
            raise NetworkError(redact(f"GET {route.path}: no answer from {self.api_url} ({type(exc).__name__})",
                                      self._token)) from None
        elapsed = (time.perf_counter() - started) * 1000
        self._note(f"GET {_shown(response.request.url)} → {response.status_code} in {elapsed:.0f} ms")
        return Answer(response.status_code, dict(response.headers), _json(response), elapsed)

    # --- the request loop ----------------------------------------------------------------------

    def _route(self, name: str, action_id: int | str | None = None, version_id: int | str | None = None) -> paths.Route:
        return self.routes.build(name, app=self._app(), id=action_id, version=version_id)

    def _app(self) -> int | str:
        if self.app is None:
            from actionctl.remote.errors import NoAppError

            raise NoAppError("no app id: set `app:` in actionctl.yaml (or in the profile), or pass --app")
        return self.app

    def _pages(self, route: paths.Route, key: str, extra: dict) -> Iterator[dict]:
        """Every item of a paginated list, page after page until the service says there are no more."""
        offset = 0
        seen: set[bytes] = set()  # a digest of each page: a service that sends one again is going round
        for _ in range(MAX_PAGES):
            body = self._call(route, params={**extra, "limit": self.page_size, "offset": offset})
            items, pagination = _page(body, key, f"{route.method} {route.path}")
            digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode()).digest()
            if items and digest in seen:
                raise ServiceAnswerError(f"{route.method} {route.path}: the service answered offset {offset} with "
                                         "a page it had already sent, and said there was more — stopped rather "
                                         "than go round forever")
            seen.add(digest)
            yield from items
            offset += len(items)
            total = pagination.get("total")
            counted = isinstance(total, int) and not isinstance(total, bool)
            more = pagination.get("hasMore", counted and offset < total)
            if not items or not more:
                return
            if counted and offset >= total:  # each page's own total, so actions created meanwhile still count
                raise ServiceAnswerError(f"{route.method} {route.path}: the service said there was more after "
                                         f"{offset} {key}, of {total} it counted — stopped rather than follow it")
        raise ServiceAnswerError(f"{route.method} {route.path}: the service still said there was more after "
                                 f"{MAX_PAGES} pages ({offset} {key}) — stopped rather than follow it forever")

    def _call(self, route: paths.Route, *, body: Any = None, params: dict | None = None,
              done_on_retry: set[str] = frozenset(), json_required: bool = False) -> Any:
        """Send one request, pacing, waiting out 429s and retrying what is safe; the decoded JSON answer."""
        attempts = rate_limited = 0
        while True:
            response = self._send(route, body, params, attempts)
            if response is None:  # not sent at all: safe to send again
                attempts += 1
                continue
            status = response.status_code
            if status == 429:
                rate_limited += 1
                self._wait_out(route, response, rate_limited)
                continue
            decoded = _json(response)
            if 200 <= status < 300:
                if decoded is None and json_required:
                    raise ServiceAnswerError(f"{route.method} {route.path}: the service answered HTTP {status} "
                                             "without JSON — is the URL the service's base URL?")
                return decoded if decoded is not None else {}
            if status in _NOT_APPLIED_STATUSES or (status in _MAYBE_APPLIED_STATUSES or _internal(status, decoded)):
                maybe_applied = status not in _NOT_APPLIED_STATUSES
                if maybe_applied and not route.idempotent:
                    raise _Unanswered(f"HTTP {status}")
                attempts += 1
                self._retry_or_fail(route, attempts, f"HTTP {status}")
                continue
            error = self._error(response, decoded)
            if attempts and error.code in done_on_retry:
                return {}  # an earlier attempt did it and its answer was lost
            raise error

    def _admit(self, route: paths.Route) -> None:
        """Wait for the request's turn under the rate limit, and count it: every request, a probe's too."""
        self.pacer.acquire(route.bucket)
        self.stats.requests += 1
        self.stats.by_method[route.method] = self.stats.by_method.get(route.method, 0) + 1

    def _send(self, route: paths.Route, body: Any, params: dict | None, attempts: int) -> httpx.Response | None:
        self._admit(route)
        started = time.perf_counter()
        try:
            response = self._http.request(route.method, route.path, json=body, params=params)
        except httpx.LocalProtocolError:  # our own request cannot be sent: sending it again cannot help
            raise
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            self._note(f"{route.method} {route.path} → not connected ({type(exc).__name__})")
            self._retry_or_fail(route, attempts + 1, f"cannot connect to {self.api_url}")
            return None
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            self._note(f"{route.method} {route.path} → no answer ({type(exc).__name__})")
            if not route.idempotent:
                raise _Unanswered(f"connection lost ({type(exc).__name__})") from None
            self._retry_or_fail(route, attempts + 1, f"no answer from {self.api_url} ({type(exc).__name__})")
            return None
        self._note(f"{route.method} {_shown(response.request.url)} → {response.status_code} "
                   f"in {(time.perf_counter() - started) * 1000:.0f} ms")
        return response

    def _retry_or_fail(self, route: paths.Route, attempts: int, reason: str) -> None:
        if attempts >= RETRIES:
            raise NetworkError(f"{route.method} {route.path}: {reason} (gave up after {attempts} attempts)")
        self._backoff(attempts - 1, f"{route.method} {route.path}: {reason}")

    def _backoff(self, attempt: int, reason: str) -> None:
        delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt) * random.uniform(0.5, 1.0)
        self.stats.retries += 1
        self._note(f"{reason}; retrying in {delay:.2f} s")
        self._sleep(delay)

    def _wait_out(self, route: paths.Route, response: httpx.Response, count: int) -> None:
        self.stats.rate_limited += 1
        if count > RATE_LIMIT_RETRIES:
            raise RateLimitedError(f"{route.method} {route.path}: still rate limited after {count - 1} waits",
                                   status=429)
        delay = retry_after(response.headers, _json(response))
        delay = delay if delay is not None else min(BACKOFF_CAP * 4, BACKOFF_BASE * 2 ** count)
        self._note(f"{route.method} {route.path} → 429; holding {route.bucket} requests for {delay:.2f} s")
        self.pacer.hold(route.bucket, delay)

    def _error(self, response: httpx.Response, decoded: Any) -> ServiceError:
        body = decoded if isinstance(decoded, dict) else {}
        text = body.get("error") if isinstance(body.get("error"), str) else None
        message = body.get("message") if isinstance(body.get("message"), str) else None
        code = body.get("status") if isinstance(body.get("status"), str) else None
        status = response.status_code
        if status == 401:
            detail = message or text or "the token was refused"
            return NotAuthorisedError(redact(f"not authorised by {self.api_url}: {detail} — check the token or run "
                                             "`actionctl login`", self._token), status=401)
        described = text or message or (response.text[:200].strip() if decoded is None else "") or \
            f"HTTP {status}"
        return ServiceError(redact(described, self._token), code=code or f"HTTP_{status}", status=status,
                            answer=body)

    def _note(self, line: str) -> None:
        if self._log is not None:
            self._log(redact(line, self._token))


def _shown(url: httpx.URL) -> str:
    """A request's URL for `-v`: with its query, decoded (the page, the filter are what a reader needs to see), cut
    short past QUERY_SHOWN characters (a payload sent in `?payload=` may be long). `_note` hides the token."""
    query = unquote_plus(url.query.decode("ascii", "replace"))  # `where={"type":"error"}`, not %7B%22type…
    if len(query) > QUERY_SHOWN:
        query = f"{query[:QUERY_SHOWN]}…({len(query)} characters)"
    return f"{url.copy_with(query=None)}?{query}" if query else str(url)


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the decoder goes: no answer to read
        return None


def _scalar(value: Any) -> bool:
    return value is None or (isinstance(value, (int, str)) and not isinstance(value, bool))


def _page(body: Any, key: str, request: str) -> tuple[list, dict]:
    """The items of one page, and its `pagination` (empty when it has none)."""
    if not isinstance(body, dict):
        raise ServiceAnswerError(f"{request}: the service answered {_kind(body)}, not a page of {key}")
    items = body.get(key) if body.get(key) is not None else []
    if not isinstance(items, list):
        raise ServiceAnswerError(f"{request}: the service's page holds {_kind(items)} where the list of {key} "
                                 "belongs")
    pagination = body.get("pagination")
    return items, pagination if isinstance(pagination, dict) else {}


def _object(body: Any, route: paths.Route) -> dict:
    """`body`, once it is the JSON object the route answers with."""
    if not isinstance(body, dict):
        raise ServiceAnswerError(f"{route.method} {route.path}: the service answered {_kind(body)}, not an object")
    return body


def _objects(body: dict, key: str, route: paths.Route) -> list[dict]:
    """`body[key]`, once it is a list of JSON objects. Missing is not "none": an answer without the documented
    key is not the answer (a proxy's page, another route's), and taken as empty it would empty a fixture."""
    items = body.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ServiceAnswerError(f"{route.method} {route.path}: the service's {key} are not a list of objects")
    return items


def _kind(value: Any) -> str:
    """What a JSON value is, in JSON's words."""
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
             float: "a number"}
    return kinds.get(type(value), "null")


def _internal(status: int, decoded: Any) -> bool:
    """A 500 that is the service failing, not the action: EXECUTION_FAILED and the like are answers."""
    if status != 500:
        return False
    code = decoded.get("status") if isinstance(decoded, dict) else None
    return code in (None, "INTERNAL_ERROR")


def _action(body: Any) -> dict:
    """The action object, whether the service wraps it as {"action": …} or not."""
    if isinstance(body, dict) and isinstance(body.get("action"), dict):
        return body["action"]
    return body if isinstance(body, dict) else {}
