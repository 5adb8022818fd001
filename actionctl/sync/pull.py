"""`pull`: the service's actions written into the repository, never at the cost of a local edit.

A local file is only replaced when nothing would be lost: its content is what was last synced (the
state says so) or git holds it committed. Edits not yet pushed, or not committed, are reported and
left alone unless `--force`. Manifests are edited in place (see manifest_writer), code files are
replaced whole; every write is atomic. Values equal to one of the profile's variables go back to
their `@@NAME@@` placeholder, so that push → pull leaves the repository as it was.

An action's two files are written as a pair: both temporary files first, then renamed, the manifest
last (it is what makes the files an action). Before any file is written the state notes, in one save,
each file's hash before and after; a pull killed between two renames, or after some actions, or
stopped by a full disk leaves files that are each one or the other, which the next pull knows for its
own and finishes instead of refusing them as local edits. Temporary files of a killed pull are
removed by the next one. Entries of the service's listing that cannot be used, and names that
cannot be file names here, are set aside with their reason (listing.py).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import lookup, sourcefile, variables
from actionctl.atomicfile import our_temp_files, remove_quietly, write_all, write_new
from actionctl.manifest import load_manifest
from actionctl.project import Project
from actionctl.schema import SCHEMA_FILE, schema_text
from actionctl.sync import manifest_writer
from actionctl.sync.history import Git
from actionctl.sync.listing import Unusable, remote_listing
from actionctl.sync.local import content_hash, local_actions, normalise, same_content
from actionctl.sync.model import SYNCED_FIELDS, LocalAction
from actionctl.sync.state import STATE_DIR, State

_NEW_FILE_MIN = 4
_FILE_NAME_MAX = 255  # bytes, where the file system does not say


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
    unusable: list[Unusable] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"written": [w.as_json() for w in self.written], "unchanged": self.unchanged,
                "refused": [r.as_json() for r in self.refused], "localOnly": self.local_only,
                "unusable": [u.as_json() for u in self.unusable]}


def pull(project: Project, client, profile: str | None, *, names: list[str] | None = None,
         force: bool = False) -> PullReport:
    _remove_stale_temps(project)
    locals_ = {a.name: a for a in local_actions(project, profile)}
    listing = remote_listing(client)
    remotes = listing.actions
    _check_names(names, locals_, remotes + [{"name": n} for n in listing.unusable_names], lookup.on_service(client))
    state = State.load(project.root, client.app, client.api_url)
    values = variables.for_deploy(project.config, profile)  # what push filled in
    report = PullReport(unusable=[u for u in listing.unusable if not names or u.name in names])
    git = Git(project.root)
    renamed = _renamed_on_the_service(locals_, remotes, state)
    writes = _Writes()
    for remote in sorted(remotes, key=lambda a: a["name"]):
        name = remote["name"]
        if names and name not in names:
            continue
        local = locals_.get(name) or locals_.get(renamed.get(name))
        if local is None:
            done = _create(project, remote, values, state)
            if not isinstance(done, tuple):
                (report.refused if isinstance(done, Refused) else report.unusable).append(done)
                continue
            report.written.append(done[0])
            writes.add(name, done[1], (None, remote, done[0].files[0]))
        elif normalise(local.fields) == normalise(remote):
            report.unchanged.append(name)
            _record(state, local.name, remote, local.file)
        else:
            refusal = None if force else _why_not(project, local, state, git)
            if refusal is not None:
                report.refused.append(refusal)
                continue
            written, files = _update(project, local, remote, values)
            report.written.append(written)
            writes.add(local.name, files, (local.name, remote, local.file))
    writes.apply(project, state)
    remote_names = {a["name"] for a in remotes} | set(renamed.values()) | listing.unusable_names
    report.local_only = sorted(n for n in locals_ if n not in remote_names and (not names or n in names))
    state.save()
    return report


@dataclass
class _Writes:
    """The pairs of files a pull writes: noted in the state in one save before any lands, recorded once all did.

    Recording an action as synced before its files are written would let a push, after a kill, take
    the old files for the service's copy; noting them first lets the next pull know them for its own.
    """

    pairs: list[tuple[str, dict[Path, str], tuple[str | None, dict, str]]] = field(default_factory=list)

    def add(self, name: str, files: dict[Path, str], landed: tuple[str | None, dict, str]) -> None:
        self.pairs.append((name, files, landed))

    def apply(self, project: Project, state: State) -> None:
        for name, files, _landed in self.pairs:
            state.begin(name, {project.relpath(p): [_sha_of(p, project), _sha(text)] for p, text in files.items()})
        if self.pairs:
            state.save()
        for name, files, (known_as, remote, file) in self.pairs:
            write_all(files)  # the manifest last: it is what makes the files an action
            _record(state, known_as, remote, file)
            state.end(name)


def _record(state: State, known_as: str | None, remote: dict, file: str) -> None:
    """`remote` as synced, under its name on the service (a name it had here is forgotten)."""
    if known_as is not None and known_as != remote["name"]:
        state.forget(known_as)
    state.record(remote["name"], remote, content_hash(remote), file)
    state.end(known_as or remote["name"])


def _remove_stale_temps(project: Project) -> None:
    """Temporary files a killed pull (or push) left behind: never the user's, and `git add -A` would take them."""
    for folder in (project.actions_dir, project.root / STATE_DIR):
        for path in our_temp_files(folder):
            remove_quietly(path)


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
    if _half_done(project, state, local.name, files):
        return None  # our own pull, stopped between its two renames: finishing it loses nothing
    shown = [project.relpath(f) for f in files]
    entry = state.get(local.name)
    if entry is not None and not same_content(entry, local.fields):
        return Refused(local.name, shown, "edited here since the last push or pull (push it, or pull --force "
                                          "to discard the edit)")
    status = git.status(files)
    if status == "dirty":
        return Refused(local.name, shown, "uncommitted changes (commit or stash them, or pull --force)")
    if entry is None and status != "clean":
        return Refused(local.name, shown, "differs from the service, was never pushed or pulled, and git does not "
                                          "hold a copy (commit it, or pull --force)")
    return None


def _half_done(project: Project, state: State, name: str, files: list[Path]) -> bool:
    """Whether each of `files` is as our pull of `name` found it or as it was writing it (see state.py)."""
    pending = state.pending.get(name)
    if not pending:
        return False
    return all(_sha_of(path, project) in (pending.get(project.relpath(path)) or [None]) for path in files)


def _file_name_problem(folder: Path, name: str) -> str | None:
    """Why `name` cannot name an action's files in `folder`: the service forbids such names (and a path must
    not follow one), or `<name>.yaml` is longer than a file name can be here."""
    from actionctl.rules.name import name_problems

    problems = name_problems(name)
    if problems:
        return f"the name cannot be a file name: {problems[0][1]}"
    longest = len(f"{name}.yaml".encode())
    limit = _name_max(folder)
    if longest > limit:
        return (f"the name is {len(name)} characters long: its manifest's file name would be {longest} bytes, and a "
                f"file name can have {limit} here — rename it on the service")
    return None


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # no such folder yet, or no pathconf (Windows)
        return _FILE_NAME_MAX


def _create(project: Project, remote: dict, values: dict,
            state: State) -> tuple[Written, dict[Path, str]] | Refused | Unusable:
    folder = project.actions_dir
    name = remote["name"]
    problem = _file_name_problem(folder, name)
    if problem is not None:
        from actionctl.render.printable import printable

        return Unusable(f'"{printable(name)}"', problem, name)
    manifest, code = folder / f"{name}.yaml", folder / f"{name}.js"
    # A new file never named a variable: only distinctive values (a URL, an id of 4+ digits) are taken
    # back inside text, while a field that is exactly a variable's value always is.
    fields = {k: variables.restore_data(remote.get(k), values, _NEW_FILE_MIN) for k in SYNCED_FIELDS if k != "code"}
    schema = project.root / SCHEMA_FILE
    write_new(schema, schema_text())
    text = manifest_writer.render(fields, Path(os.path.relpath(schema, folder)).as_posix())
    taken = [project.relpath(p) for p in (manifest, code) if p.exists()]
    if taken and not _half_done(project, state, name, [manifest, code]):
        return Refused(name, taken, "the files exist but belong to no action of this name (move them away)")
    code_text = variables.restore_text(remote.get("code") or "", values, _NEW_FILE_MIN)
    return (Written(name, "created", [project.relpath(manifest), project.relpath(code)]),
            {code: code_text, manifest: text})


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sha_of(path: Path, project: Project) -> str | None:
    """The file's hash, read as every project file is (sourcefile: a FIFO there must not hang the pull);
    None when there is no file actionctl would read."""
    try:
        return hashlib.sha256(sourcefile.read(path, sourcefile.CODE_MAX_BYTES, project.root)).hexdigest()
    except (OSError, sourcefile.Refused):
        return None


def _update(project: Project, local: LocalAction, remote: dict, values: dict) -> tuple[Written, dict[Path, str]]:
    """Write only what differs: the changed manifest fields, and the code file if the code changed."""
    mine, theirs = normalise(local.fields), normalise(remote)
    raw = load_manifest(local.manifest, project.root)  # as written, placeholders and all
    used = variables.used_in(raw.data)
    own_values = {k: v for k, v in values.items() if k in used}
    changed = {f: variables.restore_data(remote.get(f), own_values) for f in SYNCED_FIELDS
               if f != "code" and mine[f] != theirs[f]}
    files: dict[Path, str] = {}
    if mine["code"] != theirs["code"]:
        code_values = {k: v for k, v in values.items() if k in variables.used_in(raw.code.text if raw.code else "")}
        files[local.code] = variables.restore_text(remote.get("code") or "", code_values)
    if changed:
        files[local.manifest] = manifest_writer.update(raw.doc.text, changed)
    return Written(remote["name"], "updated", [project.relpath(path) for path in reversed(files)]), files
