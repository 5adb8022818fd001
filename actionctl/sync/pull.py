"""`pull`: the service's actions written into the repository, never at the cost of a local edit.

A local file is only replaced when nothing would be lost: its content is what was last synced (the
state says so) or git holds it committed. Edits not yet pushed, or not committed, are reported and
left alone unless `--force`. Manifests are edited in place (see manifest_writer), code files are
replaced whole; every write is atomic. Values equal to one of the profile's variables go back to
their `@@NAME@@` placeholder, so that push → pull leaves the repository as it was.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import lookup, variables
from actionctl.atomicfile import write_atomic, write_new
from actionctl.manifest import load_manifest
from actionctl.project import Project
from actionctl.schema import SCHEMA_FILE, schema_text
from actionctl.sync import manifest_writer
from actionctl.sync.history import Git
from actionctl.sync.local import content_hash, local_actions, normalise
from actionctl.sync.model import SYNCED_FIELDS, LocalAction
from actionctl.sync.state import State

_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
_NEW_FILE_MIN = 4


@dataclass
class Written:
    name: str
    kind: str  # "created" | "updated"
    files: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.kind, "files": self.files}


@dataclass
class Refused:
    name: str
    files: list[str]
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "files": self.files, "reason": self.reason}


@dataclass
class PullReport:
    written: list[Written] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    local_only: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"written": [w.as_json() for w in self.written], "unchanged": self.unchanged,
                "refused": [r.as_json() for r in self.refused], "localOnly": self.local_only}


def pull(project: Project, client, profile: str | None, *, names: list[str] | None = None,
         force: bool = False) -> PullReport:
    locals_ = {a.name: a for a in local_actions(project, profile)}
    remotes = client.list_actions()
    _check_names(names, locals_, remotes, lookup.on_service(client))
    state = State.load(project.root, profile, client.app, client.api_url)
    values = variables.for_deploy(project.config, profile)  # what push filled in
    report = PullReport()
    git = Git(project.root)
    renamed = _renamed_on_the_service(locals_, remotes, state)
    for remote in sorted(remotes, key=lambda a: str(a.get("name"))):
        name = remote.get("name")
        if names and name not in names:
            continue
        local = locals_.get(name) or locals_.get(renamed.get(name))
        if local is None:
            done = _create(project, remote, values)
            if isinstance(done, Refused):
                report.refused.append(done)
                continue
            report.written.append(done)
        elif normalise(local.fields) == normalise(remote):
            report.unchanged.append(name)
        else:
            refusal = None if force else _why_not(project, local, state, git)
            if refusal is not None:
                report.refused.append(refusal)
                continue
            report.written.append(_update(project, local, remote, values))
        if local is not None and local.name != name:
            state.forget(local.name)
        state.record(name, remote, content_hash(remote), (local.file if local else report.written[-1].files[0]))
    remote_names = {a.get("name") for a in remotes} | set(renamed.values())
    report.local_only = sorted(n for n in locals_ if n not in remote_names and (not names or n in names))
    state.save()
    return report


def _renamed_on_the_service(locals_: dict[str, LocalAction], remotes: list[dict], state: State) -> dict[str, str]:
    """{new name: old name} for actions renamed on the service: the id the state knows under a local name
    now carries a name the repository does not have. Their manifests are updated, not duplicated."""
    remote_names = {a.get("name") for a in remotes}
    names_by_id = {str(entry.id): old for old, entry in state.entries.items()}
    found = {}
    for remote in remotes:
        old = names_by_id.get(str(remote.get("id")))
        if old and old != remote.get("name") and old in locals_ and old not in remote_names \
                and remote.get("name") not in locals_:
            found[remote.get("name")] = old
    return found


def _check_names(names: list[str] | None, locals_: dict, remotes: list[dict], where: str) -> None:
    known = sorted(str(a.get("name")) for a in remotes)
    for name in names or []:
        hint = "it is only in the repository" if name in locals_ else lookup.REMOTE_HINT
        lookup.pick([name], known, str, where=where, hint=hint)


def _why_not(project: Project, local: LocalAction, state: State, git: Git) -> Refused | None:
    """Why replacing the local files could lose an edit; None when it cannot."""
    files = [local.manifest, local.code]
    shown = [project.relpath(f) for f in files]
    entry = state.get(local.name)
    if entry is not None and entry.hash != content_hash(local.fields):
        return Refused(local.name, shown, "edited here since the last push or pull (push it, or pull --force "
                                          "to discard the edit)")
    status = git.status(files)
    if status == "dirty":
        return Refused(local.name, shown, "uncommitted changes (commit or stash them, or pull --force)")
    if entry is None and status != "clean":
        return Refused(local.name, shown, "differs from the service, was never pushed or pulled, and git does not "
                                          "hold a copy (commit it, or pull --force)")
    return None


def _create(project: Project, remote: dict, values: dict) -> Written | Refused:
    folder = project.actions_dir
    name = str(remote.get("name"))
    if not _SAFE_FILE_NAME.fullmatch(name):  # the service forbids such names; a file path must not follow one
        return Refused(name, [], "the name cannot be a file name (only letters, digits, - and _ can)")
    manifest, code = folder / f"{name}.yaml", folder / f"{name}.js"
    # A new file never named a variable: only distinctive values (a URL, an id of 4+ digits) are taken
    # back inside text, while a field that is exactly a variable's value always is.
    fields = {k: variables.restore_data(remote.get(k), values, _NEW_FILE_MIN) for k in SYNCED_FIELDS if k != "code"}
    schema = project.root / SCHEMA_FILE
    write_new(schema, schema_text())
    text = manifest_writer.render(fields, Path(os.path.relpath(schema, folder)).as_posix())
    taken = [project.relpath(p) for p in (manifest, code) if p.exists()]
    if taken:
        return Refused(name, taken, "the files exist but belong to no action of this name (move them away)")
    write_new(code, variables.restore_text(remote.get("code") or "", values, _NEW_FILE_MIN))
    write_new(manifest, text)
    return Written(name, "created", [project.relpath(manifest), project.relpath(code)])


def _update(project: Project, local: LocalAction, remote: dict, values: dict) -> Written:
    """Write only what differs: the changed manifest fields, and the code file if the code changed."""
    mine, theirs = normalise(local.fields), normalise(remote)
    raw = load_manifest(local.manifest, project.root)  # as written, placeholders and all
    used = variables.used_in(raw.data)
    own_values = {k: v for k, v in values.items() if k in used}
    changed = {f: variables.restore_data(remote.get(f), own_values) for f in SYNCED_FIELDS
               if f != "code" and mine[f] != theirs[f]}
    files = []
    if changed:
        write_atomic(local.manifest, manifest_writer.update(raw.doc.text, changed))
        files.append(project.relpath(local.manifest))
    if mine["code"] != theirs["code"]:
        code_values = {k: v for k, v in values.items() if k in variables.used_in(raw.code.text if raw.code else "")}
        write_atomic(local.code, variables.restore_text(remote.get("code") or "", code_values))
        files.append(project.relpath(local.code))
    return Written(str(remote.get("name")), "updated", files)
