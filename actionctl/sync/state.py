"""What actionctl last saw of each action in one profile's app: `.actionctl/state/<profile>.json`.

For each action name: the remote id, the service's `updatedAt`, the hash of the content last pulled
or pushed, and the manifest file. The state only sharpens conflict detection ("changed on the
service since we last synced?"); without it (a fresh clone, a deleted file) everything still works
and ids are found again by name. It is written atomically after every change, so a push that is
killed part-way leaves a state that is true of what landed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl.atomicfile import write_atomic
from actionctl.errors import StateUnwritableError

STATE_DIR = ".actionctl/state"
DEFAULT_PROFILE = "default"
FORMAT = 1


@dataclass
class Entry:
    id: int | str | None
    hash: str
    updated_at: str | None = None
    file: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "updatedAt": self.updated_at, "hash": self.hash, "file": self.file}


@dataclass
class State:
    path: Path
    app: Any
    api_url: str
    entries: dict[str, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, profile: str | None, app: Any, api_url: str) -> State:
        """The state of `profile`; an empty one when there is none, or it is unreadable, or for another app."""
        path = root / STATE_DIR / f"{profile or DEFAULT_PROFILE}.json"
        state = cls(path, app, api_url)
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return state
        if not isinstance(saved, dict) or str(saved.get("app")) != str(app) or saved.get("apiUrl") != api_url:
            return state  # the profile now points at another app: what we knew is about something else
        for name, entry in (saved.get("actions") or {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("hash"), str):
                state.entries[name] = Entry(entry.get("id"), entry["hash"], entry.get("updatedAt"), entry.get("file"))
        return state

    def get(self, name: str) -> Entry | None:
        return self.entries.get(name)

    def record(self, name: str, remote: dict, content_hash: str, file: str | None) -> bool:
        """Remember `remote` as synced with `content_hash`; True when that changed what was known."""
        entry = Entry(remote.get("id"), content_hash, remote.get("updatedAt"), file)
        if self.entries.get(name) == entry:
            return False
        self.entries[name] = entry
        return True

    def forget(self, name: str) -> bool:
        return self.entries.pop(name, None) is not None

    def save(self) -> None:
        body = {"format": FORMAT, "app": self.app, "apiUrl": self.api_url,
                "actions": {name: self.entries[name].as_json() for name in sorted(self.entries)}}
        try:
            write_atomic(self.path, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise StateUnwritableError(f"cannot write {self.path}: {exc.strerror or exc} — what was sent has landed; "
                                  "fix the folder and run the command again (it finds what is already done)") from None
