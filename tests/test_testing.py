"""`actionctl test`, `actionctl trigger` and `actionctl deps fetch`."""

from __future__ import annotations

import http.server
import threading
from xml.etree import ElementTree as ET

import pytest

from actionctl.execution.cases import contains

ACTION = ("name: greet\nactive: true\ntriggers: [{trigger: manual}]\ndependencies: [fliplet-communicate]\n")
CODE = ("async function execute(context) {\n"
        "  const name = context.payload.name;\n"
        "  if (!name) throw new Error('name is required');\n"
        "  console.log('greeting ' + name);\n"
        "  await Fliplet.Communicate.sendEmail({to: [{email: name + '@example.com'}], subject: 'Hello ' + name,"
        " html: 'hi'});\n"
        "  return { greeting: 'Hello ' + name, at: new Date().toISOString(), tags: ['a', 'b', 'c'] };\n"
        "}\n")
TESTS = """action: greet
cases:
  - name: greets by name
    payload: {name: Ann}
    now: 2026-01-05T08:00:00Z
    expect:
      result: {greeting: Hello Ann, at: "2026-01-05T08:00:00.000Z", tags: [a, b, c]}
      emails: [{subject: Hello Ann}]
      logs: [greeting Ann, {level: log, message: Ann}]
  - name: needs a name
    expect:
      error: {code: EXECUTION_FAILED, message: name is required}
      emails: 0
  - name: partial match
    payload: {name: Bob}
    expect:
      result_contains: {greeting: Hello Bob, tags: [a, c]}
"""


@pytest.fixture
def greet(tree):
    return tree({"actions/greet.yaml": ACTION, "actions/greet.js": CODE, "tests/greet.test.yaml": TESTS})


def test_all_cases_pass_with_a_runner_closing_line(cli, greet):
    result = cli("test")
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    assert [line.split("  ")[0] for line in lines[:3]] == [
        "✓ tests/greet.test.yaml::greets by name", "✓ tests/greet.test.yaml::needs a name",
        "✓ tests/greet.test.yaml::partial match"]
    assert lines[-1] == "3 passed, 0 failed"


def test_failures_are_readable_diffs(cli, tree, greet):
    tree({"tests/broken.test.yaml": """action: greet
cases:
  - name: wrong greeting
    payload: {name: Ann}
    expect:
      result_contains: {greeting: Hi Ann}
  - name: wrong exact result
    payload: {name: Ann}
    now: 2026-01-05T08:00:00Z
    expect:
      result: {greeting: Hello Ann, at: "2026-01-05T08:00:00.000Z", tags: [a, b]}
  - name: expected an error
    payload: {name: Ann}
    expect: {error: PAYLOAD_TOO_LARGE}
  - name: counts
    payload: {name: Ann}
    expect: {emails: 2, sms: 1, logs: [{level: warn, message: greeting}]}
"""})
    result = cli("test", "tests/broken.test.yaml")
    assert result.exit_code == 1
    out = result.stdout
    assert 'result.greeting: expected "Hi Ann", got "Hello Ann"' in out
    assert '-    "c"' not in out and '+    "c"' in out  # a unified diff of the exact result
    assert "expected error PAYLOAD_TOO_LARGE, but the run succeeded" in out
    assert "expected 2 emails, got 1" in out and "expected 1 sms, got 0" in out
    assert "no console line at level warn contains 'greeting'" in out
    assert out.splitlines()[-1] == "0 passed, 4 failed"


def test_json_and_junit_reports(cli, greet, project):
    body = cli("test", "--format", "json").json
    assert (body["ok"], body["passed"], body["failed"]) == (True, 3, 0)
    case = body["cases"][0]
    assert {k: case[k] for k in ("file", "action", "name", "ok", "failures")} == {
        "file": "tests/greet.test.yaml", "action": "greet", "name": "greets by name", "ok": True, "failures": []}
    assert case["execution"]["effects"]["emails"][0]["subject"] == "Hello Ann"
    result = cli("test", "--format", "junit", "--junit", str(project / "report.xml"))
    suites = ET.fromstring(result.stdout)
    assert suites.get("tests") == "3" and suites.get("failures") == "0"
    assert [c.get("name") for c in suites.iter("testcase")] == ["greets by name", "needs a name", "partial match"]
    assert ET.parse(project / "report.xml").getroot().get("tests") == "3"


def test_select_by_action_and_keyword(cli, greet):
    assert cli("test", "greet", "-k", "partial", "--format", "json").json["passed"] == 1
    assert cli("test", "-k", "*name*", "--format", "json").json["passed"] == 2
    result = cli("test", "nobody")
    assert result.exit_code == 2 and 'no test file tests an action named "nobody"' in result.stderr


def test_broken_test_files_fail_as_cases_not_crashes(cli, tree, greet):
    tree({"tests/bad.test.yaml": "action: greet\ncases:\n  - name: no expect\n    payload: {}\n"
                                 "  - name: typo\n    payload: {}\n    expct: {}\n",
          "tests/worse.test.yaml": "cases: [\n",
          "tests/ghost.test.yaml": "action: ghost\ncases:\n  - {name: x, expect: {result: 1}}\n"})
    body = cli("test", "--format", "json").json
    failures = {c["name"] + "@" + c["file"]: c["failures"] for c in body["cases"] if not c["ok"]}
    assert failures["no expect@tests/bad.test.yaml"] == ["the case has no `expect` — say what must happen"]
    assert failures["typo@tests/bad.test.yaml"][0].startswith('unknown case field(s) expct — did you mean "expect"?')
    assert failures["(file)@tests/worse.test.yaml"][0].startswith("cannot read the test file")
    assert failures["x@tests/ghost.test.yaml"] == ['no action named "ghost" in the repository — see `actionctl list`']
    assert body["passed"] == 3


def test_a_misspelt_expectation_gets_a_suggestion(cli, tree, greet):
    tree({"tests/greet.test.yaml": "action: greet\ncases:\n  - {name: typo, expect: {reslt: 1}}\n"})
    [case] = cli("test", "--format", "json").json["cases"]
    assert case["failures"][0].startswith('unknown expectation(s) reslt — did you mean "result"?; known: result, ')


def test_a_test_file_that_cannot_be_read_fails_with_its_line_and_column_when_its_action_is_named(cli, tree, greet):
    tree({"tests/greet.test.yaml": "action: greet\ncases:\n  - name: one\n\texpect: 2\n"})
    result = cli("test", "greet", "--format", "json")
    assert result.exit_code == 1, result.stderr
    [case] = result.json["cases"]
    assert case["file"] == "tests/greet.test.yaml" and "(line 4, column 1) [YAML_SYNTAX_ERROR]" in case["failures"][0]


def test_fixture_overrides_per_file_and_case(cli, tree):
    tree({"actions/count.yaml": "name: count\nactive: true\ntriggers: [{trigger: manual}]\n",
          "actions/count.js": "async function execute(context) {\n  const r = await Fliplet.API.request("
                              "{url: 'https://api.example.com/n'});\n  return [r, Fliplet.App.Settings.get('k')];"
                              "\n}\n",
          "tests/count.test.yaml": """action: count
fixtures:
  http: [{url: "https://api.example.com/n", body: 1}]
  settings: {k: file}
cases:
  - name: file fixtures
    expect: {result: [1, file]}
  - name: case fixtures win
    fixtures:
      http: [{url: "https://api.example.com/n", body: 2}]
    expect: {result: [2, file]}
"""})
    body = cli("test", "--format", "json").json
    assert body["passed"] == 2, body


def test_a_hanging_case_times_out_and_the_rest_still_run(cli, tree, greet):
    tree({"actions/hang.yaml": "name: hang\nactive: true\ntriggers: [{trigger: manual}]\n",
          "actions/hang.js": "async function execute(context) { await null; while (true) {} }\n",
          "tests/hang.test.yaml": "action: hang\ncases:\n  - {name: hangs, timeout: 0.5, "
                                  "expect: {error: EXECUTION_TIMEOUT}}\n  - {name: hangs again, timeout: 0.5, "
                                  "expect: {result: 1}}\n"})
    body = cli("test", "--format", "json", "-j", "1").json
    by_name = {c["name"]: c for c in body["cases"]}
    assert by_name["hangs"]["ok"] is True
    assert by_name["hangs again"]["failures"][0].startswith("unexpected error EXECUTION_TIMEOUT")
    assert by_name["greets by name"]["ok"] is True  # the worker was replaced after the kill


def test_no_tests_is_an_error_that_says_why(cli, project):
    result = cli("test")
    assert result.exit_code == 2
    assert result.stderr == "error: no test cases found (tests/*.test.yaml): nothing was tested [TESTS_NOT_FOUND]\n"


def test_a_keyword_matching_no_case_is_an_error_not_a_pass(cli, greet):
    result = cli("test", "-k", "greats")
    assert (result.exit_code, result.stderr) == (2, "error: no test case matches -k 'greats' [TESTS_NOT_FOUND]\n")


@pytest.mark.parametrize(("actual", "expected", "problem"), [
    ({"a": 1, "b": {"c": 2}}, {"b": {"c": 2}}, None),
    ({"a": 1}, {"b": 1}, "x.b: missing (have a)"),
    ([1, 2, 3], [1, 3], None),
    ([1, 2, 3], [3, 1], "x[1]: no item matches 1 (in order)"),
    ([{"id": 1, "s": "a"}, {"id": 2, "s": "b"}], [{"s": "b"}], None),
    ("a", "b", 'x: expected "b", got "a"'),
])
def test_contains(actual, expected, problem):
    assert contains(actual, expected, "x") == problem


# --- trigger ---------------------------------------------------------------------------------------------

EVENTS = {
    "actions/on-create.yaml": "name: on-create\nactive: true\ntriggers:\n  - trigger: log\n    where: "
                              "{type: dataSource.entry.create, dataSourceId: 177}\n",
    "actions/on-create.js": "async function execute(context) { return context.payload.log.dataSourceEntryId; }\n",
    "actions/any-log.yaml": "name: any-log\nactive: true\ntriggers:\n  - trigger: log\n    where: "
                            "{type: dataSource.entry.create}\n",
    "actions/any-log.js": "async function execute(context) { return context.payload.trigger; }\n",
    "actions/off.yaml": "name: off\nactive: false\ntriggers:\n  - trigger: log\n    where: "
                        "{type: dataSource.entry.create}\n",
    "actions/off.js": "async function execute(context) { return 1; }\n",
    "actions/page.yaml": "name: page\nactive: true\nenvironment: client\ntriggers:\n  - trigger: analytics\n"
                         "    where: {type: analytics.pageView, data: {_pageId: 77}}\n",
    "actions/page.js": "async function execute(context) { return context.payload.data._pageTitle; }\n",
    "actions/weekly.yaml": "name: weekly\nactive: true\nfrequency: '0 8 * * 1'\ntimezone: UTC\n"
                           "triggers: [{trigger: schedule}]\n",
    "actions/weekly.js": "async function execute(context) { return context.payload; }\n",
}


def test_log_events_match_type_and_data_source(cli, tree):
    tree(EVENTS)
    event = '{"type": "dataSource.entry.create", "dataSourceId": 177, "dataSourceEntryId": 9}'
    assert cli("trigger", "log", "--event", event, "--format", "json").json["matched"] == ["any-log", "on-create"]
    other = '{"type": "dataSource.entry.create", "dataSourceId": 5}'
    assert cli("trigger", "log", "--event", other, "--format", "json").json["matched"] == ["any-log"]
    runs = cli("trigger", "log", "--event", event, "--run", "--format", "json").json["runs"]
    assert {r["action"]: r["result"] for r in runs} == {"any-log": "log", "on-create": 9}


def test_analytics_events_match_a_data_subset(cli, tree):
    tree(EVENTS)
    hit = '{"type": "analytics.pageView", "data": {"_pageId": 77, "_pageTitle": "Home"}}'
    miss = '{"type": "analytics.pageView", "data": {"_pageId": 78}}'
    assert cli("trigger", "analytics", "--event", miss, "--format", "json").json["matched"] == []
    body = cli("trigger", "analytics", "--event", hit, "--run", "--format", "json").json
    assert body["matched"] == ["page"] and body["runs"][0]["result"] == "Home"


def test_trigger_schedule_runs_with_an_empty_payload(cli, tree):
    tree(EVENTS)
    body = cli("trigger", "schedule", "weekly", "--format", "json").json
    assert body["runs"][0]["result"] == {}
    result = cli("trigger", "schedule", "page")
    assert result.exit_code == 2 and "page has no schedule trigger" in result.stderr


# --- deps fetch ------------------------------------------------------------------------------------------

@pytest.fixture
def script_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/lib.js":
                body = b"function greet(n) { return 'hi ' + n; }"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_deps_fetch_fills_the_cache_for_runs(cli, tree, script_server):
    url, missing = f"{script_server}/lib.js", f"{script_server}/missing.js"
    tree({"actions/a.yaml": f"name: a\nactive: true\ntriggers: [{{trigger: manual}}]\ndependencies: ['{url}']\n",
          "actions/a.js": "async function execute(context) { return greet('Ann'); }\n",
          "actions/b.yaml": f"name: b\nactive: true\ntriggers: [{{trigger: manual}}]\ndependencies: ['{missing}']\n",
          "actions/b.js": "async function execute(context) { return 1; }\n"})
    result = cli("deps", "fetch", "--format", "json")
    assert result.exit_code == 1
    assert [(d["url"], d["ok"], d["error"]) for d in result.json["dependencies"]] == [
        (url, True, None), (missing, False, "HTTP 404")]
    assert cli("run", "a", "--format", "json").json["result"] == "hi Ann"
    again = cli("deps", "fetch", "--format", "json").json["dependencies"][0]
    assert again["cached"] is True


@pytest.mark.parametrize("fixtures, reason", [
    ("{datasources: {158: [1]}}", "fixtures.datasources maps a data-source id to {name?, columns?, entries}"),
    ("{datasources: [1]}", "fixtures.datasources maps a data-source id to {name?, columns?, entries}"),
    ("{http: abc}", "fixtures.http: an HTTP fixture is a list of responses, each with at least a `url`"),
    ("{http: [{url: 5}]}", "fixtures.http: response 1 (5): `url` must be text"),
    ("{http: [{url: 'https://x.test/', status: '200'}]}",
     "fixtures.http: response 1 ('https://x.test/'): `status` must be a whole number from 100 to 599, not '200'"),
    ("{http: [{url: 'https://x.test/', body: .nan}]}",
     "fixtures.http: response 1 ('https://x.test/'): `body` cannot hold NaN or infinity: JSON has neither"),
    ("{medias: {}}", "unknown fixture kind(s) medias; a case may give datasources, http, settings"),
    ("[1]", "`fixtures` must be a mapping (datasources, http, settings)"),
])
def test_a_case_with_wrong_fixtures_fails_alone_with_the_reason(cli, action, tree, fixtures, reason):
    action("async function execute(context) { return 1; }")
    tree({"tests/a.test.yaml": f"action: a\ncases:\n  - {{name: bad, fixtures: {fixtures}, expect: {{result: 1}}}}\n"
                               "  - {name: good, expect: {result: 1}}\n"})
    result = cli("test", "--format", "json")
    assert result.exit_code == 1, result.stderr
    cases = {case["name"]: case for case in result.json["cases"]}
    assert cases["good"]["ok"] is True
    assert cases["bad"]["ok"] is False and cases["bad"]["failures"] == [reason]
