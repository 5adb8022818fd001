"""Local actions against the service's: a plan of what differs, and applying exactly that plan.

Both sides are compared on normalised fields (defaults filled in, trailing newlines of code and the
order of unordered lists ignored), so a plan lists only changes the service would notice. Applying
a plan writes one request per changed action and records what landed in the profile's state after
each one: a push that fails or is killed part-way is finished by running it again, which plans
only what is still different — nothing is created twice.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import variables, yamldoc
from actionctl.errors import ActionctlError, UsageError
from actionctl.manifest import DEFAULT_ENVIRONMENT, CodeFile, ManifestFile, code_path_for
from actionctl.project import Project
from actionctl.syncstate import State
from actionctl.yamldoc import YamlLoadError

SYNCED_FIELDS = ("name", "description", "code", "active", "environment", "triggers", "dependencies",
                 "integrationOrigins", "frequency", "timezone")
DEFAULT_TIMEZONE = "UTC"
# The kinds of step a plan holds; the first four change something on the service.
CREATE, UPDATE, DELETE, CONFLICT = "create", "update", "delete", "conflict"
UNCHANGED, REMOTE_ONLY = "unchanged", "remote-only"
WRITES = (CREATE, UPDATE, DELETE, CONFLICT)
KINDS = (*WRITES, UNCHANGED, REMOTE_ONLY)


class LocalUnreadable(ActionctlError):
    code = "LOCAL_UNREADABLE"


@dataclass
class LocalAction:
    """An action of the repository with the profile's variables filled in: what a push would send."""

    name: str
    manifest: Path
    file: str  # the manifest, relative to the project
    fields: dict[str, Any]
    code: Path  # the code file the manifest points at


@dataclass
class FieldChange:
    field: str
    remote: Any
    local: Any

    def as_json(self) -> dict[str, Any]:
        if self.field == "code":  # the unified diff says it better, and code can be long
            return {"field": "code"}
        return {"field": self.field, "remote": self.remote, "local": self.local}


@dataclass
class Step:
    kind: str
    name: str
    local: LocalAction | None = None
    remote: dict | None = None
    changes: list[FieldChange] = field(default_factory=list)
    code_diff: str = ""
    reason: str = ""
    publish: bool = False

    @property
    def id(self) -> Any:
        return self.remote.get("id") if self.remote else None

    @property
    def published(self) -> bool | None:
        return bool(self.remote.get("productionActionId")) if self.remote else None

    def payload(self) -> dict[str, Any]:
        """What to send: every field on create, only the changed ones on update."""
        if self.kind == CREATE:
            return dict(self.local.fields)
        return {change.field: self.local.fields[change.field] for change in self.changes}

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.kind, "id": self.id,
                "file": self.local.file if self.local else None, "published": self.published,
                "publish": self.publish, "reason": self.reason or None,
                "changes": [c.as_json() for c in self.changes], "codeDiff": self.code_diff or None}


@dataclass
class Plan:
    steps: list[Step]

    def of_kind(self, *kinds: str) -> list[Step]:
        return [s for s in self.steps if s.kind in kinds]

    @property
    def writes(self) -> list[Step]:
        """The steps that change something on the service: writes, and publishing unchanged actions."""
        return [s for s in self.steps if s.kind in WRITES or (s.kind == UNCHANGED and s.publish)]

    @property
    def has_changes(self) -> bool:
        return bool(self.writes)

    def summary(self) -> dict[str, int]:
        counts = {kind: 0 for kind in KINDS}
        for step in self.steps:
            counts[step.kind] += 1
        counts["publish"] = sum(1 for s in self.steps if s.publish)
        return {("remoteOnly" if k == REMOTE_ONLY else k): v for k, v in counts.items()}

    def as_json(self) -> dict[str, Any]:
        return {"changes": self.has_changes, "summary": self.summary(), "actions": [s.as_json() for s in self.steps]}


# --- normalising ----------------------------------------------------------------------------------


def normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """The synced fields as the service would hold them, in a form where equal means "no change"."""
    code = fields.get("code")
    triggers = fields.get("triggers") if isinstance(fields.get("triggers"), list) else []
    origins = fields.get("integrationOrigins") if isinstance(fields.get("integrationOrigins"), list) else []
    dependencies = fields.get("dependencies") if isinstance(fields.get("dependencies"), list) else []
    return {
        "name": fields.get("name"),
        "description": fields.get("description") or None,
        "code": code.replace("\r\n", "\n").rstrip("\n") if isinstance(code, str) else code,
        "active": fields.get("active") is True,
        "environment": fields.get("environment") or DEFAULT_ENVIRONMENT,
        # Which triggers and origins an action has is a set; the order of dependencies is their load order.
        "triggers": sorted((_trigger(t) for t in triggers), key=_canonical),
        "dependencies": list(dependencies),
        "integrationOrigins": sorted(origins, key=_canonical),
        "frequency": fields.get("frequency") or None,
        "timezone": fields.get("timezone") or DEFAULT_TIMEZONE,
    }


def content_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(normalise(fields)).encode("utf-8")).hexdigest()[:32]


def _trigger(trigger: Any) -> Any:
    if isinstance(trigger, dict):
        return {k: v for k, v in trigger.items() if v is not None}
    return trigger


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- the local side -------------------------------------------------------------------------------


def local_actions(project: Project, profile: str | None) -> list[LocalAction]:
    """Every action of the project as a push would send it; LOCAL_UNREADABLE when one cannot be read."""
    from actionctl.validation import load_action

    found: dict[str, LocalAction] = {}
    for path in project.manifests():
        manifest, undefined = load_action(project, path, profile, deploying=True)
        problem = _unreadable(manifest) or (undefined[0].message if undefined else None)
        if problem:
            raise LocalUnreadable(f"{project.relpath(path)}: {problem} — `actionctl validate` says more")
        local = LocalAction(manifest.name, path, project.relpath(path), fields_of(manifest), manifest.code.path)
        if local.name in found:
            raise LocalUnreadable(f'{local.file} and {found[local.name].file} are both named "{local.name}"',
                                  code="NAME_ALREADY_EXISTS")
        found[local.name] = local
    return list(found.values())


def fields_of(manifest: ManifestFile) -> dict[str, Any]:
    """The API fields of a loaded manifest: its data, with `code` the text of the code file."""
    data = manifest.data
    fields = {name: data.get(name) for name in SYNCED_FIELDS if name != "code"}
    fields["code"] = manifest.code.text if manifest.code is not None else None
    for key in ("triggers", "dependencies", "integrationOrigins"):
        fields[key] = fields[key] if fields[key] is not None else []
    fields["active"] = fields["active"] is True
    fields["environment"] = fields["environment"] or DEFAULT_ENVIRONMENT
    return fields


def _unreadable(manifest: ManifestFile) -> str | None:
    if manifest.problem is not None:
        return f"{manifest.problem.code}: {manifest.problem.message}"
    if not manifest.name:
        return "the manifest has no name"
    code = manifest.code
    if code is None or code.missing:
        return "its code file is missing"
    if code.problem is not None:
        return f"{code.problem.code}: {code.problem.message}"
    return None


# --- planning -------------------------------------------------------------------------------------


def plan(locals_: list[LocalAction], remotes: list[dict], state: State, *, names: list[str] | None = None,
         prune: bool = False, publish: bool = False, productions: list[dict] | None = None,
         history: History | None = None) -> Plan:
    """What a push would do: one step per action of either side (only `names`, when given).

    With `publish`, what changes is published, and so is an unchanged action whose production copy
    is missing or behind its master (`productions`, the app's production copies, tell which).
    """
    by_name = {a.get("name"): a for a in remotes}
    local_by_name = {a.name: a for a in locals_}
    chosen = _chosen(names, local_by_name, by_name)
    renamed = renames(local_by_name, by_name, state)
    steps = []
    for name in sorted(set(local_by_name) | set(by_name), key=str):
        if (chosen is not None and name not in chosen) or name in renamed.values():
            continue
        local, remote = local_by_name.get(name), by_name.get(name)
        if name in renamed:
            step = _compare(local, by_name[renamed[name]], state, publish, history, renamed[name])
            step.reason = step.reason or f'renamed from "{renamed[name]}"'
            steps.append(step)
        elif local is None:
            steps.append(_remote_only(remote, state, prune))
        elif remote is None:
            entry = state.get(name)
            reason = "deleted on the service since the last sync" if entry else ""
            steps.append(Step(CREATE, name, local, None, reason=reason, publish=publish))
        else:
            steps.append(_compare(local, remote, state, publish, history))
    if publish:
        _publish_behind(steps, productions or [])
    return Plan(steps)


def _publish_behind(steps: list[Step], productions: list[dict]) -> None:
    copies = {str(p.get("masterActionId")): p for p in productions}
    for step in steps:
        if step.kind != UNCHANGED:
            continue
        copy = copies.get(str(step.id)) if step.remote.get("productionActionId") else None
        if copy is None:
            step.publish, step.reason = True, "not published"
        elif normalise(copy) != normalise(step.remote):
            step.publish, step.reason = True, "the production copy is behind"


def renames(local_by_name: dict[str, Any], remote_by_name: dict[str, Any], state: State) -> dict[str, str]:
    """{new name: old name} for manifests whose name changed since the last sync.

    The state remembers which manifest file each synced action came from: a file now holding a name
    the service does not have, whose old name is on the service (same id) and no longer in the
    repository, was renamed — an update of that action, not a new one and a deletion (which would
    lose its logs, versions and production copy).
    """
    found: dict[str, str] = {}
    for name, local in local_by_name.items():
        if name in remote_by_name:
            continue
        for old, entry in state.entries.items():
            remote = remote_by_name.get(old)
            if (entry.file == local.file and old not in local_by_name and old not in found.values()
                    and remote is not None and str(remote.get("id")) == str(entry.id)):
                found[name] = old
                break
    return found


def _chosen(names: list[str] | None, local: dict, remote: dict) -> set[str] | None:
    if not names:
        return None
    for name in names:
        if name not in local and name not in remote:
            from actionctl.suggest import did_you_mean

            raise UsageError(f'no action named "{name}" in the repository or on the service'
                             f"{did_you_mean(name, [str(n) for n in (*local, *remote)])}", code="ACTION_UNKNOWN")
    return set(names)


def _compare(local: LocalAction, remote: dict, state: State, publish: bool, history: History | None,
             known_as: str | None = None) -> Step:
    mine, theirs = normalise(local.fields), normalise(remote)
    changes = [FieldChange(f, theirs[f], mine[f]) for f in SYNCED_FIELDS if mine[f] != theirs[f]]
    if not changes:
        return Step(UNCHANGED, local.name, local, remote)
    step = Step(UPDATE, local.name, local, remote, changes, publish=publish)
    if any(c.field == "code" for c in changes):
        step.code_diff = code_diff(str(theirs["code"] or ""), str(mine["code"] or ""), local.name, local.file)
    step.reason = _edited_elsewhere(local, remote, state.get(known_as or local.name), history) or ""
    if step.reason:
        step.kind = CONFLICT
    return step


def _edited_elsewhere(local: LocalAction, remote: dict, entry, history: History | None) -> str | None:
    """Why updating `remote` could undo an edit made outside the repository; None when it cannot.

    The service's copy is ours to replace when it is what we last synced (the state), or a version
    the repository once held (pushed by a teammate or by CI, and merged here through git).
    """
    ours = entry is not None and str(entry.id) == str(remote.get("id"))
    remote_hash = content_hash(remote)
    if ours and entry.hash == remote_hash:
        return None
    past = history.hashes(local) if history is not None else None
    if past and remote_hash in past:
        return None
    if ours:
        if content_hash(local.fields) != entry.hash:
            return "edited both here and on the service since the last sync"
        return "edited on the service since the last sync (this push would undo that edit)"
    if past:
        return (f"the service's copy matches no recent commit of {local.file} (edited outside the repository?); "
                "this push would replace it")
    return None  # no state and no history: nothing to judge by


def _remote_only(remote: dict, state: State, prune: bool) -> Step:
    name = remote.get("name")
    entry = state.get(name)
    if not prune:
        return Step(REMOTE_ONLY, name, None, remote, reason="not in the repository: --prune deletes it")
    if entry is not None and str(entry.id) == str(remote.get("id")) and entry.hash != content_hash(remote):
        return Step(CONFLICT, name, None, remote, reason="edited on the service since the last sync, and deleted here")
    return Step(DELETE, name, None, remote)


def code_diff(remote: str, local: str, name: str, file: str) -> str:
    lines = difflib.unified_diff((remote + "\n").splitlines(keepends=True), (local + "\n").splitlines(keepends=True),
                                 f"remote: {name}", f"local: {Path(file).with_suffix('.js').as_posix()}")
    return "".join(lines)


# --- applying -------------------------------------------------------------------------------------


@dataclass
class Done:
    name: str
    kind: str
    id: Any = None
    published: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.kind, "id": self.id, "published": self.published}


@dataclass
class Failed:
    name: str
    kind: str
    code: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.kind, "code": self.code, "message": self.message}


@dataclass
class Outcome:
    done: list[Done] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    refused: list[Step] = field(default_factory=list)    # conflicts, without --force
    not_attempted: list[Step] = field(default_factory=list)
    publish_error: Failed | None = None

    @property
    def ok(self) -> bool:
        return not (self.failed or self.refused or self.not_attempted or self.publish_error)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "done": [d.as_json() for d in self.done], "failed": [f.as_json() for f in self.failed],
                "refused": [{"name": s.name, "reason": s.reason} for s in self.refused],
                "notAttempted": [s.name for s in self.not_attempted],
                "publishError": self.publish_error.as_json() if self.publish_error else None}


def record_unchanged(the_plan: Plan, state: State) -> None:
    """Remember actions found equal on both sides: a push killed before saving them needs no second look."""
    changed = False
    for step in the_plan.of_kind(UNCHANGED):
        changed |= state.record(step.name, step.remote, content_hash(step.remote), step.local.file)
    if changed:
        state.save()


def apply(the_plan: Plan, client, state: State, *, force: bool = False,
          progress: Callable[[Step, str], None] | None = None) -> Outcome:
    """Send exactly the plan's writes, one request per action (and a publish where asked), saving state after each.

    A refusal that concerns one action (validation, a taken name) is reported and the push goes on;
    anything that concerns them all (authorisation, the network, retries exhausted) stops it, and
    the rest is reported as not attempted.
    """
    from actionctl.remote.errors import ServiceError

    outcome = Outcome()
    record_unchanged(the_plan, state)
    writes = the_plan.writes
    for index, step in enumerate(writes):
        if step.kind == CONFLICT and not force:
            outcome.refused.append(step)
            _tell(progress, step, "refused")
            continue
        if step.kind == UNCHANGED:  # only publishing
            if outcome.publish_error is not None:
                outcome.not_attempted.append(step)
                continue
            done = Done(step.name, "publish", step.id)
            _publish(client, done, step, outcome)
            _tell(progress, step, "done" if done.published else "failed")
            if done.published:
                outcome.done.append(done)
            continue
        try:
            done = _write(step, client, state)
        except ServiceError as exc:
            outcome.failed.append(Failed(step.name, step.kind, exc.code or "SERVICE_ERROR", exc.message))
            _tell(progress, step, "failed")
            if _stops_everything(exc):
                outcome.not_attempted = writes[index + 1:]
                break
            continue
        outcome.done.append(done)
        if step.publish and done.kind != DELETE and outcome.publish_error is None:
            _publish(client, done, step, outcome)
        _tell(progress, step, "done")
    return outcome


def _write(step: Step, client, state: State) -> Done:
    if step.kind == DELETE or (step.kind == CONFLICT and step.local is None):
        client.delete_action(step.id)
        if state.forget(step.name):
            state.save()
        return Done(step.name, DELETE, step.id)
    if step.kind == CREATE:
        remote = client.create_action(step.payload())
    else:
        remote = client.update_action(step.id, step.payload())
        if step.remote.get("name") != step.name:  # a rename: the old name is no longer ours
            state.forget(step.remote.get("name"))
    state.record(step.name, remote, content_hash(step.local.fields), step.local.file)
    state.save()
    return Done(step.name, step.kind if step.kind != CONFLICT else UPDATE, remote.get("id"))


def _publish(client, done: Done, step: Step, outcome: Outcome) -> None:
    from actionctl.remote.errors import ServiceError

    try:
        client.publish_action(done.id)
        done.published = True
    except ServiceError as exc:
        outcome.publish_error = Failed(step.name, "publish", exc.code or "SERVICE_ERROR", exc.message)


def _stops_everything(exc) -> bool:
    status = exc.status or 0
    return status in (401, 403, 429) or status >= 500 or status == 0


def _tell(progress, step: Step, what: str) -> None:
    if progress is not None:
        progress(step, what)


def compare(project: Project, client, profile: str | None, *, names: list[str] | None = None, prune: bool = False,
            publish: bool = False) -> tuple[Plan, State]:
    """The plan for the project against the client's app: the local actions, one listing of the app, the state."""
    locals_ = local_actions(project, profile)
    remotes = client.list_actions()
    productions = client.list_actions(production=True) if publish else None
    state = State.load(project.root, profile, client.app, client.api_url)
    history = History(project, profile)
    return plan(locals_, remotes, state, names=names, prune=prune, publish=publish, productions=productions,
                history=history), state


class History:
    """Content hashes of the committed versions of each action's files, read from git when first needed."""

    def __init__(self, project: Project, profile: str | None) -> None:
        from actionctl.githistory import Git

        self.git = Git(project.root)
        self.values = variables.for_profile(project.config, profile, deploying=True) or {}

    def hashes(self, local: LocalAction) -> set[str] | None:
        """None without a full git history (no git, a shallow clone): then only the state can tell."""
        if not self.git.has_history():
            return None
        found = set()
        for text, code in self.git.versions(local.manifest, local.code, lambda t: _code_path_in(local.manifest, t)):
            fields = _fields_at(local.manifest, text, code, self.values)
            if fields is not None:
                found.add(content_hash(fields))
        return found


def _code_path_in(manifest_path: Path, text: str) -> Path | None:
    try:
        data = yamldoc.load(text).data
    except YamlLoadError:
        return None
    return code_path_for(manifest_path, data.get("code") if isinstance(data, dict) else None)


def _fields_at(manifest_path: Path, text: str, code: str | None, values: dict) -> dict | None:
    """The fields a past version of a manifest and its code would have pushed; None if it was unreadable."""
    try:
        doc = yamldoc.load(text)
    except YamlLoadError:
        return None
    if not isinstance(doc.data, dict) or code is None:
        return None
    manifest = ManifestFile(manifest_path, doc, code=CodeFile(manifest_path.with_suffix(".js"), code))
    variables.substitute(manifest, values)
    return fields_of(manifest)
