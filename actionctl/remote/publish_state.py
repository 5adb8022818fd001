"""Whether an action is published, and which copy is which, from whatever fields the service's answer carries.

Nothing public documents a master → production link on the action object: the documented version
snapshots carry `masterTaskId` / `productionTaskId`, the restore answer carries `isPublished`, and an
earlier emulator answered `productionActionId` / `masterActionId`. No one name is trusted alone: each
question reads every name that can answer it, and a production copy that names no master is matched
to its master by name (a copy is published from its master, name and all).
"""

from __future__ import annotations

from typing import Any

# The first of these present (and not null) answers; the documented snapshot names come first.
PRODUCTION_KEYS = ("productionTaskId", "productionActionId")
MASTER_KEYS = ("masterTaskId", "masterActionId")
FLAG_KEY = "isPublished"
# How an app publish reaches the app's users (docs/REST-API/fliplet-apps.md: `release.type`).
RELEASE_TYPES = ("silent", "visible", "forced")


def production_id(action: dict) -> Any:
    """The id of a master's production copy, or None when the answer names none."""
    return _first(action, PRODUCTION_KEYS)


def master_id(action: dict) -> Any:
    """The id of the master a production copy was published from, or None when the answer names none."""
    return _first(action, MASTER_KEYS)


def is_published(action: dict) -> bool:
    """Whether the master has a production copy, by any field that says so."""
    return production_id(action) is not None or action.get(FLAG_KEY) is True


def denies(action: dict) -> bool:
    """Whether the answer says outright that the master is not published (a field present and empty/false),
    rather than saying nothing about it."""
    said = [key for key in (*PRODUCTION_KEYS, FLAG_KEY) if key in action]
    return bool(said) and not is_published(action)


def copy_of(master: dict, productions: list[dict]) -> dict | None:
    """The production copy of `master` among `productions`: by the copy's link to its master, by the master's
    link to its copy, else by name among the copies that link to no master."""
    linked = production_id(master)
    # The master itself is never its copy: a service that ignored `production=true` lists masters again.
    productions = [copy for copy in productions if not _same(copy.get("id"), master.get("id"))]
    for copy in productions:
        if _same(master_id(copy), master.get("id")) or (linked is not None and _same(copy.get("id"), linked)):
            return copy
    unlinked = [copy for copy in productions if master_id(copy) is None and copy.get("name") == master.get("name")]
    return unlinked[0] if len(unlinked) == 1 else None


def _first(action: dict, keys: tuple[str, ...]) -> Any:
    return next((action[key] for key in keys if action.get(key) is not None), None)


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and str(a) == str(b)
