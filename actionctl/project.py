"""The project: its root (where `actionctl.yaml` is), its configuration and its action manifests."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import sourcefile, yamldoc
from actionctl.diagnostics import Diagnostic, Severity
from actionctl.errors import (
    ConfigBrokenError,
    PathNotFoundError,
    ProjectNotFoundError,
    SettingInvalidError,
    UnknownProfileError,
)
from actionctl.execution.limits import RESULT_BYTES
from actionctl.remote.paths import override_problems, url_problem
from actionctl.suggest import did_you_mean
from actionctl.yamldoc import Mark, YamlDoc, YamlLoadError

CONFIG_FILE = "actionctl.yaml"
DEFAULT_ACTIONS_DIR = "actions"
REGIONS = ("eu", "us", "ca")
CONFIG_KEYS = ("app", "region", "api_url", "api", "actions", "limits", "rate_limits", "vars", "profiles")
PROFILE_KEYS = ("app", "region", "api_url", "api", "limits", "rate_limits", "vars")
# Limits of a run (bytes of JSON, megabytes) when actionctl.yaml sets none. `timeout` (seconds) and `payload`
# (characters of JSON) have no default here: unset, the platform's rules apply (execution/limits.py) — a
# deadline by environment, and a warning rather than a refusal for a long payload.
DEFAULT_LIMITS = {"result": RESULT_BYTES, "memory": 256}
# The most each setting may say: beyond these a number stops being a limit (and stops fitting the
# clocks, counters and the V8 heap it is handed to). A timeout of a day is already no timeout.
MAX_SECONDS = 86_400
LIMIT_MAX = {"timeout": MAX_SECONDS, "payload": 1_000_000_000, "result": 1_000_000_000, "memory": 65_536}
# Requests per window the client allows itself, per kind (the service's published limits by default).
RATE_LIMIT_MAX = {"crud": 1_000_000, "run": 1_000_000, "publish": 1_000_000, "window": MAX_SECONDS}
# Counts of requests are whole: at least one per window.
_RATE_LIMIT_MIN = {"crud": 1, "run": 1, "publish": 1}
# Folders that hold YAML which is not a manifest, or nothing of ours.
_NOT_MANIFEST_DIRS = frozenset({"fixtures", "tests", "node_modules", "__pycache__", "templates"})
_MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass
class Project:
    root: Path
    config_path: Path | None = None
    config: dict[str, Any] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def actions_dir(self) -> Path:
        actions = self.config.get("actions")
        return self.root / (actions if isinstance(actions, str) and actions.strip() else DEFAULT_ACTIONS_DIR)

    def limits(self, profile: str | None = None) -> dict[str, float]:
        """The run limits: the defaults, then the project's `limits:`, then the profile's, key by key (a profile
        that sets only `memory` keeps the project's `timeout`). A profile actionctl.yaml does not define sets
        none: a local run may name one only for its settings file (.actionctl/local/settings.NAME.yaml)."""
        limits = {**DEFAULT_LIMITS, **checked_numbers(self.config.get("limits"), "limits", LIMIT_MAX)}
        profiles = self.config.get("profiles")
        chosen = profiles.get(profile) if profile and isinstance(profiles, dict) else None
        if isinstance(chosen, dict):
            limits.update(checked_numbers(chosen.get("limits"), f"profiles.{profile}.limits", LIMIT_MAX))
        return limits

    def manifests(self) -> list[Path]:
        """Every manifest of the project; a folder that cannot be read is one of `problems`."""
        if self.config_path is None:
            return _walk(self.root, self.problems)
        folder = self.actions_dir
        if _actions_problem(folder, self.root) is not None:
            return []  # reported once, by _load_config
        return _walk(folder, self.problems)

    def settings(self, profile: str | None) -> dict[str, Any]:
        """The settings with the profile's laid over them; PROFILE_UNKNOWN for a profile not defined."""
        if not profile:
            return dict(self.config)
        profiles = self.config.get("profiles") if isinstance(self.config.get("profiles"), dict) else {}
        chosen = profiles.get(profile)
        if not isinstance(chosen, dict):
            known = ", ".join(map(str, profiles)) or "none"
            raise UnknownProfileError(f'no profile "{profile}" in actionctl.yaml'
                                      f"{did_you_mean(profile, list(map(str, profiles)))} (profiles: {known})")
        merged = {**{k: v for k, v in self.config.items() if k != "profiles"}, **chosen}
        if isinstance(self.config.get("api"), dict) and isinstance(chosen.get("api"), dict):
            merged["api"] = {**self.config["api"], **chosen["api"]}  # a profile corrects routes one by one
        return merged

    def relpath(self, path: Path) -> str:
        try:
            return sourcefile.resolved(path).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def find_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding actionctl.yaml."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def open_project(start: Path | None = None, *, required: bool = False) -> Project:
    """The project containing `start` (a file or folder; default: the working directory), for a command to use.

    A broken or invalid actionctl.yaml stops the command here, before it reads a setting or sends a request:
    a default standing in for a setting it cannot read would send the token to another host, or to another
    app. `required`: the command works on a project's actions, so no actionctl.yaml is PROJECT_NOT_FOUND
    (rather than a success on nothing, or a push that plans to delete every action of the app).
    """
    project = inspect_project(start)
    if required:
        require_config(project)
    refuse_broken_config(project)
    return project


def require_config(project: Project) -> None:
    """PROJECT_NOT_FOUND when no actionctl.yaml was found at or above the project's folder."""
    if project.config_path is None:
        raise ProjectNotFoundError(f"{project.root} is not in an actionctl project (no {CONFIG_FILE} here or above) "
                                   "— run `actionctl init` first, or cd into the project")


def inspect_project(start: Path | None = None) -> Project:
    """The project containing `start`, whatever its actionctl.yaml says: its problems are in `problems`, for
    `validate` and `doctor` to report.

    Without an actionctl.yaml anywhere above, the folder itself is the project, with default settings.
    """
    start = (start or Path.cwd()).resolve()
    if not start.exists():
        raise PathNotFoundError(str(start))
    folder = start if start.is_dir() else start.parent
    root = find_root(folder)
    if root is None:
        return Project(folder)
    project = Project(root, root / CONFIG_FILE)
    _load_config(project)
    return project


def refuse_broken_config(project: Project) -> None:
    """CONFIG_INVALID (or the YAML error's code), showing the first problem of actionctl.yaml as `validate` does."""
    errors = sorted((d for d in project.problems if d.severity is Severity.ERROR), key=lambda d: (d.line, d.column))
    if not errors:
        return
    first = errors[0]
    more = f" (and {len(errors) - 1} more: `actionctl validate` lists them)" if len(errors) > 1 else ""
    raise ConfigBrokenError(f"{project.relpath(first.file)}:{first.line}:{first.column}: {first.message}{more}",
                            first.code)


def select_manifests(project: Project, paths: list[Path]) -> list[Path]:
    """The manifests named by `paths` (files, or folders searched recursively); all of them by default."""
    if not paths:
        return project.manifests()
    selected: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise PathNotFoundError(str(path))
        resolved = path.resolve()
        if not _may_hold_manifests(project, resolved):
            continue  # fixtures/, tests/, actionctl.yaml: named by `git diff --name-only | xargs`, never manifests
        if resolved.is_file():
            selected[resolved] = None
        elif resolved == project.root:
            selected.update(dict.fromkeys(project.manifests()))
        else:
            selected.update(dict.fromkeys(_walk(resolved, project.problems)))
    return list(selected)


def _walk(folder: Path, problems: list[Diagnostic]) -> list[Path]:
    """The manifests below `folder`; each folder that cannot be listed is added to `problems` (once)."""
    def unreadable(exc: OSError) -> None:  # os.walk would skip it silently: "0 actions, all valid"
        problem = Diagnostic("FILE_UNREADABLE", f"cannot read the folder: {exc.strerror}",
                             Path(exc.filename or folder), 1, 1)
        if problem not in problems:
            problems.append(problem)

    found = []
    for current, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_MANIFEST_DIRS)
        here = Path(current)  # parsed once per folder, not once per file
        for name in sorted(files):
            if name.endswith(_MANIFEST_SUFFIXES) and not _is_special(name):
                found.append(here / name)
    return found


def _may_hold_manifests(project: Project, path: Path) -> bool:
    """Whether a path named on the command line is, or is in, a place the project's walk looks for manifests."""
    base = project.actions_dir.resolve() if project.config_path is not None else project.root
    for folder in (base, project.root):
        try:
            parts = path.relative_to(folder).parts
            break
        except ValueError:
            continue
    else:
        return True  # outside the project: taken as named
    folders = parts[:-1] if path.is_file() else parts
    if any(part.startswith(".") or part in _NOT_MANIFEST_DIRS for part in folders):
        return False
    return not (path.is_file() and _is_special(path.name))


def _is_special(name: str) -> bool:
    stem = name.rsplit(".", 1)[0]
    return name.startswith(".") or stem == "actionctl" or stem.endswith(".test")


# --- configuration ------------------------------------------------------------------------------

def _load_config(project: Project) -> None:
    path = project.config_path
    try:
        doc = yamldoc.load(sourcefile.read(path, sourcefile.YAML_MAX_BYTES, project.root))
    except YamlLoadError as exc:
        if exc.code != "MANIFEST_EMPTY":  # an empty actionctl.yaml just means "all defaults"
            project.problems.append(Diagnostic(exc.code, exc.message, path, exc.mark.line, exc.mark.column))
        return
    except sourcefile.Refused as exc:
        project.problems.append(Diagnostic(exc.code, exc.message, path, 1, 1))
        return
    except OSError as exc:
        project.problems.append(Diagnostic("FILE_UNREADABLE", f"cannot read: {exc.strerror}", path, 1, 1))
        return
    if doc.data is None:
        return
    if not isinstance(doc.data, dict):
        project.problems.append(_config_problem(doc, path, (), "actionctl.yaml must be a mapping of settings"))
        return
    project.config = doc.data
    project.problems.extend(_check_config(doc, path))
    actions = doc.data.get("actions")
    if isinstance(actions, str) and actions.strip():
        refused = _actions_problem(project.actions_dir, project.root)
        if refused is not None:
            mark = doc.value_mark(("actions",))
            project.problems.append(Diagnostic(refused[0], refused[1].replace("{actions}", repr(actions[:80])),
                                               path, mark.line, mark.column))


def _actions_problem(folder: Path, root: Path) -> tuple[str, str] | None:
    """Why `actions:` cannot be the folder of manifests, as (diagnostic code, message); None when it can."""
    try:
        sourcefile.check_path(folder, root)
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            return "CONFIG_INVALID", f"the actions folder {{actions}} {what} — create it or fix the path"
    except sourcefile.Refused as exc:
        return exc.code, f"actions: {exc.message}"
    except OSError as exc:  # a name too long for the file system, a symlink loop
        return "CONFIG_INVALID", f"the actions folder {{actions}} cannot be used: {exc.strerror}"
    return None


def _check_config(doc: YamlDoc, path: Path) -> list[Diagnostic]:
    problems = [Diagnostic("YAML_DUPLICATE_KEY", f'"{".".join(map(str, d.path))}" is set twice (first on line '
                           f"{d.first.line})", path, d.again.line, d.again.column) for d in doc.duplicates]
    problems += _check_settings(doc, path, (), doc.data, CONFIG_KEYS)
    actions = doc.data.get("actions")
    if actions is not None and not isinstance(actions, str):
        problems.append(_config_problem(doc, path, ("actions",), "actions must be the path of the folder of "
                                        "manifests, e.g. `actions: actions`"))
    profiles = doc.data.get("profiles")
    if profiles is not None and not isinstance(profiles, dict):
        problems.append(_config_problem(doc, path, ("profiles",), "profiles must be a mapping of profile names"))
    elif profiles:
        for name, profile in profiles.items():
            if not isinstance(profile, dict):
                problems.append(_config_problem(doc, path, ("profiles", name), f"profile {name!r} must be a "
                                                "mapping (app, region, api_url, vars, limits)"))
            else:
                problems += _check_settings(doc, path, ("profiles", name), profile, PROFILE_KEYS)
    return problems


def _check_settings(doc: YamlDoc, path: Path, at: tuple, settings: dict, allowed: tuple) -> list[Diagnostic]:
    problems = []
    for key in settings:
        if key not in allowed:
            mark = doc.key_mark((*at, key))
            problems.append(Diagnostic("UNKNOWN_KEY", f'unknown setting "{key}"{did_you_mean(str(key), allowed)}',
                                       path, mark.line, mark.column))
    app = settings.get("app")
    if app is not None and (isinstance(app, bool) or not isinstance(app, int) or app <= 0):
        problems.append(_config_problem(doc, path, (*at, "app"), "app must be the numeric id of the Fliplet app"))
    region = settings.get("region")
    if region is not None and region not in REGIONS:
        problems.append(_config_problem(doc, path, (*at, "region"), f"region must be eu, us or ca, not {region!r}"))
    api_url = settings.get("api_url")
    if api_url is not None and (not isinstance(api_url, str) or url_problem(api_url)):
        problems.append(_config_problem(doc, path, (*at, "api_url"), "api_url must be an http(s) URL"))
    problems += [_config_problem(doc, path, (*at, "api", *where), message)
                 for where, message in override_problems(settings.get("api"))]
    problems += _check_limits(doc, path, at, settings.get("limits"))
    problems += _check_rate_limits(doc, path, at, settings.get("rate_limits"))
    variables = settings.get("vars")
    if variables is not None and not isinstance(variables, dict):
        problems.append(_config_problem(doc, path, (*at, "vars"), "vars must be a mapping of names to values"))
    return problems


def _check_limits(doc: YamlDoc, path: Path, at: tuple, limits: Any) -> list[Diagnostic]:
    return _check_numbers(doc, path, (*at, "limits"), limits, (LIMIT_MAX, {}), "limit",
                          "limits must be a mapping (timeout, payload, result, memory)")


def _check_rate_limits(doc: YamlDoc, path: Path, at: tuple, limits: Any) -> list[Diagnostic]:
    return _check_numbers(doc, path, (*at, "rate_limits"), limits, (RATE_LIMIT_MAX, _RATE_LIMIT_MIN), "rate limit",
                          "rate_limits must be a mapping (crud, run, publish: requests per window; window: seconds)")


def _check_numbers(doc: YamlDoc, path: Path, at: tuple, section: Any, bounds: tuple[dict, dict], noun: str,
                   shape: str) -> list[Diagnostic]:
    """A mapping of known keys to finite positive numbers within bounds (`limits:`, `rate_limits:`)."""
    maxima, minima = bounds
    known = tuple(maxima)
    if section is None:
        return []
    if not isinstance(section, dict):
        return [_config_problem(doc, path, at, shape)]
    problems = []
    for key, value in section.items():
        if key not in known:
            mark = doc.key_mark((*at, key))
            problems.append(Diagnostic("UNKNOWN_KEY", f'unknown {noun} "{key}"{did_you_mean(str(key), known)}',
                                       path, mark.line, mark.column))
        else:
            problem = number_problem(value, maxima[key], minima.get(key))
            if problem is not None:
                problems.append(_config_problem(doc, path, (*at, key), f"{at[-1]}.{key} must be {problem}"))
    return problems


def checked_numbers(section: Any, name: str, maxima: dict[str, float], minima: dict[str, float] | None = None) -> dict:
    """The numbers of `section` (`limits:`, `rate_limits:`) a command uses. One it cannot use (`.inf`, `0`, text) is
    CONFIG_INVALID here as well as in `validate`, for the commands that do not validate first: no default stands in
    for it unsaid."""
    if not isinstance(section, dict):
        return {}
    minima = minima or {}
    for key, value in section.items():
        wanted = number_problem(value, maxima[key], minima.get(key)) if key in maxima else None
        if wanted is not None:
            raise SettingInvalidError(f"{name}.{key} is {value!r} in actionctl.yaml; it must be {wanted}")
    return {k: v for k, v in section.items() if k in maxima}


def rate_limits(settings: dict) -> dict[str, float]:
    """The `rate_limits:` of chosen settings (requests per window; `window` in seconds)."""
    return checked_numbers(settings.get("rate_limits"), "rate_limits", RATE_LIMIT_MAX, _RATE_LIMIT_MIN)


def number_problem(value: Any, most: float, least: float | None = None) -> str | None:
    """What a setting must be, when `value` is not a finite number above zero (and `least`) up to `most`."""
    wanted = f"a positive number up to {most:,}" if least is None else f"a number from {least:,} to {most:,}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return wanted
    if isinstance(value, float) and not math.isfinite(value):  # an int has no float form past 1e308: no isfinite
        return wanted  # .inf and .nan are floats to YAML; no clock or counter can use them
    if value <= 0 or (least is not None and value < least) or value > most:
        return wanted
    return None


def _config_problem(doc: YamlDoc, path: Path, at: tuple, message: str) -> Diagnostic:
    mark: Mark = doc.value_mark(at)
    return Diagnostic("CONFIG_INVALID", message, path, mark.line, mark.column, Severity.ERROR)
