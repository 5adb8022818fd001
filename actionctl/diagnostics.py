"""Diagnostics: one finding of validation, with a code, a severity and a place in a file."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from pathlib import Path

# Findings made once per use of something (a Fliplet namespace…): how many are shown before the rest are one.
REPEATS_SHOWN = 5


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
    """Sorted diagnostics with the repeats of one finding (same file, code and subject) bounded: the first
    REPEATS_SHOWN as they are, then one that stands for the rest and says through which line they go.

    185,000 uses of an undeclared package are one mistake: reported once per use they made 75 MB of JSON.
    """
    groups: dict[tuple, list[Diagnostic]] = {}
    for d in diagnostics:
        key = (d.file, d.code, d.severity, d.action, d.subject) if d.subject is not None else (id(d),)
        groups.setdefault(key, []).append(d)
    if all(len(group) <= REPEATS_SHOWN + 1 for group in groups.values()):
        return diagnostics
    kept = []
    for group in groups.values():
        kept += group if len(group) <= REPEATS_SHOWN + 1 else [*group[:REPEATS_SHOWN], _rest(group[REPEATS_SHOWN:])]
    kept.sort(key=lambda d: (d.file.as_posix(), d.line, d.column, d.code))
    return kept


def _rest(group: list[Diagnostic]) -> Diagnostic:
    first, last = group[0], group[-1]
    return replace(first, message=f"{first.message} (and {len(group) - 1:,} more times like it, "
                                              f"through line {last.line})")


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
