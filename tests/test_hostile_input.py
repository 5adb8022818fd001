"""What a project's files may say without costing the user: paths leading out of the project, files that
never end, documents that expand without bound, numbers that are not numbers, folders that cannot be
listed. Each ends in a coded diagnostic or error — never a hang, a traceback or exit 70 — and what lies
outside the project is never read, so no output format can quote it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from support import ACTIONCTL, HANG_LIMIT

from actionctl.errors import SettingInvalidError
from actionctl.project import open_project
from actionctl.remote.target import resolve

SECRET = "hunter2-secret-token-0123456789"
MANUAL = "name: a\nactive: true\ntriggers: [{trigger: manual}]\n"
MANIFEST_WITH_CODE = "name: a\nactive: true\ntriggers: [{{trigger: manual}}]\ncode: {code}\n"
CODE = "async function execute(context) { return 1 }\n"
ALIAS_BOMB = "".join(
    ["x0: &a0 [x, x, x, x, x, x, x, x, x]\n"]
    + [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)])


def codes(outcome) -> list[tuple[str, str, int]]:
    return [(d["code"], d["file"], d["line"]) for d in outcome.json["diagnostics"]]


def validate_process(root: Path, *args: str) -> subprocess.CompletedProcess:
    """validate in a process of its own, so that a hang fails the test instead of stopping the suite."""
    return subprocess.run([*ACTIONCTL, "validate", *args], cwd=root, capture_output=True, text=True,
                          timeout=HANG_LIMIT)


# --- item 2: paths leading out of the project -----------------------------------------------------


@pytest.fixture
def secret(project: Path) -> Path:
    """A file beside the project (not in it) holding a secret."""
    path = project.parent / f"{project.name}-netrc"
    path.write_text(f"machine example.com password {SECRET}\n")
    return path


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_code_outside_the_project_is_refused_unread_in_every_format(cli, tree, secret, fmt):
    tree({"actions/a.yaml": MANUAL + f"code: ../../{secret.name}\n"})
    result = cli("validate", "--format", fmt)
    assert result.exit_code == 1
    assert SECRET not in result.stdout + result.stderr
    assert "PATH_OUTSIDE_PROJECT" in result.stdout + result.stderr


def test_code_outside_the_project_is_reported_at_code_in_the_manifest(cli, tree, secret):
    tree({"actions/a.yaml": MANIFEST_WITH_CODE.format(code=secret)})
    result = cli("validate", "--format", "json")
    assert codes(result) == [("PATH_OUTSIDE_PROJECT", "actions/a.yaml", 4)]
    assert result.json["diagnostics"][0]["message"] == (
        "the code file is not read: the path leads outside the project (symlinks followed), and nothing outside "
        "it is read — move what it names into the project")


@pytest.mark.parametrize("link", ["actions/env.yaml", "actionctl.yaml"])
def test_a_yaml_file_symlinked_out_of_the_project_gets_no_code_frame(cli, tree, project, secret, link):
    tree({"actions/a.yaml": MANUAL, "actions/a.js": CODE})
    (project / link).unlink(missing_ok=True)
    (project / link).symlink_to(secret)
    result = cli("validate")
    assert result.exit_code == 1
    assert "PATH_OUTSIDE_PROJECT" in result.stdout
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize("named", ["absolute", "symlinked"])
def test_a_stack_an_action_forges_gets_no_frame_from_outside_the_project(cli, tree, project, secret, named):
    outside = secret.with_name(secret.name + ".js")  # a frame is shown for .js files only
    outside.write_text(secret.read_text())
    if named == "symlinked":
        (project / "leak.js").symlink_to(outside)
    where = outside if named == "absolute" else "leak.js"
    tree({"actions/a.yaml": MANUAL, "actions/a.js": (
        'async function execute(context) { const e = new Error("b"); '
        f'e.stack = "Error: b\\n    at execute ({where}:1:1)"; throw e; }}\n')})
    result = cli("run", "a")
    assert result.exit_code == 1
    assert "EXECUTION_FAILED" in result.stdout
    assert SECRET not in result.stdout + result.stderr


def test_a_code_file_symlinked_out_of_the_project_is_refused(cli, tree, secret):
    tree({"actions/a.yaml": MANUAL})
    (tree({}) / "actions/a.js").symlink_to(secret)
    result = cli("validate", "--format", "github")
    assert result.exit_code == 1
    assert SECRET not in result.stdout
    assert result.stdout.startswith("::error file=actions/a.yaml,line=1,col=1,title=PATH_OUTSIDE_PROJECT::")


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_code_at_proc_self_environ_never_prints_the_environment(tree, project):
    tree({"actions/a.yaml": MANIFEST_WITH_CODE.format(code="/proc/self/environ"), "actions/a.js": CODE})
    for fmt in ("text", "json", "github", "sarif"):
        result = subprocess.run([*ACTIONCTL, "validate", "--format", fmt], cwd=project, capture_output=True,
                                text=True, timeout=HANG_LIMIT, env={"CI_TOKEN": SECRET, **os.environ})
        assert result.returncode == 1, fmt
        assert SECRET not in result.stdout + result.stderr, fmt


def test_run_refuses_code_outside_the_project_before_v8_sees_it(cli, tree, secret):
    tree({"actions/a.yaml": MANIFEST_WITH_CODE.format(code=secret)})
    result = cli("run", "a", "--format", "json")
    assert result.exit_code == 1
    assert SECRET not in result.stdout + result.stderr
    assert result.json["error"]["code"] == "VALIDATION_FAILED"


def test_a_fixture_symlinked_out_of_the_project_is_refused_before_an_action_can_return_it(cli, action, tree,
                                                                                           project, secret):
    action("async function execute(context) {\n  return Fliplet.App.Settings.get('token')\n}\n")
    (project / ".actionctl/local").mkdir(parents=True)
    secret.write_text(f"token: {SECRET}\n")
    (project / ".actionctl/local/settings.yaml").symlink_to(secret)
    result = cli("run", "a", "--format", "json")
    assert SECRET not in result.stdout + result.stderr
    assert result.exit_code == 1
    assert result.stderr.rstrip().endswith("[PATH_OUTSIDE_PROJECT] [FIXTURE_INVALID]")


def test_a_test_file_symlinked_out_of_the_project_is_not_read(cli, action, tree, project, secret):
    action(CODE)
    secret.write_text(f"action: a\ncases:\n  - name: {SECRET}\n    expect: {{result: 1}}\n")
    (project / "tests").mkdir()
    (project / "tests/a.test.yaml").symlink_to(secret)
    result = cli("test", "--format", "json")
    assert SECRET not in result.stdout + result.stderr
    [case] = result.json["cases"]
    assert case["failures"][0].endswith("[PATH_OUTSIDE_PROJECT]")


@pytest.mark.parametrize("actions", ["/etc", "..", "../"])
def test_an_actions_folder_outside_the_project_is_refused(cli, tree, actions):
    tree({"actionctl.yaml": f"region: eu\nactions: {actions}\n"})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert codes(result) == [("PATH_OUTSIDE_PROJECT", "actionctl.yaml", 2)]
    assert result.json["actions"] == 0


# --- item 3: input without bound --------------------------------------------------------------------


def test_an_alias_bomb_in_a_manifest_is_refused_at_once(tree, project):
    tree({"actions/a.yaml": MANUAL + ALIAS_BOMB, "actions/a.js": CODE})
    result = validate_process(project, "--format", "json")
    assert result.returncode == 1
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["YAML_TOO_COMPLEX"]


def test_an_alias_bomb_using_variables_is_refused_at_once(tree, project):
    # variables.used_in walked the shared tree as a tree: 10**9 strings holding a placeholder
    tree({"actionctl.yaml": "region: eu\nvars: {X: 1}\n",
          "actions/a.yaml": MANUAL + ALIAS_BOMB.replace("[x,", "['@@X@@',"), "actions/a.js": CODE})
    result = validate_process(project, "--format", "json")
    assert result.returncode == 1
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["YAML_TOO_COMPLEX"]


def test_an_alias_bomb_in_a_test_file_fails_that_file(cli, action, tree):
    action(CODE)
    tree({"tests/a.test.yaml": "action: a\ncases:\n  - name: t\n    expect: {result: 1}\n" + ALIAS_BOMB})
    result = cli("test", "--format", "json")
    assert result.exit_code == 1
    [case] = result.json["cases"]
    assert case["name"] == "(file)"
    assert "[YAML_TOO_COMPLEX]" in case["failures"][0]


def test_an_alias_bomb_in_a_fixture_is_a_fixture_error(cli, action, tree):
    action(CODE)
    tree({"fixtures/datasources/1.yaml": "name: x\nentries: []\n" + ALIAS_BOMB})
    result = cli("run", "a")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.rstrip().endswith("[YAML_TOO_COMPLEX] [FIXTURE_INVALID]")


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "socket"])
def test_code_that_is_not_a_regular_file_is_refused_without_reading_it(tree, project, target):
    tree({"actions/a.yaml": MANUAL})
    code = project / "actions/a.js"
    if target == "fifo":
        os.mkfifo(code)
    elif target == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(code))
    else:
        code.symlink_to(target)
    if target == "/dev/zero":  # outside the project as well: to be read, it has to be inside
        (project / "actions/a.yaml").write_text(MANUAL + "code: zero.js\n")
        (project / "actions/zero.js").symlink_to("/dev/zero")
        (project / "actionctl.yaml").write_text("region: eu\n")
    result = validate_process(project, "--format", "json")
    if target == "socket":
        server.close()
    assert result.returncode == 1
    diagnostics = json.loads(result.stdout)["diagnostics"]
    expected = "PATH_OUTSIDE_PROJECT" if target == "/dev/zero" else "FILE_NOT_REGULAR"
    assert [(d["code"], d["file"]) for d in diagnostics] == [(expected, "actions/a.yaml")]


def test_a_device_inside_the_project_is_not_a_regular_file(cli, tree, project, monkeypatch):
    # /dev/null is the one device any test may name; pretend the project holds it
    from actionctl import sourcefile

    tree({"actions/a.yaml": MANUAL + "code: /dev/null\n"})
    monkeypatch.setattr(sourcefile, "_within", lambda real, root: True)
    result = cli("validate", "--format", "json")
    assert result.json["diagnostics"][0]["message"] == (
        "the code file is not read: this is a device, not a regular file; only regular files are read")


def test_a_code_file_over_the_cap_is_refused_from_its_size(cli, tree, project):
    tree({"actions/a.yaml": MANUAL})
    with open(project / "actions/a.js", "wb") as code:
        code.truncate(5 * 1024 * 1024 + 1)  # sparse: nothing is written, nothing would be read
    result = cli("validate", "--format", "json")
    assert codes(result) == [("FILE_TOO_LARGE", "actions/a.yaml", 1)]
    assert result.json["diagnostics"][0]["message"] == (
        "the code file is not read: the file is larger than 5 MB, the most actionctl reads for a file of this kind")


def test_a_manifest_over_the_cap_is_refused(cli, tree):
    tree({"actions/a.yaml": MANUAL + "description: " + "x" * (1024 * 1024) + "\n", "actions/a.js": CODE})
    result = cli("validate", "--format", "json")
    assert codes(result) == [("FILE_TOO_LARGE", "actions/a.yaml", 1)]


def test_repeated_uses_of_an_undeclared_package_are_bounded(cli, action):
    action("async function execute(context) {\n" + "  Fliplet.Media.get();\n" * 200 + "}\n")
    result = cli("validate", "--format", "json")
    assert [(code, line) for code, _, line in codes(result)] == [("CODE_VALIDATION_FAILED", n) for n in range(2, 8)]
    assert result.json["diagnostics"][-1]["message"] == (
        'Fliplet.Media is used on line 7 but its package "fliplet-media" is not in dependencies — add '
        "`- fliplet-media` to dependencies in a.yaml (and 194 more times like it, through line 201)")


def test_many_different_findings_of_one_code_are_bounded_too(cli, action, tree):
    action("async function execute(context) {\n" + "".join(f"  Fliplet.Ns{n}.get();\n" for n in range(300)) + "}\n")
    tree({"actions/b.yaml": MANUAL.replace("name: a", "name: b") + "".join(f"key{n}: 1\n" for n in range(300)),
          "actions/b.js": CODE})
    result = cli("validate", "--format", "json")
    found = codes(result)
    assert [line for code, file, line in found if file == "actions/a.js"] == list(range(2, 53))
    last = [d for d in result.json["diagnostics"] if d["file"] == "actions/a.js"][-1]
    assert last["code"] == "FLIPLET_API_UNKNOWN"
    assert last["message"] == ("250 more FLIPLET_API_UNKNOWN findings in this file, from line 52 through line 301, "
                               "not listed one by one — fix the ones above and validate again")
    assert len([f for f in found if f[1] == "actions/b.yaml"]) == 51


# --- item 4: numbers that are not numbers -----------------------------------------------------------


@pytest.mark.parametrize("value", [".inf", ".nan", "-.inf", "0", "-1", "1e400", "100000", "9" * 400])
def test_a_timeout_limit_that_is_not_a_finite_positive_number_is_refused(cli, action, tree, value):
    action(CODE)
    tree({"actionctl.yaml": f"region: eu\nlimits: {{timeout: {value}}}\n"})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert [(d["code"], d["message"]) for d in result.json["diagnostics"]] == [
        ("CONFIG_INVALID", "limits.timeout must be a positive number up to 86,400")]


def test_run_with_an_infinite_timeout_limit_is_refused_not_a_crash(cli, action, tree):
    action(CODE)
    tree({"actionctl.yaml": "region: eu\nlimits: {timeout: .inf, memory: .nan}\n"})
    result = cli("run", "a")
    assert (result.exit_code, result.stderr) == (
        2, "error: actionctl.yaml:2:19: limits.timeout must be a positive number up to 86,400 (and 1 more: "
           "`actionctl validate` lists them) [CONFIG_INVALID]\n")


@pytest.mark.parametrize("value", ["0", "0.5", ".inf", "x"])
def test_a_rate_limit_of_no_requests_is_refused_and_never_applied(cli, action, tree, project, value):
    action(CODE)
    tree({"actionctl.yaml": f"region: eu\nrate_limits: {{crud: {value}}}\n"})
    result = cli("validate", "--format", "json")
    assert [d["message"] for d in result.json["diagnostics"]] == ["rate_limits.crud must be a number from 1 to "
                                                                  "1,000,000"]
    with pytest.raises(SettingInvalidError):
        resolve(open_project(project))
    listed = cli("remote", "list", "--app", "1", "--api-url", "http://127.0.0.1:9/")  # refused before any request
    assert (listed.exit_code, listed.stderr) == (
        2, "error: actionctl.yaml:2:21: rate_limits.crud must be a number from 1 to 1,000,000 [CONFIG_INVALID]\n")


@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "1e400", "0"])
def test_run_timeout_that_is_not_a_finite_positive_number_is_a_usage_error(cli, action, value):
    action(CODE)
    result = cli("run", "a", "--timeout", value, "--format", "json")
    assert result.exit_code == 2
    assert result.json["ok"] is False and result.json["error"]["code"] == "USAGE"
    message = result.json["error"]["message"]
    assert message.startswith(f"invalid value for '--timeout': {value} is out of "
                              "range: it must be from 0.1 to 86400"), message


@pytest.mark.parametrize("value", [".nan", ".inf", "0", "-1", "x"])
def test_a_case_timeout_that_is_not_a_finite_positive_number_fails_the_case(cli, action, tree, value):
    action(CODE)
    tree({"tests/a.test.yaml": f"action: a\ncases:\n  - name: t\n    timeout: {value}\n    expect: {{result: 1}}\n"})
    result = cli("test", "--format", "json")
    assert result.exit_code == 1
    [case] = result.json["cases"]
    assert case["failures"][0].startswith("timeout must be a positive number up to 86,400 (seconds), not ")


# --- item 8: odd but legal input ---------------------------------------------------------------------


def test_yaml_nested_400_deep_is_a_diagnostic(cli, action, tree):
    action(CODE)
    tree({"actions/a.yaml": MANUAL + "x: " + "[" * 400 + "]" * 400 + "\n"})
    result = cli("validate", "--format", "json")
    assert codes(result) == [("YAML_TOO_COMPLEX", "actions/a.yaml", 4)]


@pytest.mark.parametrize("value", ["!!int nope", "!!timestamp x", "!!float x", '!!binary "aGk="'])
def test_an_explicit_tag_on_a_bad_value_is_a_syntax_error(cli, action, tree, value):
    action(CODE)
    tree({"actions/a.yaml": MANUAL + f"description: {value}\n"})
    result = cli("validate", "--format", "json")
    assert codes(result) == [("YAML_SYNTAX_ERROR", "actions/a.yaml", 4)]


def test_symlink_loops_are_unreadable_files(cli, tree, project):
    tree({"actions/a.yaml": MANUAL + "code: loop.js\n"})
    (project / "actions/loop.js").symlink_to("loop.js")
    (project / "actions/b.yaml").symlink_to("b.yaml")
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert codes(result) == [("FILE_UNREADABLE", "actions/b.yaml", 1), ("FILE_UNREADABLE", "actions/loop.js", 1)]


def test_a_symlink_loop_beside_the_action_asked_for_is_no_crash(cli, action, tree, project):
    # Path.resolve raises on a loop: finding the manifest of a .js, and the names of the others, resolved them
    action(CODE)
    tree({"actions/b.yaml": MANUAL.replace("name: a", "name: b") + "code: loop.js\n"})
    (project / "actions/loop.js").symlink_to("loop.js")
    (project / "actions/c.yaml").symlink_to("c.yaml")
    assert cli("validate", "actions/a.js").exit_code == 0
    assert cli("validate", "actions/a.yaml").exit_code == 0
    assert cli("list", "--format", "json").exit_code == 0


def test_a_nul_in_code_is_refused(cli, tree):
    tree({"actions/a.yaml": MANUAL + 'code: "a\\0b.js"\n'})
    result = cli("validate", "--format", "json")
    assert codes(result) == [("PATH_INVALID", "actions/a.yaml", 4)]


def test_a_nul_in_a_command_line_path_is_a_usage_error(cli, action):
    action(CODE)
    result = cli("validate", "a\0b", "--format", "json")
    assert result.exit_code == 2
    assert result.json["error"]["code"] == "USAGE"


def test_names_too_long_for_the_file_system_are_diagnostics(cli, tree):
    tree({"actionctl.yaml": f"region: eu\nactions: {'x' * 300}\n"})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert result.json["diagnostics"][0]["message"] == (
        f"the actions folder '{'x' * 80}' cannot be used: File name too long")
    tree({"actionctl.yaml": "region: eu\n", "actions/a.yaml": MANUAL + f"code: {'y' * 300}.js\n"})
    result = cli("validate", "--format", "json")
    assert codes(result) == [("FILE_UNREADABLE", f"actions/{'y' * 300}.js", 1)]


# --- item 9: a folder that cannot be listed ----------------------------------------------------------


def test_validate_fails_when_the_actions_folder_cannot_be_listed(cli, action, project, monkeypatch):
    action(CODE)
    real = os.scandir
    actions = str(project / "actions")

    def scandir(path="."):  # what chmod 000 does for anyone but root
        if os.fspath(path) == actions:
            raise PermissionError(13, "Permission denied", actions)
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert result.json["ok"] is False
    assert [(d["code"], d["file"], d["message"]) for d in result.json["diagnostics"]] == [
        ("FILE_UNREADABLE", "actions", "cannot read the folder: Permission denied")]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads any folder")
def test_validate_fails_on_a_folder_chmod_000(cli, action, project):
    action(CODE)
    (project / "actions").chmod(0)
    try:
        result = cli("validate", "--format", "json")
    finally:
        (project / "actions").chmod(0o755)
    assert result.exit_code == 1 and result.json["ok"] is False


def test_validate_fails_when_actions_names_a_file(cli, tree):
    tree({"actionctl.yaml": "region: eu\nactions: actionctl.yaml\n"})
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert [d["message"] for d in result.json["diagnostics"]] == [
        "the actions folder 'actionctl.yaml' is not a folder — create it or fix the path"]


# --- item 12: usage errors under --format json or sarif ----------------------------------------------


def test_a_usage_error_under_format_json_prints_a_json_document(cli, project):
    result = cli("validate", "--format", "json", "--bogus")
    assert result.exit_code == 2
    assert result.json == {"ok": False, "error": {
        "code": "USAGE", "message": "no such option: --bogus — see `actionctl validate --help`"}}


@pytest.mark.parametrize("given", [["--format", "json"], ["--format=json"], ["-f", "json"], ["-fjson"]])
def test_an_error_under_format_json_prints_a_json_document_however_the_option_is_written(cli, project, given):
    result = cli("validate", "missing.yaml", *given)
    assert result.exit_code == 2
    assert result.json["error"]["code"] == "PATH_NOT_FOUND"
    assert result.stderr.startswith("error: ")


def test_an_error_under_format_sarif_prints_a_sarif_log(cli, project):
    result = cli("validate", "missing.yaml", "--format", "sarif")
    assert result.exit_code == 2
    [run] = result.json["runs"]
    assert run["results"] == []
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["descriptor"] == {"id": "PATH_NOT_FOUND"}


def test_an_error_under_format_text_prints_nothing_on_stdout(cli, project):
    result = cli("validate", "missing.yaml")
    assert (result.exit_code, result.stdout) == (2, "")


def test_a_command_that_wrote_its_document_adds_no_second(cli, action, tree):
    action(CODE, manifest="name: a\ntriggers: [{trigger: manual}]\nfrequency: sometimes\n")
    result = cli("run", "a", "--format", "json")
    assert result.exit_code == 1
    assert result.json["error"]["code"] == "VALIDATION_FAILED"  # one document: json.loads would refuse two


@pytest.mark.parametrize("args", [("run", "a", "--payload"), ("fixtures", "pull", "Users", "--where"),
                                  ("dev", "--run", "a", "--payload")], ids=["run", "fixtures pull", "dev"])
def test_json_nested_past_what_python_reads_is_a_usage_error(cli, action, tmp_path, args):
    action(CODE)
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    result = cli(*args, f"@{deep}")
    assert result.exit_code == 2
    assert result.stderr == f"error: {args[-1]}: the JSON nests too deep to read [USAGE]\n"
