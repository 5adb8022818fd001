"""`actionctl test`: run the cases in tests/*.test.yaml and report like a test runner."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import PROFILE, TEST_FORMAT, TestFormat, complete_action_names


@app.command("test", rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl test",
                 "actionctl test hello -k 'greets*'",
                 "actionctl test --junit report.xml",
             ))
def test_command(
    targets: list[str] = typer.Argument(None, metavar="NAME|FILE", autocompletion=complete_action_names,
                                        help="Actions or test files (default: every tests/*.test.yaml)."),
    keyword: str = typer.Option(None, "-k", metavar="PATTERN",
                                help="Only cases whose 'file::name' contains this (or matches a glob)."),
    fmt: TestFormat = TEST_FORMAT,
    junit: Path = typer.Option(None, "--junit", metavar="FILE", help="Also write a JUnit XML report to this file."),
    workers: int = typer.Option(None, "--workers", "-j", metavar="N", min=1,
                                help="Parallel workers (default: one per core)."),
    profile: str = PROFILE,
) -> None:
    """Run the test cases of tests/*.test.yaml.

    Against local fixtures; exit 0 when all pass, 1 when any fails."""
    from actionctl.atomicfile import write_atomic
    from actionctl.errors import TestsNotFoundError
    from actionctl.execution import cases
    from actionctl.project import open_project
    from actionctl.render import console, json_writer, test_reports

    project = open_project(required=True)
    found = cases.collect(cases.test_files(project, targets or []), keyword, project.root)
    if not found:  # nothing tested is no pass: a -k misspelt, or tests in the wrong folder, would look green
        raise TestsNotFoundError(f"no test case matches -k {keyword!r}" if keyword else
                                 "no test cases found (tests/*.test.yaml): nothing was tested")
    report = cases.run_cases(project, found, workers, profile)
    if fmt is TestFormat.json:
        json_writer.emit(test_reports.to_json(report, project.relpath))
    elif fmt is TestFormat.junit:
        sys.stdout.write(test_reports.to_junit(report, project.relpath))
    else:
        console.test_report(report, project.relpath)
    if junit is not None:
        write_atomic(junit, test_reports.to_junit(report, project.relpath))
        console.note(f"wrote {junit}")
    raise typer.Exit(0 if report.ok else 1)
