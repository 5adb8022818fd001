"""Options shared by commands, declared once: `--format`, `--profile`, and the options of remote commands."""

from __future__ import annotations

import enum
import functools
import inspect

import typer

from actionctl.envvars import Env


class OutputFormat(str, enum.Enum):
    text = "text"
    json = "json"


class ValidateFormat(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class TestFormat(str, enum.Enum):
    text = "text"
    json = "json"
    junit = "junit"


class Template(str, enum.Enum):
    on_demand = "on-demand"
    scheduled = "scheduled"
    log = "log"
    analytics = "analytics"
    blank = "blank"


class Region(str, enum.Enum):
    eu = "eu"
    us = "us"
    ca = "ca"


class Trigger(str, enum.Enum):
    manual = "manual"
    schedule = "schedule"
    log = "log"
    analytics = "analytics"


def choices(kind: type[enum.Enum]) -> str:
    """The metavar of a choice: its values, as the user types them."""
    return "|".join(member.value for member in kind)


_FORMAT_HELP = "text for people, json for scripts (shapes in the README)."
# Said by every --token: a command line is visible to other users of the machine and kept in shell history.
TOKEN_IN_PS = (f"Other users of this machine see it in `ps`: prefer {Env.TOKEN} or `actionctl login "
               "--token-stdin`.")
FORMAT = typer.Option(OutputFormat.text, "--format", "-f", metavar=choices(OutputFormat), help=_FORMAT_HELP)
VALIDATE_FORMAT = typer.Option(ValidateFormat.text, "--format", "-f", metavar=choices(ValidateFormat),
                               help="text, json, github (workflow annotations) or sarif.")
TEST_FORMAT = typer.Option(TestFormat.text, "--format", "-f", metavar=choices(TestFormat),
                           help="text, json or junit (XML).")
PROFILE = typer.Option(None, "--profile", metavar="NAME", envvar=Env.PROFILE,
                       help="Profile of actionctl.yaml: its app, vars: and fixtures.")
def complete_action_names(incomplete: str) -> list[str]:
    """Shell completion of an action's name: the project's actions, as `list` reads them. Outside a project, or
    when a manifest cannot be read, it offers what it can: completion runs at every Tab and never reports."""
    try:
        from actionctl import inventory
        from actionctl.project import open_project

        names = {info.name for info in inventory.actions(open_project(required=True))}
    except Exception:  # a broken project is for `validate` to report, not the shell's Tab key
        return []
    return sorted(name for name in names if isinstance(name, str) and name.startswith(incomplete))


NAMES = typer.Argument(None, metavar="NAME", autocompletion=complete_action_names,
                       help="Only these actions (default: all of them).")
# Seconds a run may be given: finite (`inf` and `nan` are floats to the parser) and at most a day,
# as `limits.timeout` in actionctl.yaml (project.MAX_SECONDS; not imported here, to keep YAML out of --help).
MAX_TIMEOUT = 86_400


def timeout_option(help: str):
    """`--timeout SECONDS` for the commands that run actions."""
    return typer.Option(None, "--timeout", metavar="SECONDS", min=0.1, max=MAX_TIMEOUT, help=help)


YES = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation (needed without a terminal).")

# The options of every command that talks to the service: (annotation, declaration) by parameter name.
_REMOTE_OPTIONS = {
    "profile": (str, PROFILE),
    "app": (int, typer.Option(None, "--app", metavar="ID", min=1,
                                        help="The app id (default: `app:` of actionctl.yaml or the profile).")),
    "api_url": (str, typer.Option(None, "--api-url", metavar="URL",
                                            help="The service's base URL (default: the region's host).")),
    "region": (Region, typer.Option(None, "--region", metavar=choices(Region),
                                              help="Use the region's host: eu, us or ca.")),
    "token": (str, typer.Option(None, "--token", metavar="TOKEN",
                                help=f"API token (default: {Env.TOKEN}, then the stored login). {TOKEN_IN_PS}")),
    "verbose": (bool, typer.Option(False, "--verbose", "-v", help="Log each request (never the token) to stderr.")),
}


def remote_options(*names: str):
    """Give a command the remote options (all of them, or those named) as one `remote: Remote` argument.

    The decorated function declares `remote: Remote` instead of the options themselves; Typer sees
    the options, and the command receives them resolved lazily (nothing connects until it asks).
    """
    chosen = names or tuple(_REMOTE_OPTIONS)

    def decorate(command):
        signature = inspect.signature(command)
        own = [p for p in signature.parameters.values() if p.name != "remote"]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=_REMOTE_OPTIONS[name][1],
                                   annotation=_REMOTE_OPTIONS[name][0]) for name in chosen]

        @functools.wraps(command)
        def with_remote(*args, **kwargs):
            from actionctl.cli.connection import Remote

            given = {name: kwargs.pop(name) for name in chosen}
            return command(*args, remote=Remote(**given), **kwargs)

        with_remote.__signature__ = signature.replace(parameters=[*own, *added])
        annotations = {k: v for k, v in command.__annotations__.items() if k != "remote"}
        with_remote.__annotations__ = {**annotations, **{name: _REMOTE_OPTIONS[name][0] for name in chosen}}
        return with_remote

    return decorate
