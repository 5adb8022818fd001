"""The data of a sync: local actions, the steps of a plan, and what applying it did.

A plan is data: `diff` prints the same Plan that `push` applies, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The platform's fields, and nothing else: a key only a manifest has (manifest.NOT_PLATFORM_FIELDS) is
# never sent, compared or pulled.
SYNCED_FIELDS = ("name", "description", "code", "active", "environment", "triggers", "dependencies", "frequency",
                 "timezone")
# The kinds of step a plan holds; the first five change something on the service. PUBLISH is "publish
# only": an unchanged action whose production copy is missing or behind (with --publish).
CREATE, UPDATE, DELETE, CONFLICT, PUBLISH = "create", "update", "delete", "conflict", "publish"
UNCHANGED, REMOTE_ONLY = "unchanged", "remote-only"
WRITES = (CREATE, UPDATE, DELETE, CONFLICT, PUBLISH)
KINDS = (*WRITES, UNCHANGED, REMOTE_ONLY)
_SUMMARY_KEYS = {PUBLISH: "publishOnly", REMOTE_ONLY: "remoteOnly"}


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
    publish: bool = False  # published once written (always, for a PUBLISH step)

    @property
    def id(self) -> Any:
        return self.remote.get("id") if self.remote else None

    @property
    def published(self) -> bool | None:
        from actionctl.remote.publish_state import is_published

        return is_published(self.remote) if self.remote else None

    def payload(self) -> dict[str, Any]:
        """What to send: on create, the fields the manifest sets; on update, only the changed ones, as compared
        (a cleared description goes as null, whether the manifest says "" or nothing) — and the code as written."""
        if self.kind == CREATE:
            return {key: value for key, value in self.local.fields.items() if key in SYNCED_FIELDS}
        return {change.field: self.local.fields["code"] if change.field == "code" else change.local
                for change in self.changes}

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "action": self.kind, "id": self.id,
                "file": self.local.file if self.local else None, "published": self.published,
                "publish": self.publish, "reason": self.reason or None,
                "changes": [c.as_json() for c in self.changes], "codeDiff": self.code_diff or None,
                "fields": list(self.payload()) if self.kind == CREATE else None}


@dataclass
class Plan:
    steps: list[Step]
    unusable: list = field(default_factory=list)  # entries of the service's listing set aside (listing.py)

    def of_kind(self, *kinds: str) -> list[Step]:
        return [s for s in self.steps if s.kind in kinds]

    @property
    def writes(self) -> list[Step]:
        """The steps that change something on the service, publishing only included."""
        return self.of_kind(*WRITES)

    @property
    def has_changes(self) -> bool:
        return bool(self.writes)

    def summary(self) -> dict[str, int]:
        """The number of steps of each kind, and under "publish" every step that publishes."""
        counts = {_SUMMARY_KEYS.get(kind, kind): len(self.of_kind(kind)) for kind in KINDS}
        return {**counts, "publish": sum(1 for s in self.steps if s.publish)}

    def as_json(self) -> dict[str, Any]:
        return {"changes": self.has_changes, "summary": self.summary(), "actions": [s.as_json() for s in self.steps],
                "unusable": [u.as_json() for u in self.unusable]}


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
