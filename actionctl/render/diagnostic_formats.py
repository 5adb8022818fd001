"""Machine-readable renderings of a validation report: JSON (our contract), GitHub annotations, SARIF."""

from __future__ import annotations

import os
from pathlib import Path

from actionctl import __version__
from actionctl.diagnostics import Diagnostic, Report, Severity
from actionctl.rules.catalog import describe_code


def to_json(report: Report) -> dict:
    """The document of `validate --format json` (embedded by `run` when it refuses an invalid action)."""
    return {
        "ok": report.ok,
        "actions": report.actions,
        "diagnostics": [
            {
                "code": d.code,
                "severity": d.severity.value,
                "message": d.message,
                "file": report.relpath(d.file),
                "line": d.line,
                "column": d.column,
                "action": d.action,
            }
            for d in report.diagnostics
        ],
    }


def to_github(report: Report) -> str:
    """Workflow commands that GitHub Actions turns into annotations on the pull request."""
    lines = []
    for d in report.diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning"
        lines.append(github_command(level, d.message, file=d.file, line=d.line, col=d.column, title=d.code))
    return "\n".join(lines)


def github_command(level: str, message: str, *, file: Path | None = None, **props: object) -> str:
    """One workflow command (`::error file=…,line=…::message`); a file is given relative to the job's folder."""
    pairs = ([("file", _from_cwd(file))] if file is not None else []) + [(k, v) for k, v in props.items()
                                                                         if v is not None]
    listed = ",".join(f"{key}={_escape_property(str(value))}" for key, value in pairs)
    return f"::{level} {listed}::{_escape_data(message)}" if listed else f"::{level}::{_escape_data(message)}"


def to_sarif(report: Report) -> dict:
    codes = sorted({d.code for d in report.diagnostics})
    rules = [{"id": code, "shortDescription": {"text": describe_code(code)}} for code in codes]
    results = [_sarif_result(d, codes.index(d.code)) for d in report.diagnostics]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "actionctl", "version": __version__, "rules": rules}},
            "originalUriBaseIds": {"SRCROOT": {"uri": Path.cwd().resolve().as_uri() + "/"}},
            "results": results,
        }],
    }


def failure_sarif(code: str, message: str) -> dict:
    """A SARIF log for a run that could not be made: no results, the reason as the invocation's notification."""
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "actionctl", "version": __version__}},
            "invocations": [{"executionSuccessful": False, "toolExecutionNotifications": [
                {"level": "error", "descriptor": {"id": code}, "message": {"text": message}}]}],
            "results": [],
        }],
    }


def _sarif_result(d: Diagnostic, rule_index: int) -> dict:
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": "error" if d.severity is Severity.ERROR else "warning",
        "message": {"text": d.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": _from_cwd(d.file), "uriBaseId": "SRCROOT"},
            "region": {"startLine": d.line, "startColumn": d.column, "endColumn": d.column + d.length},
        }}],
    }


def _from_cwd(path: Path) -> str:
    """Annotations are placed relative to where the job runs (the repository root in CI)."""
    try:
        return Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
