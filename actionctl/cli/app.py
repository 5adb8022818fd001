"""The Typer application and the one place that turns errors into messages and exit codes."""

from __future__ import annotations

import os
import sys

import typer

from actionctl.cli import coercion, usage, write_version
from actionctl.envvars import Env
from actionctl.errors import INTERNAL_ERROR, INTERNAL_ERROR_EXIT, ActionctlError, UsageError

coercion.install()  # choices, text and empty lists coerced without importing pydantic (see coercion.py)


class ActionctlGroup(usage.Group):
    """Runs a command; an ActionctlError becomes `error: message [CODE]` on stderr and its exit status, and
    so does a misuse of the command line Click finds (`USAGE`, exit 2)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[override]
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from actionctl.render import json_writer

        args = list(sys.argv[1:] if args is None else args)
        before = json_writer.written()
        try:
            status = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Exception as exc:
            if _is_prompt_abort(exc):
                _interrupted()
            if not _is_usage_error(exc):
                raise
            _misused(exc, args, before)
        sys.exit(status if isinstance(status, int) else 0)

    def invoke(self, ctx):  # type: ignore[override]
        from actionctl.render import json_writer

        args = [*getattr(ctx, "_protected_args", ()), *ctx.args]  # the command's, before parsing takes them
        before = json_writer.written()
        try:
            return super().invoke(ctx)
        except ActionctlError as exc:
            from actionctl.render import console

            _error_document(args, before, exc.code, exc.message)
            console.error_line(exc.code, exc.message)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            _interrupted()
        except Exception as exc:
            if _is_prompt_abort(exc):  # Ctrl-C (or the end of input) at a prompt: Click's `Aborted!`, exit 1
                _interrupted()
            if _is_framework(exc) or os.environ.get(Env.DEBUG):
                raise
            from actionctl.render import console

            console.error_line(INTERNAL_ERROR, f"{type(exc).__name__}: {exc} — this is a bug in actionctl; "
                               f"set {Env.DEBUG}=1 to see where")
            sys.exit(INTERNAL_ERROR_EXIT)


def _misused(exc: Exception, args: list[str], before: int) -> None:
    """A usage error Click found: one coded line (and, under --format json, a document), exit 2. A command
    or group given no arguments where it needs some shows its help instead, as Click does."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()  # type: ignore[attr-defined]
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    from actionctl.render import console

    message = usage.usage_line(exc)
    _error_document(args, before, UsageError.code, message)
    console.error_line(UsageError.code, message)
    sys.exit(UsageError.exit_code)


def _interrupted() -> None:
    sys.stderr.write("interrupted\n")
    sys.exit(130)


def _is_prompt_abort(exc: Exception) -> bool:
    return _is_framework(exc) and type(exc).__name__ == "Abort"


def _error_document(args: list[str], before: int, code: str, message: str) -> None:
    """Under `--format json` or `sarif`, the error as a document on stdout, unless the command wrote one
    (`before`: the documents written when it started)."""
    fmt = _requested_format(args)
    if fmt not in ("json", "sarif"):
        return
    from actionctl.render import diagnostic_formats, json_writer

    if json_writer.written() == before:
        json_writer.emit({"ok": False, "error": {"code": code, "message": message}} if fmt == "json"
                         else diagnostic_formats.failure_sarif(code, message))


def _requested_format(args: list[str]) -> str | None:
    """The value of the last `--format`/`-f` on the command line, read as Click would read it."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("--format", "-f") and index + 1 < len(args):
            found = args[index + 1]
        elif arg.startswith("--format="):
            found = arg.split("=", 1)[1]
        elif arg.startswith("-f") and not arg.startswith("--") and len(arg) > 2:
            found = arg[2:]
    return found


def _is_usage_error(exc: Exception) -> bool:
    return _is_framework(exc) and getattr(exc, "exit_code", None) == 2 and hasattr(exc, "format_message")


def _is_framework(exc: Exception) -> bool:
    """Typer's and Click's own exceptions (usage errors, exit) carry their own handling."""
    return type(exc).__module__.split(".")[0] in ("typer", "click")


def _version(value: bool) -> None:
    if value:
        write_version()
        raise typer.Exit()


app = usage.Typer(
    cls=ActionctlGroup,
    name="actionctl",
    help="Keep Fliplet App Actions V3 in git: validate, run, test and deploy them from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=usage.examples("actionctl init --app 123456", "actionctl new hello", "actionctl test",
                          "actionctl login", "actionctl push"),
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Keep Fliplet App Actions V3 in git: validate, run, test and deploy them from the terminal."""
