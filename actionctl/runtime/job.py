"""The worker's job: what one run of an action needs, built in one place for `run`, `test` and the emulator.

A job is plain JSON: the code, the scripts of its URL dependencies, and the context the in-isolate
platform is installed from. Building it once means a new context field reaches every kind of run.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from actionctl.manifest import DEFAULT_ENVIRONMENT
from actionctl.runtime.errors import PLATFORM_CODES
from actionctl.runtime.fixtures import Fixtures


def dependencies_of(fields: dict[str, Any]) -> list[str]:
    """The action's dependencies that can be loaded: package names and URLs, in their load order."""
    return [d for d in fields.get("dependencies") or [] if isinstance(d, str)]


def build(code: str, file: str, fields: dict[str, Any], payload: Any, fixtures: Fixtures, scripts: list, *,
          now_ms: int | None = None, seed: int | None = None, datasources: dict | None = None,
          http: list[dict] | None = None, settings: dict[str, Any] | None = None,
          actions: list[dict] | None = None, app: Any = None) -> dict:
    """The job for one run of `code` (shown as `file` in stacks) with the action's `fields` and `payload`.

    `fixtures` answer the platform's calls; `datasources`, `http` and `settings` replace theirs for
    this run only (a test case's own fixtures). `now_ms` and `seed` make the run repeatable. `actions`
    are the project's actions Fliplet.App.V3.Actions answers and runs (see `project_action`).
    """
    return {
        "code": code,
        "file": file,
        "scripts": scripts,
        "context": {
            "payload": payload,
            "now": now_ms,
            "seed": seed,
            "environment": fields.get("environment") or DEFAULT_ENVIRONMENT,
            "dependencies": dependencies_of(fields),
            "settings": settings if settings is not None else fixtures.settings,
            "http": http if http is not None else fixtures.http,
            "datasources": datasources if datasources is not None else fixtures.datasources,
            "media": fixtures.media,
            "actions": actions or [],
            "app": app,
            "depth": 0,
            "surface": _surface(),
            "codes": list(PLATFORM_CODES),
        },
    }


def project_action(name: str, action_id: Any, fields: dict[str, Any], code: str) -> dict:
    """One of the project's actions as Fliplet.App.V3.Actions sees it: what get/getById answer and run runs."""
    return {"name": name, "id": action_id, "fields": fields, "code": code}


@cache
def _surface() -> list[dict]:
    from actionctl.surface import for_isolate

    return for_isolate()
