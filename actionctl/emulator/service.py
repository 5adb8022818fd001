"""What the emulated App Actions V3 service does, independent of HTTP.

Every method takes plain values and returns the body of its answer; every refusal is an ApiError
(`errors.py`) carrying the HTTP status and the service's code. Validation is the project's own
(`actionctl.rules`), so the emulator refuses exactly what `actionctl validate` calls an error, with the
same code. Runs go through a warm worker process (`actionctl.runtime.host`), never through this
process's interpreter.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actionctl import deps
from actionctl.emulator import errors as api
from actionctl.emulator.clock import Clock, iso
from actionctl.emulator.errors import ApiError
from actionctl.errors import ActionctlError, DependencyNotCachedError
from actionctl.manifest import DEFAULT_ENVIRONMENT, FIELDS, READ_ONLY_FIELDS, CodeFile, ManifestFile
from actionctl.remote import publish_state
from actionctl.rules import ActionCheck, check_action
from actionctl.runtime import fixtures as fixture_files
from actionctl.runtime import job, payloads
from actionctl.runtime.errors import EXECUTION_FAILED
from actionctl.runtime.host import Execution, Worker, error, execute
from actionctl.suggest import did_you_mean
from actionctl.yamldoc import YamlDoc

if TYPE_CHECKING:
    from actionctl.emulator import EmulatorOptions
    from actionctl.emulator.store import App, Store, StoredAction, Version

ON_DEMAND, SCHEDULED = "on-demand", "scheduled"  # a log's data.mode (app-actions-v3.md)
USER_ID, USER_NAME = 1, "actionctl emulator"  # the one user, whose email is the account's (accounts.py)
# What the service fills in for a field left out (or sent as null) on create.
DEFAULTS: dict[str, Any] = {
    "description": None, "active": False, "environment": DEFAULT_ENVIRONMENT, "triggers": [], "dependencies": [],
    "frequency": None, "timezone": None,
}
NULLABLE = ("description", "frequency", "timezone")
# Keys of an action object the service sets itself: a client that sends back what it read is not refused.
IGNORED_KEYS = (*READ_ONLY_FIELDS, *publish_state.PRODUCTION_KEYS, *publish_state.MASTER_KEYS, publish_state.FLAG_KEY)
# The release types of an app publish (fliplet-apps.md, "Publish an app").
# The rules speak of code files; the API has a code field.
_API_MESSAGES = {"CODE_REQUIRED": "code is required for V3 actions", "CODE_EMPTY": "code cannot be empty"}


# --- validation ----------------------------------------------------------------------------------


def validate(fields: dict[str, Any]) -> None:
    """Refuse `fields` with the first error the project's rules find, in the rules' order."""
    code = fields.get("code")
    if code is not None and not isinstance(code, str):
        raise ApiError(api.invalid("TYPE_INVALID"), "code must be a string of JavaScript")
    check = ActionCheck(_manifest(fields))
    first = next((d for d in check_action(check) if d.is_error), None)
    if first is not None:
        raise ApiError(api.invalid(first.code), _API_MESSAGES.get(first.code, first.message))


def _manifest(fields: dict[str, Any]) -> ManifestFile:
    """An in-memory manifest of `fields`: the rules read the data, the code and the names of the two files."""
    data = {key: value for key, value in fields.items() if key != "code"}
    # Built directly rather than parsed from YAML: the data is already JSON values, and positions do not
    # matter in an answer.
    doc = YamlDoc(data, json.dumps(data))
    name = fields.get("name") if isinstance(fields.get("name"), str) and fields["name"].strip() else "action"
    code = fields.get("code")
    code_file = CodeFile(Path(f"{name}.js"), missing=True) if code is None else CodeFile(Path(f"{name}.js"), code)
    return ManifestFile(Path(f"{name}.yaml"), doc, code=code_file)


def settable(body: Any) -> dict[str, Any]:
    """The action fields of a request body; a key the service does not know is refused."""
    if not isinstance(body, dict):
        raise ApiError(api.BAD_REQUEST, "the body must be a JSON object of action fields")
    for key in body:
        if key not in FIELDS and key not in IGNORED_KEYS:
            raise ApiError(api.invalid("UNKNOWN_KEY"), f'unknown field "{key}"{did_you_mean(key, FIELDS)}')
    return {key: value for key, value in body.items() if key in FIELDS}


def with_defaults(fields: dict[str, Any]) -> dict[str, Any]:
    """Every field, null meaning the default for those that cannot be null."""
    merged = {**DEFAULTS, **fields}
    return {key: DEFAULTS[key] if value is None and key in DEFAULTS and key not in NULLABLE else value
            for key, value in merged.items()}


def assets(dependencies: list) -> list[dict]:
    """The CDN scripts of the Fliplet packages among `dependencies` (URL dependencies are loaded as they are)."""
    found = []
    for package in dependencies:
        if isinstance(package, str) and not deps.is_url(package):
            path = f"assets/{package}/1.0/{package.removeprefix('fliplet-')}.js"
            found.append({"name": package, "url": f"https://cdn.fliplet.com/{path}", "path": path})
    return found


# --- runs ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunTask:
    task_id: str
    app_id: int
    action_id: int
    name: str
    fields: dict[str, Any]
    payload: Any
    started_at: str
    # The app's actions on the same side (masters, or production copies), for Fliplet.App.V3.Actions in the run.
    actions: tuple[dict, ...] = ()
    mode: str = ON_DEMAND  # or SCHEDULED: what the log says started the run
    now_ms: int | None = None  # the moment Date is frozen at, when the emulator's clock is moved (clock.py)


class Runner:
    """One warm worker and the single thread that feeds it: runs happen one at a time, in order."""

    def __init__(self, options: EmulatorOptions) -> None:
        self.options = options
        self._worker = Worker(options.memory_mb)
        self._worker.spawn()  # V8 boots now, so the first run does not wait for it
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="emulator-run")

    def submit(self, fn, *args: Any) -> Future:
        try:
            return self._executor.submit(fn, *args)
        except RuntimeError:  # shut down
            raise ApiError(api.SERVICE_UNAVAILABLE, "the emulator is shutting down") from None

    def execute(self, task: RunTask) -> Execution:
        """Run the task's code on the worker (call on the runner's thread)."""
        try:
            job = self._job(task)
        except ActionctlError as exc:  # a URL dependency not cached, a broken fixture
            return Execution(error=error(exc.code, exc.message))
        try:
            return execute(self._worker, job, self.options.timeout, self.options.result_limit)
        except Exception as exc:  # close() killed the worker mid-run, say: the run still ends in a log
            return Execution(error=error(EXECUTION_FAILED, f"the emulator could not finish the run "
                                         f"({type(exc).__name__}: {exc})"))

    def _job(self, task: RunTask) -> dict:
        project = self.options.project
        dependencies = job.dependencies_of(task.fields)
        if project is None:
            fixtures = fixture_files.Fixtures()
            urls = [d for d in dependencies if deps.is_url(d)]
            if urls:
                raise DependencyNotCachedError(urls)
            scripts = []
        else:
            fixtures = fixture_files.load(project)
            scripts = deps.cached_scripts(project, dependencies)
        return job.build(task.fields["code"], f"{task.name}.js", task.fields, task.payload, fixtures, scripts,
                         actions=list(task.actions), app=task.app_id, result_limit=self.options.result_limit,
                         now_ms=task.now_ms)

    def close(self) -> None:
        """Drop queued runs, stop the one running, and end the worker."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._worker.kill()
        self._executor.shutdown(wait=True)
        self._worker.close()


def run_log(task: RunTask, execution: Execution) -> tuple[str, dict]:
    """The log type and data a finished run leaves, as app-actions-v3.md ("Log entry object structure")
    shows them: `taskId` is the action's id, and `result` wraps what execute() returned. A scheduled
    run's entry has `payload: {}` (the page's field table: "Always … Empty {} for scheduled actions"; its
    example, which leaves the field out, is taken as abbreviated) and no `result`; its failure
    keeps only `error` (inferred: the page shows no failed scheduled entry)."""
    scheduled = task.mode == SCHEDULED
    data: dict[str, Any] = {"mode": task.mode, "runOn": "server", "taskId": task.action_id,
                            "payload": {} if scheduled else task.payload,
                            "duration": round(execution.duration_ms), "actionVersion": "v3"}
    if execution.ok:
        return "app.task.completed", data if scheduled else {**data, "result": {"data": execution.result,
                                                                                "success": True}}
    error = execution.error
    name, message = error.get("name") or "Error", str(error.get("message") or "")
    # The documented entry has the name and the message apart ("ReferenceError", "x is not defined").
    failure = {"name": name, "message": message.removeprefix(f"{name}: "), "stack": error.get("stack")}
    if scheduled:
        return "app.task.failed", {**data, "error": failure}
    return "app.task.failed", {**data, "error": failure, "result": {"error": failure, "success": False,
                                                                    "errorObject": {}}}


# --- the service ---------------------------------------------------------------------------------


def _page(items: list, total: int, limit: int, offset: int) -> dict:
    return {"total": total, "limit": limit, "offset": offset, "hasMore": offset + len(items) < total}


class Service:
    def __init__(self, store: Store, runner: Runner, options: EmulatorOptions, clock: Clock | None = None) -> None:
        self.store = store
        self.runner = runner
        self.options = options
        self.clock = clock or Clock()  # what every stamp reads: the machine's time unless moved

    # --- apps and the user ----------------------------------------------------------------------

    def current_user(self) -> dict:
        return {"user": self._user()}

    def _user(self) -> dict:
        return {"id": USER_ID, "email": self.options.account.email, "fullName": USER_NAME}

    def publish_app(self, app: int, body: Any) -> dict:
        """Publish the app as a release of `type` (with an optional changelog); each publish is a new version."""
        release = _release(body)
        with self.store.transaction():
            self._app(app)
            now = self._now()
            version = self.store.publish_app(app, now, release["type"], release.get("changelog"))
        return {"app": {"version": version, "id": app, "updatedAt": now}}

    def set_apps_published(self, published: bool) -> None:
        """Apps seen from now on start in this state; apps already seen are put in it too."""
        self.options.app_published = published
        self.store.set_every_app_published(published, self._now())

    # --- actions ---------------------------------------------------------------------------------

    def list_actions(self, app: int, *, production: bool, limit: int, offset: int) -> dict:
        with self.store.transaction():
            self._app(app)
            actions, total = self.store.actions(app, production=production, limit=limit, offset=offset)
        return {"actions": [self._view(a) for a in actions], "pagination": _page(actions, total, limit, offset)}

    def get_action(self, app: int, action_id: int) -> dict:
        with self.store.transaction():
            return {"action": self._view(self._action(app, action_id))}

    def create_action(self, app: int, body: Any) -> dict:
        fields = with_defaults(settable(body))
        with self.store.transaction():
            self._app(app)
            self._check(app, fields)
            now = self._now()
            action = self.store.insert_action(app, fields, now)
            self.store.add_version(action.id, now, fields)
        return {"action": self._view(action)}

    def update_action(self, app: int, action_id: int, body: Any) -> dict:
        changes = settable(body)
        with self.store.transaction():
            action = self._master(app, action_id, api.CANNOT_UPDATE_PRODUCTION, "a production copy cannot be "
                                  "updated: update the master action and publish it again")
            fields = with_defaults({**action.fields, **changes})
            self._check(app, fields, action.id)
            now = self._now()
            action = self.store.update_action(action, fields, now)
            self.store.add_version(action.id, now, fields)
        return {"action": self._view(action)}

    def delete_action(self, app: int, action_id: int) -> None:
        with self.store.transaction():
            action = self._master(app, action_id, api.CANNOT_DELETE_PRODUCTION, "a production copy cannot be "
                                  "deleted: delete the master action, which deletes its production copy too")
            self.store.delete_action(action.id)

    def publish_action(self, app: int, action_id: int) -> dict:
        with self.store.transaction():
            master = self._master(app, action_id, api.CANNOT_UPDATE_PRODUCTION, "this is already a production "
                                  "copy: publish its master action")
            if not self._app(app).published:
                raise ApiError(api.APP_NOT_PUBLISHED, "the app must be published before its actions "
                                   "can be published")
            now = self._now()
            if master.production_id is None:
                production = self.store.insert_action(app, master.fields, now, master_id=master.id)
            else:
                production = self.store.update_action(self._action(app, master.production_id), master.fields, now)
        return {"action": self._view(production)}

    def unpublish_action(self, app: int, action_id: int) -> None:
        with self.store.transaction():
            master = self._master(app, action_id, api.CANNOT_UPDATE_PRODUCTION, "this is a production copy: "
                                  "unpublish its master action")
            if master.production_id is None:
                raise ApiError(api.ACTION_NOT_PUBLISHED, f"action {master.id} is not published")
            self.store.delete_action(master.production_id)

    # --- versions --------------------------------------------------------------------------------

    def list_versions(self, app: int, action_id: int, *, limit: int, offset: int) -> dict:
        with self.store.transaction():
            action = self._action(app, action_id)
            versions, total = self.store.versions(action.id, limit=limit, offset=offset)
        return {"status": "VERSIONS_LISTED", "versions": [_version_summary(v, self._user()) for v in versions],
                "pagination": _page(versions, total, limit, offset)}

    def get_version(self, app: int, action_id: int, version_id: int) -> dict:
        with self.store.transaction():
            version = self._version(self._action(app, action_id), version_id)
        summary = _version_summary(version, self._user())
        return {"status": "VERSION_RETRIEVED", "version": {**summary, "data": version.data}}

    def restore_version(self, app: int, action_id: int, version_id: int) -> dict:
        """Snapshot the current state, apply the version's data, and snapshot the result."""
        with self.store.transaction():
            action = self._master(app, action_id, api.CANNOT_RESTORE_PRODUCTION, "a production copy cannot be "
                                  "restored: restore its master action and publish it again")
            version = self._version(action, version_id)
            fields = with_defaults({k: v for k, v in version.data.items() if k in FIELDS})
            self._check(app, fields, action.id)
            now = self._now()
            before = self.store.add_version(action.id, now, action.fields)
            action = self.store.update_action(action, fields, now)
            self.store.add_version(action.id, now, fields)
        return {"status": "ACTION_RESTORED", "action": self._view(action), "restoredFromVersionId": version.id,
                "preRestoreVersionId": before}

    # --- runs and logs ---------------------------------------------------------------------------

    def run_and_wait(self, app: int, action_id: int, body: Any) -> dict:
        """Run the action and answer with its result, or with EXECUTION_FAILED."""
        task = self._task(app, action_id, body)
        execution = self.runner.submit(self.run_and_log, task).result()
        if execution.ok:
            return {"success": True, "data": execution.result, "taskId": task.action_id,
                    "duration": round(execution.duration_ms)}
        failure = execution.error
        raise ApiError(api.EXECUTION_FAILED, f"{failure['code']}: {failure['message']}", {
            "taskId": task.action_id,
            "details": {"code": failure["code"], "name": failure.get("name"), "stack": failure.get("stack")}})

    def queue_run(self, app: int, action_id: int, body: Any) -> dict:
        """Start the run in the background and answer at once; its log tells how it went."""
        task = self._task(app, action_id, body)
        self.runner.submit(self.run_and_log, task)
        return {"taskId": task.action_id, "status": "QUEUED"}

    def logs(self, app: int, action_id: int | None, *, type_: str | None, task: int | None, limit: int,
             offset: int) -> dict:
        """One page of logs, newest first. `task` is the filter's `data.taskId` (an action's id); `count` is
        the number of logs on the page, as the JS API documents it, not a total."""
        if action_id is not None and task is not None and task != action_id:
            return {"count": 0, "logs": []}
        wanted = action_id if action_id is not None else task
        with self.store.transaction():
            self._app(app)
            if action_id is not None:
                self._action(app, action_id)
            entries = self.store.logs(app, action_id=wanted, type_=type_, limit=limit, offset=offset)
        return {"count": len(entries), "logs": [{"id": e.id, "type": e.type, "createdAt": e.created_at,
                                                 "data": e.data} for e in entries]}

    def _task(self, app: int, action_id: int, body: Any) -> RunTask:
        """The run the request asks for, refused as the service refuses it before starting."""
        if not isinstance(body, dict):
            raise ApiError(api.BAD_REQUEST, 'the body must be a JSON object like {"payload": {...}}')
        payload = payloads.build("manual", body.get("payload"))
        with self.store.transaction():
            action = self._action(app, action_id)
            siblings, _ = self.store.actions(app, production=action.is_production, limit=-1, offset=0)
        fields = action.fields
        if fields.get("active") is not True:
            raise ApiError(api.ACTION_INACTIVE, f'"{fields.get("name")}" is inactive: set active to true '
                               "to run it")
        if fields.get("environment") == "client":
            raise ApiError(api.CLIENT_ACTION_NOT_RUNNABLE, f'"{fields.get("name")}" is a client action: '
                               "it runs in the app, not on the server")
        size = payloads.size(payload)
        if self.options.payload_limit is not None and size > self.options.payload_limit:
            raise ApiError(api.PAYLOAD_TOO_LARGE, f"the payload is {size} characters of JSON; the service "
                               f"allows {self.options.payload_limit}")
        started = self.clock.now()
        return RunTask(str(uuid.uuid4()), app, action.id, str(fields.get("name")), fields, payload, iso(started),
                       visible(siblings), now_ms=self.frozen_ms(started))

    def scheduled_task(self, copy: StoredAction, due: dt.datetime) -> RunTask:
        """The run a schedule starts at `due`: the production copy's code, an empty payload."""
        with self.store.transaction():
            siblings, _ = self.store.actions(copy.app_id, production=True, limit=-1, offset=0)
        return RunTask(str(uuid.uuid4()), copy.app_id, copy.id, str(copy.fields.get("name")), copy.fields,
                       payloads.build("schedule"), iso(due), visible(siblings), SCHEDULED, self.frozen_ms(due))

    def frozen_ms(self, moment: dt.datetime) -> int | None:
        """The time a run's Date is frozen at: none (the machine's, running) unless the clock is moved."""
        return round(moment.timestamp() * 1000) if self.clock.moved else None

    def run_and_log(self, task: RunTask, tick: dt.datetime | None = None) -> Execution:
        """On the runner's thread: run, then leave the log and mark when the action last ran. A scheduled run's
        log is stamped when it ended had it started on its `tick`, however late the worker got to it."""
        execution = self.runner.execute(task)
        kind, data = run_log(task, execution)
        ended = self._now() if tick is None else iso(tick + dt.timedelta(milliseconds=data["duration"]))
        with self.store.transaction():
            self.store.add_log(task.app_id, task.action_id, kind, task.task_id, ended, data)
            self.store.set_last_run(task.action_id, task.started_at)
        return execution

    # --- helpers ---------------------------------------------------------------------------------

    def _now(self) -> str:
        return iso(self.clock.now())

    def _app(self, app: int) -> App:
        return self.store.app(app, self.options.app_published, self._now())

    def _action(self, app: int, action_id: int) -> StoredAction:
        action = self.store.action(app, action_id)
        if action is None:
            raise ApiError(api.ACTION_NOT_FOUND, f"app {app} has no action {action_id}")
        return action

    def _master(self, app: int, action_id: int, answer: api.Answer, message: str) -> StoredAction:
        """The action, refused with `answer` (a 403) when it is a production copy."""
        action = self._action(app, action_id)
        if action.is_production:
            raise ApiError(answer, message)
        return action

    def _version(self, action: StoredAction, version_id: int) -> Version:
        version = self.store.version(action.id, version_id)
        if version is None:
            raise ApiError(api.VERSION_NOT_FOUND, f"action {action.id} has no version {version_id}")
        return version

    def _check(self, app: int, fields: dict, action_id: int | None = None) -> None:
        """Validate, then make sure no other master of the app has the name."""
        validate(fields)
        other = self.store.master_named(app, fields["name"])
        if other is not None and other.id != action_id:
            raise ApiError(api.NAME_ALREADY_EXISTS, f'action {other.id} of this app is already named '
                               f'"{fields["name"]}"')

    def _view(self, action: StoredAction) -> dict:
        """The action object the service answers with."""
        fields = action.fields
        return {
            "id": action.id, "appId": action.app_id, "name": fields.get("name"),
            "description": fields.get("description"), "code": fields.get("code"), "active": fields.get("active"),
            "environment": fields.get("environment"), "actionVersion": "v3", "triggers": fields.get("triggers"),
            "dependencies": fields.get("dependencies"), "assets": assets(fields.get("dependencies") or []),
            "frequency": fields.get("frequency"),
            "timezone": fields.get("timezone"), "lastRunAt": action.last_run_at, "createdAt": action.created_at,
            # The link between a master and its production copy, under the names the documented version
            # snapshots use (nothing documents one on the action object: see remote/publish_state.py).
            # The link between master and copy under the names the documented version snapshots use.
            "updatedAt": action.updated_at, publish_state.PRODUCTION_KEYS[0]: action.production_id,
            publish_state.MASTER_KEYS[0]: action.master_id,
        }


def visible(siblings: list[StoredAction]) -> tuple[dict, ...]:
    """The app's actions (on one side) as Fliplet.App.V3.Actions sees them during a run."""
    return tuple(job.project_action(str(a.fields.get("name")), a.id, a.fields, str(a.fields.get("code", "")))
                 for a in siblings)


def _release(body: Any) -> dict:
    """The `release` of an app publish's body, refused unless its type is one the platform documents."""
    release = body.get("release") if isinstance(body, dict) else None
    if not isinstance(release, dict) or release.get("type") not in publish_state.RELEASE_TYPES:
        raise ApiError(api.BAD_REQUEST, 'the body must be {"release": {"type": "silent" | "visible" | "forced", '
                                        '"changelog": "…"}}')
    changelog = release.get("changelog")
    if changelog is not None and not isinstance(changelog, str):
        raise ApiError(api.BAD_REQUEST, "release.changelog must be a string")
    return release


def _version_summary(version: Version, user: dict) -> dict:
    return {"id": version.id, "createdAt": version.created_at, "userId": user["id"], "user": user}
