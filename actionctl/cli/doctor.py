"""`actionctl doctor`: check this machine, the project's settings and, with --live, the service."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, OutputFormat, remote_options

if TYPE_CHECKING:
    from actionctl.cli.connection import Remote


@app.command(rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl doctor",
                 "actionctl doctor --live --format json",
             ))
@remote_options()
def doctor(
    live: bool = typer.Option(False, "--live", help="Probe the service too: GET requests only, one attempt each, "
                                                    "never a write."),
    fmt: OutputFormat = FORMAT, remote: Remote = None,
) -> None:
    """Check this machine, the project and the service.

    Python, the V8 worker, actionctl.yaml, the token and (--live) the service. Exit 0 when no check failed, 1 when
    one did."""
    from actionctl.doctor import Options, diagnose

    report = diagnose(Options(profile=remote.profile, app=remote.app, api_url=remote.api_url,
                              region=remote.region.value if remote.region else None, token=remote.token, live=live),
                      log=remote.request_log())
    if fmt is OutputFormat.json:
        from actionctl.render import json_writer

        json_writer.emit(report.as_json())
    else:
        from actionctl.render import doctor_view

        doctor_view.show(report)
    raise typer.Exit(report.exit_code)
