"""V8's own verdict on syntax: the message and exact position the service's engine would give.

Nothing is ever run. `new Function(src)` parses `src` as a function body and returns without calling
it. For the position of an error we compile `src` followed by a line holding `\\!`, a token that is
invalid in every context, so that script always fails to compile and nothing in it can execute: if
V8 stops before that last line, the error is the user's, with V8's line and caret.

V8 is the judge because tree-sitter, which gives us the structure, accepts some programs V8 refuses
(`const x;`, a `let` declared twice, `await` in a plain function, import/export in a script).
"""

from __future__ import annotations

import atexit
import json
import re
from collections.abc import Sequence
from functools import cache

VALID = None  # a verdict is VALID or (message, line, column, length) with 1-based positions
_SENTINEL = "\n\\!"
_HEADER = re.compile(r"^<anonymous>:(\d+): SyntaxError: (.*)$")


class Unavailable(Exception):
    """mini-racer could not be loaded on this platform."""


@cache
def _context():
    try:
        from py_mini_racer import MiniRacer
    except ImportError as exc:  # pragma: no cover - a dependency, but a platform may lack a wheel
        raise Unavailable(str(exc)) from None
    context = MiniRacer()
    atexit.register(_close, context)
    context.eval("""
        var __actionctl_check = function (sources) {
          return JSON.stringify(sources.map(function (src) {
            try { new Function(src); return ""; } catch (e) { return String(e && e.message || e); }
          }));
        };
    """)
    return context


def _close(context) -> None:
    """Close V8 at exit, while the interpreter still lets threads run.

    Left to the garbage collection of interpreter shutdown, the close can hang for ever: mini-racer's
    isolate thread may still be finishing its hand-over of the last answer (it wakes the event loop
    and then needs the GIL back), and a thread that asks for the GIL once shutdown has begun is ended
    by Python on the spot. The close then waits for that thread, which is gone: the process has
    printed its answer and never exits. `atexit` runs before shutdown begins.
    """
    _context.cache_clear()
    context.close()


def check_many(sources: Sequence[str]) -> list:
    """One verdict per source, from one round trip to V8 (plus one per source that has an error)."""
    if not sources:
        return []
    context = _context()
    messages = json.loads(context.eval(f"__actionctl_check({json.dumps(list(sources))})"))
    return [_locate_error(context, source) if message else VALID for source, message in zip(sources, messages,
                                                                                              strict=True)]


def check(source: str):
    return check_many([source])[0]


def _locate_error(context, source: str):
    from py_mini_racer import JSParseException

    try:
        context.eval(source + _SENTINEL)
    except JSParseException as exc:
        located = _parse_exception(str(exc), source)
        if located is not None:
            return located
    # V8 got as far as our sentinel: the source ended with something still open.
    lines = source.split("\n")
    return "Unexpected end of input", len(lines), len(lines[-1]) + 1, 1


def _parse_exception(text: str, source: str):
    lines = text.split("\n")
    header = _HEADER.match(lines[0]) if lines else None
    if header is None:
        return None
    line = int(header.group(1))
    source_lines = source.split("\n")
    if line > len(source_lines):  # the sentinel line
        return None
    caret = lines[2] if len(lines) > 2 else ""
    if "^" not in caret:
        return header.group(2), line, 1, 1
    start = caret.index("^")
    column, length = _utf16_to_chars(source_lines[line - 1], start, caret.count("^"))
    return header.group(2), line, column, length


def _utf16_to_chars(line: str, start: int, length: int) -> tuple[int, int]:
    """V8 counts columns in UTF-16 units; our diagnostics count characters (an emoji is one, not two)."""
    units = 0
    column = None
    for index, char in enumerate(line):
        if column is None and units >= start:
            column = index
        if column is not None and units >= start + length:
            return column + 1, max(1, index - column)
        units += 2 if ord(char) > 0xFFFF else 1
    if column is None:
        column = len(line)
    return column + 1, max(1, len(line) - column)
