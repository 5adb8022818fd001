"""The command line as a whole: help, version, output formats, exit codes, and no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from support import ACTIONCTL, HANG_LIMIT, Terminal

from actionctl import __version__
from actionctl.cli import app

GOOD_JS = "async function execute(context) {\n  return { ok: true };\n}\n"
GOOD = "name: good\nactive: true\ntriggers:\n  - trigger: manual\n"


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"actionctl {__version__}\n"


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_the_entry_point_answers_version_without_loading_the_commands(flag):
    probe = (f"import sys; sys.argv = ['actionctl', {flag!r}]\nfrom actionctl.cli import main\nmain()\n"
             "print(sorted(m for m in sys.modules if m.startswith(('typer', 'actionctl.cli.'))))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=HANG_LIMIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"actionctl {__version__}\n[]\n"


def test_every_command_has_help(cli):
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names == ["init", "new", "types", "validate", "run", "test", "dev", "trigger", "list", "schema", "schedule",
                     "login", "logout", "whoami", "diff", "push", "pull", "ci", "publish", "unpublish", "logs",
                     "versions", "rollback", "emulator", "doctor"]
    groups = ["deps fetch", "remote list", "remote show", "remote run", "remote delete", "fixtures pull",
              "fixtures list"]
    for name in [*names, *groups]:
        result = cli(*name.split(), "--help")
        assert result.exit_code == 0
        assert result.stdout.startswith("Usage: actionctl " + name)
        assert len(result.stdout.splitlines()) > 3  # a description, not just the usage line


def test_json_contract_of_validate(cli, tree):
    tree({"actions/good.yaml": GOOD, "actions/good.js": GOOD_JS,
          "actions/bad.yaml": "name: bad one\nactive: true\ntriggers:\n  - trigger: manual\n",
          "actions/bad.js": GOOD_JS})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert result.json == {
        "ok": False,
        "actions": 2,
        "diagnostics": [{
            "code": "NAME_INVALID_CHARS",
            "severity": "error",
            "message": "' ' is not allowed in a name: only letters, digits, dashes and underscores (e.g. 'bad-one')",
            "file": "actions/bad.yaml",
            "line": 1,
            "column": 10,
            "action": "bad one",
        }],
    }


def test_text_output_has_a_code_frame(cli, tree):
    tree({"actions/a.yaml": "name: a\nactive: true\nenvironment: Server\ntriggers: [{trigger: manual}]\n",
          "actions/a.js": GOOD_JS})
    result = cli("validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        'actions/a.yaml:3:14: error ENVIRONMENT_INVALID environment must be server, client or any, not \'Server\' '
        '— did you mean "server"?',
        "  2 │ active: true",
        "  3 │ environment: Server",
        "    │              ^^^^^^",
        "✗ 1 error in 1 action",
    ]


def test_code_frame_points_into_the_js_file(cli, tree):
    tree({"actions/a.yaml": GOOD.replace("good", "a"), "actions/a.js": "async function execute(context) {\n"
          "  return Fliplet.DataSources.connect(1);\n}\n"})
    lines = cli("validate").stdout.splitlines()
    assert lines[0].startswith("actions/a.js:2:10: error CODE_VALIDATION_FAILED Fliplet.DataSources is used on "
                               'line 2 but its package "fliplet-datasources" is not in dependencies')
    assert lines[2:4] == ["  2 │   return Fliplet.DataSources.connect(1);", "    │          ^^^^^^^"]


def test_warnings_pass_unless_strict(cli, tree):
    tree({"actions/a.yaml": "name: a\ntriggers: [{trigger: manual}]\n", "actions/a.js": GOOD_JS})
    relaxed = cli("validate")
    assert relaxed.exit_code == 0
    assert "warning ACTIVE_NOT_SET" in relaxed.stdout
    assert relaxed.stdout.splitlines()[-1] == "! 1 warning in 1 action"
    assert cli("validate", "--strict").exit_code == 1


def test_github_annotations(cli, tree):
    tree({"actions/a.yaml": "name: a\nactive: true\nfrequency: '* * * * *'\ntimezone: UTC\n"
                            "triggers: [{trigger: schedule}]\n", "actions/a.js": GOOD_JS})
    result = cli("validate", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout == (
        "::error file=actions/a.yaml,line=3,col=13,title=FREQUENCY_TOO_FREQUENT::runs can be one minute apart; "
        'the service allows at most one run every two minutes (e.g. "*/2 * * * *")\n')


def test_github_annotations_escape_commas_and_newlines(cli, tree):
    tree({"actions/a,b.yaml": "name: a\nactive: true\ntriggers: [{trigger: manual}]\nbogus: 1\n",
          "actions/a,b.js": GOOD_JS})
    line = cli("validate", "--format", "github").stdout.strip()
    assert line.startswith("::error file=actions/a%2Cb.yaml,line=4,col=1,title=UNKNOWN_KEY::")


def test_sarif_report(cli, tree):
    tree({"actions/a.yaml": "name: a\ntriggers: [{trigger: manual}]\nenvironment: cloud\n", "actions/a.js": GOOD_JS})
    result = cli("validate", "--format", "sarif")
    assert result.exit_code == 1
    sarif = result.json
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "actionctl"
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["ACTIVE_NOT_SET", "ENVIRONMENT_INVALID"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert results["ENVIRONMENT_INVALID"]["level"] == "error"
    assert results["ACTIVE_NOT_SET"]["level"] == "warning"
    location = results["ENVIRONMENT_INVALID"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "actions/a.yaml"
    assert location["region"] == {"startLine": 3, "startColumn": 14, "endColumn": 19}


def test_validate_a_single_manifest_still_checks_names_across_the_project(cli, tree):
    tree({"actions/a.yaml": GOOD, "actions/a.js": GOOD_JS, "actions/b.yaml": GOOD, "actions/b.js": GOOD_JS})
    result = cli("validate", "actions/a.yaml", "--format", "json")
    assert result.json["actions"] == 1
    assert [(d["code"], d["file"]) for d in result.json["diagnostics"]] == [("NAME_ALREADY_EXISTS", "actions/a.yaml")]
    assert "actions/b.yaml" in result.json["diagnostics"][0]["message"] or "b.yaml" in \
        result.json["diagnostics"][0]["message"]


def test_validate_a_js_file_checks_its_manifest(cli, tree):
    tree({"actions/a.yaml": GOOD.replace("good", "a") + "code: src/main.js\n",
          "actions/src/main.js": "function execute(context) {}\n"})
    result = cli("validate", "actions/src/main.js", "--format", "json")
    assert [(d["code"], d["file"], d["line"]) for d in result.json["diagnostics"]] == [
        ("CODE_VALIDATION_FAILED", "actions/src/main.js", 1)]
    orphan = tree({"actions/lonely.js": GOOD_JS}) / "actions" / "lonely.js"
    result = cli("validate", str(orphan))
    assert result.exit_code == 2 and "no manifest in the project uses actions/lonely.js" in result.stderr


def test_validate_a_manifest_and_its_own_code_is_one_action(cli, tree):
    # What `git diff --name-only | xargs actionctl validate` and editors pass: the action must not clash with itself.
    tree({"actions/a.yaml": GOOD.replace("good", "a"), "actions/a.js": GOOD_JS})
    for args in (("actions/a.yaml", "actions/a.js"), ("actions/a.js", "actions/a.yaml")):
        result = cli("validate", *args, "--format", "json")
        assert (result.exit_code, result.json) == (0, {"ok": True, "actions": 1, "diagnostics": []})


def test_validate_named_fixtures_and_tests_are_not_manifests(cli, tree):
    tree({"actions/a.yaml": GOOD.replace("good", "a"), "actions/a.js": GOOD_JS,
          "fixtures/datasources/158.yaml": "name: People\nentries: []\n",
          "tests/a.test.yaml": "action: a\ncases: []\n"})
    empty = cli("validate", "fixtures/", "--format", "json")
    assert (empty.exit_code, empty.json) == (0, {"ok": True, "actions": 0, "diagnostics": []})
    changed = cli("validate", "actions/a.yaml", "fixtures/datasources/158.yaml", "tests/a.test.yaml", "actionctl.yaml",
                  "--format", "json")  # what `git diff --name-only | xargs actionctl validate` passes
    assert (changed.exit_code, changed.json) == (0, {"ok": True, "actions": 1, "diagnostics": []})


def test_validate_outside_a_project_uses_the_folder_it_is_given(cli, tmp_path, monkeypatch):
    (tmp_path / "x.yaml").write_text(GOOD)
    (tmp_path / "x.js").write_text(GOOD_JS)
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "158.yaml").write_text("entries: []\n")  # data, not a manifest
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "x.test.yaml").write_text("action: x\n")
    monkeypatch.chdir(tmp_path)
    result = cli("validate", ".", "--format", "json")
    assert result.json == {"ok": True, "actions": 1, "diagnostics": []}


def test_missing_path_is_a_usage_error(cli, project):
    result = cli("validate", "nowhere")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("nowhere: no such file or directory [PATH_NOT_FOUND]")


def test_bad_format_is_a_usage_error(cli, project):
    assert cli("validate", "--format", "xml").exit_code == 2


def test_empty_project_reports_zero_actions(cli, project):
    result = cli("validate", "--format", "json")
    assert result.exit_code == 0
    assert result.json == {"ok": True, "actions": 0, "diagnostics": []}
    assert cli("validate").stdout.strip() == "✓ 0 actions valid"


def test_config_problems_are_diagnostics(cli, tree):
    tree({"actionctl.yaml": "region: mars\nactons: x\nlimits: {timeout: -1}\n"})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert [(d["code"], d["file"], d["line"], d["column"]) for d in result.json["diagnostics"]] == [
        ("CONFIG_INVALID", "actionctl.yaml", 1, 9),
        ("UNKNOWN_KEY", "actionctl.yaml", 2, 1),
        ("CONFIG_INVALID", "actionctl.yaml", 3, 19),
    ]
    assert 'did you mean "actions"?' in result.json["diagnostics"][1]["message"]


def test_list_shows_actions_and_invents_nothing_for_an_unreadable_one(cli, tree):
    tree({"actions/good.yaml": GOOD + "dependencies: [fliplet-datasources]\n", "actions/good.js": GOOD_JS,
          "actions/broken.yaml": "name: [unclosed\n"})
    result = cli("list", "--format", "json")
    assert result.exit_code == 0
    assert result.json["actions"] == [
        {"name": None, "file": "actions/broken.yaml", "code": None, "environment": None, "active": None,
         "triggers": None, "frequency": None, "timezone": None, "dependencies": None, "readable": False,
         "problem": "YAML_SYNTAX_ERROR: did not find expected ',' or ']' (while parsing a flow sequence)"},
        {"name": "good", "file": "actions/good.yaml", "code": "actions/good.js", "environment": "server",
         "active": True, "triggers": ["manual"], "frequency": None, "timezone": None,
         "dependencies": ["fliplet-datasources"], "readable": True, "problem": None},
    ]
    text = cli("list")
    assert "good" in text.stdout and "fliplet-datasources" in text.stdout and "(unreadable)" in text.stdout
    [broken] = [line for line in text.stdout.splitlines() if "(unreadable)" in line]
    assert "server" not in broken and " no " not in broken  # no default environment, no "inactive"
    assert "actions/broken.yaml cannot be read (YAML_SYNTAX_ERROR: " in text.stderr


def test_list_in_an_empty_project(cli, project):
    result = cli("list")
    assert result.exit_code == 0 and "no actions yet" in result.stderr


def test_schema_is_json_schema_matching_the_fields(cli, project, tmp_path):
    result = cli("schema")
    schema = result.json
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert set(schema["properties"]) == {"name", "description", "code", "active", "environment", "triggers",
                                         "dependencies", "frequency", "timezone"}
    assert schema["properties"]["triggers"]["items"]["properties"]["trigger"]["enum"] == [
        "manual", "schedule", "log", "analytics"]
    out = tmp_path / "schema.json"
    assert cli("schema", "--output", str(out)).exit_code == 0
    assert json.loads(out.read_text()) == schema


def test_internal_errors_are_one_line_not_tracebacks(cli, project, monkeypatch):
    import actionctl.validation

    def explode(*_):
        raise RuntimeError("boom")

    monkeypatch.setattr(actionctl.validation, "validate_paths", explode)
    result = cli("validate")
    assert result.exit_code == 70
    assert result.stderr.startswith("error: RuntimeError: boom — this is a bug in actionctl")
    assert "Traceback" not in result.stderr + result.stdout


def test_installed_entry_point_runs_without_a_traceback(tmp_path):
    """The real console script, in a subprocess, on a directory of broken things."""
    (tmp_path / "actionctl.yaml").write_text("region: eu\n")
    actions = tmp_path / "actions"
    actions.mkdir()
    (actions / "a.yaml").write_bytes(b"name: \xff\xfe\n")
    (actions / "b.yaml").write_text("- just\n- a list\n")
    (actions / "c.yaml").write_text("name: c\nactive: true\ntriggers: [{trigger: manual}]\n")
    (actions / "c.js").write_bytes(b"async function execute(context) { return '\xe9' }")
    env = {**os.environ, "NO_COLOR": "1"}
    result = subprocess.run([*ACTIONCTL, "validate"], cwd=tmp_path, capture_output=True, text=True, env=env,
                            timeout=HANG_LIMIT)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "FILE_ENCODING_INVALID" in result.stdout and "MANIFEST_NOT_MAPPING" in result.stdout


@pytest.mark.parametrize("args", [["validate", "--format", "json"], ["list", "--format", "json"],
                                  ["schedule", "--format", "json"]])
def test_json_goes_to_stdout_alone(cli, tree, args):
    tree({"actions/good.yaml": GOOD, "actions/good.js": GOOD_JS})
    result = cli(*args)
    assert isinstance(result.json, dict)  # nothing else mixed in


def test_a_configured_actions_folder_that_does_not_exist_is_an_error(cli, tree):
    tree({"actionctl.yaml": "region: eu\nactions: src/actions\n"})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    [problem] = result.json["diagnostics"]
    assert (problem["code"], problem["line"], problem["column"]) == ("CONFIG_INVALID", 2, 10)
    assert "'src/actions' does not exist" in problem["message"]


LONG_NAME = "send-the-weekly-booking-summary-to-every-manager-of-the-company"


def test_list_keeps_each_action_on_one_whole_line_when_piped_and_a_name_whole_in_a_narrow_terminal(cli, project):
    assert cli("new", LONG_NAME).exit_code == 0
    piped = subprocess.run([*ACTIONCTL, "list"], capture_output=True, text=True, timeout=HANG_LIMIT,
                           env={**os.environ, "COLUMNS": "80"})
    [line] = [line for line in piped.stdout.splitlines() if LONG_NAME in line]
    assert line.split() == [LONG_NAME, "server", "yes", "manual", f"actions/{LONG_NAME}.yaml"]
    terminal = Terminal("list", columns=80)
    status, shown = terminal.finish()
    assert status == 0 and LONG_NAME in shown.split(), shown
