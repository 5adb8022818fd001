"""Stand-ins for values that must not leave the service (`fixtures pull --redact COLUMN`).

A stand-in is derived from the value alone, through an HMAC keyed by the project's redaction key, so the
same value always gets the same stand-in — in every column, every data source and every pull made with the
same key — and joins, lookups and test expectations that compare values still hold. Without the key a
stand-in cannot be traced back by hashing guesses (an email address or a name is easy to guess; a keyed
digest of it is not).

The stand-in keeps the value's kind:
- text shaped like an email address (`x@y`) → `user-<16 hex>@example.com`;
- other text → `redacted-<16 hex>`;
- a whole number → a whole number from 0 to 2^53 − 1 (JavaScript's safe integers); a fractional one → a
  number with two decimals below 2^46 / 100 (exact in a double);
- true/false → true or false (from the digest, not the value);
- null stays null (it holds nothing), and lists and objects keep their shape with each value replaced; an
  object's key is kept when it is shaped like a field name (`phone`: code reads it) and replaced otherwise
  (`ada@example.org`, `Ada Lovelace`: data held in a key).

Stand-ins are wide enough that two values meeting on one is out of reach for any data source: 64 bits for
text, 53 for whole numbers and 46 for fractions (a million distinct values collide with odds near 3·10⁻⁸,
5·10⁻⁵ and 7·10⁻³); a join on a fractional column of a million rows is the only case to think about.

The key is `.actionctl/local/redaction.key` (created on first use, 0600, never committed: `.actionctl/local/`
is git-ignored); copy it to another clone to get the same stand-ins there. A key shorter than 32 characters
(an empty file, a copy cut short) is refused: stand-ins keyed by next to nothing can be traced back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from pathlib import Path
from typing import Any

from actionctl.atomicfile import write_new
from actionctl.errors import RedactionKeyError

KEY_FILE = ".actionctl/local/redaction.key"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_FIELD_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,63}")
_HEX = 16  # characters of the digest a text stand-in shows: 64 bits (see the odds above)
_KEY_MIN = 32  # characters of a key: the one made is 64 hex characters (256 bits)


class Redactor:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def value(self, value: Any) -> Any:
        """The stand-in of `value` (see the module's rules)."""
        if value is None:
            return None
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {self._key_of(str(name)): self.value(item) for name, item in value.items()}
        digest = self._digest(value)
        if isinstance(value, bool):
            return digest[0] % 2 == 1
        if isinstance(value, int):
            return int.from_bytes(digest[:8], "big") % 2**53
        if isinstance(value, float):
            return int.from_bytes(digest[:8], "big") % 2**46 / 100
        shown = digest.hex()[:_HEX]
        return f"user-{shown}@example.com" if _EMAIL.fullmatch(str(value).strip()) else f"redacted-{shown}"

    def _key_of(self, name: str) -> str:
        """A key shaped like a field name (`phone`, `home_address`) is the data's shape, which code reading it
        relies on: kept. Any other (`ada@example.org`, `Ada Lovelace`) is data held in a key: replaced."""
        return name if _FIELD_NAME.fullmatch(name) else self.value(name)

    def _digest(self, value: Any) -> bytes:
        # Typed: 12 and "12" are different values and may get different stand-ins.
        canonical = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return hmac.new(self._key, canonical.encode("utf-8"), hashlib.sha256).digest()


def project_redactor(root: Path) -> Redactor:
    """The redactor of the project at `root`, its key made (and kept) on first use."""
    path = root / KEY_FILE
    if not path.is_file():
        # A secret: whoever reads it can test guesses against the stand-ins. Two pulls at once: the first key stays.
        write_new(path, secrets.token_hex(32) + "\n", private=True)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < _KEY_MIN:
        raise RedactionKeyError(f"{KEY_FILE} holds {len(key)} characters, fewer than {_KEY_MIN}: stand-ins keyed by "
                                "it could be traced back — delete it for a new one (or copy the whole key from the "
                                "clone whose stand-ins you want)")
    return Redactor(key.encode("utf-8"))
