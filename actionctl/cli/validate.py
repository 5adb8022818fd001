"""`actionctl validate`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import PROFILE, VALIDATE_FORMAT, ValidateFormat


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl validate",
                 "actionctl validate actions/hello.yaml --format github",
             ))
def validate(
    paths: list[Path] = typer.Argument(None, metavar="PATH",
                                        help="Manifests, .js files or folders (default: the whole project)."),
    fmt: ValidateFormat = VALIDATE_FORMAT,
    strict: bool = typer.Option(False, "--strict", help="Fail (exit 1) on warnings too."),
    profile: str = PROFILE,
) -> None:
    """Check manifests and code as the service would.

    Exit 0 clean, 1 errors, 2 usage."""
    from actionctl.render import console, diagnostic_formats, json_writer
    from actionctl.validation import validate_paths

    report = validate_paths(paths, profile)
    if fmt is ValidateFormat.text:
        console.diagnostics(report)
    else:
        if fmt is ValidateFormat.github:
            text = diagnostic_formats.to_github(report)
            sys.stdout.write(text + "\n" if text else "")
        else:
            json_writer.emit(diagnostic_formats.to_json(report) if fmt is ValidateFormat.json
                             else diagnostic_formats.to_sarif(report))
        if report.actions == 0:
            console.note("no action manifests found")
    raise typer.Exit(report.exit_code(strict))
