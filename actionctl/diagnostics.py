"""Diagnostics: one finding of validation, with a code, a severity and a place in a file."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

# Findings made once per use of something (a Fliplet namespace…): how many are shown before the rest are one.
REPEATS_SHOWN = 5
# Findings of one code in one file, whatever they are about, before the rest are one.
PER_CODE_SHOWN = 50


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str  # "FREQUENCY_TOO_FREQUENT"
    message: str
    file: Path  # absolute
    line: int  # 1-based
    column: int  # 1-based, in characters
    severity: Severity = Severity.ERROR
    action: str | None = None
    length: int = 1  # characters to underline in a code frame
    # What a finding made once per use is about (a Fliplet namespace…): uses of one subject are one diagnostic.
    subject: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def collapse(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted diagnostics with repeats bounded, so that no file can make the report unbounded:
    - the repeats of one finding (same file, code and subject): the first REPEATS_SHOWN as they are, then one
      that stands for the rest and says through which line they go;
    - then, whatever the subjects, at most PER_CODE_SHOWN findings of one code in one file, and one more that
      counts the rest.

    185,000 uses of an undeclared package are one mistake: reported once per use they made 75 MB of JSON.
    185,000 different unknown namespaces made 47 MB.
    """
    kept = _bounded(diagnostics, lambda d: (d.file, d.code, d.severity, d.action, d.subject)
                    if d.subject is not None else None, REPEATS_SHOWN, _rest)
    kept = _bounded(kept, lambda d: (d.file, d.code, d.severity, d.action), PER_CODE_SHOWN, _more_of_code)
    if kept is not diagnostics:
        kept.sort(key=lambda d: (d.file.as_posix(), d.line, d.column, d.code))
    return kept


def _bounded(diagnostics: list[Diagnostic], key, shown: int, rest) -> list[Diagnostic]:
    """`diagnostics` (the same list when nothing is cut) with each group of more than `shown` + 1 cut to
    `shown` and one diagnostic made by `rest` from the others; a key of None groups nothing."""
    groups: dict[Any, list[Diagnostic]] = {}
    for d in diagnostics:
        groups.setdefault(key(d) or id(d), []).append(d)
    if all(len(group) <= shown + 1 for group in groups.values()):
        return diagnostics
    kept = []
    for group in groups.values():
        kept += group if len(group) <= shown + 1 else [*group[:shown], rest(group[shown:])]
    return kept


def _rest(group: list[Diagnostic]) -> Diagnostic:
    first, last = group[0], group[-1]
    return replace(first, message=f"{first.message} (and {len(group) - 1:,} more times like it, "
                                              f"through line {last.line})")


def _more_of_code(group: list[Diagnostic]) -> Diagnostic:
    first, last = group[0], group[-1]
    return replace(first, subject=None, message=f"{len(group):,} more {first.code} findings in this file, from line "
                                                f"{first.line} through line {last.line}, not listed one by one — "
                                                "fix the ones above and validate again")


@dataclass
class Report:
    """What `validate` found over a set of actions."""

    root: Path
    actions: int
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.is_error)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def exit_code(self, strict: bool = False) -> int:
        if self.errors or (strict and self.warnings):
            return 1
        return 0

    def relpath(self, path: Path) -> str:
        """A diagnostic's file as the JSON contract wants it: relative to the project, with slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()
