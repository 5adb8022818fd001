"""The rule about profile variables: every `@@NAME@@` placeholder must name a variable."""

from __future__ import annotations

from pathlib import Path

from actionctl.diagnostics import Diagnostic, Severity
from actionctl.variables import placeholder


def undefined(name: str, where: str, file: Path, line: int, column: int, action: str | None) -> Diagnostic:
    return Diagnostic("VAR_UNDEFINED", f"variable {name} is not defined for {where}: add it under vars:",
                      file, line, column, Severity.ERROR, action, length=len(placeholder(name)))
