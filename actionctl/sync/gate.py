"""The deploy gate: nothing is sent unless the whole project is valid — half a deploy is worse than none.

`push` and `ci` both pass through it before they connect; it validates every manifest of the project
(not only the actions being pushed) as a deploy fills them in: the profile's variables, or without a
profile the top-level ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from actionctl.errors import ValidationFailedError

if TYPE_CHECKING:
    from actionctl.diagnostics import Report
    from actionctl.project import Project


def require_valid(project: Project, profile: str | None, *, strict: bool = False) -> Report:
    """The whole project's validation report; ValidationFailedError carrying it when it has errors (or, with
    `strict`, warnings)."""
    from actionctl.validation import validate_manifests

    report = validate_manifests(project, project.manifests(), profile)
    if report.exit_code(strict):
        found = (f"{report.errors} validation error(s)" if report.errors
                 else f"{report.warnings} validation warning(s), and warnings fail a strict check")
        raise ValidationFailedError(f"{found}: nothing was sent — `actionctl validate` shows them", report)
    return report
