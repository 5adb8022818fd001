"""V8's own verdict on a syntax error: its message and exact position, without running the code.

Only compiled, never run: `new Function(src)` parses `src` as a function body and returns without
calling it; for the position we compile `src` followed by a line holding `\\!`, a token that is
invalid in every context, so the script always fails to compile and nothing in it can execute. If
V8 stops before that last line, the error is the user's, with V8's line and caret.

V8 loads only here, so a clean `validate` never pays for it.
"""

from __future__ import annotations

import json
import re
from functools import cache

VALID = object()  # V8 parses the source: no syntax error
_SENTINEL = "\n\\!"
_HEADER = re.compile(r"^<anonymous>:(\d+): SyntaxError: (.*)$")


@cache
def _context():
    try:
        from py_mini_racer import MiniRacer
    except ImportError:  # pragma: no cover - mini-racer is a dependency, but a platform may lack a wheel
        return None
    context = MiniRacer()
    context.eval("""
        var __actionctl_check = function (src) {
          try { new Function(src); return ""; } catch (e) { return String(e && e.message || e); }
        };
    """)
    return context


def syntax_error(source: str) -> tuple[str, int, int, int] | object | None:
    """VALID, or (message, line, column, length) with 1-based positions, or None if V8 is unavailable."""
    context = _context()
    if context is None:
        return None
    from py_mini_racer import JSParseException

    message = context.eval(f"__actionctl_check({json.dumps(source)})")
    if not message:
        return VALID
    try:
        context.eval(source + _SENTINEL)
    except JSParseException as exc:
        located = _locate(str(exc), source)
        if located is not None:
            return located
    # V8 got as far as our sentinel: the source ended with something still open.
    lines = source.split("\n")
    return "Unexpected end of input", len(lines), len(lines[-1]) + 1, 1


def _locate(text: str, source: str) -> tuple[str, int, int, int] | None:
    lines = text.split("\n")
    header = _HEADER.match(lines[0]) if lines else None
    if header is None:
        return None
    line = int(header.group(1))
    if line > source.count("\n") + 1:  # the sentinel line
        return None
    caret = lines[2] if len(lines) > 2 else ""
    column = caret.find("^") + 1 if "^" in caret else 1
    return header.group(2), line, column, max(1, caret.count("^"))
