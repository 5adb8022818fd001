"""How the command line presents itself: usage lines, help pages, the grouped list of commands, examples,
and a misuse of it told as one coded line.

Typer draws help from the parameters' Python types (`PATH <list[Path]>`, `{NAME|FILE}`, `--profile <str>`);
what a user should read is the name the command gives each value, so every value is named here from its
metavar, and a test holds every option that takes a value to having one.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

# The sections of `actionctl --help`, in their order. A command says which it belongs to with
# `rich_help_panel=` (Typer's own name for a help section).
LOCAL = "Local (the project on this machine)"
DEPLOY = "Deploy (from the repository to the service)"
REMOTE = "Remote (the service, or its emulator)"
GROUPS = (LOCAL, DEPLOY, REMOTE)
UNGROUPED = "Commands"
# A summary longer than this wraps onto a second line in an 80-column `--help`; tests hold every command to it.
SUMMARY_MAX = 56


def examples(*lines: str) -> str:
    """A command's epilog: command lines shown as they are under "Examples" (a test runs each through the
    command's own parser)."""
    return "\n".join(lines)


def summary(command: Any) -> str:
    """The command's first sentence, whole: what the list of commands shows of it."""
    return command.get_short_help_str(limit=10_000)


def usage_line(exc: Any) -> str:
    """Click's account of a misuse as one line: its message, and where the command's help is."""
    text = " ".join(exc.format_message().split()).removesuffix(".")
    if text[1:2].islower():  # "No such option" → "no such option"; "NAME|FILE is…" stays
        text = text[0].lower() + text[1:]
    ctx = getattr(exc, "ctx", None)
    return f"{text} — see `{ctx.command_path} --help`" if ctx is not None else text


class Typer(typer.Typer):
    """A Typer whose commands present themselves as `Command` does."""

    def command(self, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("cls", Command)
        return super().command(*args, **kwargs)


class Command(TyperCommand):
    """A command whose usage line and help name each value by its metavar, with its examples last."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
                if param.nargs != 1:
                    pieces[-1] += "..."
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                name = _argument_name(param) + ("..." if param.nargs != 1 else "")
                arguments.append((name, record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        write_examples(self.epilog, formatter)


class Group(TyperGroup):
    """A group that lists its commands by section, each with its whole first sentence."""

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                section = getattr(command, "rich_help_panel", None) or UNGROUPED
                sections.setdefault(section, []).append((name, summary(command)))
        for title in (*GROUPS, UNGROUPED):
            if title in sections:
                with formatter.section(title):
                    formatter.write_dl(sections[title])

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        write_examples(self.epilog, formatter)


def write_examples(epilog: str | None, formatter: Any) -> None:
    if not epilog:
        return
    with formatter.section("Examples"):
        for line in epilog.splitlines():
            formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


def _argument_name(param: Any) -> str:
    return param.metavar or (param.name or "").upper()
