"""How the command line presents itself: misuse told in one coded line, help that names values as a user
types them, commands grouped with their whole summaries, an example per command, and shell completion."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
import typer.main
from support import HANG_LIMIT

from actionctl.cli import app, usage

ROOT = typer.main.get_command(app)
# The CLI in a process of its own, named as the installed script names it (`python -m actionctl` names itself so).
INSTALLED = [sys.executable, "-c", "import sys; sys.argv[0] = 'actionctl'; from actionctl.cli import main; main()"]


def _commands(group=ROOT, path=("actionctl",)):
    """Every command a user can run, as (path, command), subcommands of groups included."""
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if hasattr(command, "list_commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = dict(_commands())
IDS = [" ".join(path[1:]) for path in COMMANDS]


# --- misuse ---------------------------------------------------------------------------------------------

MISUSES = [
    (("run", "--bogus"), "no such option: --bogus — see `actionctl run --help`"),
    (("run",), "missing argument 'NAME|FILE' — see `actionctl run --help`"),
    (("run", "a", "b"), "got unexpected extra argument(s) (b) — see `actionctl run --help`"),
    (("zzz",), "no such command 'zzz' — see `actionctl --help`"),
    (("--bogus",), "no such option: --bogus — see `actionctl --help`"),
    (("push", "--app", "x"), "invalid value for '--app': 'x' is not a whole number — see `actionctl push --help`"),
    (("push", "--app", "0"),
     "invalid value for '--app': 0 is out of range: it must be at least 1 — see `actionctl push --help`"),
    (("run", "x", "--timeout", "inf"),
     "invalid value for '--timeout': inf is out of range: it must be from 0.1 to 86400 — see `actionctl run --help`"),
    (("list", "--format", "xml"),
     "invalid value for '--format' / '-f': 'xml' is not one of 'text', 'json' — see `actionctl list --help`"),
    (("remote", "show"), "missing argument 'NAME|ID' — see `actionctl remote show --help`"),
    (("fmt",), "no such command 'fmt' — see `actionctl --help`"),
]


@pytest.mark.parametrize(("args", "message"), MISUSES, ids=[" ".join(a) for a, _ in MISUSES])
def test_a_misuse_is_one_coded_line_with_where_to_look(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"error: {message} [USAGE]\n"


def test_a_near_miss_is_told_what_was_meant(cli):
    assert cli("valdate").stderr == ("error: no such command 'valdate'. Did you mean 'validate'? — see "
                                     "`actionctl --help` [USAGE]\n")
    assert cli("list", "--fromat", "json").stderr == ("error: no such option: --fromat (Possible options: --format) "
                                                      "— see `actionctl list --help` [USAGE]\n")


def test_a_misuse_under_format_json_is_also_a_document_on_stdout(cli):
    result = cli("list", "--format", "json", "--bogus")
    assert result.exit_code == 2
    assert result.json == {"ok": False, "error": {
        "code": "USAGE", "message": "no such option: --bogus — see `actionctl list --help`"}}


def test_a_misuse_of_the_installed_command_names_the_command_as_typed(tmp_path):
    result = subprocess.run([*INSTALLED, "validate", "--strictly"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=HANG_LIMIT, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: no such option: --strictly (Possible options: --strict) — see `actionctl validate --help` [USAGE]"]


def test_no_command_shows_the_help(cli):
    result = cli()
    assert result.exit_code == 2
    assert "Usage: actionctl [OPTIONS] COMMAND [ARGS]..." in result.stderr


# --- help -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", list(COMMANDS), ids=IDS)
def test_help_names_each_value_as_a_user_types_it(cli, path):
    # Typer's own names for types (`<str>`, `<list[Path]>`, `<int range>`, `{NAME}`) never show.
    text = cli(*path[1:], "--help").stdout
    usage_line, _, _ = text.partition("\n")
    assert re.fullmatch(r"Usage: [\w ]+ \[OPTIONS\]( [A-Z_|a-z\[\].]+)*", usage_line), usage_line
    assert not re.search(r"<[a-z]|\{[A-Za-z]", text), text


@pytest.mark.parametrize("path", list(COMMANDS), ids=IDS)
def test_every_option_that_takes_a_value_has_a_metavar(path):
    command = COMMANDS[path]
    for param in command.params:
        if param.param_type_name == "option" and not param.is_flag and not param.count:
            assert param.metavar, f"{' '.join(path)} {param.opts[0]} has no metavar"
        if param.param_type_name == "argument":  # the usage line adds the brackets and dots itself
            assert param.metavar and not re.search(r"[\[\].]", param.metavar), (path, param.metavar)


def test_the_usage_line_shows_what_is_optional_and_what_repeats(cli):
    first = {name: cli(*name.split(), "--help").stdout.splitlines()[0] for name in
             ("run", "push", "test", "rollback", "logs", "init", "trigger")}
    assert first == {
        "run": "Usage: actionctl run [OPTIONS] NAME|FILE",
        "push": "Usage: actionctl push [OPTIONS] [NAME]...",
        "test": "Usage: actionctl test [OPTIONS] [NAME|FILE]...",
        "rollback": "Usage: actionctl rollback [OPTIONS] NAME|ID VERSION_ID",
        "logs": "Usage: actionctl logs [OPTIONS] [NAME|ID]",
        "init": "Usage: actionctl init [OPTIONS] [FOLDER]",
        "trigger": "Usage: actionctl trigger [OPTIONS] log|analytics|schedule [NAME]",
    }


def test_the_commands_are_listed_by_group_each_with_its_whole_summary(monkeypatch, cli):
    monkeypatch.setenv("COLUMNS", "80")
    text = cli("--help").stdout
    sections = {}
    for block in text.split("\n\n"):
        title, _, rows = block.partition(":\n")
        if title in usage.GROUPS:
            sections[title] = [row.split()[0] for row in rows.splitlines()]
    assert sections == {
        usage.LOCAL: ["init", "new", "types", "validate", "run", "test", "dev", "trigger", "list", "schema", "schedule",
                      "doctor", "deps"],
        usage.DEPLOY: ["diff", "push", "pull", "ci", "publish", "unpublish", "rollback"],
        usage.REMOTE: ["login", "logout", "whoami", "logs", "versions", "emulator", "remote", "fixtures"],
    }
    assert "\nCommands:" not in text  # every command has its group
    for name in (n for rows in sections.values() for n in rows):
        command = ROOT.get_command(None, name)
        summary = usage.summary(command)
        assert summary.endswith(".") and "..." not in summary, name
        assert len(summary) <= usage.SUMMARY_MAX, name
        assert re.search(rf"^  {name} +{re.escape(summary)}$", text, re.M), name  # one line, whole


@pytest.mark.parametrize("path", list(COMMANDS), ids=IDS)
def test_every_command_has_examples_its_own_parser_accepts(cli, path):
    command = COMMANDS[path]
    lines = (command.epilog or "").splitlines()
    assert lines, f"{' '.join(path)} has no example"
    help_text = cli(*path[1:], "--help").stdout
    assert help_text.rstrip().endswith("Examples:\n" + "\n".join(f"  {line}" for line in lines))
    for line in lines:
        words = shlex.split(line)
        assert tuple(words[:len(path)]) == path, line
        command.make_context(" ".join(path), words[len(path):])  # raises on an unknown option or a bad value


def test_the_top_level_help_ends_with_examples_that_parse():
    for line in ROOT.epilog.splitlines():
        words = shlex.split(line)
        assert words[0] == "actionctl"
        ROOT.get_command(None, words[1]).make_context(words[1], words[2:])


# --- shell completion -----------------------------------------------------------------------------------

def _complete(words: str, cwd, shell: str = "bash") -> list[str]:
    env = {**os.environ, "_ACTIONCTL_COMPLETE": f"complete_{shell}", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    result = subprocess.run(INSTALLED, capture_output=True, text=True, cwd=cwd, env=env, timeout=HANG_LIMIT,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.split()


def test_completion_is_offered_for_the_users_shell(cli):
    assert "--install-completion" in cli("--help").stdout
    script = cli("--show-completion", "bash")
    assert script.exit_code == 0
    assert "_ACTIONCTL_COMPLETE=complete_bash" in script.stdout
    assert "complete -o default -F _actionctl_completion actionctl" in script.stdout


def test_completion_offers_commands_options_and_the_projects_action_names(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("init", "--app", "7").exit_code == 0
    for name in ("send-report", "send-invoice", "hello"):
        assert cli("new", name).exit_code == 0
    assert _complete("actionctl val", tmp_path) == ["validate"]
    assert _complete("actionctl re", tmp_path) == ["remote"]
    assert _complete("actionctl run --tr", tmp_path) == ["--trigger"]
    assert _complete("actionctl run send-", tmp_path) == ["send-invoice", "send-report"]
    assert _complete("actionctl push ", tmp_path) == ["hello", "send-invoice", "send-report"]
    assert _complete("actionctl remote run h", tmp_path) == ["hello"]


def test_completion_outside_a_project_or_in_a_broken_one_offers_nothing_and_says_nothing(tmp_path):
    assert _complete("actionctl run ", tmp_path) == []
    (tmp_path / "actionctl.yaml").write_text("app: [unclosed\n")
    assert _complete("actionctl run ", tmp_path) == []

