"""The command line: thin commands that parse options, call the core once, and render the outcome."""

from __future__ import annotations

from actionctl.cli import project, schedule, validate  # noqa: F401  (registers the commands)
from actionctl.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
