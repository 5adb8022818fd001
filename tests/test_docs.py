"""The documentation tells the truth: every code documented, the README's commands real, the example valid."""

from __future__ import annotations

import re
import shutil

from support import REPO

from actionctl.rules.catalog import CODES

SOURCES = [*REPO.joinpath("actionctl", "rules").glob("*.py"), REPO / "actionctl" / "yamldoc.py",
           REPO / "actionctl" / "manifest.py", REPO / "actionctl" / "project.py", REPO / "actionctl" / "schedule.py",
           REPO / "actionctl" / "sourcefile.py"]


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


def _actionctl_invocations(text: str) -> list[list[str]]:
    """Every `actionctl …` command line in a text (README code, hook entries), as arguments."""
    found = []
    for line in text.splitlines():
        command = line.split("#", 1)[0].strip().removeprefix("- ").removeprefix("run: ").removeprefix("entry: ")
        if command.startswith("actionctl "):
            found.append(command.split()[1:])
    return found


def _check_invocation(cli, args: list[str]) -> None:
    """The command exists and takes every option the line uses."""
    words = [a for a in args if not a.startswith("-")]
    command = words[:2] if words[:1] == ["remote"] else words[:1]
    usage = cli(*command, "--help")
    assert usage.exit_code == 0, f"actionctl {' '.join(args)}: no such command"
    for option in (a.split("=", 1)[0] for a in args if a.startswith("--")):
        assert option in usage.stdout, f"actionctl {' '.join(args)}: {option} is not an option of {command}"


def test_the_documented_github_workflow_is_valid_yaml_using_real_commands(cli):
    import yaml

    readme = (REPO / "README.md").read_text()
    block = readme.split("# .github/workflows/actions.yml\n", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load(block)
    assert set(workflow["jobs"]) == {"lint", "deploy"}
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    invocations = _actionctl_invocations("\n".join(runs))
    assert [args[0] for args in invocations] == ["ci", "ci"] and "--deploy" in invocations[1]
    for args in invocations:
        _check_invocation(cli, args)


def test_the_pre_commit_hooks_run_real_commands(cli):
    import yaml

    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["actionctl-validate", "actionctl-test"]
    for hook in hooks:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        [args] = _actionctl_invocations(f"entry: {hook['entry']}")
        _check_invocation(cli, args)
    [validate] = _actionctl_invocations(f"entry: {hooks[0]['entry']}")
    assert cli(*validate, str(REPO / "examples")).exit_code == 0
