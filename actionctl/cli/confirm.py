"""Asking before a destructive step — only where somebody can answer."""

from __future__ import annotations

import os
import sys

import typer

from actionctl.envvars import Env
from actionctl.errors import ConfirmationRequiredError, NotConfirmedError


def interactive() -> bool:
    return sys.stdin.isatty() and not os.environ.get(Env.CI)


def confirm(question: str, yes: bool) -> None:
    """Go on only with --yes, or after a "y" typed in a terminal; never prompt where nobody can answer."""
    if yes:
        return
    if not interactive():
        raise ConfirmationRequiredError(question)
    if not typer.confirm(question, default=False, err=True):  # Ctrl-C here is `interrupted` (cli/app.py)
        raise NotConfirmedError()
