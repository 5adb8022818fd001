"""How rules describe a YAML value in a message ("a number", "a date", …)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def kind(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"the timestamp {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def quote_hint(value: Any) -> str:
    """Why YAML turned what looks like text into something else, and the fix."""
    if isinstance(value, (bool, int, float, dt.date)):
        return " — YAML reads it that way; put it in quotes to make it a string"
    return ""


def yaml_text(value: Any) -> str:
    """A scalar as YAML spells it: null, true, 2024-01-01, 5."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return value.isoformat() if isinstance(value, dt.date) else str(value)
