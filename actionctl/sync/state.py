"""What actionctl last saw of each action of one app on one service: `.actionctl/state/<app>@<host>.json`.

The file belongs to the app and the service it was synced with, whichever profile (or `--app`) reached
them: a push to another app must not overwrite what was known of this one, or a later edit on this one
in the browser would no longer be seen as a conflict.

For each action name: the remote id, the service's `updatedAt`, the hash of the content last pulled
or pushed, and the manifest file. The state only sharpens conflict detection ("changed on the
service since we last synced?"); without it (a fresh clone, a deleted file) everything still works
and ids are found again by name. It is written atomically after every change, so a push that is
killed part-way leaves a state that is true of what landed.

Two commands may sync from one folder at once (two pushes of different actions): each saves under a
lock beside the file (`<profile>.json.lock`), reading what is there and applying only its own changes
to it, so neither loses the other's entries.

A pull about to replace an action's files first notes, under `pending`, each file's hash before and
after; a pull killed between the two renames leaves files that are each one or the other, which the
next pull recognises as its own half-done write and finishes (see pull.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from actionctl.atomicfile import locked, write_atomic
from actionctl.errors import FileUnwritableError, StateUnwritableError

STATE_DIR = ".actionctl/state"
FORMAT = 1
# What a file name keeps of an app id or a host: enough to tell them apart and to read; the file itself says
# exactly which app and URL it is about, and is not used for another.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_NAME_KEEP = 100


# How content hashes are taken (sync/local.py). Entries written before `hashing: 2` read a missing timezone
# as UTC; theirs are matched both ways until the action is next synced (see local.same_content).
HASHING = 2


@dataclass
class Entry:
    id: int | str | None
    hash: str
    updated_at: str | None = None
    file: str | None = None
    legacy: bool = False  # a hash taken by an earlier actionctl, when no timezone counted as UTC

    def as_json(self) -> dict[str, Any]:
        body = {"id": self.id, "updatedAt": self.updated_at, "hash": self.hash, "file": self.file}
        return body if self.legacy else {**body, "hashing": HASHING}


@dataclass
class State:
    path: Path
    app: Any
    api_url: str
    entries: dict[str, Entry] = field(default_factory=dict)
    # {action name: {file: [sha256 before, sha256 after]}} for a pull's write in progress (None: no file)
    pending: dict[str, dict[str, list[str | None]]] = field(default_factory=dict)
    # What this process changed since it last loaded or saved: applied to the file as it is when saving.
    _changed: dict[str, Entry | None] = field(default_factory=dict, repr=False)
    _pending_changed: dict[str, dict | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: Path, app: Any, api_url: str) -> State:
        """The state of `app` at `api_url`; an empty one when there is none, or it is unreadable."""
        return cls._read(state_path(root, app, api_url), app, api_url)

    @classmethod
    def _read(cls, path: Path, app: Any, api_url: str) -> State:
        state = cls(path, app, api_url)
        saved = _saved(path, app)
        if saved is None or saved.get("apiUrl") != api_url:
            return state  # the profile now points at another app: what we knew is about something else
        for name, entry in (saved.get("actions") or {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("hash"), str):
                state.entries[name] = Entry(entry.get("id"), entry["hash"], entry.get("updatedAt"), entry.get("file"),
                                            legacy=entry.get("hashing") != HASHING)
        pending = saved.get("pending")
        state.pending = {k: v for k, v in pending.items() if isinstance(v, dict)} if isinstance(pending, dict) else {}
        return state

    def get(self, name: str) -> Entry | None:
        return self.entries.get(name)

    def record(self, name: str, remote: dict, content_hash: str, file: str | None) -> bool:
        """Remember `remote` as synced with `content_hash`; True when that changed what was known."""
        entry = Entry(remote.get("id"), content_hash, remote.get("updatedAt"), file)
        if self.entries.get(name) == entry:
            return False
        self.entries[name] = self._changed[name] = entry
        return True

    def forget(self, name: str) -> bool:
        if name not in self.entries:
            return False
        del self.entries[name]
        self._changed[name] = None
        return True

    def begin(self, name: str, files: dict[str, list[str | None]]) -> None:
        """Note that `name`'s files are about to go from one hash to another (see pull.py)."""
        self.pending[name] = self._pending_changed[name] = files

    def end(self, name: str) -> None:
        if self.pending.pop(name, None) is not None:
            self._pending_changed[name] = None

    def save(self) -> None:
        """Write this process's changes into the file as it is now, under the lock."""
        try:
            with locked(self.path):
                current = State._read(self.path, self.app, self.api_url)
                _apply(current.entries, self._changed)
                _apply(current.pending, self._pending_changed)
                write_atomic(self.path, json.dumps(current._body(), indent=2, ensure_ascii=False) + "\n")
        except (OSError, FileUnwritableError) as exc:
            reason = exc.message if isinstance(exc, FileUnwritableError) else exc.strerror or exc
            raise StateUnwritableError(f"cannot write {self.path}: {reason} — what was sent has landed; "
                                  "fix the folder and run the command again (it finds what is already done)") from None
        self.entries, self.pending = current.entries, current.pending
        self._changed.clear()
        self._pending_changed.clear()

    def _body(self) -> dict[str, Any]:
        body = {"format": FORMAT, "app": self.app, "apiUrl": self.api_url,
                "actions": {name: self.entries[name].as_json() for name in sorted(self.entries)}}
        if self.pending:
            body["pending"] = {name: self.pending[name] for name in sorted(self.pending)}
        return body


def _apply(into: dict, changes: dict) -> None:
    for name, value in changes.items():
        if value is None:
            into.pop(name, None)
        else:
            into[name] = value


def state_path(root: Path, app: Any, api_url: str) -> Path:
    """Where the state of `app` at `api_url` is kept: `.actionctl/state/<app>@<host>.json`."""
    parts = urlsplit(api_url)
    host = _file_name_part(parts.netloc + parts.path.rstrip("/"))
    return root / STATE_DIR / f"{_file_name_part(str(app))}@{host}.json"


def _file_name_part(text: str) -> str:
    return _UNSAFE.sub("-", text).strip("-.")[:_NAME_KEEP] or "-"


def known_ids(root: Path, app: Any, api_url: str) -> dict[str, Any]:
    """Each action's id on the service as last pushed or pulled for `app` at `api_url`; {} when unknown.

    What a local run answers for Fliplet.App.V3.Actions ids: a project never synced has none.
    """
    saved = _saved(state_path(root, app, api_url), app)
    if saved is None or saved.get("apiUrl") != api_url or not isinstance(saved.get("actions"), dict):
        return {}
    return {name: entry.get("id") for name, entry in saved["actions"].items() if isinstance(entry, dict)}


def _saved(path: Path, app: Any) -> dict | None:
    """The state file's content when it is readable and about `app`; None otherwise."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved if isinstance(saved, dict) and str(saved.get("app")) == str(app) else None
