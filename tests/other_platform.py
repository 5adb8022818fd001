"""A second service, deliberately different from the emulator wherever the platform's record leaves room.

The emulator speaks the routes of `actionctl.remote.paths.TABLE` as we inferred them. The live service
may not; this one differs on purpose, each way a documented fact allows:
- publish state is the restore answer's `isPublished` (app-actions-v3.md), with no id linking a master to
  its production copy (neither `productionTaskId` nor `productionActionId`);
- a run's payload travels URL-encoded in the query string (`?payload=`), as the newest doc says it may; a
  JSON body is ignored, and the answer is exactly what execute() returned, with no envelope;
- logs live at one app-wide path (`v3/apps/{app}/logs`), filtered by the JS API's `where`, and answer the
  documented shape only (`{count: this page, logs: [{id, type, createdAt, data: {…, taskId}}]}`);
- a create or update carrying a field the platform does not document is refused with 400;
- app publish takes the documented `{"release": {type, changelog}}` and answers 201.

Runs do not execute code: a run answers `{"echo": payload}`, which is all a contract test needs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from support import Request, http_service

TOKEN = "eu--other-platform-token"
CREATE_FIELDS = ("name", "code", "description", "active", "environment", "triggers", "dependencies", "frequency",
                 "timezone")
RELEASES = ("silent", "visible", "forced")


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class OtherPlatform:
    """The service's state and its answers; `requests` records (method, path, query, body) of each call."""

    def __init__(self) -> None:
        self.actions: dict[int, dict] = {}
        self.logs: list[dict] = []
        self.requests: list[tuple[str, str, dict, Any]] = []
        self.app_version = 0
        self._ids = iter(range(100, 10**6))
        self._lock = threading.Lock()

    def answer(self, method: str, path: str, query: dict, body: Any) -> tuple[int, Any]:
        with self._lock:
            self.requests.append((method, path, query, body))
            for pattern, wanted, handle in self._routes():
                found = re.fullmatch(pattern, path)
                if found and method == wanted:
                    return handle(*(int(g) for g in found.groups()), query=query, body=body)
            return 404, {"status": "NOT_FOUND", "error": f"no route {method} {path}"}

    def _routes(self):
        actions = r"/v3/apps/(\d+)/actions"
        return (
            (actions, "GET", self._list), (actions, "POST", self._create),
            (actions + r"/(\d+)", "GET", self._get), (actions + r"/(\d+)", "PUT", self._update),
            (actions + r"/(\d+)", "DELETE", self._delete),
            (actions + r"/(\d+)/publish", "POST", self._publish),
            (actions + r"/(\d+)/unpublish", "POST", self._unpublish),
            (actions + r"/(\d+)/run", "POST", self._run),
            (r"/v3/apps/(\d+)/logs", "GET", self._logs),
            (r"/v1/apps/(\d+)/publish", "POST", self._publish_app),
            (r"/v1/user", "GET", lambda **_: (200, {"user": {"id": 7, "email": "dev@example.com",
                                                              "fullName": "A Developer"}})),
        )

    # --- actions ----------------------------------------------------------------------------------

    def _list(self, app: int, query: dict, body: Any) -> tuple[int, Any]:
        production = query.get("production") == "true"
        found = [a for a in self.actions.values() if a["appId"] == app and a["_production"] == production]
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
        page = found[offset:offset + limit]
        return 200, {"actions": [self._view(a) for a in page],
                     "pagination": {"total": len(found), "hasMore": offset + len(page) < len(found)}}

    def _create(self, app: int, query: dict, body: Any) -> tuple[int, Any]:
        refused = self._undocumented(body)
        if refused:
            return refused
        action = {"description": None, "active": False, "environment": "server", "triggers": [], "dependencies": [],
                  "frequency": None, "timezone": None, **body, "id": next(self._ids), "appId": app,
                  "createdAt": _now(), "updatedAt": _now(), "lastRunAt": None, "_production": False}
        self.actions[action["id"]] = action
        return 201, {"action": self._view(action)}

    def _get(self, app: int, action_id: int, query: dict, body: Any) -> tuple[int, Any]:
        action = self.actions.get(action_id)
        if action is None or action["appId"] != app:
            return 404, {"status": "ACTION_NOT_FOUND", "error": f"no action {action_id}"}
        return 200, {"action": self._view(action)}

    def _update(self, app: int, action_id: int, query: dict, body: Any) -> tuple[int, Any]:
        refused = self._undocumented(body)
        if refused:
            return refused
        status, answer = self._get(app, action_id, query, body)
        if status == 200:
            self.actions[action_id].update(body, updatedAt=_now())
            answer = {"action": self._view(self.actions[action_id])}
        return status, answer

    def _delete(self, app: int, action_id: int, query: dict, body: Any) -> tuple[int, Any]:
        status, answer = self._get(app, action_id, query, body)
        if status == 200:
            copy = self._copy_of(self.actions.pop(action_id))
            if copy is not None:
                self.actions.pop(copy["id"])
            return 200, {}
        return status, answer

    def _publish(self, app: int, action_id: int, query: dict, body: Any) -> tuple[int, Any]:
        status, answer = self._get(app, action_id, query, body)
        if status != 200:
            return status, answer
        master = self.actions[action_id]
        copy = self._copy_of(master) or {"id": next(self._ids), "_production": True}
        copy.update({k: v for k, v in master.items() if k not in ("id", "_production")}, updatedAt=_now())
        self.actions[copy["id"]] = copy
        return 200, {"action": self._view(copy)}

    def _unpublish(self, app: int, action_id: int, query: dict, body: Any) -> tuple[int, Any]:
        status, answer = self._get(app, action_id, query, body)
        if status != 200:
            return status, answer
        copy = self._copy_of(self.actions[action_id])
        if copy is None:
            return 400, {"status": "ACTION_NOT_PUBLISHED", "error": "the action is not published"}
        self.actions.pop(copy["id"])
        return 200, {}

    def _run(self, app: int, action_id: int, query: dict, body: Any) -> tuple[int, Any]:
        status, answer = self._get(app, action_id, query, body)
        if status != 200:
            return status, answer
        payload = json.loads(query["payload"]) if "payload" in query else {}  # a body is not read
        result = {"echo": payload}
        self.logs.insert(0, {"id": len(self.logs) + 1, "type": "app.task.completed", "createdAt": _now(),
                             "data": {"mode": "on-demand", "runOn": "server", "taskId": action_id, "payload": payload,
                                      "duration": 5, "actionVersion": "v3",
                                      "result": {"data": result, "success": True}}})
        return 200, result

    def _logs(self, app: int, query: dict, body: Any) -> tuple[int, Any]:
        where = json.loads(query.get("where", "{}"))
        task = (where.get("data") or {}).get("taskId")
        found = [log for log in self.logs if (where.get("type") in (None, log["type"]))
                 and task in (None, log["data"]["taskId"])]
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 50))
        page = found[offset:offset + limit]
        return 200, {"count": len(page), "logs": page}

    def _publish_app(self, app: int, query: dict, body: Any) -> tuple[int, Any]:
        release = body.get("release") if isinstance(body, dict) else None
        if not isinstance(release, dict) or release.get("type") not in RELEASES:
            return 400, {"status": "BAD_REQUEST", "error": "release.type must be silent, visible or forced"}
        self.app_version += 1
        return 201, {"app": {"version": self.app_version, "id": app, "updatedAt": _now()}}

    # --- helpers ----------------------------------------------------------------------------------

    def _undocumented(self, body: Any) -> tuple[int, Any] | None:
        unknown = [key for key in body if key not in CREATE_FIELDS] if isinstance(body, dict) else ["(not an object)"]
        if unknown:
            return 400, {"status": "BAD_REQUEST", "error": f"unknown fields: {', '.join(unknown)}"}
        return None

    def _copy_of(self, master: dict) -> dict | None:
        return next((a for a in self.actions.values() if a["_production"] and a["appId"] == master["appId"]
                     and a["name"] == master["name"]), None)

    def _view(self, action: dict) -> dict:
        view = {k: v for k, v in action.items() if not k.startswith("_")}
        view["actionVersion"] = "v3"
        view["isPublished"] = action["_production"] or self._copy_of(action) is not None
        return view


@contextmanager
def other_platform() -> Iterator[tuple[str, OtherPlatform]]:
    """The service on a free loopback port: its base URL and its state."""
    platform = OtherPlatform()

    def respond(request: Request) -> tuple[int, Any]:
        if request.headers.get("Auth-token") != TOKEN:
            return 401, {"error": "not authorised", "message": "The auth_token provided doesn't belong to any user."}
        return platform.answer(request.method, request.path, request.query, request.json or {})

    with http_service(respond) as url:
        yield url, platform
