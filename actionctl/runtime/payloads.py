"""`context.payload` as the service builds it for each trigger (platform notes, newer revision)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from actionctl.errors import UsageError

TRIGGERS = ("manual", "schedule", "log", "analytics")


def build(trigger: str, payload: Any = None, event: Any = None, now_ms: int | None = None,
          app_id: int | None = None) -> Any:
    """The payload `execute` receives when `trigger` starts the action."""
    if trigger not in TRIGGERS:
        raise UsageError(f"unknown trigger {trigger!r}; use {', '.join(TRIGGERS)}")
    if trigger in ("manual", "schedule") and event is not None:
        raise UsageError(f"--event is for log and analytics triggers; a {trigger} run takes --payload")
    if trigger in ("log", "analytics") and payload is not None:
        raise UsageError(f"a {trigger} run gets its payload from the event: use --event, not --payload")
    if trigger == "manual":
        return {} if payload is None else payload
    if trigger == "schedule":
        if payload not in (None, {}):
            raise UsageError("scheduled runs always get an empty payload ({}); drop --payload")
        return {}
    now_ms = now_ms if now_ms is not None else int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
    event = _event(trigger, event)
    return log_payload(event, now_ms, app_id) if trigger == "log" else analytics_payload(event, now_ms)


def _event(trigger: str, event: Any) -> dict:
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise UsageError(f'a {trigger} run needs --event with at least a "type", e.g. '
                         + ('\'{"type": "dataSource.entry.create", "dataSourceId": 177}\'' if trigger == "log"
                            else '\'{"type": "analytics.pageView", "data": {"_pageId": 77}}\''))
    return event


def log_payload(event: dict, now_ms: int, app_id: int | None = None) -> dict:
    """`{trigger: "log", log: {…}}` with every field of a log record, the event's values winning."""
    stamp = iso(now_ms)
    data = event.get("data", {})
    log = {"id": None, "userId": None, "appId": app_id, "organizationId": None, "dataSourceId": None,
           "dataSourceEntryId": None, "sessionId": None, "requestId": None, "type": event["type"], "data": data,
           "dataString": json.dumps(data, separators=(",", ":")), "createdAt": stamp, "updatedAt": stamp}
    log.update(event)
    return {"trigger": "log", "log": log}


def analytics_payload(event: dict, now_ms: int) -> dict:
    """`{createdAt (ms), type, data}` — no wrapper, as the service sends analytics events."""
    return {"createdAt": event.get("createdAt", now_ms), "type": event["type"], "data": event.get("data", {}),
            **{k: v for k, v in event.items() if k not in ("createdAt", "type", "data")}}


def size(payload: Any) -> int:
    """Length of `JSON.stringify(payload)` as JavaScript counts it (UTF-16 code units)."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-16-le")) // 2


def iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")
