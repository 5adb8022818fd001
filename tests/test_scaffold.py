"""`actionctl init` and `actionctl new`: a new user's first minutes, and files never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionctl.scaffold import TEMPLATES


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_lays_out_a_project(cli, empty):
    result = cli("init", "--format", "json")
    assert result.exit_code == 0
    assert result.json["created"] == [
        "actionctl.yaml", ".gitignore", ".actionctl/manifest.schema.json", "actions/.gitkeep",
        "fixtures/datasources/.gitkeep", "fixtures/http/.gitkeep", "tests/.gitkeep", ".actionctl/types/fliplet.d.ts",
        "jsconfig.json"]
    assert result.json["kept"] == []
    assert "region: eu" in (empty / "actionctl.yaml").read_text()
    assert ".actionctl/local/" in (empty / ".gitignore").read_text()
    assert ".actionctl/emulator.sqlite3*" in (empty / ".gitignore").read_text()  # the emulator's default data


def test_init_with_app_and_region(cli, empty):
    assert cli("init", "app-dir", "--app", "4321", "--region", "us").exit_code == 0
    config = (empty / "app-dir" / "actionctl.yaml").read_text()
    assert "app: 4321" in config and "region: us" in config


def test_init_never_overwrites_and_says_so(cli, empty):
    (empty / ".gitignore").write_text("node_modules/\n")
    (empty / "actionctl.yaml").write_text("app: 7\n")
    result = cli("init")
    assert result.exit_code == 0
    assert "kept    actionctl.yaml (already there, left as it is)" in result.stdout
    assert "kept    .gitignore" in result.stdout
    assert (empty / ".gitignore").read_text() == "node_modules/\n"
    assert (empty / "actionctl.yaml").read_text() == "app: 7\n"
    again = cli("init", "--format", "json")
    assert again.json["created"] == []


def test_init_refuses_a_file_as_folder(cli, empty):
    (empty / "taken").write_text("x")
    result = cli("init", "taken")
    assert result.exit_code == 2
    assert "exists and is not a folder" in result.stderr


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_validates_clean_and_strict(cli, empty, template):
    cli("init")
    result = cli("new", f"my-{template}", "--template", template, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["created"] == [f"actions/my-{template}.yaml", f"actions/my-{template}.js",
                                      f"tests/my-{template}.test.yaml"]
    manifest = (empty / "actions" / f"my-{template}.yaml").read_text()
    assert manifest.startswith("# yaml-language-server: $schema=../.actionctl/manifest.schema.json\n")
    assert f"name: my-{template}\n" in manifest
    check = cli("validate", "--strict", "--format", "json")
    assert check.json == {"ok": True, "actions": 1, "diagnostics": []}
    tested = cli("test", "--format", "json")  # the first case passes as written
    assert (tested.exit_code, tested.json["passed"], tested.json["failed"]) == (0, 1, 0)


def test_init_app_in_an_existing_project_says_it_kept_the_old_value(cli, empty):
    assert cli("init", "--app", "5").exit_code == 0
    again = cli("init", "--app", "6")
    assert again.exit_code == 0
    assert ("actionctl.yaml is kept as it is (it says app: 5): --app 6 was not written — edit actionctl.yaml to "
            "change it\n") in again.stderr
    assert "app: 5\n" in (empty / "actionctl.yaml").read_text()
    assert "notes" not in cli("init", "--app", "5", "--format", "json").json  # nothing asked that it lacks


def test_new_user_walkthrough_in_text(cli, empty):
    init = cli("init")
    assert "created actionctl.yaml" in init.stdout
    assert "next: actionctl new hello --template on-demand" in init.stderr
    new = cli("new", "hello", "--template", "on-demand")
    assert new.stdout.splitlines() == ["created actions/hello.yaml", "created actions/hello.js",
                                       "created tests/hello.test.yaml"]
    validate = cli("validate")
    assert validate.exit_code == 0
    assert validate.stdout.strip() == "✓ 1 action valid"


def test_new_refuses_existing_files(cli, empty):
    cli("init")
    (empty / "actions" / "hello.js").write_text("// mine\n")
    result = cli("new", "hello")
    assert result.exit_code == 1
    assert "refusing to overwrite existing files: actions/hello.js" in result.stderr
    assert (empty / "actions" / "hello.js").read_text() == "// mine\n"
    assert not (empty / "actions" / "hello.yaml").exists()


def test_new_refuses_a_name_already_used_by_another_manifest(cli, empty):
    cli("init")
    (empty / "actions" / "other.yaml").write_text("name: hello\n")
    result = cli("new", "hello")
    assert result.exit_code == 1
    assert "NAME_ALREADY_EXISTS" in result.stderr and "actions/other.yaml" in result.stderr


@pytest.mark.parametrize(("name", "code"), [("hello world", "NAME_INVALID_CHARS"), ("x" * 256, "NAME_TOO_LONG"),
                                            ("  ", "NAME_EMPTY")])
def test_new_checks_the_name_with_the_service_rules(cli, empty, name, code):
    cli("init")
    result = cli("new", name)
    assert result.exit_code == 1
    assert f"[{code}]" in result.stderr
    assert list((empty / "actions").iterdir()) == [empty / "actions" / ".gitkeep"]


def test_new_outside_a_project_says_to_init(cli, empty):
    result = cli("new", "hello")
    assert result.exit_code == 2
    assert "run `actionctl init` first" in result.stderr


def test_new_from_a_subfolder_writes_to_the_actions_folder(cli, empty, monkeypatch):
    cli("init")
    monkeypatch.chdir(empty / "tests")
    assert cli("new", "deep").exit_code == 0
    assert (empty / "actions" / "deep.yaml").exists()


def test_unknown_template_is_a_usage_error(cli, empty):
    cli("init")
    result = cli("new", "x", "--template", "cron")
    assert result.exit_code == 2
