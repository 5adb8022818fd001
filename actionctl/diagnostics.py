"""Diagnostics: one finding of validation, with a code, a severity and a place in a file."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path


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

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


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
