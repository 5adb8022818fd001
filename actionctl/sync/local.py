"""The repository's side of a sync: each action as a push would send it, normalised for comparison.

Both sides are compared on normalised fields (defaults filled in, trailing newlines of code and the
order of unordered lists ignored), so a plan lists only changes the service would notice.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from actionctl.errors import LocalUnreadableError, NameTakenError
from actionctl.manifest import DEFAULT_ENVIRONMENT, ManifestFile
from actionctl.project import Project
from actionctl.sync.model import SYNCED_FIELDS, LocalAction
from actionctl.sync.state import Entry


def normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """The synced fields as the service would hold them, in a form where equal means "no change"."""
    code = fields.get("code")
    triggers = fields.get("triggers") if isinstance(fields.get("triggers"), list) else []
    dependencies = fields.get("dependencies") if isinstance(fields.get("dependencies"), list) else []
    return {
        "name": fields.get("name"),
        "description": fields.get("description") or None,
        "code": code.replace("\r\n", "\n").rstrip("\n") if isinstance(code, str) else code,
        "active": fields.get("active") is True,
        "environment": fields.get("environment") or DEFAULT_ENVIRONMENT,
        # Which triggers an action has is a set; the order of dependencies is their load order.
        "triggers": sorted((_trigger(t) for t in triggers), key=_canonical),
        "dependencies": list(dependencies),
        "frequency": fields.get("frequency") or None,
        # None is "the server's default", which nobody has published: not the same as any named zone.
        "timezone": fields.get("timezone") or None,
    }


def content_hash(fields: dict[str, Any]) -> str:
    return _hash(normalise(fields))


def same_content(entry: Entry, fields: dict[str, Any]) -> bool:
    """Whether `fields` are what the state `entry`'s hash was taken of. An entry an earlier actionctl wrote
    (`legacy`) was hashed with no timezone read as UTC: it matches that way too, or every action without a
    timezone would look edited on the service after an upgrade. A new entry matches only its own hash, so
    a change between UTC and no timezone (the server's default) is always a change."""
    normalised = normalise(fields)
    if entry.hash == _hash(normalised):
        return True
    return entry.legacy and entry.hash == _hash({**normalised, "timezone": normalised["timezone"] or "UTC"})


def _hash(normalised: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(normalised).encode("utf-8")).hexdigest()[:32]


def _trigger(trigger: Any) -> Any:
    if isinstance(trigger, dict):
        return {k: v for k, v in trigger.items() if v is not None}
    return trigger


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def local_actions(project: Project, profile: str | None) -> list[LocalAction]:
    """Every action of the project as a push would send it; LOCAL_UNREADABLE when one cannot be read."""
    from actionctl.validation import load_action

    found: dict[str, LocalAction] = {}
    for path in project.manifests():
        manifest, undefined = load_action(project, path, profile, deploying=True)
        problem = _unreadable(manifest) or (undefined[0].message if undefined else None)
        if problem:
            raise LocalUnreadableError(f"{project.relpath(path)}: {problem} — `actionctl validate` says more")
        local = LocalAction(manifest.name, path, project.relpath(path), fields_of(manifest), manifest.code.path)
        if local.name in found:
            raise NameTakenError(f'{local.file} and {found[local.name].file} are both named "{local.name}"')
        found[local.name] = local
    return list(found.values())


def fields_of(manifest: ManifestFile) -> dict[str, Any]:
    """The API fields the manifest sets (defaults are `normalise`'s to fill in), with `code` the text of the
    code file: exactly what a create sends, so nothing the manifest leaves out goes to the service."""
    data = manifest.data
    fields = {name: data[name] for name in SYNCED_FIELDS if name != "code" and name in data}
    fields["code"] = manifest.code.text if manifest.code is not None else None
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
