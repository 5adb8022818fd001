"""Git-based deploys end to end: init → new → push → diff → edit → push → pull → conflicts → prune →
profiles, through the CLI against the emulator over real HTTP on loopback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from support import UNLIMITED, configure, edit, service_client, stats

from actionctl.sync.state import state_path


@pytest.fixture
def git(monkeypatch):
    """Run git in the working directory as a throwaway identity."""
    for key, value in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                       "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_GLOBAL": os.devnull}.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, cwd: Path | None = None) -> str:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout

    return run


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_whole_round_trip(cli, remote, project, api, tmp_path_factory, monkeypatch):
    assert cli("new", "hello").exit_code == 0
    assert cli("new", "nightly", "--template", "blank").exit_code == 0

    first = cli("push", "--yes", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert first.json["plan"]["summary"]["create"] == 2
    assert sorted(a["name"] for a in api.list_actions()) == ["hello", "nightly"]

    clean = cli("diff", "--exit-code", "--format", "json")
    assert clean.exit_code == 0 and clean.json["changes"] is False
    assert clean.json["summary"]["unchanged"] == 2

    edit(project / "actions/hello.js", "return {", "// says hello\n  return {")
    changed = cli("diff", "--exit-code", "--format", "json")
    assert changed.exit_code == 4
    [step] = [a for a in changed.json["actions"] if a["action"] != "unchanged"]
    assert step["name"] == "hello" and step["action"] == "update" and step["changes"] == [{"field": "code"}]
    assert "+  // says hello" in step["codeDiff"]
    text = cli("diff")
    assert "~ update      hello" in text.stdout and "+  // says hello" in text.stdout

    one = cli("push", "--yes", "--format", "json")
    assert one.exit_code == 0, one.stderr
    assert one.json["requests"]["byMethod"] == {"GET": 1, "PUT": 1}  # one listing, one write
    assert "// says hello" in api.find_action("hello")["code"]

    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    pulled = cli("pull", "--app", "1", "--api-url", remote.url, "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert sorted(w["name"] for w in pulled.json["written"]) == ["hello", "nightly"]
    assert "actionctl.yaml" in pulled.json["initialised"]
    mine, theirs = files_of(project / "actions"), files_of(elsewhere / "actions")
    assert {k: v for k, v in theirs.items() if k != ".gitkeep"} == {k: v for k, v in mine.items()}


def test_the_create_plan_lists_the_fields_it_will_send(cli, remote, project, api):
    cli("new", "hello")
    text = cli("diff").stdout.splitlines()
    start = next(i for i, line in enumerate(text) if line.startswith("+ create      hello"))
    assert text[start + 1:start + 6] == [
        '    name: "hello"', '    description: "Runs when the app asks for it, with a payload"', "    active: true",
        '    environment: "server"', '    triggers: [{"trigger": "manual"}]']
    assert text[start + 6].startswith("    code: ") and text[start + 6].endswith(" lines (hello.js)")
    [step] = cli("diff", "--format", "json").json["actions"]
    assert step["fields"] == ["name", "description", "active", "environment", "triggers", "code"]
    cli("push", "--yes")
    sent = api.find_action("hello")
    assert all(sent.get(name) is not None for name in step["fields"])  # what the plan said is what went


def test_push_of_nothing_changed_sends_only_the_listing(cli, remote, project):
    cli("new", "hello")
    assert cli("push", "--yes").exit_code == 0
    again = cli("push", "--yes", "--format", "json")
    assert again.exit_code == 0
    assert again.json["requests"]["byMethod"] == {"GET": 1}
    assert again.json["plan"]["changes"] is False


def test_an_edit_on_the_service_is_a_conflict_unless_forced(cli, remote, project, api):
    cli("new", "hello")
    cli("push", "--yes")
    api.update_action(api.find_action("hello")["id"], {"description": "edited in the browser"})
    edit(project / "actions/hello.js", "return {", "// local edit\n  return {")

    plan = cli("diff", "--format", "json")
    [step] = plan.json["actions"]
    assert step["action"] == "conflict" and "both" in step["reason"]

    refused = cli("push", "--yes")
    assert refused.exit_code == 1 and "SYNC_CONFLICT" in refused.stderr
    assert api.find_action("hello")["description"] == "edited in the browser"

    forced = cli("push", "--yes", "--force", "--format", "json")
    assert forced.exit_code == 0, forced.stderr
    remote_copy = api.find_action("hello")
    assert remote_copy["description"] != "edited in the browser" and "// local edit" in remote_copy["code"]


def test_a_push_to_another_app_keeps_what_was_known_of_this_one(cli, remote, project, api):
    cli("new", "hello")
    assert cli("push", "--yes").exit_code == 0
    assert cli("push", "--yes", "--app", "2").exit_code == 0  # the same actions into another app
    api.update_action(api.find_action("hello")["id"], {"description": "edited in the browser"})
    edit(project / "actions/hello.js", "return {", "// local edit\n  return {")
    [step] = cli("diff", "--format", "json").json["actions"]  # no git: only the state can tell
    assert step["action"] == "conflict" and "both" in step["reason"]
    port = remote.url.split(":")[2].strip("/")
    assert sorted(p.name for p in (project / ".actionctl/state").glob("*.json")) == [
        f"1@127.0.0.1-{port}.json", f"2@127.0.0.1-{port}.json"]


def test_the_push_prompt_counts_conflicts_apart_from_updates(cli, remote, project, api, monkeypatch):
    cli("new", "hello")
    cli("new", "other")
    cli("push", "--yes")
    api.update_action(api.find_action("hello")["id"], {"description": "edited in the browser"})
    edit(project / "actions/hello.js", "return {", "// local edit\n  return {")
    edit(project / "actions/other.js", "return {", "// local edit\n  return {")
    monkeypatch.setattr("actionctl.cli.confirm.interactive", lambda: True)
    asked = cli("push", input="n\n")
    assert "Push to app 1: create 0, update 1, leave 1 in conflict (--force overwrites)? [y/N]" in asked.stderr
    forced = cli("push", "--force", input="n\n")
    assert "Push to app 1: create 0, update 1, OVERWRITE 1 changed on the service? [y/N]" in forced.stderr
    assert api.find_action("hello")["description"] == "edited in the browser"  # both declined


def test_an_edit_on_the_service_alone_is_refused_too_and_pull_takes_it(cli, remote, project, api, git):
    cli("new", "hello")
    cli("push", "--yes")
    api.update_action(api.find_action("hello")["id"], {"description": "edited in the browser"})
    refused = cli("push", "--yes")
    assert refused.exit_code == 1 and "SYNC_CONFLICT" in refused.stderr

    pulled = cli("pull", "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json["written"] == [{"name": "hello", "action": "updated", "files": ["actions/hello.yaml"]}]
    manifest = (project / "actions/hello.yaml").read_text()
    assert "description: edited in the browser\n" in manifest
    assert manifest.startswith("# yaml-language-server")  # the rest of the file is as it was
    assert cli("diff", "--exit-code").exit_code == 0


def test_prune_deletes_only_after_confirmation(cli, remote, project, api, monkeypatch):
    cli("new", "hello")
    cli("push", "--yes")
    api.create_action({"name": "stray", "code": "async function execute(context) { return 1; }"})

    shown = cli("diff", "--format", "json")
    assert [a["action"] for a in shown.json["actions"]] == ["unchanged", "remote-only"]
    assert shown.json["changes"] is False
    assert cli("push", "--yes").exit_code == 0  # without --prune the stray action stays
    assert api.find_action("stray") is not None

    no_terminal = cli("push", "--prune")
    assert no_terminal.exit_code == 2 and "CONFIRMATION_REQUIRED" in no_terminal.stderr
    monkeypatch.setattr("actionctl.cli.confirm.interactive", lambda: True)
    declined = cli("push", "--prune", input="n\n")
    assert declined.exit_code == 1 and api.find_action("stray") is not None
    accepted = cli("push", "--prune", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert api.find_action("stray") is None and api.find_action("hello") is not None


def test_profiles_push_one_repository_to_two_apps_and_pull_leaves_git_clean(cli, remote, project, git):
    (project / "actionctl.yaml").write_text(
        f"api_url: {remote.url}\nrate_limits: {json.dumps(UNLIMITED)}\n"
        "profiles:\n"
        "  dev:\n    app: 1\n    vars:\n      BOOKINGS: 101\n      STAGE: development\n"
        "  prod:\n    app: 2\n    vars:\n      BOOKINGS: 202\n      STAGE: production\n")
    cli("new", "bookings")
    edit(project / "actions/bookings.yaml", "description: Runs when the app asks for it, with a payload",
         "description: Bookings of @@STAGE@@")
    edit(project / "actions/bookings.js", "return {",
         "const source = @@BOOKINGS@@; // the bookings data source\n  return { source,")
    assert cli("validate").exit_code == 0
    assert cli("validate", "--profile", "prod").exit_code == 0
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "bookings")

    for profile, app, value, stage in (("dev", 1, "101", "development"), ("prod", 2, "202", "production")):
        pushed = cli("push", "--yes", "--profile", profile, "--format", "json")
        assert pushed.exit_code == 0, pushed.stderr
        with service_client(remote, app) as client:
            action = client.find_action("bookings")
        assert f"const source = {value};" in action["code"] and "@@" not in action["code"]
        assert action["description"] == f"Bookings of {stage}"

    for profile in ("dev", "prod"):
        assert cli("diff", "--exit-code", "--profile", profile).exit_code == 0
        pulled = cli("pull", "--profile", profile, "--format", "json")
        assert pulled.exit_code == 0, pulled.stderr
        assert pulled.json["written"] == []
    git("add", "-A", ".actionctl/state")  # the state files are new, and may be committed
    assert git("status", "--porcelain", "--", "actions", "actionctl.yaml") == ""


def test_pull_turns_variable_values_back_into_placeholders(cli, remote, project, api, git):
    (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {remote.url}\nrate_limits: {json.dumps(UNLIMITED)}\n"
                                            "vars:\n  BOOKINGS: 158\n")
    cli("new", "bookings")
    edit(project / "actions/bookings.js", "return {", "const source = @@BOOKINGS@@;\n  return { source,")
    cli("push", "--yes")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "bookings")
    action = api.find_action("bookings")
    api.update_action(action["id"], {"code": action["code"].replace("return {", "const other = 158;\n  return {")})

    pulled = cli("pull", "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    code = (project / "actions/bookings.js").read_text()
    assert "const source = @@BOOKINGS@@;" in code and "const other = @@BOOKINGS@@;" in code
    assert cli("diff", "--exit-code").exit_code == 0


def test_pull_keeps_unpushed_and_uncommitted_edits_unless_forced(cli, remote, project, api, git):
    cli("new", "hello")
    cli("push", "--yes")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "hello")
    api.update_action(api.find_action("hello")["id"], {"code": "async function execute(context) { return 2; }\n"})
    edit(project / "actions/hello.js", "return {", "// mine\n  return {")
    before = (project / "actions/hello.js").read_bytes()

    kept = cli("pull", "--format", "json")
    assert kept.exit_code == 1 and "PULL_REFUSED" in kept.stderr
    [refused] = kept.json["refused"]
    assert refused["files"] == ["actions/hello.yaml", "actions/hello.js"] and "edited here" in refused["reason"]
    assert (project / "actions/hello.js").read_bytes() == before

    forced = cli("pull", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (project / "actions/hello.js").read_text() == "async function execute(context) { return 2; }\n"


def test_pull_without_state_trusts_only_what_git_holds(cli, remote, project, api, git):
    cli("new", "hello")
    cli("push", "--yes")
    state_path(project, 1, remote.url).unlink()  # a fresh clone: no state
    api.update_action(api.find_action("hello")["id"], {"description": "from the service"})
    kept = cli("pull")
    assert kept.exit_code == 1 and "git does not hold a copy" in kept.stderr
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "hello")
    taken = cli("pull")
    assert taken.exit_code == 0, taken.stderr
    assert "description: from the service" in (project / "actions/hello.yaml").read_text()


def test_push_validates_the_whole_project_first(cli, remote, project, api, emulator):
    cli("new", "hello")
    cli("new", "broken")
    edit(project / "actions/broken.yaml", "environment: server", "environment: moon")
    refused = cli("push", "--yes")
    assert refused.exit_code == 1 and "VALIDATION_FAILED" in refused.stderr
    assert "ENVIRONMENT_INVALID" in refused.stdout
    assert stats(emulator)["requests"] == 0  # not even a listing


def test_publish_after_push_and_app_not_published_is_clear(cli, remote, project, api):
    configure(remote, app_published=False)
    cli("new", "hello")
    pushed = cli("push", "--yes", "--publish")
    assert pushed.exit_code == 3 and "APP_NOT_PUBLISHED" in pushed.stderr and "publish the app first" in pushed.stderr
    assert api.find_action("hello") is not None  # the push itself landed
    api.publish_app()
    edit(project / "actions/hello.js", "return {", "// v2\n  return {")
    published = cli("push", "--yes", "--publish", "--format", "json")
    assert published.exit_code == 0, published.stderr
    assert published.json["result"]["done"][0]["published"] is True
    assert api.find_action("hello")["productionTaskId"] is not None
    assert cli("diff", "--format", "json").json["actions"][0]["published"] is True


def test_undefined_variable_is_a_validation_error_with_its_place(cli, remote, project):
    cli("new", "hello")
    edit(project / "actions/hello.js", "return {", "const x = @@MISSING@@;\n  return {")
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    [problem] = result.json["diagnostics"]  # the placeholder, and no syntax error where it stands
    assert (problem["code"], problem["file"], problem["column"]) == ("VAR_UNDEFINED", "actions/hello.js", 13)
    pushed = cli("push", "--yes")
    assert pushed.exit_code == 1 and "VALIDATION_FAILED" in pushed.stderr


def test_names_limit_the_plan_and_unknown_names_are_usage_errors(cli, remote, project):
    cli("new", "one")
    cli("new", "two")
    only = cli("push", "one", "--yes", "--format", "json")
    assert [a["name"] for a in only.json["plan"]["actions"]] == ["one"]
    unknown = cli("diff", "tow")
    assert unknown.exit_code == 2 and 'did you mean "two"' in unknown.stderr


def test_publish_also_publishes_unchanged_actions_whose_production_copy_is_missing_or_behind(cli, remote, project,
                                                                                           api):
    cli("new", "one")
    cli("new", "two")
    cli("push", "--yes")
    api.publish_action(api.find_action("one")["id"])
    plan = cli("diff", "--format", "json").json  # without --publish, publishing is not part of the plan
    assert plan["changes"] is False and [a["published"] for a in plan["actions"]] == [True, False]

    pushed = cli("push", "--yes", "--publish", "--format", "json")
    assert pushed.exit_code == 0, pushed.stderr
    steps = {a["name"]: a for a in pushed.json["plan"]["actions"]}
    assert steps["one"]["publish"] is False and steps["two"]["publish"] is True
    assert (steps["one"]["action"], steps["two"]["action"]) == ("unchanged", "publish")
    assert steps["two"]["reason"] == "not published"
    summary = pushed.json["plan"]["summary"]
    assert (summary["publishOnly"], summary["publish"], summary["unchanged"]) == (1, 1, 1)
    assert [d["name"] for d in pushed.json["result"]["done"]] == ["two"]
    assert pushed.json["requests"]["byMethod"] == {"GET": 2, "POST": 1}  # masters, production copies, 1 publish

    # Pushed without --publish, the production copy falls behind; the next --publish catches it up.
    edit(project / "actions/one.js", "return {", "// v2\n  return {")
    cli("push", "--yes")
    behind = cli("push", "--yes", "--publish", "--format", "json")
    [step] = [a for a in behind.json["plan"]["actions"] if a["publish"]]
    assert step["name"] == "one" and step["action"] == "publish" and step["reason"] == "the production copy is behind"
    production = api.list_actions(production=True)
    assert all("// v2" in p["code"] for p in production if p["name"] == "one")
    assert cli("push", "--yes", "--publish", "--format", "json").json["plan"]["changes"] is False


def test_dry_run_shows_the_plan_and_sends_no_write(cli, remote, project, api):
    cli("new", "hello")
    dry = cli("push", "--dry-run", "--format", "json")
    assert dry.exit_code == 0 and dry.json["dryRun"] is True and dry.json["result"] is None
    assert dry.json["plan"]["summary"]["create"] == 1 and dry.json["requests"]["byMethod"] == {"GET": 1}
    assert api.list_actions() == []
    text = cli("push", "--dry-run")
    assert "+ create      hello" in text.stdout


def test_a_renamed_manifest_updates_the_action_instead_of_replacing_it(cli, remote, project, api):
    cli("new", "old-name")
    cli("push", "--yes")
    original = api.find_action("old-name")
    edit(project / "actions/old-name.yaml", "name: old-name", "name: new-name")
    plan = cli("diff", "--prune", "--format", "json")
    [step] = plan.json["actions"]
    assert step["action"] == "update" and step["id"] == original["id"] and step["reason"] == 'renamed from "old-name"'
    assert step["changes"] == [{"field": "name", "remote": "old-name", "local": "new-name"}]
    assert cli("push", "--yes", "--prune").exit_code == 0
    assert [(a["id"], a["name"]) for a in api.list_actions()] == [(original["id"], "new-name")]
    assert cli("diff", "--exit-code").exit_code == 0


def test_an_action_renamed_on_the_service_is_renamed_in_its_manifest(cli, remote, project, api, git):
    cli("new", "old-name")
    cli("push", "--yes")
    api.update_action(api.find_action("old-name")["id"], {"name": "new-name"})
    pulled = cli("pull", "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json["written"] == [{"name": "new-name", "action": "updated", "files": ["actions/old-name.yaml"]}]
    assert pulled.json["localOnly"] == []
    assert "name: new-name\n" in (project / "actions/old-name.yaml").read_text()
    assert not (project / "actions/new-name.yaml").exists()
    assert cli("diff", "--exit-code").exit_code == 0


def test_a_variable_only_profiles_define_fails_validate_as_it_fails_push_when_the_top_level_deploys(cli, remote,
                                                                                                    project, api):
    # Every profile defines BOOKINGS, the top level (which names an app) does not: one verdict from validate,
    # diff, push and ci, and it names the profiles that would do.
    (project / "actionctl.yaml").write_text(
        f"app: 1\napi_url: {remote.url}\nrate_limits: {json.dumps(UNLIMITED)}\n"
        "profiles:\n  dev:\n    app: 1\n    vars: {BOOKINGS: 101}\n  prod:\n    app: 2\n    vars: {BOOKINGS: 202}\n")
    cli("new", "bookings")
    edit(project / "actions/bookings.js", "return {", "const source = @@BOOKINGS@@;\n  return {")
    message = ("variable BOOKINGS is not defined for actionctl.yaml: add it under vars:, or choose a profile "
               "defining it with --profile (dev, prod)")
    line = (project / "actions/bookings.js").read_text().splitlines().index("  const source = @@BOOKINGS@@;") + 1
    validated = cli("validate", "--format", "json")
    assert validated.exit_code == 1
    assert [(d["code"], d["file"], d["line"], d["column"], d["message"]) for d in validated.json["diagnostics"]] == [
        ("VAR_UNDEFINED", "actions/bookings.js", line, 18, message)]
    assert cli("diff").exit_code == 1 and cli("ci").exit_code == 1
    pushed = cli("push", "--yes")  # no profile: the top level, where BOOKINGS is not defined
    assert pushed.exit_code == 1 and message in pushed.stdout and api.list_actions() == []
    assert cli("validate", "--profile", "dev").exit_code == 0
    assert cli("push", "--yes", "--profile", "dev").exit_code == 0


def test_a_variable_some_profile_lacks_is_reported_for_that_profile(cli, remote, project, api):
    (project / "actionctl.yaml").write_text(
        f"api_url: {remote.url}\nrate_limits: {json.dumps(UNLIMITED)}\n"
        "profiles:\n  dev:\n    app: 1\n    vars: {BOOKINGS: 101}\n  prod:\n    app: 2\n    vars: {}\n")
    cli("new", "bookings")
    edit(project / "actions/bookings.js", "return {", "const source = @@BOOKINGS@@;\n  return {")
    lacking = cli("validate", "--format", "json")
    [problem] = lacking.json["diagnostics"]
    assert problem["code"] == "VAR_UNDEFINED" and "prod" in problem["message"]
    assert cli("push", "--yes", "--profile", "prod").exit_code == 1 and api.list_actions() == []
    assert cli("push", "--yes", "--profile", "dev").exit_code == 0


def test_an_unwritable_state_folder_is_one_clear_error_and_the_next_push_converges(cli, remote, project, api):
    cli("new", "hello")
    (project / ".actionctl").mkdir(exist_ok=True)
    (project / ".actionctl/state").write_text("a file where the folder should be")
    failed = cli("push", "--yes")
    assert failed.exit_code == 1 and "STATE_UNWRITABLE" in failed.stderr and "Traceback" not in failed.stderr
    assert api.find_action("hello") is not None  # the write had landed
    (project / ".actionctl/state").unlink()
    again = cli("push", "--yes", "--format", "json")
    assert again.exit_code == 0 and again.json["plan"]["changes"] is False


def test_a_teammates_push_merged_through_git_is_not_a_conflict(cli, remote, project, api, git, tmp_path_factory,
                                                                monkeypatch):
    cli("new", "hello")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "v1")
    assert cli("push", "--yes").exit_code == 0  # A's push: A's state knows v1

    teammate = tmp_path_factory.mktemp("teammate") / "repo"
    git("clone", "-q", str(project), str(teammate))
    monkeypatch.chdir(teammate)
    edit(teammate / "actions/hello.js", "return {", "// v2 by a teammate\n  return {")
    git("commit", "-qam", "v2", cwd=teammate)
    pushed = cli("push", "--yes", "--format", "json")  # no state there: git history says v1 came from the repo
    assert pushed.exit_code == 0, pushed.stderr
    assert pushed.json["plan"]["summary"]["update"] == 1

    monkeypatch.chdir(project)
    git("pull", "-q", str(teammate), "HEAD")
    edit(project / "actions/hello.js", "return {", "// v3\n  return {")
    plan = cli("diff", "--format", "json")  # A's state still says v1, but v2 is in A's history now
    [step] = plan.json["actions"]
    assert step["action"] == "update", step["reason"]
    assert cli("push", "--yes").exit_code == 0


def test_without_state_an_edit_on_the_service_is_caught_by_git_history(cli, remote, project, api, git):
    cli("new", "hello")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "v1")
    cli("push", "--yes")
    state_path(project, 1, remote.url).unlink()
    api.update_action(api.find_action("hello")["id"], {"description": "edited in the browser"})
    [step] = cli("diff", "--format", "json").json["actions"]
    assert step["action"] == "conflict" and "matches no recent commit of actions/hello.yaml" in step["reason"]


def test_a_shallow_clone_has_no_history_to_judge_by(cli, remote, project, api, git, tmp_path_factory, monkeypatch):
    cli("new", "hello")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "v1")
    cli("push", "--yes")
    edit(project / "actions/hello.js", "return {", "// v2\n  return {")
    git("commit", "-qam", "v2")
    shallow = tmp_path_factory.mktemp("ci") / "checkout"
    git("clone", "-q", "--depth", "1", f"file://{project}", str(shallow))
    monkeypatch.chdir(shallow)
    # v1 on the service is in no commit this checkout has; without history that proves nothing.
    [step] = cli("diff", "--format", "json").json["actions"]
    assert step["action"] == "update"


def test_pull_without_a_profile_restores_only_top_level_variables(cli, remote, project, api):
    (project / "actionctl.yaml").write_text(
        f"app: 1\napi_url: {remote.url}\nrate_limits: {json.dumps(UNLIMITED)}\n"
        "profiles:\n  dev:\n    app: 3\n    vars: {BOOKINGS: 4567}\n")
    api.create_action({"name": "stats", "code": "async function execute(context) {\n  return 4567;\n}\n"})
    pulled = cli("pull", "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert "return 4567;" in (project / "actions/stats.js").read_text()  # the dev app's value is not this app's
