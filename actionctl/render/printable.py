"""Text that came from elsewhere (the service, a remote action's log), made safe to print to a terminal or a CI log.

A name, a description or an error message from the service is not ours: printed raw, an ESC sequence
recolours or clears the terminal, a newline forges a line of our own output, and a line that starts
with `::` (or holds `##[`) is a workflow command to GitHub Actions — `::error::` makes an annotation,
`::stop-commands::` silences the rest of the job's commands. Every such text is printed through here:
control characters, lone surrogates and bidirectional overrides become visible escapes (`\\x1b`, `\\n`,
`\\ud800`), and a workflow command loses its power to a visible `\\x3a` (`:`) or `\\x23` (`#`).
"""

from __future__ import annotations

import re

# C0 controls but tab, DEL and C1, lone surrogates (unencodable), and the bidirectional overrides that
# make text read in another order than it runs (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r"}
# GitHub reads a workflow command from a line that starts (leading blanks aside) with `::`, and the
# older `##[command]` form anywhere in a line. Every `::` is disarmed, not only one at the start: a table
# that wraps a long name at a space puts whatever follows the space at the start of a line. A command's
# name starts with a letter, so an IPv6 address (`[::1]`) is left as it is.
_WORKFLOW = re.compile(r":(?=:[A-Za-z])")
_OLD_WORKFLOW = re.compile(r"#(?=#\[)")


def printable(text: object) -> str:
    """`text` on one line, every character that could act on the terminal or the CI log shown as an escape."""
    line = _UNSAFE.sub(_escape, str(text))
    line = _WORKFLOW.sub(r"\\x3a", line)
    return _OLD_WORKFLOW.sub(r"\\x23", line)


def printable_lines(text: object) -> str:
    """`text` kept on its lines (code, a log), each line made printable."""
    return "\n".join(printable(line) for line in str(text).split("\n"))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
