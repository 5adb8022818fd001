"""The README's exit-code table, held against every command: each command is run into the outcomes the table
names for it, and ends with the status the table gives (0, 1, 2, 3, 4); every command of the CLI is run at
least once. Ctrl-C (130) has its own tests in a terminal (test_interrupts, test_signin); 70 is a bug's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import EMULATOR_TOKEN

README = Path(__file__).resolve().parent.parent / "README.md"
CODE = "async function execute(context) {\n  return { ok: true };\n}\n"
BROKEN = "async function execute(context) {\n  throw new Error('no');\n}\n"
MANIFEST = "name: {name}\nactive: true\ntriggers: [{{trigger: manual}}]\n"


def documented_statuses() -> set[int]:
    table = README.read_text(encoding="utf-8").split("## Exit codes", 1)[1].split("\n\n", 2)[1]
    return {int(status) for status in re.findall(r"^\| (\d+) \|", table, re.M)}


# (the command as typed, the status the README's table gives it in this situation, what the situation is)
# {remote} means: pointed at a running emulator with a token; "local" cases run in a project of their own.
SCENARIOS = [
    (["validate"], 0, "a valid project"),
    (["validate", "extra/bad.yaml"], 1, "validation errors"),
    (["validate", "--nope"], 2, "an unknown option"),
    (["list"], 0, "the project's actions"),
    (["schema"], 0, "the JSON Schema"),
    (["types"], 0, "the editor types written"),
    (["schedule"], 0, "no scheduled action"),
    (["new", "fresh"], 0, "a new action"),
    (["new", "hello"], 1, "a refused new (it exists)"),
    (["init"], 0, "init in a project keeps what is there"),
    (["run", "hello"], 0, "a run that returns"),
    (["run", "broken"], 1, "a run that ended in an error"),
    (["run", "nope"], 2, "an action that is not there"),
    (["test", "hello"], 0, "passing cases"),
    (["test", "broken"], 1, "a failing case"),
    (["dev", "--payload", "{}"], 2, "--payload without --run (dev runs until Ctrl-C: 130)"),
    (["trigger", "log", "--event", '{"type": "dataSource.entry.create"}'], 0, "an event no action matches"),
    (["deps", "fetch"], 0, "no URL dependency"),
    (["doctor"], 0, "no failed check"),
    (["whoami", "{remote}"], 0, "the emulator's user"),
    (["diff", "--exit-code", "{remote}"], 4, "changes to push"),
    (["push", "--yes", "{remote}"], 0, "everything pushed"),
    (["diff", "--exit-code", "{remote}"], 0, "nothing left to push"),
    (["pull", "{remote}"], 0, "nothing changed on the service"),
    (["remote", "list", "{remote}"], 0, "the service's actions"),
    (["remote", "show", "hello", "{remote}"], 0, "one action"),
    (["remote", "run", "hello", "{remote}"], 0, "a run on the service"),
    (["remote", "run", "nope", "{remote}"], 2, "an action the service does not have"),
    (["publish", "--app-release", "silent", "hello", "{remote}"], 0, "the app and an action published"),
    (["unpublish", "hello", "{remote}"], 0, "its copy removed"),
    (["unpublish", "hello", "{remote}"], 3, "the service's error (ACTION_NOT_PUBLISHED)"),
    (["logs", "hello", "{remote}"], 0, "its runs"),
    (["versions", "hello", "{remote}"], 0, "its versions"),
    (["rollback", "hello", "999999", "{remote}"], 3, "the service's error (VERSION_NOT_FOUND)"),
    (["remote", "delete", "broken", "{remote}"], 2, "a confirmation nobody can answer"),
    (["remote", "delete", "broken", "--yes", "{remote}"], 0, "deleted"),
    (["fixtures", "list", "{remote}"], 0, "the app's data sources (none: the emulator has no project)"),
    (["fixtures", "pull", "nope", "{remote}"], 2, "a data source the app does not have (DATASOURCE_NOT_FOUND)"),
    (["ci", "{remote}"], 1, "a failing test case (broken's)"),
    (["logout", "{remote}"], 0, "no stored login to forget"),
    (["login", "{remote}"], 2, "a sign-in nobody can type (TOKEN_REQUIRED)"),
    (["emulator", "--port", "99999"], 2, "a port that cannot be"),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory, request):
    """Every scenario run in order, in one project pointed at one emulator: {index: (status, stderr)}."""
    from support import start_emulator
    from typer.testing import CliRunner

    from actionctl.cli import app

    project = tmp_path_factory.mktemp("exits")
    monkeypatch = pytest.MonkeyPatch()
    request.addfinalizer(monkeypatch.undo)
    monkeypatch.chdir(project)
    monkeypatch.setenv("ACTIONCTL_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("ACTIONCTL_TOKEN", "ACTIONCTL_PROFILE", "CI", "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    found = {}
    with start_emulator(token=EMULATOR_TOKEN) as emulator:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {emulator.url}\n"
                                                f"rate_limits: {{crud: 100000, run: 100000, publish: 100000}}\n")
        (project / "actions").mkdir()
        for name, code in (("hello", CODE), ("broken", BROKEN)):
            (project / f"actions/{name}.yaml").write_text(MANIFEST.format(name=name))
            (project / f"actions/{name}.js").write_text(code)
        (project / "tests").mkdir()
        for name in ("hello", "broken"):
            (project / f"tests/{name}.test.yaml").write_text(f"action: {name}\ncases:\n  - name: ok\n"
                                                             "    expect: {result: {ok: true}}\n")
        (project / "extra").mkdir()  # a manifest outside the actions folder: only what names it sees it
        (project / "extra/bad.yaml").write_text("name: bad\nactive: maybe\n")
        (project / "extra/bad.js").write_text(CODE)
        for index, (args, _, _) in enumerate(SCENARIOS):
            remote = "{remote}" in args
            argv = [a for a in args if a != "{remote}"]
            env = {"ACTIONCTL_TOKEN": EMULATOR_TOKEN} if remote and argv[0] not in ("login", "logout") else {}
            result = runner.invoke(app, argv, env=env, catch_exceptions=False)
            found[index] = (result.exit_code, result.stderr)
    return found


def test_every_status_the_scenarios_give_is_in_the_readme():
    assert {status for _, status, _ in SCENARIOS} <= documented_statuses()
    assert documented_statuses() == {0, 1, 2, 3, 4, 70, 130}


def test_every_command_is_run():
    from actionctl.cli import app

    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups}
    run = {args[0] for args, _, _ in SCENARIOS}
    assert names <= run, sorted(names - run)


@pytest.mark.parametrize("index", range(len(SCENARIOS)),
                         ids=[f"{' '.join(a for a in s[0] if a != '{remote}')}→{s[1]}" for s in SCENARIOS])
def test_each_command_ends_with_the_status_the_readme_gives(outcomes, index):
    args, status, situation = SCENARIOS[index]
    code, stderr = outcomes[index]
    assert code == status, f"{situation}: {' '.join(args)} → {code}\n{stderr}"
    # Every error ends in one coded line, a usage error Click finds (an unknown option, a value out of range)
    # included: no "Usage:" block.
    if status not in (0, 4) and stderr.strip():
        assert re.search(r"\[[A-Z_0-9]+\]$", stderr.strip().splitlines()[-1]), stderr
        assert "Usage:" not in stderr, stderr
