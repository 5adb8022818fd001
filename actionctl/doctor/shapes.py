"""What may leave `doctor`: the shape of an answer (the names of its fields), never its values, and text with the
token and the user's e-mail address taken out — so a report can be pasted into a bug report as it is."""

from __future__ import annotations

import re
from typing import Any

from actionctl.remote.errors import redact

# A field name, not data used as a key (an id, an address): longer or stranger keys are counted, not shown.
_FIELD_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]{0,63}\Z")


def keys(value: Any) -> list[str] | None:
    """The names of an object's fields, sorted; None when `value` is not an object."""
    if not isinstance(value, dict):
        return None
    shown = sorted(key for key in value if isinstance(key, str) and _FIELD_NAME.match(key))
    hidden = len(value) - len(shown)
    return shown + ([f"({hidden} other keys)"] if hidden else [])


def nested(value: Any) -> dict[str, list[str]]:
    """For each field of an object that is an object itself, the names of its fields (one level down)."""
    if not isinstance(value, dict):
        return {}
    return {key: keys(inner) for key, inner in sorted(value.items(), key=lambda item: str(item[0]))
            if isinstance(key, str) and _FIELD_NAME.match(key) and isinstance(inner, dict)}


def masked_email(email: Any) -> str | None:
    """`jane@example.com` as `j…@example.com`: enough to tell which account, not the address."""
    if not isinstance(email, str) or "@" not in email:
        return None
    name, domain = email.rsplit("@", 1)
    return f"{name[:1]}…@{domain}"


def scrub(value: Any, token: str | None, replacements: dict[str, str]) -> Any:
    """`value` (strings, lists and objects) with the token replaced by `***`, and each key of `replacements`
    (an address, a name, the home folder) by its value, in any case."""
    if isinstance(value, str):
        for secret, shown in replacements.items():
            if secret:
                value = re.compile(re.escape(secret), re.IGNORECASE).sub(shown.replace("\\", "\\\\"), value)
        return redact(value, token)
    if isinstance(value, list):
        return [redact(item, token) if _is_name(item) else scrub(item, token, replacements) for item in value]
    if isinstance(value, dict):
        return {redact(key, token) if _is_name(key) else scrub(key, token, replacements):
                scrub(item, token, replacements) for key, item in value.items()}
    return value


def _is_name(value: Any) -> bool:
    """A field's name (the report's keys and its lists of an answer's fields): a user called "Name" must not
    turn `fullName` into `full***`. Only the token is taken out of those."""
    return isinstance(value, str) and bool(_FIELD_NAME.match(value))
