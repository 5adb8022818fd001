"""What actions a project holds, read quickly (no code analysis): for `list` and `schedule`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import lookup, schedule
from actionctl.manifest import DEFAULT_ENVIRONMENT, load_manifest, trigger_kinds
from actionctl.project import Project


@dataclass
class ActionInfo:
    name: str | None
    file: str  # manifest, relative to the project
    code: str | None
    environment: Any
    active: Any
    triggers: list[str] | None
    frequency: Any
    timezone: Any
    dependencies: list[Any] | None
    readable: bool  # False when the manifest could not be loaded: then nothing it would say is known (None)
    problem: str | None = None  # why it could not be loaded

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ScheduleInfo:
    name: str
    frequency: str
    timezone: str | None  # None: the service's default zone (the preview assumes UTC for it)
    description: str
    runs: list[schedule.Run] = field(default_factory=list)
    error: str | None = None


def actions(project: Project) -> list[ActionInfo]:
    return [_info(project, path) for path in project.manifests()]


def _info(project: Project, path: Path) -> ActionInfo:
    manifest = load_manifest(path, project.root, with_code=False)
    if manifest.problem is not None:  # a default shown here ("server", inactive) would be a guess
        problem = f"{manifest.problem.code}: {manifest.problem.message}"
        return ActionInfo(manifest.name, project.relpath(path), code=None, environment=None, active=None,
                          triggers=None, frequency=None, timezone=None, dependencies=None, readable=False,
                          problem=problem)
    data = manifest.data
    kinds = trigger_kinds(data)
    setting = data.get("code")
    code = path.parent / setting if isinstance(setting, str) and setting.strip() else path.with_suffix(".js")
    dependencies = data.get("dependencies")
    return ActionInfo(
        name=manifest.name,
        file=project.relpath(path),
        code=project.relpath(code),
        environment=data.get("environment") or DEFAULT_ENVIRONMENT,
        active=data.get("active", False),
        triggers=[str(k) for k in kinds],
        frequency=data.get("frequency"),
        timezone=data.get("timezone"),
        dependencies=dependencies if isinstance(dependencies, list) else [],
        readable=True,
    )


def select(infos: list[ActionInfo], names: list[str]) -> list[ActionInfo]:
    """The actions named, in the order named; ACTION_NOT_FOUND for a name no manifest has."""
    return lookup.pick(names, infos, lambda info: info.name, where=lookup.IN_REPOSITORY, hint=lookup.LOCAL_HINT)


def schedules(infos: list[ActionInfo], count: int, after: dt.datetime) -> list[ScheduleInfo]:
    """Upcoming runs of every action that has a frequency."""
    found = []
    for info in infos:
        if not isinstance(info.frequency, str) or not info.name:
            continue
        zone = info.timezone if isinstance(info.timezone, str) and info.timezone else None
        item = ScheduleInfo(info.name, info.frequency, zone, schedule.describe(info.frequency))
        problem = schedule.check_frequency(info.frequency)
        if problem is not None and problem.code == "FREQUENCY_INVALID":
            item.error = f"{problem.code}: {problem.message}"
        elif zone is not None and schedule.check_timezone(zone) is not None:
            item.error = f"TIMEZONE_INVALID: unknown time zone {zone!r}"
        else:
            item.runs = schedule.next_runs(info.frequency, zone, after, count)
        found.append(item)
    return found
