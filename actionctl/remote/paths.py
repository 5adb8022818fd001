"""Every route of the service's REST surface, in one table (TABLE), with the shapes each one answers.

The versions, app-publish and data-source routes are documented (docs/API/core/app-actions-v3.md,
docs/REST-API/fliplet-apps.md, docs/REST-API/fliplet-datasources.md), `v1/user` and the sign-in routes are
observed in the platform's own CLI, and the CRUD, publish, run and logs routes are inferred from the JS API
(`Fliplet.App.V3.Actions.*`) and the versions' layout. The client and the emulator both build their routes
from TABLE; a project whose live service answers differently corrects any entry under `api:` in
actionctl.yaml (`Routes`), without a new release.

The contract (what the emulator serves and the client expects), relative to the host's base URL:

    GET    v3/apps/{app}/actions?limit&offset[&production=true]
           → 200 {"actions": [action], "pagination": {"total", "limit", "offset", "hasMore"}}
             masters by default (production copies with production=true), oldest first; limit ≤ 100
    POST   v3/apps/{app}/actions                    body: action fields
           → 201 {"action": action}
    GET    v3/apps/{app}/actions/{id}               → 200 {"action": action}   (master or production copy)
    PUT    v3/apps/{app}/actions/{id}               body: the fields to change (partial; description: null clears)
           → 200 {"action": action}
    DELETE v3/apps/{app}/actions/{id}               → 204 (deleting a master deletes its production copy)
    POST   v3/apps/{app}/actions/{id}/publish       → 200 {"action": production copy}
    POST   v3/apps/{app}/actions/{id}/unpublish     → 204
    POST   v3/apps/{app}/actions/{id}/run           body: {"payload": {...}} (or ?payload=<JSON>: `payload: query`)
           → 202 {"taskId", "status": "QUEUED"}      (fire and forget; taskId: the action's id)
    POST   v3/apps/{app}/actions/{id}/run?wait=true body: {"payload": {...}}
           → 200 {"success": true, "data": <execute()'s value>, "taskId", "duration"}   (the client also takes
             execute()'s value bare, as runWithResult hands it back)
           → 500 {"status": "EXECUTION_FAILED", "error": message, "taskId", "details": {"code", "name", "stack"}}
    GET    v3/apps/{app}/actions/logs?limit&offset[&where]        all actions' logs, newest first
    GET    v3/apps/{app}/actions/{id}/logs?limit&offset&where      one action's logs
           where: the JS API's filter as JSON, {"type"?, "data": {"taskId": <action id>}}
           → 200 {"count": logs on this page, "logs": [{"id", "type", "createdAt", "data": {"mode", "runOn",
                  "taskId": <the action that ran>, "payload", "duration", "actionVersion",
                  "result": {"data", "success": true} | "error": {"name", "message", "stack"}
                  + "result": {"error", "success": false, "errorObject"}}}]}
    GET    v3/apps/{app}/actions/{id}/versions?limit&offset
           → 200 {"status": "VERSIONS_LISTED", "versions": [{"id", "createdAt", "userId", "user"}],
                  "pagination": {"limit", "offset", "total", "hasMore"}}   (newest first, ≤ 100 kept)
    GET    v3/apps/{app}/actions/{id}/versions/{version}
           → 200 {"status": "VERSION_RETRIEVED", "version": {"id", "createdAt", "userId", "user", "data"}}
    POST   v3/apps/{app}/actions/{id}/versions/{version}/restore
           → 200 {"status": "ACTION_RESTORED", "action", "restoredFromVersionId", "preRestoreVersionId"}
    POST   v1/apps/{app}/publish                    body: {"release": {"type": "silent"|"visible"|"forced",
                                                                       "changelog"}}
           → 201 {"app": {"version", "id", "updatedAt"}}   (publishes the app: a new version each time)
    GET    v1/data-sources?appId={app}               → 200 {"dataSources": [{"id", "name", "columns", "appId",
                                                     "organizationId", "createdAt", "updatedAt", …}]}
    POST   v1/data-sources/{id}/data/query          body: {"type": "select", "where"?, "limit"?}
           → 200 {"entries": [{"id", "data", "createdAt", "updatedAt", "dataSourceId"}]}
             (`limit` in the body is inferred: the JS API's `find` option; the REST page shows `where` only)
    GET    v1/user                                  → 200 {"user": {"id", "email", "fullName"}}  (who the token is)
    POST   v1/auth/login   (no token)               form: email, password[, twofactor]
           → 200 {"email", "auth_token"}; 428 when a two-factor code is wanted; 400/401 refused (inferred)
    GET    v1/auth/third-party?redirect&responseType=code&source=CLI&title   (no token; the browser opens it)
           → the service's sign-in page, which sends the browser to `redirect` with `auth_token` added

An action: {"id", "appId", "name", "description", "code", "active", "environment", "actionVersion": "v3",
"triggers", "dependencies", "assets", "frequency", "timezone", "lastRunAt", "createdAt", "updatedAt",
"productionTaskId" (master: its published copy or null),
"masterTaskId" (production copy: its master; null on a master)} — the link's names are those of the
documented version snapshots; nothing documents it on the action object, so the client reads it through
`publish_state`, which also takes `productionActionId` / `masterActionId` / `isPublished`.

Every request carries `Auth-token: <token>`. Errors: {"status": CODE, "error": message} with 400
(validation, ACTION_INACTIVE, CLIENT_ACTION_NOT_RUNNABLE, APP_NOT_PUBLISHED, ACTION_NOT_PUBLISHED,
PAYLOAD_TOO_LARGE), 401 {"error": "not authorised", "message"}, 403 (CANNOT_UPDATE_PRODUCTION,
CANNOT_DELETE_PRODUCTION, CANNOT_RESTORE_PRODUCTION), 404 (ACTION_NOT_FOUND, VERSION_NOT_FOUND),
409 (NAME_ALREADY_EXISTS), 429 {"message", "referenceUrl", "nextValidRequestDate"} (+ Retry-After),
500 (EXECUTION_FAILED, PUBLISH_FAILED, INTERNAL_ERROR), 503 (SERVICE_UNAVAILABLE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit

REGION_HOSTS = {
    "eu": "https://api.fliplet.com/",
    "us": "https://us.api.fliplet.com/",
    "ca": "https://ca.api.fliplet.com/",
}
DEFAULT_REGION = "eu"
TOKEN_HEADER = "Auth-token"
PAGE_LIMIT = 50  # the service's default page size
MAX_PAGE_LIMIT = 100

# Which published rate limit a request counts against.
Bucket = Literal["crud", "run", "publish", "none"]


def url_problem(url: str) -> str | None:
    """Why `url` cannot be the service's base URL (it must be http or https, with a host), or None when it can."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return "it holds a space or a control character"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it is the check: "host:99999" and "host:x" raise
    except ValueError as exc:  # "http://[::1" and the like
        return str(exc)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it is not an http(s) URL with a host"
    if "@" in parts.netloc:  # printed in every plan and error, a password there would leak
        return "it holds a user name or password — the token goes in ACTIONCTL_TOKEN or `actionctl login`"
    return None


def base_url(url: str, source: str) -> str:
    """`url` with a trailing slash, once it is known to be one the service can be reached at (`source` says
    where it came from: an option, a setting)."""
    problem = url_problem(url)
    if problem:
        from actionctl.remote.errors import ApiUrlInvalidError

        shown = re.sub(r"//[^/@]*@", "//***@", url[:200])
        raise ApiUrlInvalidError(f"{source} {shown!r} cannot be the service's URL: {problem} — e.g. "
                                 f"{REGION_HOSTS[DEFAULT_REGION]}")
    return url if url.endswith("/") else url + "/"


def _seg(value: object) -> str:
    return quote(str(value), safe="")


# --- the table of routes ---------------------------------------------------------------------------

Source = Literal["documented", "observed", "inferred"]
PLACEHOLDERS = ("app", "id", "version")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Where a run's payload travels: a JSON body {"payload": …}, or URL-encoded JSON in `?payload=` (the newest
# app-actions-v3.md says the platform may send it that way).
PAYLOAD_PLACES = ("body", "query")
# How a logs request carries its filter: the JS API's `where` object as JSON in `?where=`, or flat `?type=`
# and `?taskId=` parameters.
FILTER_STYLES = ("where", "params")


@dataclass(frozen=True, slots=True)
class Spec:
    """One entry of the table: a route before its placeholders are filled."""

    method: str
    path: str  # relative to the host, with {app}, {id}, {version}
    bucket: Bucket
    idempotent: bool
    source: Source
    summary: str
    payload: str = "body"   # run_action only: PAYLOAD_PLACES
    filter: str = "where"   # app_logs and action_logs only: FILTER_STYLES
    required: tuple[str, ...] = ()  # placeholders an override must keep (default: every one of the path's)

    def needs(self) -> tuple[str, ...]:
        return self.required or placeholders(self.path)


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    bucket: Bucket
    idempotent: bool  # safe to send again after an answer we did not receive
    name: str = ""
    payload: str = "body"
    filter: str = "where"


_V3 = "v3/apps/{app}/actions"
# Every route actionctl calls. `source` says how we know it: documented (the platform's docs), observed (a
# first-party program of the platform sends it) or inferred (nobody has published it). Each entry can be
# overridden in actionctl.yaml under `api:` (see `Routes`), so a live service that answers elsewhere is
# fixed in a project, not in a release.
TABLE: dict[str, Spec] = {
    "list_actions": Spec("GET", _V3, "crud", True, "inferred", "list the app's actions (a page)"),
    "create_action": Spec("POST", _V3, "crud", False, "inferred", "create an action"),
    "get_action": Spec("GET", _V3 + "/{id}", "crud", True, "inferred", "read one action"),
    "update_action": Spec("PUT", _V3 + "/{id}", "crud", True, "inferred", "change fields of an action"),
    "delete_action": Spec("DELETE", _V3 + "/{id}", "crud", True, "inferred", "delete an action"),
    "publish_action": Spec("POST", _V3 + "/{id}/publish", "publish", True, "inferred",
                           "copy an action to production"),
    "unpublish_action": Spec("POST", _V3 + "/{id}/unpublish", "publish", True, "inferred",
                             "remove an action's production copy"),
    "run_action": Spec("POST", _V3 + "/{id}/run", "run", False, "inferred", "run an action"),
    "app_logs": Spec("GET", _V3 + "/logs", "crud", True, "inferred", "the app's run logs"),
    "action_logs": Spec("GET", _V3 + "/{id}/logs", "crud", True, "inferred", "one action's run logs",
                        required=("app",)),  # the filter names the action too (where.data.taskId)
    "list_versions": Spec("GET", _V3 + "/{id}/versions", "crud", True, "documented", "an action's versions"),
    "get_version": Spec("GET", _V3 + "/{id}/versions/{version}", "crud", True, "documented", "one version"),
    "restore_version": Spec("POST", _V3 + "/{id}/versions/{version}/restore", "publish", True, "documented",
                            "restore a version"),
    # Not idempotent: each publish is a new release of the app (a visible one notifies its users).
    "publish_app": Spec("POST", "v1/apps/{app}/publish", "none", False, "documented", "publish the app"),
    # Data Sources (docs/REST-API/fliplet-datasources.md): what `fixtures pull` reads. Counted as crud, the
    # stricter of the published limits (Data Sources calls: 200 per 10 s).
    "list_datasources": Spec("GET", "v1/data-sources", "crud", True, "documented",
                             "the app's data sources (`?appId=`)"),
    "query_datasource": Spec("POST", "v1/data-sources/{id}/data/query", "crud", True, "documented",
                             "a data source's entries that `where` selects"),
    "current_user": Spec("GET", "v1/user", "none", True, "observed", "who the token belongs to"),
    "login": Spec("POST", "v1/auth/login", "none", False, "observed", "sign in with email and password"),
    "third_party": Spec("GET", "v1/auth/third-party", "none", True, "observed",
                        "sign in through the browser (the page the browser opens)"),
}
OVERRIDE_KEYS = ("method", "path", "payload", "filter")
PAYLOAD_ROUTES = ("run_action",)  # the routes `payload` applies to
FILTER_ROUTES = ("app_logs", "action_logs")  # and `filter`
_SAFE_PATH = re.compile(r"[A-Za-z0-9._~{}/-]+")


def placeholders(path: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\{([a-z]+)\}", path))


def override_problems(overrides: object) -> list[tuple[tuple, str]]:
    """What is wrong with an `api:` section, as (path within the section, message); empty when it can be used."""
    from actionctl.suggest import did_you_mean

    if overrides is None:
        return []
    if not isinstance(overrides, dict):
        return [((), "api must be a mapping of route names to {method, path, payload, filter} — "
                     "`actionctl doctor` lists the routes")]
    problems = []
    for name, entry in overrides.items():
        spec = TABLE.get(name) if isinstance(name, str) else None
        if spec is None:
            hint = did_you_mean(str(name), TABLE) or f"; the routes are {', '.join(TABLE)}"
            problems.append(((name,), f'unknown route "{name}"{hint}'))
        elif not isinstance(entry, dict):
            problems.append(((name,), f"api.{name} must be a mapping with any of {', '.join(OVERRIDE_KEYS)}"))
        else:
            problems += [((name, *where), f"api.{name}{'.' if where else ''}{'.'.join(where)} {message}")
                         for where, message in _entry_problems(name, spec, entry)]
    return problems


def _entry_problems(name: str, spec: Spec, entry: dict) -> list[tuple[tuple, str]]:
    from actionctl.suggest import did_you_mean

    problems: list[tuple[tuple, str]] = []
    for key in entry:
        if key not in OVERRIDE_KEYS:
            problems.append(((key,), f"is not a setting of a route{did_you_mean(str(key), OVERRIDE_KEYS)}; use "
                                     f"{', '.join(OVERRIDE_KEYS)}"))
    if "method" in entry:
        problems += [(("method",), message) for message in _method_problems(spec, entry["method"])]
    if "path" in entry:
        problems += [(("path",), message) for message in _path_problems(spec, entry["path"])]
    if "payload" in entry and (name not in PAYLOAD_ROUTES or entry["payload"] not in PAYLOAD_PLACES):
        problems.append((("payload",), f"is set on {' and '.join(PAYLOAD_ROUTES)} only, to body or query"
                         if name not in PAYLOAD_ROUTES else f"must be {' or '.join(PAYLOAD_PLACES)}"))
    if "filter" in entry and (name not in FILTER_ROUTES or entry["filter"] not in FILTER_STYLES):
        problems.append((("filter",), f"is set on {' and '.join(FILTER_ROUTES)} only, to where or params"
                         if name not in FILTER_ROUTES else f"must be {' or '.join(FILTER_STYLES)}"))
    return problems


def _method_problems(spec: Spec, method: object) -> list[str]:
    if not isinstance(method, str) or method.upper() not in METHODS:
        return [f"must be one of {', '.join(METHODS)}"]
    # A route that reads stays a read: `diff`, `whoami` and `doctor` promise to change nothing, and a
    # correction must not make them create or delete (a read the service takes as POST is a question for us).
    if spec.method == "GET" and method.upper() != "GET":
        return ["must stay GET: this route only reads, and commands that promise to change nothing use it"]
    return []


def _path_problems(spec: Spec, path: object) -> list[str]:
    if not isinstance(path, str) or not path.strip("/"):
        return ["must be a path relative to the host, e.g. " + spec.path]
    # Segments of letters, digits, - . _ ~ and placeholders only: nothing that could make the joined URL
    # another host's ("http:evil/x", "//evil", "a@b") or climb out of the base URL's path ("..").
    segments = path.split("/")
    if not _SAFE_PATH.fullmatch(path) or any(segment in ("", ".", "..") for segment in segments):
        return [f"must be a path relative to the host: segments of letters, digits, - . _ ~ and placeholders, "
                f"no scheme, no leading slash, no query — e.g. {spec.path}"]
    given = placeholders(path)
    unknown = [p for p in given if p not in placeholders(spec.path)]
    if unknown or re.search(r"[{}]", re.sub(r"\{[a-z]+\}", "", path)):
        return [f"may hold only {', '.join('{' + p + '}' for p in placeholders(spec.path)) or 'no placeholders'}"]
    missing = [p for p in spec.needs() if p not in given]
    if missing:
        return [f"must keep {', '.join('{' + p + '}' for p in missing)}"]
    return []


class Routes:
    """The table, with a project's `api:` overrides laid over it (checked first: see override_problems)."""

    def __init__(self, overrides: dict | None = None) -> None:
        self.overrides = {name: dict(entry) for name, entry in (overrides or {}).items()}
        self.specs = {name: _overridden(spec, self.overrides.get(name, {})) for name, spec in TABLE.items()}

    def build(self, name: str, **values: object) -> Route:
        spec = self.specs[name]
        path = spec.path
        for placeholder in placeholders(path):
            path = path.replace("{" + placeholder + "}", _seg(values[placeholder]))
        return Route(spec.method, path, spec.bucket, spec.idempotent, name, spec.payload, spec.filter)

    def rows(self) -> list[dict]:
        """The table as data: what each route is, where it goes, how we know, and whether the project changed it."""
        return [{"route": name, "method": spec.method, "path": spec.path, "source": TABLE[name].source,
                 "overridden": name in self.overrides, "summary": spec.summary,
                 **({"payload": spec.payload} if name in PAYLOAD_ROUTES else {}),
                 **({"filter": spec.filter} if name in FILTER_ROUTES else {})}
                for name, spec in self.specs.items()]


def _overridden(spec: Spec, entry: dict) -> Spec:
    from dataclasses import replace

    changes = {key: value for key, value in entry.items() if key in OVERRIDE_KEYS}
    if "method" in changes:
        changes["method"] = str(changes["method"]).upper()
    return replace(spec, **changes)


DEFAULT = Routes()


def markdown_table() -> str:
    """The table as the README shows it (`python -m actionctl.remote.paths` prints it; a test compares)."""
    lines = ["| route | method and path | how we know it | what it does |", "|---|---|---|---|"]
    for name, spec in TABLE.items():
        extra = f" (payload: `{spec.payload}`)" if name in PAYLOAD_ROUTES else \
            f" (filter: `{spec.filter}`)" if name in FILTER_ROUTES else ""
        lines.append(f"| `{name}` | `{spec.method} {spec.path}`{extra} | {spec.source} | {spec.summary} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
