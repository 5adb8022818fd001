"""Every path of the service's REST surface, in one place, with the shapes each one answers.

`../shared/reference/platform-notes.md` documents the versions endpoints; the CRUD, publish, run and
logs paths are inferred from the JS API (`Fliplet.App.V3.Actions.*`) and the versions' layout. If a live
account shows a path to be different, this module is the only one to change: the client and the
emulator both build their routes from it.

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
    POST   v3/apps/{app}/actions/{id}/run           body: {"payload": {...}}
           → 202 {"taskId", "status": "QUEUED"}      (fire and forget)
    POST   v3/apps/{app}/actions/{id}/run?wait=true body: {"payload": {...}}
           → 200 {"success": true, "data": <execute()'s value>, "taskId", "duration"}
           → 500 {"status": "EXECUTION_FAILED", "error": message, "taskId", "details": {"code", "name", "stack"}}
    GET    v3/apps/{app}/actions/logs?limit&offset[&type][&taskId]         all actions' logs, newest first
    GET    v3/apps/{app}/actions/{id}/logs?limit&offset[&type][&taskId]    one action's logs
           → 200 {"count": total matching, "logs": [{"id", "actionId", "type", "createdAt", "data"}]}
    GET    v3/apps/{app}/actions/{id}/versions?limit&offset
           → 200 {"status": "VERSIONS_LISTED", "versions": [{"id", "createdAt", "userId", "user"}],
                  "pagination": {"limit", "offset", "total", "hasMore"}}   (newest first, ≤ 100 kept)
    GET    v3/apps/{app}/actions/{id}/versions/{version}
           → 200 {"status": "VERSION_RETRIEVED", "version": {"id", "createdAt", "userId", "user", "data"}}
    POST   v3/apps/{app}/actions/{id}/versions/{version}/restore
           → 200 {"status": "ACTION_RESTORED", "action", "restoredFromVersionId", "preRestoreVersionId"}
    POST   v1/apps/{app}/publish                    → 200 {"app": {"id", "publishedAt"}}   (publishes the app)
    GET    v1/user                                  → 200 {"user": {"id", "email", "fullName"}}  (who the token is)

An action: {"id", "appId", "name", "description", "code", "active", "environment", "actionVersion": "v3",
"triggers", "dependencies", "assets", "frequency", "timezone", "lastRunAt", "createdAt", "updatedAt",
"productionActionId" (master: its published copy or null),
"masterActionId" (production copy: its master; null on a master)}.

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


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    bucket: Bucket
    idempotent: bool  # safe to send again after an answer we did not receive


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


def actions(app: object) -> str:
    return f"v3/apps/{_seg(app)}/actions"


def action(app: object, action_id: object) -> str:
    return f"{actions(app)}/{_seg(action_id)}"


def list_actions(app: object) -> Route:
    return Route("GET", actions(app), "crud", True)


def create_action(app: object) -> Route:
    return Route("POST", actions(app), "crud", False)


def get_action(app: object, action_id: object) -> Route:
    return Route("GET", action(app, action_id), "crud", True)


def update_action(app: object, action_id: object) -> Route:
    return Route("PUT", action(app, action_id), "crud", True)


def delete_action(app: object, action_id: object) -> Route:
    return Route("DELETE", action(app, action_id), "crud", True)


def publish_action(app: object, action_id: object) -> Route:
    return Route("POST", f"{action(app, action_id)}/publish", "publish", True)


def unpublish_action(app: object, action_id: object) -> Route:
    return Route("POST", f"{action(app, action_id)}/unpublish", "publish", True)


def run_action(app: object, action_id: object) -> Route:
    return Route("POST", f"{action(app, action_id)}/run", "run", False)


def app_logs(app: object) -> Route:
    return Route("GET", f"{actions(app)}/logs", "crud", True)


def action_logs(app: object, action_id: object) -> Route:
    return Route("GET", f"{action(app, action_id)}/logs", "crud", True)


def list_versions(app: object, action_id: object) -> Route:
    return Route("GET", f"{action(app, action_id)}/versions", "crud", True)


def get_version(app: object, action_id: object, version_id: object) -> Route:
    return Route("GET", f"{action(app, action_id)}/versions/{_seg(version_id)}", "crud", True)


def restore_version(app: object, action_id: object, version_id: object) -> Route:
    return Route("POST", f"{action(app, action_id)}/versions/{_seg(version_id)}/restore", "publish", True)


def publish_app(app: object) -> Route:
    return Route("POST", f"v1/apps/{_seg(app)}/publish", "none", True)


def current_user() -> Route:
    return Route("GET", "v1/user", "none", True)
