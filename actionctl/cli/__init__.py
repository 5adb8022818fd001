"""The command line: thin commands that parse options, call the core once, and render the outcome."""

from __future__ import annotations

import importlib

from actionctl.cli.app import app

# The commands register themselves on import; `--help` lists them in this order. A test fails when a module
# of this package that declares commands is missing here.
_COMMANDS = ("project", "validate", "run", "test", "trigger", "listing", "schedule", "deps", "auth", "remote",
             "sync", "ci", "publishing", "emulator")
for _module in _COMMANDS:
    importlib.import_module(f"actionctl.cli.{_module}")


def main() -> None:
    app()


__all__ = ["app", "main"]
