"""`Fliplet.Notifications` (package fliplet-notifications): an instance from `init`, and the bare `insert`
the App Actions page shows. Notifications are captured, never delivered."""

from __future__ import annotations

from actionctl.surface.model import DEVICE_ONLY, Method, Namespace

DOC = "docs/API/fliplet-notifications.md"
_INSERT = "{id, …the notification}; captured as a `notifications` effect"
_INBOX = "drives a notifications inbox on a device"

NAMESPACES: tuple[Namespace, ...] = (
    Namespace("Notifications", "fliplet-notifications", DOC, (
        Method("init", "init({appId, batchSize, …})", "an instance (below)",
               returns="Notifications.instance", promise=False),
        Method("insert", "insert(notification)", _INSERT),  # docs/API/core/app-actions-v3.md shows it bare
    )),
    Namespace("Notifications.instance", "fliplet-notifications", DOC, (
        Method("insert", "insert(notification)", _INSERT),
        Method("update", "update(id, changes)", "{id, …the notification}; captured as a `notifications` effect"),
        Method("remove", "remove(id)", "nothing; captured as a `notifications` effect"),
        Method("get", "get({status, where, limit, offset})", "{entries}: the notifications this run inserted, of "
               "the listed `status` (published by default; `where` is not applied)"),
        Method("poll", "poll(options)", "{entries}: as `get`"),
        Method("getMatches", "getMatches({scope})", "{count: 0, subscriptions: 0}: a local run has no users"),
        Method("stream", "stream(callback)", _INBOX, DEVICE_ONLY),
        Method("markNotificationsAsRead", "markNotificationsAsRead(list | 'all')", _INBOX, DEVICE_ONLY),
        Method("addToStream", "addToStream(notification)", _INBOX, DEVICE_ONLY),
    ), returned=True),
)
