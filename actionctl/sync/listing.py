"""The service's listing of an app's actions, each entry checked once, before anything uses it.

A service that misbehaves (or a proxy in front of it) can answer entries actionctl cannot hold: not an
object, a name that is not text, no usable id, a field of the wrong type, text that cannot be written
as UTF-8 (a lone surrogate), files larger than actionctl reads back. Each is set aside here with its
reason, so that pull, diff, push and the `remote` commands all see the same usable actions and refuse
the same others — one line each, REMOTE_ACTION_UNUSABLE, exit 1 once the rest is done — instead of
stopping part-way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from actionctl import sourcefile
from actionctl.manifest import FIELDS

_JSON_TYPES = {"string": str, "boolean": bool, "array": list, "object": dict, "null": type(None)}
# What each item of a list field must be for a manifest holding it to read back.
_ITEM_TYPES = {"triggers": dict, "dependencies": str}


@dataclass(frozen=True)
class Unusable:
    """An entry of the listing set aside: what to call it (its name, or its id, or its place), and why."""

    label: str
    reason: str
    name: str | None = None  # its name, when it has one that is text

    def as_json(self) -> dict[str, Any]:
        return {"entry": self.label, "reason": self.reason}


@dataclass
class Listing:
    actions: list[dict] = field(default_factory=list)
    unusable: list[Unusable] = field(default_factory=list)

    @property
    def unusable_names(self) -> set[str]:
        return {u.name for u in self.unusable if u.name is not None}


def refuse(unusable: list[Unusable]) -> None:
    """Once the rest is done: what was set aside ends the command, REMOTE_ACTION_UNUSABLE (exit 1)."""
    from actionctl.errors import RemoteActionUnusableError

    if unusable:
        raise RemoteActionUnusableError(unusable)


def remote_listing(client, *, production: bool = False) -> Listing:
    """The app's actions (masters, or production copies), the usable ones apart from the others."""
    return check(client.list_actions(production=production))


def check(entries: list[Any]) -> Listing:
    listing = Listing()
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        reason = problem(entry) or (_duplicate(entry["name"]) if entry["name"] in seen else None)
        if reason is None:
            seen.add(entry["name"])
            listing.actions.append(entry)
        else:
            listing.unusable.append(_unusable(entry, position, reason))
    return listing


def problem(entry: Any) -> str | None:
    """Why actionctl cannot use this entry of the service's listing; None when it can."""
    if not isinstance(entry, dict):
        return f"the entry is {_kind(entry)}, not an action"
    name = entry.get("name")
    if not isinstance(name, str):
        return f"its name is {_kind(name)}, not text"
    if not name.strip():
        return "its name is empty"
    if isinstance(entry.get("id"), bool) or not isinstance(entry.get("id"), (int, str)) or entry.get("id") == "":
        return f"its id is {_kind(entry.get('id'))}"
    return _unencodable(entry) or _wrong_type(entry) or _too_large(entry)


def _wrong_type(entry: dict) -> str | None:
    for name, spec in FIELDS.items():
        value = entry.get(name)
        allowed = ("string", "null") if name == "code" else spec.json_type  # `code` is the text on the service
        types = tuple(_JSON_TYPES[t] for t in ((allowed,) if isinstance(allowed, str) else allowed))
        if value is not None and not isinstance(value, types):
            return f"its {name} is {_kind(value)}, where the service keeps {' or '.join(_plural(allowed))}"
        item_type = _ITEM_TYPES.get(name)
        if isinstance(value, list) and item_type and not all(isinstance(item, item_type) for item in value):
            return f"its {name} holds an item that is not {_kind(item_type())}"
    return None


def _too_large(entry: dict) -> str | None:
    """Why the files of this action would be larger than actionctl reads back (sourcefile's caps): pulled,
    they would make every later pull and diff stop at them."""
    code = entry.get("code") or ""
    if len(code.encode("utf-8")) > sourcefile.CODE_MAX_BYTES:
        return f"its code is larger than the {_megabytes(sourcefile.CODE_MAX_BYTES)} actionctl reads from a file"
    fields = {k: v for k, v in entry.items() if k in FIELDS and k != "code"}
    if len(json.dumps(fields, ensure_ascii=False).encode("utf-8")) > sourcefile.YAML_MAX_BYTES:
        return f"its manifest would be larger than the {_megabytes(sourcefile.YAML_MAX_BYTES)} actionctl reads"
    return None


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _unencodable(value: Any, where: str = "") -> str | None:
    """Where text that UTF-8 cannot hold (a lone surrogate) is, if anywhere: no file could keep it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"its {where or 'text'} holds a character that cannot be written as UTF-8 (a lone surrogate)"
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _unencodable(key, where) if isinstance(key, str) else None
        found = found or _unencodable(item, where or str(key))
        if found:
            return found
    return None


def _unusable(entry: Any, position: int, reason: str) -> Unusable:
    from actionctl.render.printable import printable

    name = entry.get("name") if isinstance(entry, dict) else None
    if isinstance(name, str) and name.strip():
        return Unusable(f'"{printable(name)}"', reason, name)
    known_id = entry.get("id") if isinstance(entry, dict) else None
    label = f"id {printable(known_id)}" if isinstance(known_id, (int, str)) and known_id != "" else f"entry {position}"
    return Unusable(f"{label} of the listing", reason)


def _duplicate(name: str) -> str:
    return "an earlier entry of the listing has the same name"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "text", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _plural(allowed: str | tuple[str, ...]) -> list[str]:
    names = {"string": "text", "boolean": "true or false", "array": "a list", "object": "an object", "null": "null"}
    return [names[t] for t in ((allowed,) if isinstance(allowed, str) else allowed)]
