"""The documentation tells the truth: every code documented, the README's commands real, the example valid."""

from __future__ import annotations

import re
import shutil

from conftest import REPO

from actionctl.rules.catalog import CODES

SOURCES = [*REPO.joinpath("actionctl", "rules").glob("*.py"), REPO / "actionctl" / "yamldoc.py",
           REPO / "actionctl" / "manifest.py", REPO / "actionctl" / "project.py", REPO / "actionctl" / "schedule.py"]


def _emitted_codes() -> set[str]:
    codes = set()
    for path in SOURCES:
        if path.name == "catalog.py":
            continue
        codes |= set(re.findall(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"', path.read_text()))
    return codes


def test_every_code_the_rules_emit_is_in_the_catalogue():
    assert _emitted_codes() - set(CODES) == set()


def test_the_catalogue_has_no_code_nothing_emits():
    assert set(CODES) - _emitted_codes() == set()


def test_readme_documents_every_code():
    readme = (REPO / "README.md").read_text()
    missing = [code for code in CODES if f"`{code}`" not in readme]
    assert missing == []


def test_readme_starts_with_the_two_setup_commands():
    readme = (REPO / "README.md").read_text()
    block = readme.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    assert block[0].startswith("pip install -e . && actionctl validate examples/")
    assert block[1].startswith('pip install -e ".[test]" && python -m pytest -q')


def test_ci_runs_the_readme_commands():
    script = (REPO / ".ci" / "run").read_text()
    assert "pip install --quiet -e . && actionctl validate examples/" in script
    assert 'pip install --quiet -e ".[test]" && python -m pytest -q' in script


def test_action_example_validates_clean(cli, project):
    shutil.copy(REPO / "action.example.yaml", project / "actions" / "send-monday-weekly-reminder.yaml")
    (project / "actions" / "send-monday-weekly-reminder.js").write_text(
        "async function execute(context) {\n  const c = await Fliplet.DataSources.connect(158);\n"
        "  return { count: (await c.find()).length };\n}\n")
    result = cli("validate", "--strict", "--format", "json")
    assert result.json == {"ok": True, "actions": 1, "diagnostics": []}


def test_example_action_covers_every_field():
    from actionctl.manifest import FIELDS

    text = (REPO / "action.example.yaml").read_text()
    assert [f for f in FIELDS if not re.search(rf"^{f}:", text, re.M)] == []
