"""Run one action locally as the service would: find it, check it, build its job, run it on a worker."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import deps, lookup, variables
from actionctl.errors import (
    ActionCodeNotFoundError,
    ActionctlError,
    ActionUnreadableError,
    SettingInvalidError,
    UnknownProfileError,
    UsageError,
    ValidationFailedError,
)
from actionctl.execution.limits import PAYLOAD_WARNING, Deadline, deadline
from actionctl.manifest import ManifestFile, load_manifest, manifests_using, trigger_kinds
from actionctl.project import Project
from actionctl.runtime import fixtures as fixture_files
from actionctl.runtime import job, payloads
from actionctl.runtime.errors import PAYLOAD_TOO_LARGE
from actionctl.runtime.host import Execution, Worker, error, execute


@dataclass
class RunOptions:
    payload: Any = None
    trigger: str = "manual"
    event: Any = None
    timeout: float | None = None
    now: str | None = None  # ISO date-time that Date.now() and new Date() return
    seed: int | None = None  # makes Math.random() repeatable
    profile: str | None = None
    validate: bool = True
    # Per-run replacements of the project's fixtures (test cases use them).
    datasources: dict[str, Any] | None = None
    http: list[dict] | None = None
    settings: dict[str, Any] | None = None


@dataclass
class Prepared:
    manifest: ManifestFile
    name: str
    job: dict
    deadline: Deadline
    result_limit: int
    memory_mb: float
    fixtures: fixture_files.Fixtures
    warnings: list[str] = field(default_factory=list)
    refusal: Execution | None = None  # set when the run is refused before it starts (payload too large)

    @property
    def timeout(self) -> float:
        return self.deadline.seconds


def find_action(project: Project, target: str) -> ManifestFile:
    """An action by name, or by the path of its manifest or its .js file."""
    path = Path(target)
    if path.suffix in (".yaml", ".yml", ".js") and path.is_file():
        return _by_path(project, path.resolve())
    found = find_actions(project, [target])[target]
    if isinstance(found, ActionctlError):
        raise found
    return found


def find_actions(project: Project, names: list[str]) -> dict[str, ManifestFile | ActionctlError]:
    """Each named action, or why it cannot be found, from one reading of the project's manifests.

    For `test`, whose cases name many actions: looking each up with `find_action` reads every manifest once
    per action, quadratic in the size of the project (145 actions: 42,000 manifest loads).
    """
    listed = [load_manifest(p, project.root, with_code=False) for p in project.manifests()]
    found: dict[str, ManifestFile | ActionctlError] = {}
    for name in dict.fromkeys(names):
        try:
            [light] = lookup.pick([name], listed, lambda m: m.name, where=lookup.IN_REPOSITORY, hint=lookup.LOCAL_HINT)
            found[name] = load_manifest(light.path, project.root)
        except ActionctlError as exc:
            found[name] = exc
    return found


def _by_path(project: Project, path: Path) -> ManifestFile:
    if path.suffix != ".js":
        return load_manifest(path, project.root)
    found = manifests_using(project.manifests(), {path}, project.root)
    if found:
        return load_manifest(found[path], project.root)
    raise ActionCodeNotFoundError(project.relpath(path))


def prepare(project: Project, manifest: ManifestFile, options: RunOptions,
            fixtures: fixture_files.Fixtures | None = None,
            actions: Callable[[], list[dict]] | None = None) -> Prepared:
    """Everything a worker needs for one run, checked first the way the service checks it.

    `actions` answers the project's actions for Fliplet.App.V3.Actions (read only when the code names that
    namespace); `test` hands one that reads them once for all its cases.
    """
    if options.validate:
        from actionctl.validation import validate_manifests

        report = validate_manifests(project, [manifest.path], options.profile)
        if not report.ok:
            raise ValidationFailedError(f"{report.errors} validation error(s): fix them first, or run with "
                                        "--no-validate", report)
    if manifest.problem is not None or manifest.code is None or manifest.code.text is None:
        raise ActionUnreadableError(f"{project.relpath(manifest.path)} cannot be run: its manifest or code cannot "
                                    "be read")
    manifest = variables.fill(manifest, variables.for_local(project.config, options.profile)).manifest  # as sent
    fixtures = fixtures or fixture_files.load(project.root, options.profile)
    limits = project.limits(options.profile)
    data = manifest.data
    now_ms = _now_ms(options.now)
    payload = payloads.build(options.trigger, options.payload, options.event, now_ms, project.config.get("app"))
    prepared = Prepared(
        manifest=manifest, name=manifest.name or manifest.path.stem, job={},
        deadline=deadline(data.get("environment"), options.trigger, limits.get("timeout"), options.timeout),
        result_limit=int(limits["result"]), memory_mb=memory_mb(limits), fixtures=fixtures)
    if data.get("active") is not True:
        prepared.warnings.append(f"{prepared.name} is inactive (active is not true): the service would not run it")
    kinds = trigger_kinds(data)
    if options.trigger not in kinds:  # a run the service would never start this way proves little
        listed = ", ".join(map(str, dict.fromkeys(kinds))) or "none"
        prepared.warnings.append(f"{prepared.name} has no {options.trigger} trigger (its triggers: {listed}): the "
                                 f"service never starts it that way")
    if options.trigger == "manual" and _payload_refused(prepared, payloads.size(payload), limits.get("payload")):
        return prepared
    prepared.job = job.build(
        manifest.code.text, project.relpath(manifest.code.path), data, payload, fixtures,
        deps.cached_scripts(project.root, job.dependencies_of(data)), now_ms=now_ms if options.now else None,
        seed=options.seed, datasources=_datasources(fixtures, options.datasources), http=options.http,
        settings=options.settings,
        actions=_actions_for(manifest, actions or (lambda: project_actions(project, options.profile))),
        app=project.config.get("app"), result_limit=prepared.result_limit)
    return prepared


def _actions_for(running: ManifestFile, actions: Callable[[], list[dict]]) -> list[dict]:
    """The project's actions, for Fliplet.App.V3.Actions: asked for only when the code uses that namespace,
    so that other runs do not read every manifest."""
    if running.code is None or not uses_other_actions(running.code.text):
        return []
    return actions()


def uses_other_actions(code: str | None) -> bool:
    """Whether the code may reach Fliplet.App.V3.Actions: it names `V3` outside its comments (an alias
    `const V3 = Fliplet.App.V3`, `globalThis.Fliplet…`, destructuring and `['V3']` all do). A mention in a
    comment — the on-demand template's — is not one, and spares every run of reading every action."""
    if not code or "V3" not in code:  # no mention at all: no parse needed
        return False
    return _names_v3_in_code(code)


@functools.lru_cache(maxsize=256)
def _names_v3_in_code(code: str) -> bool:
    """The parse behind `uses_other_actions`, once per code text: a test file runs one action's code case after
    case, and `dev` asks again for every action at every save."""
    from actionctl.rules import jsparse

    return "V3" in jsparse.without_comments(code)


def _synced_app(project: Project, profile: str | None) -> tuple[Any, str]:
    """The app and service whose ids a local run knows: the profile's, when actionctl.yaml defines it (a local
    run may name a profile only for its settings file), else the project's."""
    from actionctl.remote.target import api_url_for

    try:
        chosen = project.settings(profile)
    except UnknownProfileError:
        chosen = project.settings(None)
    return chosen.get("app"), api_url_for(chosen)


def project_actions(project: Project, profile: str | None) -> list[dict]:
    """Every action of the project as Fliplet.App.V3.Actions sees it, variables filled as for a run; ids are
    those of the last push or pull (sync state)."""
    from actionctl.sync.state import known_ids

    ids = known_ids(project.root, *_synced_app(project, profile))
    values = variables.for_local(project.config, profile)
    actions = []
    for path in project.manifests():
        manifest = load_manifest(path, project.root)
        if manifest.problem is not None or manifest.code is None or manifest.code.text is None:
            continue
        manifest = variables.fill(manifest, values).manifest
        name = manifest.name or path.stem
        actions.append(job.project_action(name, ids.get(name), manifest.data, manifest.code.text))
    return actions


def _payload_refused(prepared: Prepared, size: int, limit: float | None) -> bool:
    """Refuse a payload over `limits.payload` when the project sets one; else warn past the first revision's
    2,048 characters — the platform has no fixed limit, only the length of the URL it may travel in."""
    if limit is not None and size > limit:
        prepared.refusal = Execution(error=error(PAYLOAD_TOO_LARGE, f"the payload is {size} characters of JSON; "
                                                 f"limits.payload in actionctl.yaml allows {int(limit)}"))
        return True
    if limit is None and size > PAYLOAD_WARNING:
        prepared.warnings.append(f"the payload is {size} characters of JSON: the platform sets no fixed limit, but "
                                 f"past {PAYLOAD_WARNING:,} it may not fit the URL it travels in — pass an id "
                                 "instead (limits.payload in actionctl.yaml turns this into a refusal)")
    return False


def memory_mb(limits: dict[str, Any]) -> float:
    """`limits.memory` as the worker takes it: megabytes, fractions kept (0.5 is half of one, not 0). The value
    was checked where it was read (`Project.limits`)."""
    return float(limits["memory"])


def _datasources(fixtures: fixture_files.Fixtures, overrides: dict[str, Any] | None) -> dict:
    sources = dict(fixtures.datasources)
    for key, content in (overrides or {}).items():
        sources[str(key)] = fixture_files.datasource({"id": _id(key), **content}, f"data source {key}")
    return sources


def _id(key: Any) -> Any:
    return int(key) if isinstance(key, str) and key.isdigit() else key


def _now_ms(now: str | None) -> int:
    if now is None:
        return int(dt.datetime.now(dt.timezone.utc).timestamp() * 1000)
    try:
        moment = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now {now!r} is not an ISO date-time, e.g. 2026-01-05T08:00:00Z") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
    return int(moment.timestamp() * 1000)


def run_prepared(prepared: Prepared, worker: Worker) -> Execution:
    if prepared.refusal is not None:
        return prepared.refusal
    return execute(worker, prepared.job, prepared.timeout, prepared.result_limit)


def run(project: Project, target: str, options: RunOptions) -> tuple[Prepared, Execution]:
    """Find, check and run one action in a fresh worker."""
    worker = _early_worker(project, options.profile)
    try:
        prepared = prepare(project, find_action(project, target), options)
        worker = worker or Worker(prepared.memory_mb)
        return prepared, run_prepared(prepared, worker)
    finally:
        if worker is not None:
            worker.close()


def _early_worker(project: Project, profile: str | None) -> Worker | None:
    """A worker booting V8 while this process finds and validates the action; none for a memory limit
    it cannot use (validation, or `prepare`, says what is wrong with it)."""
    try:
        worker = Worker(memory_mb(project.limits(profile)))
    except SettingInvalidError:
        return None
    worker.spawn()
    return worker
