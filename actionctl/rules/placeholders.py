"""The rule about profile variables: every `@@NAME@@` placeholder must name a variable."""

from __future__ import annotations

from pathlib import Path

from actionctl.diagnostics import Diagnostic, Severity
from actionctl.variables import placeholder


def undefined(name: str, where: str, file: Path, line: int, column: int, action: str | None,
              profiles: list[str] = ()) -> Diagnostic:
    """`profiles`: those defining the variable, when none was chosen (a deploy without one cannot use them)."""
    fix = "add it under vars:"
    if profiles:
        fix += f", or choose a profile defining it with --profile ({', '.join(profiles)})"
    return Diagnostic("VAR_UNDEFINED", f"variable {name} is not defined for {where}: {fix}",
                      file, line, column, Severity.ERROR, action, length=len(placeholder(name)))
