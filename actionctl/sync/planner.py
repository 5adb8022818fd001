"""Planning: local actions against the service's, one step per action of either side."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from actionctl import lookup
from actionctl.project import Project
from actionctl.remote import publish_state
from actionctl.sync.history import History
from actionctl.sync.listing import remote_listing
from actionctl.sync.local import content_hash, local_actions, normalise, same_content
from actionctl.sync.model import (
    CONFLICT,
    CREATE,
    DELETE,
    PUBLISH,
    REMOTE_ONLY,
    SYNCED_FIELDS,
    UNCHANGED,
    UPDATE,
    FieldChange,
    LocalAction,
    Plan,
    Step,
)
from actionctl.sync.state import State


def plan(locals_: list[LocalAction], remotes: list[dict], state: State, *, names: list[str] | None = None,
         prune: bool = False, publish: bool = False, productions: list[dict] | None = None,
         history: History | None = None, also_known: set[str] = frozenset()) -> Plan:
    """What a push would do: one step per action of either side (only `names`, when given).

    With `publish`, what changes is published, and so is an unchanged action whose production copy
    is missing or behind its master (`productions`, the app's production copies, tell which): a step
    of kind PUBLISH, publish only.
    """
    by_name = {a.get("name"): a for a in remotes}
    local_by_name = {a.name: a for a in locals_}
    chosen = _chosen(names, local_by_name, by_name, also_known)
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
    for step in steps:
        if step.kind != UNCHANGED:
            continue
        # The production listing decides, unless the master itself says it has no copy.
        copy = None if publish_state.denies(step.remote) else publish_state.copy_of(step.remote, productions)
        if copy is None:
            step.kind, step.publish, step.reason = PUBLISH, True, "not published"
        elif normalise(copy) != normalise(step.remote):
            step.kind, step.publish, step.reason = PUBLISH, True, "the production copy is behind"


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


def _chosen(names: list[str] | None, local: dict, remote: dict, also_known: set[str]) -> set[str] | None:
    if not names:
        return None
    known = [str(n) for n in (*local, *remote, *also_known)]
    lookup.pick(names, known, str, where="in the repository or on the service")
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
    if ours and same_content(entry, remote):
        return None
    past = history.hashes(local) if history is not None else None
    if past and remote_hash in past:
        return None
    if ours:
        if not same_content(entry, local.fields):
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
    if entry is not None and str(entry.id) == str(remote.get("id")) and not same_content(entry, remote):
        return Step(CONFLICT, name, None, remote, reason="edited on the service since the last sync, and deleted here")
    return Step(DELETE, name, None, remote)


def code_diff(remote: str, local: str, name: str, file: str) -> str:
    lines = difflib.unified_diff((remote + "\n").splitlines(keepends=True), (local + "\n").splitlines(keepends=True),
                                 f"remote: {name}", f"local: {Path(file).with_suffix('.js').as_posix()}")
    return "".join(lines)


def compare(project: Project, client, profile: str | None, *, names: list[str] | None = None, prune: bool = False,
            publish: bool = False) -> tuple[Plan, State]:
    """The plan for the project against the client's app: the local actions, one listing of the app, the state."""
    locals_ = local_actions(project, profile)
    listing = remote_listing(client)
    productions = remote_listing(client, production=True).actions if publish else None
    state = State.load(project.root, client.app, client.api_url)
    history = History(project, profile)
    # An action the service holds but cannot be used is left out of the plan on both sides: creating it
    # again would clash with its name, deleting it would act on what nobody could see.
    unusable = listing.unusable_names
    chosen = [a for a in locals_ if a.name not in unusable]
    found = plan(chosen, listing.actions, state, names=names, prune=prune, publish=publish, productions=productions,
                 history=history, also_known=unusable)
    found.unusable = [u for u in listing.unusable if not names or u.name in names]
    return found, state
