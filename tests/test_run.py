"""`actionctl run`: execute(context) in a worker's V8 isolate with the service's globals and limits."""

from __future__ import annotations

import json
import signal
import threading

import pytest
from support import job

from actionctl.runtime.host import Worker, WorkerPool, execute


def run_json(cli, *args):
    result = cli("run", *args, "--format", "json")
    return result.exit_code, result.json, result


def test_hello_world_returns_its_result(cli, action):
    action("async function execute(context) {\n  return { message: 'Hello World', timestamp: Date.now() };\n}\n")
    code, body, _ = run_json(cli, "a", "--now", "2026-01-05T08:00:00Z")
    assert code == 0
    assert body["ok"] is True and body["error"] is None
    assert body["result"] == {"message": "Hello World", "timestamp": 1767600000000}
    assert set(body) == {"ok", "result", "error", "logs", "effects", "durationMs", "deadline"}
    assert isinstance(body["durationMs"], (int, float)) and body["durationMs"] >= 0  # a fast run may round to 0


def test_payload_inline_and_from_a_file(cli, action, project):
    action("async function execute(context) { return context; }")
    (project / "p.json").write_text('{"entryId": 123, "name": "Nick"}')
    assert run_json(cli, "a", "--payload", '{"x": [1, 2]}')[1]["result"] == {"payload": {"x": [1, 2]}}
    assert run_json(cli, "a", "--payload", "@p.json")[1]["result"] == {"payload": {"entryId": 123, "name": "Nick"}}
    assert run_json(cli, "a")[1]["result"] == {"payload": {}}


def test_bad_payload_json_is_a_usage_error(cli, action):
    action("async function execute(context) { return 1; }")
    result = cli("run", "a", "--payload", "{nope")
    assert result.exit_code == 2 and "--payload: not valid JSON" in result.stderr


def test_payload_over_2048_characters_is_refused_when_limits_payload_says_so(cli, action, project):
    (project / "actionctl.yaml").write_text("region: eu\nlimits: {payload: 2048}\n")
    action("async function execute(context) { console.log('ran'); return 1; }")
    payload = json.dumps({"note": "x" * 2040})
    code, body, _ = run_json(cli, "a", "--payload", payload)
    assert code == 1
    assert body["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert body["error"]["message"] == ("the payload is 2051 characters of JSON; limits.payload in actionctl.yaml "
                                        "allows 2048")
    assert body["logs"] == []
    # 2048 exactly passes: {"note":"…"} is 11 characters of wrapping
    assert run_json(cli, "a", "--payload", json.dumps({"note": "x" * 2037}))[0] == 0


def test_now_and_seed_make_runs_repeatable(cli, action):
    action("async function execute(context) {\n"
           "  return { now: new Date().toISOString(), d: Date(), r: [Math.random(), Math.random()],"
           " later: new Date(2030, 0, 1).getFullYear(), isDate: new Date() instanceof Date };\n}\n")
    first = run_json(cli, "a", "--now", "2026-01-05T08:00:00Z", "--seed", "42")[1]["result"]
    second = run_json(cli, "a", "--now", "2026-01-05T08:00:00Z", "--seed", "42")[1]["result"]
    assert first == second
    assert first["now"] == "2026-01-05T08:00:00.000Z" and first["later"] == 2030 and first["isDate"] is True
    assert run_json(cli, "a", "--seed", "7")[1]["result"]["r"] != first["r"]


def test_console_lines_keep_their_levels(cli, action):
    action("async function execute(context) {\n  console.log('a', 1, {b: [2]});\n  console.warn('careful');\n"
           "  console.error(new Error('bad'));\n  const c = {}; c.self = c; console.info(c);\n  return null;\n}\n")
    logs = run_json(cli, "a")[1]["logs"]
    assert logs[0] == {"level": "log", "message": 'a 1 {"b":[2]}'}
    assert logs[1] == {"level": "warn", "message": "careful"}
    assert logs[2]["level"] == "error" and logs[2]["message"].startswith("Error: bad\n    at execute (actions/a.js:4")
    assert logs[3] == {"level": "info", "message": '{"self":"[Circular]"}'}


def test_a_thrown_error_points_at_the_users_file(cli, action):
    action("async function execute(context) {\n  const booking = null;\n  return booking.status;\n}\n")
    code, body, _ = run_json(cli, "a")
    assert code == 1
    assert body["error"]["code"] == "EXECUTION_FAILED"
    assert body["error"]["message"] == "TypeError: Cannot read properties of null (reading 'status')"
    assert body["error"]["stack"].splitlines()[1:] == ["    at execute (actions/a.js:3:18)"]
    text = cli("run", "a")
    assert text.exit_code == 1
    assert "✗ a  EXECUTION_FAILED" in text.stdout
    assert "  3 │   return booking.status;" in text.stdout and "│                  ^" in text.stdout


def test_an_error_at_the_top_level_keeps_the_logs_before_it(cli, action):
    action("console.log('loading');\nnotDefined();\nasync function execute(context) { return 1; }\n")
    body = run_json(cli, "a")[1]
    assert body["error"]["message"] == "ReferenceError: notDefined is not defined"
    assert "actions/a.js:2" in body["error"]["stack"]
    assert body["logs"] == [{"level": "log", "message": "loading"}]


@pytest.mark.parametrize(("expression", "result"), [
    ("undefined", None), ("new Date(0)", "1970-01-01T00:00:00.000Z"), ("NaN", None),
    ("{a: undefined, f() {}, n: Infinity}", {"n": None}), ("[undefined, () => 1]", [None, None]),
    ("new Map([[1, 2]])", {}), ("'text'", "text"),
])
def test_results_follow_json_stringify(cli, action, expression, result):
    action(f"async function execute(context) {{ return {expression}; }}")
    body = run_json(cli, "a")[1]
    assert body["ok"] is True and body["result"] == result


def test_a_result_that_cannot_be_json_fails(cli, action):
    action("async function execute(context) { const o = {}; o.o = o; return o; }")
    body = run_json(cli, "a")[1]
    assert body["error"]["code"] == "EXECUTION_FAILED"
    assert body["error"]["message"].startswith("TypeError: the result cannot be sent as JSON")


def test_result_over_the_limit(cli, action, project):
    (project / "actionctl.yaml").write_text("region: eu\nlimits: {result: 1000}\n")
    action("async function execute(context) { return 'x'.repeat(1200); }")
    body = run_json(cli, "a")[1]
    assert body["error"]["code"] == "RESULT_TOO_LARGE" and "1,202 bytes" in body["error"]["message"]


def test_a_fractional_memory_limit_is_kept_and_reported_as_configured(cli, action, project):
    (project / "actionctl.yaml").write_text("region: eu\nlimits: {memory: 2.5}\n")
    action("async function execute(context) { const a = []; while (true) a.push({ n: a.length }); }")
    body = run_json(cli, "a", "--timeout", "60")[1]
    assert body["error"]["code"] == "MEMORY_LIMIT_EXCEEDED" and "2.5 MB" in body["error"]["message"]


@pytest.mark.parametrize("memory", ["abc", ".inf", ".nan"])
def test_an_unusable_memory_limit_is_a_coded_error(cli, action, project, memory):
    (project / "actionctl.yaml").write_text(f"region: eu\nlimits: {{memory: {memory}}}\n")
    action("async function execute(context) { return 1; }")
    result = cli("run", "a", "--no-validate")
    assert (result.exit_code, result.stderr) == (
        2, "error: actionctl.yaml:2:18: limits.memory must be a positive number up to 65,536 [CONFIG_INVALID]\n")


def test_six_megabytes_of_result_by_default(cli, action):
    action("async function execute(context) { return 'x'.repeat(6 * 1000 * 1000); }")
    assert run_json(cli, "a")[1]["error"]["code"] == "RESULT_TOO_LARGE"
    action("async function execute(context) { return 'x'.repeat(5 * 1000 * 1000); }")
    assert run_json(cli, "a")[1]["ok"] is True


def test_validation_errors_refuse_the_run_unless_told(cli, action):
    action("function execute(context) { return 'ran'; }")
    result = cli("run", "a")
    assert result.exit_code == 1
    assert "CODE_VALIDATION_FAILED execute must be async" in result.stdout
    assert "[VALIDATION_FAILED]" in result.stderr
    code, body, _ = run_json(cli, "a")
    assert code == 1 and body["error"]["code"] == "VALIDATION_FAILED"
    assert body["validation"]["diagnostics"][0]["code"] == "CODE_VALIDATION_FAILED"
    assert run_json(cli, "a", "--no-validate")[1]["result"] == "ran"


def test_an_inactive_action_runs_with_a_warning(cli, action):
    action("async function execute(context) { return 1; }", manifest="name: a\nactive: false\n"
           "triggers: [{trigger: manual}]\n")
    result = cli("run", "a")
    assert result.exit_code == 0
    assert "warning: a is inactive" in result.stderr


def test_running_with_a_trigger_the_action_lacks_warns(cli, action):
    action("async function execute(context) { return 1; }", manifest="name: a\nactive: true\n"
           "triggers: [{trigger: manual}, {trigger: log, where: {type: x}}]\n")
    result = cli("run", "a", "--trigger", "schedule")
    assert result.exit_code == 0
    assert result.stderr == ("warning: a has no schedule trigger (its triggers: manual, log): the service never "
                             "starts it that way\n")
    assert cli("run", "a", "--trigger", "log", "--event", '{"type": "x"}').stderr == ""


def test_unknown_action_suggests_a_name(cli, action):
    action("async function execute(context) { return 1; }", name="confirm-booking")
    result = cli("run", "confirm-bookin")
    assert result.exit_code == 2 and 'did you mean "confirm-booking"?' in result.stderr


def test_run_by_manifest_or_code_path(cli, action):
    action("async function execute(context) { return 'by path'; }")
    assert run_json(cli, "actions/a.yaml")[1]["result"] == "by path"
    assert run_json(cli, "actions/a.js")[1]["result"] == "by path"


# --- the globals the service gives ------------------------------------------------------------------

def test_fliplet_namespaces_exist_only_for_declared_packages(cli, action):
    action("async function execute(context) {\n  return [typeof Fliplet.DataSources, typeof Fliplet.Communicate,"
           " typeof Fliplet.App.Settings, typeof Fliplet.App.V3.Actions.run];\n}\n",
           manifest="name: a\nactive: true\ntriggers: [{trigger: manual}]\ndependencies: [fliplet-communicate]\n")
    body = run_json(cli, "a", "--no-validate")[1]
    assert body["result"] == ["undefined", "object", "object", "function"]


@pytest.mark.parametrize(("code", "message"), [
    ("return require('fs')", "ReferenceError: require is not defined"),
    ("return process.env", "ReferenceError: process is not defined"),
    ("process.exit(1)", "ReferenceError: process is not defined"),
    ("return await import('fs')", "Error: Not supported"),
])
def test_no_node_and_no_modules(cli, action, code, message):
    action(f"async function execute(context) {{ {code}; }}")
    body = run_json(cli, "a", "--no-validate")[1]
    assert (body["error"]["code"], body["error"]["message"]) == ("EXECUTION_FAILED", message)


def test_app_settings_come_from_the_local_settings_file(cli, action, project):
    action("async function execute(context) { return [Fliplet.App.Settings.get('apiKey'),"
           " Fliplet.App.Settings.get('missing')]; }")
    (project / ".actionctl" / "local").mkdir(parents=True)
    (project / ".actionctl" / "local" / "settings.yaml").write_text("apiKey: dev-key\n")
    (project / ".actionctl" / "local" / "settings.prod.yaml").write_text("apiKey: prod-key\n")
    assert run_json(cli, "a")[1]["result"] == ["dev-key", None]
    assert run_json(cli, "a", "--profile", "prod")[1]["result"] == ["prod-key", None]


def test_communicate_effects_are_captured_not_sent(cli, action):
    action("async function execute(context) {\n"
           "  await Fliplet.Communicate.sendEmail({to: [{email: 'ann@example.com', name: 'Ann', type: 'to'}],"
           " subject: 'Hi', html: '<p>Hi</p>'});\n"
           "  await Fliplet.Communicate.sendSMS({data: {to: '+440000', body: 'Hi'}});\n"
           "  await Fliplet.Communicate.sendPushNotification(12, {title: 'T', body: 'B'});\n"
           "  try { await Fliplet.Communicate.sendEmail({to: []}); } catch (e) { return e.message; }\n}\n",
           manifest="name: a\nactive: true\ntriggers: [{trigger: manual}]\ndependencies: [fliplet-communicate]\n")
    code, body, _ = run_json(cli, "a")
    assert code == 0 and body["result"] == "sendEmail needs `to`: a list of {email, name, type} [VALIDATION_FAILED]"
    effects = body["effects"]
    assert effects["emails"] == [{"to": [{"email": "ann@example.com", "name": "Ann", "type": "to"}], "subject": "Hi",
                                  "html": "<p>Hi</p>"}]
    assert effects["sms"] == [{"to": "+440000", "body": "Hi"}]
    assert effects["pushes"] == [{"title": "T", "body": "B", "appId": 12}]
    text = cli("run", "a").stdout
    assert "email → ann@example.com: 'Hi'" in text and "sms → +440000: 'Hi'" in text


def test_requests_are_answered_from_fixtures(cli, action, project):
    action("async function execute(context) {\n"
           "  const ok = await fetch('https://api.example.com/v1/items?x=1');\n"
           "  try { await fetch('https://api.example.com/none'); } catch (e) { return [ok.status, await ok.json(),"
           " e.message]; }\n}\n")
    (project / "fixtures" / "http").mkdir(parents=True)
    (project / "fixtures" / "http" / "api.yaml").write_text(
        "- url: https://api.example.com/v1/items*\n  status: 200\n  body: {items: [1, 2]}\n")
    body = run_json(cli, "a")[1]
    assert body["result"] == [200, {"items": [1, 2]}, "Failed to fetch: no recorded response for GET "
                              "https://api.example.com/none — add one under fixtures/http/"]
    assert [r["error"] for r in body["effects"]["requests"]] == [None, "TRANSPORT"]


def test_fetch_behaves_as_a_browsers_on_both_sides(cli, action, project):
    """A recorded network failure rejects with a TypeError; header names are case-insensitive; a client action
    (the user's browser) has fetch as a server action (a headless page) does."""
    code = ("async function execute(context) {\n"
            "  const ok = await fetch('https://api.example.com/a');\n"
            "  const failed = await fetch('https://api.example.com/down').then(() => 'resolved', e => e.name);\n"
            "  const h = ok.headers;\n"
            "  return [h.get('content-type'), h.get('X-Count'), h.get('nope'), failed];\n}\n")
    action(code, name="server-side")
    action(code, name="client-side", manifest="name: client-side\nactive: true\nenvironment: client\n"
                                             "triggers: [{trigger: manual}]\n")
    (project / "fixtures" / "http").mkdir(parents=True)
    (project / "fixtures" / "http" / "api.yaml").write_text(
        "- url: https://api.example.com/a\n  headers: {Content-Type: application/json, x-count: 3}\n  body: {}\n"
        "- url: https://api.example.com/down\n  error: ECONNRESET\n")
    for name in ("server-side", "client-side"):
        body = run_json(cli, name)[1]
        assert body["result"] == ["application/json", "3", None, "TypeError"], (name, body)
        assert [r["error"] for r in body["effects"]["requests"]] == [None, "ECONNRESET"]


# --- triggers -----------------------------------------------------------------------------------------

def test_payload_per_trigger(cli, action):
    action("async function execute(context) { return context.payload; }",
           manifest="name: a\nactive: true\nenvironment: any\nfrequency: '0 8 * * 1'\ntimezone: UTC\ntriggers:\n"
                    "  - trigger: schedule\n  - trigger: log\n    where: {type: dataSource.entry.create}\n"
                    "  - trigger: analytics\n    where: {type: analytics.pageView}\n")
    assert run_json(cli, "a", "--trigger", "schedule")[1]["result"] == {}
    log = run_json(cli, "a", "--trigger", "log", "--now", "2026-01-05T08:00:00Z", "--event",
                   '{"type": "dataSource.entry.create", "dataSourceId": 177, "dataSourceEntryId": 5,'
                   ' "data": {"Name": "Ann"}}')[1]["result"]
    assert log == {"trigger": "log", "log": {
        "id": None, "userId": None, "appId": None, "organizationId": None, "dataSourceId": 177,
        "dataSourceEntryId": 5, "sessionId": None, "requestId": None, "type": "dataSource.entry.create",
        "data": {"Name": "Ann"}, "dataString": '{"Name":"Ann"}', "createdAt": "2026-01-05T08:00:00.000Z",
        "updatedAt": "2026-01-05T08:00:00.000Z"}}
    analytics = run_json(cli, "a", "--trigger", "analytics", "--now", "2026-01-05T08:00:00Z", "--event",
                         '{"type": "analytics.pageView", "data": {"_pageId": 77}}')[1]["result"]
    assert analytics == {"createdAt": 1767600000000, "type": "analytics.pageView", "data": {"_pageId": 77}}


@pytest.mark.parametrize(("args", "message"), [
    (("--trigger", "log"), 'a log run needs --event with at least a "type"'),
    (("--trigger", "schedule", "--payload", '{"a": 1}'), "scheduled runs always get an empty payload"),
    (("--event", '{"type": "x"}'), "--event is for log and analytics triggers"),
])
def test_trigger_usage_errors(cli, action, args, message):
    action("async function execute(context) { return 1; }")
    result = cli("run", "a", *args)
    assert result.exit_code == 2 and message in result.stderr


# --- URL dependencies -----------------------------------------------------------------------------------

def test_url_dependencies_load_from_the_cache(cli, action, project):
    from actionctl.deps import cache_path

    url = "https://cdn.example.com/lib.js"
    action("async function execute(context) { return greet('Ann'); }",
           manifest=f"name: a\nactive: true\ntriggers: [{{trigger: manual}}]\ndependencies: ['{url}']\n")
    result = cli("run", "a")
    assert result.exit_code == 1
    assert f"not in the local cache: {url} — run `actionctl deps fetch`" in result.stderr
    path = cache_path(project, url)
    path.parent.mkdir(parents=True)
    path.write_text("function greet(name) { return 'hello ' + name; }")
    assert run_json(cli, "a")[1]["result"] == "hello Ann"


# --- hostile code: each ends with its coded error, the CLI alive ------------------------------------
# Code that can never end gets a deadline of 1 s and must be stopped at it, however busy the machine.
# Code that ends by itself against a limit (memory, string length) gets a deadline it never needs, so
# that a busy machine cannot turn its coded error into a timeout: the bound only stops a hang.

NO_DEADLINE = 60
HOSTILE = [
    # id, body of execute (None: a loop at the top level), the coded error, the --timeout
    ("loop-before-await", "while (true) {}", "EXECUTION_TIMEOUT", 1),
    ("loop-after-await", "await null; while (true) {}", "EXECUTION_TIMEOUT", 1),
    ("loop-in-timer", "setTimeout(() => { while (true) {} }, 0); await new Promise(r => setTimeout(r, 50));",
     "EXECUTION_TIMEOUT", 1),
    ("never-settles", "await new Promise(() => {});", "EXECUTION_TIMEOUT", 1),
    ("top-level-loop", None, "EXECUTION_TIMEOUT", 1),
    ("one-gigabyte-buffer", "return new ArrayBuffer(1024 ** 3).byteLength;", "MEMORY_LIMIT_EXCEEDED", NO_DEADLINE),
    ("one-billion-elements", "const a = new Array(1e9).fill(0); return a.length;", "MEMORY_LIMIT_EXCEEDED",
     NO_DEADLINE),
    ("typed-arrays", "const a = []; for (let i = 0; i < 40; i++) a.push(new Uint8Array(100 * 1024 * 1024));"
     " return a.length;", "MEMORY_LIMIT_EXCEEDED", NO_DEADLINE),
    ("string-bomb", "let s = 'x'; while (true) s += s;", "EXECUTION_FAILED", NO_DEADLINE),
]
STOPPED = "the action ran longer than {} s and was stopped (console output of a stopped run is lost)"


@pytest.mark.slow
@pytest.mark.parametrize(("body", "expected", "timeout"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_code_ends_with_a_coded_error(cli, action, body, expected, timeout):
    code = "while (true) {}\nasync function execute(context) {}\n" if body is None else \
        f"async function execute(context) {{ {body} }}\n"
    action(code)
    exit_code, result, _ = run_json(cli, "a", "--timeout", str(timeout))
    assert (exit_code, result["ok"], result["error"]["code"]) == (1, False, expected)
    if expected == "EXECUTION_TIMEOUT":
        assert result["error"]["message"] == STOPPED.format(timeout)
    assert run_json(cli, "a", "--timeout", str(timeout))[0] == 1  # again: the next run gets a working engine


def test_a_stopped_or_refused_run_keeps_the_documented_effects_shape(cli, action):
    every_kind = {kind: [] for kind in ("emails", "sms", "pushes", "notifications", "requests", "media", "settings",
                                        "actions", "appLogs", "datasources")}
    action("async function execute(context) { return 1; }\n", "fine")
    assert run_json(cli, "fine")[1]["effects"] == every_kind  # what the harness records: the same kinds
    action("async function execute(context) { await new Promise(() => {}); }\n", "stuck")
    exit_code, stopped, _ = run_json(cli, "stuck", "--timeout", "1")
    assert (exit_code, stopped["error"]["code"], stopped["effects"]) == (1, "EXECUTION_TIMEOUT", every_kind)
    action("async function execute(context) { return 1; }\n", "odd", "name: odd\nenvironment: mars\n")
    exit_code, refused, _ = run_json(cli, "odd")
    assert (refused["error"]["code"], refused["effects"]) == ("VALIDATION_FAILED", every_kind)


def test_a_run_past_its_deadline_kills_the_worker_and_the_next_job_gets_a_new_one():
    worker = Worker(256)
    try:
        worker.start()
        looping = worker._process
        outcome = execute(worker, job("async function execute(context) { while (true) {} }\n"), 0.5, 1000)
        assert outcome.error["code"] == "EXECUTION_TIMEOUT" and outcome.error["message"] == STOPPED.format(0.5)
        assert looping.returncode == -signal.SIGKILL  # killed and reaped, not left spinning
        fresh = execute(worker, job("async function execute(context) { return 'fresh'; }\n"), NO_DEADLINE, 1000)
        assert fresh.result == "fresh" and worker._process is not looping
    finally:
        worker.close()


def test_a_pool_closed_by_ctrl_c_between_start_and_send_ends_its_jobs_without_a_thread_traceback(monkeypatch):
    """Ctrl-C closes the pool while a pool thread has a started worker and has not yet sent the job: the
    thread's job ends as a death, not as an exception in the thread (a traceback under `interrupted`)."""
    pool = WorkerPool(1, 256)
    started = Worker.start

    def start_then_ctrl_c(worker: Worker) -> None:  # the close lands right where the race put it
        started(worker)
        pool.close()

    monkeypatch.setattr(Worker, "start", start_then_ctrl_c)
    escaped = []
    monkeypatch.setattr(threading, "excepthook", escaped.append)
    code = "async function execute(context) { return 1; }\n"
    outcomes = pool.map([(job(code), NO_DEADLINE, 1000), (job(code), NO_DEADLINE, 1000)])
    assert escaped == []
    assert [o.error["code"] for o in outcomes] == ["EXECUTION_FAILED", "EXECUTION_FAILED"]


@pytest.mark.slow
def test_polluting_prototypes_and_mocks_cannot_break_out(cli, action):
    action("async function execute(context) {\n"
           "  Object.prototype.toJSON = function () { return 'pwned'; };\n"
           "  Array.prototype.push = function () { throw new Error('no push'); };\n"
           "  JSON.stringify = () => '{}';\n"
           "  Fliplet.Communicate.sendEmail = async () => 'fake';\n"
           "  Promise.prototype.then = function () { return this; };\n"
           "  console.log('still logging');\n"
           "  return { ok: true };\n}\n",
           manifest="name: a\nactive: true\ntriggers: [{trigger: manual}]\ndependencies: [fliplet-communicate]\n")
    exit_code, body, _ = run_json(cli, "a", "--timeout", "2")
    # Whatever the polluted realm makes of the result, the run ends with a verdict and the CLI survives.
    assert body["ok"] is True or body["error"]["code"] in ("EXECUTION_FAILED", "EXECUTION_TIMEOUT")
    assert exit_code == (0 if body["ok"] else 1)
    assert run_json(cli, "a", "--timeout", "2")[0] in (0, 1)


def test_dates_are_read_in_utc_whatever_the_machines_zone(cli, action, monkeypatch):
    """A date without a zone means the same on every machine: UTC, as on the platform's servers."""
    monkeypatch.setenv("TZ", "America/New_York")
    action("async function execute(context) { return [new Date(2026, 0, 5).toISOString(),\n"
           "  new Date('05.01.2026').getTime(), new Date().getTimezoneOffset()]; }")
    code, body, _ = run_json(cli, "a", "--now", "2026-01-05T08:00:00Z")
    assert code == 0, body
    assert body["result"] == ["2026-01-05T00:00:00.000Z", 1777593600000, 0]


@pytest.mark.parametrize("reach", ["const V3 = Fliplet.App.V3; const found = await V3.Actions.get();",
                                   "const found = await globalThis.Fliplet.App.V3.Actions.get();",
                                   "const { Actions } = Fliplet.App.V3; const found = await Actions.get();",
                                   "const found = await Fliplet.App['V3']['Actions'].get();"],
                         ids=["alias", "globalThis", "destructured", "brackets"])
def test_every_way_of_reaching_the_actions_namespace_sees_the_projects_actions(cli, action, reach):
    # Whether a run is handed the project's actions is decided from the code outside its comments: any way of
    # reaching Fliplet.App.V3 counts, and only a comment mentioning it (the on-demand template's) does not.
    action("async function execute(context) { return 1; }", name="target")
    action(f"async function execute(context) {{ {reach} return found.actions.map((a) => a.name).sort(); }}",
           name="caller")
    result = cli("run", "caller", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["result"] == ["caller", "target"]
