"""The JSON Schema of a manifest, for editors (yaml-language-server) and other tools.

Built from the same field table the validator uses, so the two cannot drift apart. It describes shape
only; `actionctl validate` remains the judge (cron semantics, code, uniqueness).
"""

from __future__ import annotations

import json
from typing import Any

from actionctl.manifest import (
    DESCRIPTION_MAX,
    ENVIRONMENTS,
    FIELDS,
    NAME_MAX,
    PACKAGES,
    TRIGGER_TYPES,
)

SCHEMA_FILE = ".actionctl/manifest.schema.json"
_CRON = r"^\s*\S+\s+\S+\s+\S+\s+\S+\s+\S+\s*$"


def manifest_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {name: {"description": f.summary, "type": _type(f.json_type)}
                                  for name, f in FIELDS.items()}
    properties["name"].update(minLength=1, maxLength=NAME_MAX, pattern=r"^[A-Za-z0-9_-]+$")
    properties["description"]["maxLength"] = DESCRIPTION_MAX
    properties["environment"]["enum"] = [*ENVIRONMENTS, None]
    properties["frequency"].update(pattern=_CRON, examples=["0 8 * * 1", "*/15 9-17 * * 1-5"])
    properties["timezone"].update(examples=["Europe/London", "Europe/Rome", "America/New_York"])
    properties["code"]["pattern"] = r"\S"
    properties["dependencies"]["items"] = {
        "type": "string", "minLength": 1,
        "anyOf": [{"enum": list(PACKAGES)}, {"pattern": "^https?://"}, {"pattern": "^[^\\s:/]+$"}],
    }
    properties["triggers"]["items"] = {
        "type": "object",
        "required": ["trigger"],
        "additionalProperties": False,
        "properties": {
            "trigger": {"enum": list(TRIGGER_TYPES), "description": "What starts the action."},
            "where": {"type": "object", "description": "Filter for log (type, dataSourceId) and analytics "
                                                       "(type, data) events."},
        },
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://actionctl.dev/schema/manifest.json",
        "title": "actionctl action manifest (Fliplet App Actions V3)",
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": properties,
    }


def schema_text() -> str:
    return json.dumps(manifest_schema(), indent=2) + "\n"


def _type(json_type: str | tuple[str, ...]) -> str | list[str]:
    return list(json_type) if isinstance(json_type, tuple) else json_type
