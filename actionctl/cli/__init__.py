"""The command line: thin commands that parse options, call the core once, and render the outcome."""

from __future__ import annotations

import gc
import importlib
import sys
from functools import cache

from actionctl import __version__

# The commands register themselves on import; `--help` lists them in this order within their groups
# (usage.GROUPS). A test fails when a module of this package that declares commands is missing here.
_COMMANDS = ("project", "editor", "validate", "run", "test", "dev", "trigger", "listing", "schedule", "deps", "auth",
             "remote", "fixtures", "sync", "ci", "publishing", "emulator", "doctor")


def write_version() -> None:
    sys.stdout.write(f"actionctl {__version__}\n")


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):  # answered without loading Typer and every command
        write_version()
        return
    # A command is a short process that keeps most of what it allocates (validate: every manifest, tree
    # and diagnostic until the report): collecting cycles every 700 allocations, the default, scanned
    # it all again and again — 12-18 % of validate's time on 1,000 actions.
    gc.set_threshold(100_000, 50, 100)
    # Text from the user's realm may hold what the terminal's encoding cannot (a JavaScript string's lone
    # surrogate): it is shown escaped (\ud800) rather than ending the command with a traceback.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    _app()()


@cache
def _app():
    from actionctl.cli.app import app

    for module in _COMMANDS:
        importlib.import_module(f"actionctl.cli.{module}")
    globals()["app"] = app  # importing the submodule bound `app` to it; the name means the Typer app
    return app


def __getattr__(name: str):
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main", "write_version"]
