"""`actionctl dev`: the inner loop — on every save, validate and test again what the save touched."""

from __future__ import annotations

import typer

from actionctl.cli import usage
from actionctl.cli.app import app
from actionctl.cli.options import FORMAT, NAMES, PROFILE, OutputFormat, complete_action_names
from actionctl.errors import UsageError


@app.command("dev", rich_help_panel=usage.LOCAL,
             epilog=usage.examples(
                 "actionctl dev",
                 "actionctl dev hello --run hello --payload '{\"name\": \"Ada\"}'",
                 "actionctl dev --format json",
             ))
def dev(
    names: list[str] = NAMES,
    run: str = typer.Option(None, "--run", metavar="NAME", autocompletion=complete_action_names,
                            help="Also run this action on every save."),
    payload: str = typer.Option(None, "--payload", "-p", metavar="JSON",
                                help="The --run action's payload: JSON, or @file.json."),
    workers: int = typer.Option(None, "--workers", "-j", metavar="N", min=1,
                                help="Warm workers kept (default: one per core)."),
    profile: str = PROFILE,
    fmt: OutputFormat = FORMAT,
) -> None:
    """Validate and test again on every save, until Ctrl-C.

    Watches actions/, fixtures/, tests/ and actionctl.yaml; runs only the cases a save touches, on warm
    workers, and keeps a summary of every case with the failures' diffs."""
    from pathlib import Path

    from actionctl.cli.run import json_argument
    from actionctl.execution import devloop, prepare
    from actionctl.render import dev_view

    if payload is not None and run is None:
        raise UsageError("--payload goes with --run NAME: the action to run on every save")
    request = (devloop.RunRequest(run, prepare.RunOptions(payload=json_argument(payload, "--payload"),
                                                          profile=profile)) if run else None)
    session = devloop.Session(Path.cwd(), names or [], profile, workers, request)
    view = dev_view.View(fmt is OutputFormat.json, session.project.relpath)
    try:
        for cycle in devloop.cycles(session):
            view.show(cycle)
    except BrokenPipeError:  # the reader stopped reading (`| head`): nobody is left to tell, so dev ends, exit 0
        _stdout_gone()
    finally:  # Ctrl-C included: the live view gives the terminal back, and no worker is left running
        view.close()
        session.close()


def _stdout_gone() -> None:
    """stdout's reader is gone: what is still buffered for it, and anything written later, goes nowhere, so
    that flushing it at exit raises no second BrokenPipeError."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
