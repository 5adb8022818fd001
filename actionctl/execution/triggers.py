"""Which local actions a log or analytics event would start, by the service's matching rules.

log: the trigger's `where.type` and `where.dataSourceId` equal the event's (an absent filter matches all).
analytics: `where.type` equals the event's, and `where.data` is a subset of the event's data.
Inactive actions never run, so they never match.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actionctl.manifest import ManifestFile, load_manifest
from actionctl.project import Project


@dataclass
class Match:
    manifest: ManifestFile
    name: str
    trigger_index: int


def matching(project: Project, kind: str, event: dict) -> list[Match]:
    found = []
    for path in project.manifests():
        manifest = load_manifest(path, project.root, with_code=False)
        data = manifest.data
        if data.get("active") is not True or not manifest.name:
            continue
        triggers = data.get("triggers") if isinstance(data.get("triggers"), list) else []
        for index, trigger in enumerate(triggers):
            if isinstance(trigger, dict) and trigger.get("trigger") == kind and matches(kind, trigger, event):
                found.append(Match(manifest, manifest.name, index))
                break
    return found


def matches(kind: str, trigger: dict, event: dict) -> bool:
    where = trigger.get("where") or {}
    if not isinstance(where, dict):
        return False
    if "type" in where and where["type"] != event.get("type"):
        return False
    if kind == "log":
        return "dataSourceId" not in where or _same(where["dataSourceId"], event.get("dataSourceId"))
    return _subset(where.get("data") or {}, event.get("data") or {})


def _same(left: Any, right: Any) -> bool:
    return str(left) == str(right)


def _subset(wanted: Any, actual: Any) -> bool:
    if isinstance(wanted, dict):
        return isinstance(actual, dict) and all(k in actual and _subset(v, actual[k]) for k, v in wanted.items())
    return wanted == actual
