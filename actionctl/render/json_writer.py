"""The one JSON writer behind every `--format json`: UTF-8, non-ASCII as written, two-space indent.

A lone surrogate (half of a UTF-16 pair, which a JavaScript string may hold and UTF-8 cannot) is
written as its escape, `\\ud800`, as JSON.stringify writes it: the document stays exact and writable.

Every command's document goes through `emit` (or `dumps`, for a document written to a file), so the
settings cannot drift between commands; the shapes are documented in the README.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import PurePath
from typing import Any

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

# Documents written to stdout so far: a command that ends in an error after writing one adds no second.
_written = 0


def written() -> int:
    return _written


def dumps(body: Any) -> str:
    return _escaped(json.dumps(body, indent=2, ensure_ascii=False, default=_plain))


def emit(body: Any) -> None:
    """One JSON document on stdout."""
    global _written
    _written += 1
    sys.stdout.write(dumps(body) + "\n")


def inline(body: Any) -> str:
    """Compact JSON on one line: a value inside text, or one document of a stream."""
    return _escaped(json.dumps(body, ensure_ascii=False, default=_plain))


def emit_line(body: Any) -> None:
    """One compact JSON document on a line of its own (a stream, as `logs --follow` writes)."""
    global _written
    _written += 1
    sys.stdout.write(inline(body) + "\n")
    sys.stdout.flush()


def _escaped(text: str) -> str:
    # Outside strings JSON text is ASCII, so every surrogate here is inside one, where the escape is exact.
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _plain(value: Any) -> Any:
    if isinstance(value, PurePath):
        return value.as_posix()
    raise TypeError(f"{type(value).__name__} is not JSON")
