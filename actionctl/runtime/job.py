"""The worker's job: what one run of an action needs, built in one place for `run`, `test` and the emulator.

A job is plain JSON: the code, the scripts of its URL dependencies, and the context the in-isolate
platform is installed from. Building it once means a new context field reaches every kind of run.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from actionctl.execution.limits import RESULT_BYTES
from actionctl.manifest import DEFAULT_ENVIRONMENT
from actionctl.runtime.errors import PLATFORM_CODES
from actionctl.runtime.fixtures import Fixtures

# The in-isolate platform's JavaScript (runtime/js/), in load order: a namespace's file only for runs that can
# reach it, so a run compiles no more than its dependencies need (a fresh V8 isolate parses it every time).
_CORE_JS = ("actions.js", "platform.js", "harness.js")
_PACKAGE_JS = {
    "fliplet-datasources": ("query.js", "aggregate.js", "datasources.js"),
    "fliplet-communicate": ("communicate.js",),
    "fliplet-notifications": ("notifications.js",),
    "fliplet-media": ("media.js",),
}


def platform_files(dependencies: list[str], actions: list[dict]) -> list[str]:
    """What to load for an action with `dependencies`; everything when it may run the project's `actions`,
    whose dependencies may be any."""
    wanted = set(_PACKAGE_JS) if actions else set(dependencies)
    return [name for package, names in _PACKAGE_JS.items() if package in wanted for name in names] + list(_CORE_JS)


def dependencies_of(fields: dict[str, Any]) -> list[str]:
    """The action's dependencies that can be loaded: package names and URLs, in their load order."""
    return [d for d in fields.get("dependencies") or [] if isinstance(d, str)]


def build(code: str, file: str, fields: dict[str, Any], payload: Any, fixtures: Fixtures, scripts: list, *,
          now_ms: int | None = None, seed: int | None = None, datasources: dict | None = None,
          http: list[dict] | None = None, settings: dict[str, Any] | None = None,
          actions: list[dict] | None = None, app: Any = None, result_limit: int = RESULT_BYTES) -> dict:
    """The job for one run of `code` (shown as `file` in stacks) with the action's `fields` and `payload`.

    `fixtures` answer the platform's calls; `datasources`, `http` and `settings` replace theirs for
    this run only (a test case's own fixtures). `now_ms` and `seed` make the run repeatable. `actions`
    are the project's actions Fliplet.App.V3.Actions answers and runs (see `project_action`), whose results
    are held to `result_limit` bytes of JSON as the run's own is.
    """
    dependencies, actions = dependencies_of(fields), actions or []
    return {
        "code": code,
        "file": file,
        "scripts": scripts,
        "platform": platform_files(dependencies, actions),
        "context": {
            "payload": payload,
            "now": now_ms,
            "seed": seed,
            "environment": fields.get("environment") or DEFAULT_ENVIRONMENT,
            "dependencies": dependencies,
            "settings": settings if settings is not None else fixtures.settings,
            "http": http if http is not None else fixtures.http,
            "datasources": datasources if datasources is not None else fixtures.datasources,
            "media": fixtures.media,
            "actions": actions,
            "app": app,
            "depth": 0,
            "resultLimit": result_limit,
            "surface": surface_for(dependencies, actions),
            "codes": list(PLATFORM_CODES),
        },
    }


def project_action(name: str, action_id: Any, fields: dict[str, Any], code: str) -> dict:
    """One of the project's actions as Fliplet.App.V3.Actions sees it: what get/getById answer and run runs."""
    return {"name": name, "id": action_id, "fields": fields, "code": code}


def surface_for(dependencies: list[str], actions: list[dict]) -> list[dict]:
    """The description of the namespaces this run can reach: the core ones and those of its packages (all of
    them when it may run the project's actions)."""
    return [n for n in _surface() if actions or n["package"] is None or n["package"] in dependencies]


@cache
def _surface() -> tuple[dict, ...]:
    from actionctl.surface import for_isolate

    return tuple(for_isolate())
