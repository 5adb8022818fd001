"""The core namespaces every action has, with no dependency: `Fliplet.App.*` and `Fliplet.API`."""

from __future__ import annotations

from actionctl.surface.model import DEVICE_ONLY, NO_OP, NOT_EMULATED, Method, Namespace

ACTIONS_DOC = "docs/API/core/app-actions-v3.md"
_CHANGES_THE_APP = "changes the app's actions on the service; locally, edit the manifests and `actionctl push`"

NAMESPACES: tuple[Namespace, ...] = (
    Namespace("App.Settings", None, "docs/API/core/app.md", (
        Method("get", "get(key)", "the value from the local settings file, or what this run `set`"),
        Method("getAll", "getAll()", "every setting, with this run's writes applied"),
        Method("set", "set({key: value})", "nothing; captured as a `settings` effect, seen by later reads"),
        Method("unset", "unset([key])", "nothing; captured as a `settings` effect, seen by later reads"),
    )),
    Namespace("App.Logs", None, "docs/API/core/app.md", (
        Method("create", "create(data)", "the new log {id, data, createdAt}; captured as an `appLogs` effect"),
        Method("get", "get({where})", "the logs this run created whose fields equal `where`'s (no other logs "
               "exist locally)"),
    )),
    Namespace("App.Analytics", None, "docs/API/core/analytics.md", (
        Method("track", "track(type, data)", "nothing: analytics are not recorded from a local run", NO_OP),
        Method("event", "event(data)", "nothing: analytics are not recorded from a local run", NO_OP),
        Method("pageView", "pageView(label)", "nothing: analytics are not recorded from a local run", NO_OP),
        Method("get", "get(query)", "needs a Fliplet Studio or Viewer login, which an action does not have",
               DEVICE_ONLY),
    )),
    Namespace("App.V3.Actions", None, ACTIONS_DOC, (
        Method("get", "get({limit, offset})", "{actions, pagination: {total, hasMore}} of the project's actions"),
        Method("getById", "getById(id)", "{action} of the project's action with that id (from the sync state)"),
        Method("run", "run(nameOrId, payload)", "nothing, once the project's action has run locally; its "
               "effects are captured and an `actions` effect records the run"),
        Method("runWithResult", "runWithResult(nameOrId, payload)", "what the project's action returned, run "
               "locally; an `actions` effect records the run"),
        Method("create", "create(data)", _CHANGES_THE_APP, NOT_EMULATED),
        Method("update", "update(id, data)", _CHANGES_THE_APP, NOT_EMULATED),
        Method("remove", "remove(id)", _CHANGES_THE_APP, NOT_EMULATED),
        Method("publish", "publish(id)", _CHANGES_THE_APP, NOT_EMULATED),
        Method("unpublish", "unpublish(id)", _CHANGES_THE_APP, NOT_EMULATED),
        Method("getLogs", "getLogs({id, where, limit, offset})", "reads the service's run logs; locally, "
               "`actionctl logs`", NOT_EMULATED),
    )),
    Namespace("API", None, "docs/API/core/api.md", (
        Method("request", "request(options | url)", "the body of the matching response in fixtures/http/; a "
               "status of 400 or more rejects with an error carrying `status`; captured as a `requests` effect"),
        Method("clearCache", "clearCache()", "nothing: a local run caches no response", NO_OP),
        Method("processQueue", "processQueue()", "nothing: a local run queues no request", NO_OP),
        Method("mock", "mock(data, {delay, reject})", "`data` after `delay` ms, or rejects with it"),
    )),
)
