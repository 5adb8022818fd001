"""Files a user commits keep normal permissions: what actionctl writes gets the mode `open` would give it (0644
under the usual umask), a file it replaces keeps its own, and only credentials are private (tests/test_signin.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

DATASOURCE_ACTION = ("name: add\nactive: true\ntriggers: [{trigger: manual}]\ndependencies: [fliplet-datasources]\n")
ADD_ROW = ("async function execute(context) {\n  const c = await Fliplet.DataSources.connect(158);\n"
           "  await c.insert({Name: 'Fay'});\n  return 1;\n}\n")


@pytest.fixture
def umask():
    """Set the process's umask for the test (the files' modes follow it), and put the old one back."""
    old = os.umask(0o022)
    os.umask(old)
    yield os.umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640)])
def test_init_and_new_write_what_the_umask_allows(cli, tmp_path, monkeypatch, umask, mask, expected):
    umask(mask)
    monkeypatch.chdir(tmp_path)
    assert cli("init", "--app", "5").exit_code == 0
    assert cli("new", "hello").exit_code == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.relative_to(tmp_path).as_posix(): oct(mode(p)) for p in written} == {
        p.relative_to(tmp_path).as_posix(): oct(expected) for p in written}
    assert {"actionctl.yaml", "actions/hello.yaml", "actions/hello.js", ".gitignore"} <= {
        p.relative_to(tmp_path).as_posix() for p in written}


def test_schema_output_is_a_normal_file_and_a_replaced_one_keeps_its_mode(cli, project, umask):
    umask(0o022)
    assert cli("schema", "--output", "schema.json").exit_code == 0
    assert mode(project / "schema.json") == 0o644
    os.chmod(project / "schema.json", 0o664)
    assert cli("schema", "--output", "schema.json").exit_code == 0
    assert mode(project / "schema.json") == 0o664


def test_schema_output_into_a_missing_folder_is_refused(cli, project):
    result = cli("schema", "--output", "typo/schema.json")
    assert (result.exit_code, result.stderr) == (2, "error: typo: no such folder [PATH_NOT_FOUND]\n")
    assert not (project / "typo").exists()


def test_write_fixtures_keeps_a_fixture_s_mode(cli, tree, project, umask):
    umask(0o022)
    tree({"actions/add.yaml": DATASOURCE_ACTION, "actions/add.js": ADD_ROW,
          "fixtures/datasources/158.yaml": "name: People\nentries:\n  - data: {Name: Ann}\n"})
    fixture = project / "fixtures/datasources/158.yaml"
    for wanted in (0o644, 0o664):
        os.chmod(fixture, wanted)
        result = cli("run", "add", "--write-fixtures")
        assert result.exit_code == 0, result.stderr
        assert "updated fixtures/datasources/158.yaml" in result.stderr
        assert mode(fixture) == wanted
