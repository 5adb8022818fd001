"""`actionctl ci`: validate → test → diff → push for pipelines, with GitHub annotations."""

from __future__ import annotations

from support import edit

GOOD_TEST = """\
action: hello
cases:
  - name: says hello
    payload: {who: world}
    expect:
      result: {success: true, received: {who: world}}
"""


def test_ci_without_deploy_validates_tests_and_shows_the_plan(cli, remote, project):
    cli("new", "hello")
    (project / "tests").mkdir(exist_ok=True)  # `new` made it, with a first case
    (project / "tests/hello.test.yaml").write_text(GOOD_TEST)
    result = cli("ci", "--format", "json")
    assert result.exit_code == 0, result.stderr
    body = result.json
    assert body["ok"] is True and body["validate"]["errors"] == 0
    assert (body["test"]["ok"], body["test"]["passed"], body["test"]["failed"]) == (True, 1, 0)
    assert [case["name"] for case in body["test"]["cases"]] == ["says hello"]
    assert body["diff"]["summary"]["create"] == 1 and "push" not in body
    assert cli("diff", "--exit-code").exit_code == 4  # nothing was pushed


def test_ci_deploy_pushes_without_asking_and_converges(cli, remote, project):
    cli("new", "hello")
    deployed = cli("ci", "--deploy", "--format", "json")
    assert deployed.exit_code == 0, deployed.stderr
    assert deployed.json["push"]["done"][0]["name"] == "hello"
    again = cli("ci", "--deploy", "--format", "json")
    assert again.exit_code == 0 and again.json["push"] is None
    assert again.json["diff"]["changes"] is False


def test_ci_stops_at_a_validation_error_with_github_annotations(cli, remote, project, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    cli("new", "hello")
    edit(project / "actions/hello.yaml", "environment: server", "environment: moon")
    result = cli("ci", "--deploy")
    assert result.exit_code == 1
    assert "::error file=actions/hello.yaml,line=" in result.stdout and "title=ENVIRONMENT_INVALID" in result.stdout
    assert cli("diff", "--format", "json").json["summary"]["create"] == 1  # nothing deployed


def test_ci_stops_at_a_failing_test_and_annotates_it(cli, remote, project):
    cli("new", "hello")
    (project / "tests").mkdir(exist_ok=True)  # `new` made it, with a first case
    (project / "tests/hello.test.yaml").write_text(GOOD_TEST.replace("success: true", "success: false"))
    result = cli("ci", "--deploy", "--annotations", "github")
    assert result.exit_code == 1
    assert "::error file=tests/hello.test.yaml,title=test failed" in result.stdout
    assert cli("diff", "--format", "json").json["summary"]["create"] == 1


def test_ci_writes_the_plan_into_the_github_job_summary(cli, remote, project, tmp_path_factory, monkeypatch):
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    cli("new", "hello")
    result = cli("ci", "--annotations", "github")
    assert result.exit_code == 0, result.stderr
    assert "::notice title=actionctl plan for app 1::Plan: 1 to create" in result.stdout
    assert "| create | `hello` |" in summary.read_text()


def test_ci_without_a_token_skips_the_diff_but_still_lints(cli, remote, project, monkeypatch):
    monkeypatch.delenv("ACTIONCTL_TOKEN")
    cli("new", "hello")
    result = cli("ci", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "no token" in result.json["diff"]["skipped"]
    deploying = cli("ci", "--deploy")
    assert deploying.exit_code == 2 and "NOT_LOGGED_IN" in deploying.stderr


def test_ci_deploy_reports_a_conflict_as_a_failure(cli, api, project):
    cli("new", "hello")
    assert cli("ci", "--deploy").exit_code == 0
    api.update_action(api.find_action("hello")["id"], {"description": "browser"})
    result = cli("ci", "--deploy", "--format", "json")
    assert result.exit_code == 1 and "SYNC_CONFLICT" in result.stderr
    body = result.json
    assert body["ok"] is False and body["error"]["code"] == "SYNC_CONFLICT"


def without_durations(value):
    if isinstance(value, dict):
        return {k: without_durations(v) for k, v in value.items() if k != "durationMs"}
    if isinstance(value, list):
        return [without_durations(v) for v in value]
    return value


def test_ci_embeds_the_test_report_as_test_prints_it(cli, remote, project, monkeypatch):
    monkeypatch.delenv("ACTIONCTL_TOKEN")
    cli("new", "hello")
    (project / "tests").mkdir(exist_ok=True)  # `new` made it, with a first case
    (project / "tests/hello.test.yaml").write_text(GOOD_TEST + GOOD_TEST.split("cases:\n")[1].replace(
        "says hello", "fails").replace("success: true", "success: false"))
    tested = cli("test", "--format", "json")
    checked = cli("ci", "--format", "json")
    assert tested.exit_code == checked.exit_code == 1
    assert without_durations(checked.json["test"]) == without_durations(tested.json)
    assert checked.json["test"]["failed"] == 1 and "diff" not in checked.json and checked.json["ok"] is False


def test_ci_without_test_cases_reports_an_empty_test_report(cli, remote, project):
    cli("new", "hello")
    (project / "tests/hello.test.yaml").unlink()
    result = cli("ci", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["test"] == {"ok": True, "passed": 0, "failed": 0, "cases": []}
    assert "no test cases" in result.stderr
