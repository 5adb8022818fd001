"""The shape the architecture promises: commands register themselves, one JSON writer, Rich only where it renders."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import actionctl.cli
from actionctl.cli import _COMMANDS

PACKAGE = Path(actionctl.cli.__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_every_module_that_declares_commands_is_registered():
    declaring = {m.name for m in pkgutil.iter_modules(actionctl.cli.__path__)
                 if any(mark in (PACKAGE / "cli" / f"{m.name}.py").read_text(encoding="utf-8")
                        for mark in (".command(", ".add_typer("))}
    assert declaring - {"app", "usage"} == set(_COMMANDS)  # app and usage make the classes that commands use


def test_only_render_and_cli_import_rich():
    importers = {path.relative_to(PACKAGE).parts[0] for path in PACKAGE.rglob("*.py") if "rich" in _imports(path)}
    assert importers <= {"render", "cli"}


def test_json_documents_are_written_by_one_writer():
    writers = [path.relative_to(PACKAGE).as_posix() for path in (PACKAGE / "cli").glob("*.py")
               if "json.dumps" in path.read_text(encoding="utf-8")]
    assert writers == []


def test_json_keeps_non_ascii_text_as_written(cli, tmp_path, monkeypatch):
    folder = tmp_path / "réservations"
    result = cli("init", str(folder), "--format", "json")
    assert result.exit_code == 0
    assert '"root": "' + str(folder.resolve()) + '"' in result.stdout and "\\u00e9" not in result.stdout
    monkeypatch.chdir(folder)
    assert "réservations" in cli("new", "hello", "--format", "json").stdout


def test_every_command_takes_the_shared_format_option(cli):
    for args in (("list",), ("schedule",), ("run",), ("test",), ("diff",), ("push",), ("pull",), ("ci",),
                 ("publish",), ("logs",), ("versions",), ("login",), ("whoami",), ("remote", "list"),
                 ("deps", "fetch"), ("init",), ("new",), ("trigger",), ("validate",), ("doctor",),
                 ("fixtures", "pull"), ("fixtures", "list")):
        assert "-f, --format" in cli(*args, "--help").stdout, args


def test_the_top_level_of_the_package_stays_small():
    # The architecture shows in the sub-packages (DESIGN §2); a module that belongs to one goes there.
    modules = [p.name for p in PACKAGE.glob("*.py") if not p.name.startswith("__")]
    assert len(modules) <= 18, sorted(modules)
