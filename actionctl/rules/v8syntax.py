"""V8's own verdict on syntax: the message and exact position the service's engine would give.

Nothing is ever run. `new Function(src)` parses `src` as a function body and returns without calling
it. For the position of an error we compile `src` followed by a line holding `\\!`, a token that is
invalid in every context, so that script always fails to compile and nothing in it can execute: if
V8 stops before that last line, the error is the user's, with V8's line and caret.

V8 is the judge because tree-sitter, which gives us the structure, accepts some programs V8 refuses
(`const x;`, a `let` declared twice, `await` in a plain function, import/export in a script).

Code that nests deeper than V8's parser can follow is refused with a RangeError, "Maximum call stack
size exceeded", not a SyntaxError: that is V8's verdict too, placed where the deepest nesting starts
(V8 gives no position for it).
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
            try { new Function(src); return null; }
            catch (e) { return [e instanceof SyntaxError, String(e && e.message || e)]; }
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
    answers = json.loads(context.eval(f"__actionctl_check({json.dumps(list(sources))})"))
    return [_verdict(context, source, answer) for source, answer in zip(sources, answers, strict=True)]


def check(source: str):
    return check_many([source])[0]


def _verdict(context, source: str, answer: list | None):
    if answer is None:
        return VALID
    syntax, message = answer
    if syntax:
        return _locate_error(context, source)
    return (message, *nesting_start(source), 1)  # the parser ran out of stack, as deep nesting makes it


def nesting_start(source: str) -> tuple[int, int]:
    """(line, column) where the deepest nesting of brackets starts: the outermost of the brackets around
    the deepest one that is on its line (strings and comments skipped; 1, 1 when nothing nests)."""
    stack: list[tuple[int, int]] = []  # per open bracket: its line, and the index of the line's outermost
    deepest, start, line, index = 0, 0, 1, 0
    while index < len(source):
        char = source[index]
        if char == "\n":
            line += 1
        elif char in "'\"`":
            index = _string_end(source, index)
            continue
        elif source.startswith("//", index) or source.startswith("/*", index):
            end = source.find("\n" if source[index + 1] == "/" else "*/", index + 2)
            line += source.count("\n", index, len(source) if end < 0 else end)
            index = len(source) if end < 0 else end + (0 if source[index + 1] == "/" else 2)
            continue
        elif char in "([{":
            outermost = stack[-1][1] if stack and stack[-1][0] == line else index
            stack.append((line, outermost))
            if len(stack) > deepest:
                deepest, start = len(stack), outermost
        elif char in ")]}" and stack:
            stack.pop()
        index += 1
    return source.count("\n", 0, start) + 1, start - (source.rfind("\n", 0, start) + 1) + 1


def _string_end(source: str, index: int) -> int:
    """The index after the string or template literal that starts at `index` (its end when unclosed)."""
    quote, index = source[index], index + 1
    while index < len(source) and source[index] != quote:
        index += 2 if source[index] == "\\" else 1
    return index + 1


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
