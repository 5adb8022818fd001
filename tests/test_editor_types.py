"""`actionctl types`: the platform's TypeScript declaration (from the one description of the surface), `context`
per trigger, fixture columns, and a jsconfig.json that is the user's once edited. The TypeScript compiler itself
checks the templates and the examples, and reports a misspelt method; it comes from ACTIONCTL_TEST_TSC (.ci/run
installs a pinned one) or PATH, and the tests that need it skip only when neither has one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support import EXAMPLES

from actionctl.scaffold import TEMPLATES
from actionctl.surface import NAMESPACES
from actionctl.surface.model import DEVICE_ONLY
from actionctl.surface.typescript import declaration

TYPES = ".actionctl/types/fliplet.d.ts"
BOOKINGS = ("name: Bookings\ncolumns: [Name, Status]\n"
            "entries:\n  - {id: 1, data: {Name: Ann, Status: Pending, Age: 3}}\n")


def _tsc() -> list[str] | None:
    given = os.environ.get("ACTIONCTL_TEST_TSC")
    if given:  # CI names one: it must run, not skip
        return [given]
    found = shutil.which("tsc")
    return [found] if found and shutil.which("node") else None


needs_tsc = pytest.mark.skipif(_tsc() is None, reason="no TypeScript compiler (set ACTIONCTL_TEST_TSC or put tsc on "
                                                      "PATH)")


def tsc(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*_tsc(), "--noEmit", "-p", str(project / "jsconfig.json")], capture_output=True,
                          text=True, timeout=300, cwd=project)


def test_types_writes_the_declaration_and_a_jsconfig(cli, tree):
    tree({"fixtures/datasources/158.yaml": BOOKINGS})
    result = cli("types", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json == {"root": str(Path.cwd().resolve()), "created": [TYPES, "jsconfig.json"], "updated": [],
                           "unchanged": [], "kept": [],
                           "datasources": [{"id": 158, "name": "Bookings", "columns": ["Name", "Status", "Age"]}],
                           "notes": []}
    config = json.loads(Path("jsconfig.json").read_text())
    assert config["compilerOptions"]["checkJs"] is True
    assert config["include"] == ["actions/**/*.js", ".actionctl/types/*.d.ts"]
    again = cli("types")
    assert again.stdout.splitlines() == [f"unchanged {TYPES}", "unchanged jsconfig.json",
                                         "columns   data source 158 (Bookings): Name, Status, Age"]


def test_the_declaration_gives_a_fixture_s_columns_by_id_and_by_name(cli, tree):
    tree({"fixtures/datasources/158.yaml": BOOKINGS})
    cli("types")
    text = Path(TYPES).read_text()
    row = '{ "Name": any; "Status": any; "Age": any; }'
    assert f"  158: {row};" in text
    assert f'  "Bookings": {row};' in text


def test_a_name_two_fixtures_share_gives_no_columns_by_name(cli, tree):
    tree({"fixtures/datasources/1.yaml": BOOKINGS, "fixtures/datasources/2.yaml": BOOKINGS})
    cli("types")
    text = Path(TYPES).read_text()
    assert "  1: {" in text and "  2: {" in text
    assert '"Bookings"' not in text


def test_new_refreshes_types_an_older_actionctl_wrote(cli, tree):
    import hashlib

    from actionctl.surface.typescript import HEADER

    older = "declare const Fliplet: any;\n"
    tree({TYPES: f"{HEADER} (sha256 {hashlib.sha256(older.encode()).hexdigest()})\n{older}"})
    result = cli("new", "hello", "--format", "json")
    assert result.json["updated"] == [TYPES]
    assert Path(TYPES).read_text() == declaration()


def test_a_declaration_written_before_declarations_carried_their_digest_is_refreshed(cli, tree):
    from actionctl.surface.typescript import HEADER

    tree({TYPES: f"{HEADER}.\ndeclare const Fliplet: any;\n"})
    assert cli("types", "--format", "json").json["updated"] == [TYPES]
    assert Path(TYPES).read_text() == declaration()


def test_a_declaration_of_ours_edited_since_is_kept(cli, tree):
    cli("types")
    edited = Path(TYPES).read_text() + "declare const MINE: number;\n"
    Path(TYPES).write_text(edited)
    result = cli("new", "hello", "--format", "json")
    assert Path(TYPES).read_text() == edited
    assert TYPES not in result.json.get("updated", [])
    types = cli("types", "--format", "json").json
    assert types["kept"] == [TYPES]
    assert types["notes"] == [f"{TYPES} was edited since actionctl wrote it, so it is left as it is — remove it and "
                              "run `actionctl types` to have the platform's types there"]


def test_a_changed_fixture_updates_the_declaration(cli, tree):
    cli("types")
    tree({"fixtures/datasources/158.yaml": BOOKINGS})
    assert cli("types", "--format", "json").json["updated"] == [TYPES]


def test_an_edited_jsconfig_is_kept_and_the_missing_settings_named(cli, tree):
    tree({"jsconfig.json": '{"compilerOptions": {"strict": true}}\n'})
    result = cli("types", "--format", "json")
    assert result.json["kept"] == ["jsconfig.json"]
    assert result.json["notes"] == ['jsconfig.json is yours and left as it is: for the types to apply, it needs '
                                    '"checkJs": true and ".actionctl/types/*.d.ts" in "include" (see the README, '
                                    '"Editor set-up")']
    assert Path("jsconfig.json").read_text() == '{"compilerOptions": {"strict": true}}\n'


def test_an_edited_jsconfig_that_uses_the_types_is_kept_without_a_note(cli, tree):
    tree({"jsconfig.json": '{"compilerOptions": {"checkJs": true}, "include": ["src", ".actionctl/types"]}\n'})
    result = cli("types", "--format", "json")
    assert (result.json["kept"], result.json["notes"]) == (["jsconfig.json"], [])


def test_a_declaration_someone_else_wrote_is_kept(cli, tree):
    tree({TYPES: "declare const Fliplet: any;\n"})
    result = cli("types", "--format", "json")
    assert result.json["kept"] == [TYPES]
    assert result.json["notes"][0].startswith(f"{TYPES} was not written by actionctl, so it is left as it is")
    assert Path(TYPES).read_text() == "declare const Fliplet: any;\n"


def test_a_broken_fixture_stops_types_but_not_new(cli, tree):
    tree({"fixtures/datasources/9.yaml": "entries: 3\n"})
    result = cli("types")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.rstrip().endswith("[FIXTURE_INVALID]")
    new = cli("new", "hello", "--format", "json")
    assert new.exit_code == 0
    assert new.json["notes"][0].startswith("the editor types give no data source columns: ")
    assert TYPES in new.json["created"]


def test_types_outside_a_project_says_to_init(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("types")
    assert result.exit_code == 2
    assert "[PROJECT_NOT_FOUND]" in result.stderr


def _declared(text: str) -> dict[str, set[str]]:
    """The method names of each interface of the declaration."""
    found: dict[str, set[str]] = {}
    for name, body in re.findall(r"^interface (\w+)[^\n]*\{\n(.*?)^\}", text, re.M | re.S):
        found[name] = set(re.findall(r"^  (\w+)(?:<[^>]*>)?\(", body, re.M))
    return found


def test_exactly_the_declared_methods_are_typed():
    declared = _declared(declaration())
    for namespace in NAMESPACES:
        name = "Fliplet" + "".join(p[:1].upper() + p[1:] for p in namespace.path.split("."))
        assert declared[name] == {m.name for m in namespace.methods}, namespace.path


def test_device_only_methods_are_marked_deprecated_with_the_reason():
    text = declaration()
    device_only = [m for n in NAMESPACES for m in n.methods if m.kind == DEVICE_ONLY]
    assert text.count("@deprecated Device-only: a server action cannot call it") == len(device_only)
    assert re.search(r"@deprecated Device-only[^\n]*\n(?:   \*[^\n]*\n)*   \*/\n  composeEmail\(", text)


def test_the_examples_types_are_up_to_date(cli, tmp_path, monkeypatch):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path / "examples")
    result = cli("types", "--format", "json")
    assert result.json["unchanged"] == [TYPES, "jsconfig.json"], "run `actionctl types` in examples/"


@needs_tsc
def test_tsc_finds_no_error_in_the_templates_and_the_examples(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli("init")
    for template in TEMPLATES:
        assert cli("new", f"from-{template}", "--template", template).exit_code == 0
    checked = tsc(tmp_path)
    assert (checked.returncode, checked.stdout) == (0, "")
    examples = tsc(EXAMPLES)
    assert (examples.returncode, examples.stdout) == (0, "")


@needs_tsc
def test_tsc_reports_a_misspelt_method_a_misspelt_column_and_a_scheduled_payload_read(cli, tree):
    tree({"fixtures/datasources/158.yaml": BOOKINGS,
          "actions/a.js": "/** @param {ActionContext.Manual} context */\nasync function execute(context) {\n"
                          "  const db = await Fliplet.DataSources.conect(158);\n"
                          "  const entry = await (await Fliplet.DataSources.connect(158)).findById(1);\n"
                          "  return entry.data.Stauts;\n}\n",
          "actions/b.js": "/** @param {ActionContext.Schedule} context */\n"
                          "async function execute(context) {\n  return context.payload.id;\n}\n"})
    cli("types")
    checked = tsc(Path.cwd())
    assert checked.returncode != 0
    assert checked.stdout.splitlines() == [
        "actions/a.js(3,40): error TS2551: Property 'conect' does not exist on type 'FlipletDataSources'. "
        "Did you mean 'connect'?",
        "actions/a.js(5,21): error TS2551: Property 'Stauts' does not exist on type "
        "'{ Name: any; Status: any; Age: any; }'. Did you mean 'Status'?",
        "actions/b.js(3,26): error TS2339: Property 'id' does not exist on type '{}'.",
    ]


def test_column_names_reach_the_terminal_shown_never_obeyed(cli, tree):
    tree({"fixtures/datasources/158.yaml": 'name: "B\\e]0;TITLE\\a"\ncolumns: ["\\e[31mRED"]\nentries: []\n'})
    shown = cli("types").stdout
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b[31mRED" in shown
