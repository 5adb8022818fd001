"""The platform an action sees outside Data Sources, installed from the one description in actionctl/surface/:
only documented methods exist, each answers as the docs say, writes are captured as effects."""

from __future__ import annotations

import json
from pathlib import Path

from actionctl import surface
from actionctl.runtime.errors import PLATFORM_CODES
from actionctl.sync.state import state_path

README = Path(__file__).resolve().parent.parent / "README.md"
ALL_PACKAGES = ("fliplet-datasources, fliplet-media, fliplet-communicate, fliplet-barcode, fliplet-audio, "
                "fliplet-csv, fliplet-encryption, fliplet-notifications")


def manifest(name: str = "a", dependencies: str = "", environment: str = "server", extra: str = "") -> str:
    return (f"name: {name}\nactive: true\nenvironment: {environment}\ntriggers: [{{trigger: manual}}]\n"
            f"dependencies: [{dependencies}]\n{extra}")


def run(cli, name: str = "a", *args: str) -> dict:
    result = cli("run", name, "--format", "json", "--no-validate", *args)
    assert result.exit_code in (0, 1), result.stderr
    return result.json


# --- one description, installed -----------------------------------------------------------------------

def test_every_declared_method_is_installed_and_nothing_else(cli, action, project):
    """Walks the description handed in as an app setting: every declared method is a function on Fliplet (or on
    the instance Notifications.init answers; the Data Sources' returned objects have their own test), and the
    methods an earlier version offered are gone."""
    action("async function execute(context) {\n"
           "  const missing = [];\n"
           "  const instance = Fliplet.Notifications.init({});\n"
           "  for (const ns of Fliplet.App.Settings.get('surface')) {\n"
           "    if (ns.returned && ns.path !== 'Notifications.instance') continue;  // tests/test_datasources_*\n"
           "    const target = ns.path === 'Notifications.instance' ? instance\n"
           "      : ns.path.split('.').reduce((o, k) => o && o[k], Fliplet);\n"
           "    for (const m of ns.methods) if (typeof (target && target[m.name]) !== 'function') "
           "missing.push(ns.path + '.' + m.name);\n"
           "  }\n"
           "  return { missing, gone: [typeof Fliplet.App.V3.Actions.request, typeof Fliplet.Media.Files.get,\n"
           "    typeof Fliplet.Media.Files.getAll, typeof Fliplet.Communicate.batchSendSMS,\n"
           "    typeof Fliplet.Barcode.anything] };\n}\n",
           manifest=manifest(dependencies=ALL_PACKAGES))
    (project / ".actionctl" / "local").mkdir(parents=True)
    (project / ".actionctl" / "local" / "settings.yaml").write_text(json.dumps({"surface": surface.for_isolate()}))
    body = run(cli)
    assert body["result"] == {"missing": [], "gone": ["undefined"] * 5}


def test_an_undocumented_method_fails_as_on_the_platform(cli, action):
    action("async function execute(context) {\n  return await Fliplet.App.V3.Actions.request({url: 'x'});\n}\n")
    body = run(cli)
    assert body["error"]["message"] == "TypeError: Fliplet.App.V3.Actions.request is not a function"


def test_device_only_and_not_emulated_methods_refuse_with_a_coded_message(cli, action):
    action("async function execute(context) {\n  const out = [];\n"
           "  for (const f of [() => Fliplet.Communicate.composeEmail({}), () => Fliplet.Barcode.scan(),\n"
           "                   () => Fliplet.App.V3.Actions.create({name: 'x'})]) {\n"
           "    try { await f(); } catch (e) { out.push([e.status, e.message]); }\n  }\n  return out;\n}\n",
           manifest=manifest(dependencies="fliplet-communicate, fliplet-barcode"))
    assert run(cli)["result"] == [
        [None, "Fliplet.Communicate.composeEmail is device-only: it opens the device's mail app — a server "
               "action cannot do this on the platform [DEVICE_ONLY]"],
        [None, "Fliplet.Barcode.scan is device-only: it scans with the device's camera (native apps only) "
               "— a server action cannot do this on the platform [DEVICE_ONLY]"],
        [None, "Fliplet.App.V3.Actions.create is not emulated by actionctl: changes the app's actions "
               "on the service; locally, edit the manifests and `actionctl push` [NOT_EMULATED]"]]


# --- Communicate ------------------------------------------------------------------------------------

def test_send_email_fills_templates_from_data_and_alters_the_options(cli, action):
    action("async function execute(context) {\n"
           "  const options = {to: [{email: '{{ emailTo }}', type: 'to'}], subject: 'Hi {{user.name}}',\n"
           "    html: '<p>Hi {{ user.name }}, {{{ raw }}} {{ missing }}</p>'};\n"
           "  await Fliplet.Communicate.sendEmail(options, {emailTo: 'john@example.com', user: {name: 'Tom & Jo'},"
           " raw: '<b>!</b>'});\n  return options;\n}\n", manifest=manifest(dependencies="fliplet-communicate"))
    body = run(cli)
    sent = {"to": [{"email": "john@example.com", "type": "to"}], "subject": "Hi Tom &amp; Jo",
            "html": "<p>Hi Tom &amp; Jo, <b>!</b> </p>"}
    assert body["result"] == sent and body["effects"]["emails"] == [sent]


def test_templates_read_only_the_datas_own_fields(cli, action):
    """Handlebars reads own fields: `{{constructor}}` is empty, not the source of the Object function."""
    action("async function execute(context) {\n"
           "  const options = {to: [{email: 'a@example.com'}],\n"
           "                   subject: '[{{ constructor }}][{{toString}}][{{a.b}}]'};\n"
           "  String.prototype.replace = () => 'replaced by the action';\n"
           "  await Fliplet.Communicate.sendEmail(options, {a: {b: 'own'}});\n  return options.subject;\n}\n",
           manifest=manifest(dependencies="fliplet-communicate"))
    assert run(cli)["result"] == "[][][own]"


def test_communicate_requires_the_documented_fields_no_more(cli, action):
    action("async function execute(context) {\n  const C = Fliplet.Communicate, out = [];\n"
           "  await C.sendEmail({to: [{email: 'a@example.com'}]});\n"
           "  for (const f of [() => C.sendEmail({to: []}), () => C.sendPushNotification(1, {title: 'T'}),\n"
           "                   () => C.sendSMS({data: {to: '+1'}}),\n"
           "                   () => C.sendPushNotification(undefined, {title: 'T', body: 'B'})]) {\n"
           "    try { await f(); } catch (e) { out.push(e.message); }\n  }\n"
           "  await C.batchSendEmail([{options: {to: [{email: '{{e}}'}], subject: 's'},\n"
           "                           data: {e: 'b@example.com'}}]);\n"
           "  return out;\n}\n", manifest=manifest(dependencies="fliplet-communicate"))
    body = run(cli)
    push = ("sendPushNotification needs (appId, {title, body}): the app id and both fields are required "
            "[VALIDATION_FAILED]")
    assert body["result"] == ["sendEmail needs `to`: a list of {email, name, type} [VALIDATION_FAILED]", push,
                              "sendSMS needs {data: {to, body}} [VALIDATION_FAILED]", push]
    assert [e["to"][0]["email"] for e in body["effects"]["emails"]] == ["a@example.com", "b@example.com"]


def test_communicate_allows_20_messages_then_answers_429(cli, action):
    action("async function execute(context) {\n"
           "  for (let i = 0; i < 20; i++) await Fliplet.Communicate.sendSMS({data: {to: '+1', body: 'n' + i}});\n"
           "  try { await Fliplet.Communicate.sendSMS({data: {to: '+1', body: 'x'}}); }\n"
           "  catch (e) { return ['code' in e, e.status, e.message]; }\n}\n",
           manifest=manifest(dependencies="fliplet-communicate"))
    body = run(cli)
    assert body["result"] == [False, 429, "Fliplet.Communicate allows 20 messages per 30 seconds [RATE_LIMITED]"]
    assert len(body["effects"]["sms"]) == 20


# --- Notifications -------------------------------------------------------------------------------------

def test_notifications_instance_and_the_bare_insert(cli, action):
    action("async function execute(context) {\n  const n = Fliplet.Notifications.init({});\n"
           "  const a = await n.insert({status: 'published', data: {message: 'Hi'}});\n"
           "  const b = await Fliplet.Notifications.insert({data: {message: 'draft'}});\n"
           "  await n.update(a.id, {data: {title: 'T'}, extendData: true});\n"
           "  const listed = await n.get();\n  await n.remove(b.id);\n"
           "  return {a: a.id, b: b.id, listed: listed.entries, all: (await n.get({status: ['draft']})).entries,\n"
           "          matches: await n.getMatches({scope: {}})};\n}\n",
           manifest=manifest(dependencies="fliplet-notifications"))
    body = run(cli)
    assert body["result"] == {
        "a": 1, "b": 2, "listed": [{"status": "published", "data": {"title": "T", "message": "Hi"}, "id": 1}],
        "all": [], "matches": {"count": 0, "subscriptions": 0}}
    assert [n.get("op", "insert") for n in body["effects"]["notifications"]] == ["insert", "insert", "update",
                                                                                  "remove"]


# --- Media ------------------------------------------------------------------------------------------------

MEDIA = """folders:
  - {id: 1, name: Reports}
  - {id: 2, name: Old, parentId: 1}
files:
  - {id: 10, name: summary.csv, mediaFolderId: 1, contents: "a,b"}
  - {id: 11, name: logo.png}
"""


def test_media_is_answered_from_the_fixture_and_writes_are_captured(cli, action, project):
    action("async function execute(context) {\n  const M = Fliplet.Media;\n"
           "  const top = await M.Folders.get();\n  const inside = await M.Folders.get({folderId: 1});\n"
           "  const found = await M.Folders.search({name: 'SUM'});\n"
           "  const contents = await M.Files.getContents(10);\n"
           "  const made = await M.Folders.create({name: 'New', parentId: 1});\n  await M.Files.delete(11);\n"
           "  let missing;\n"
           "  try { await M.Files.delete(99); } catch (e) { missing = ['code' in e, e.status, e.message]; }\n"
           "  return {top: [top.folders.map(f => f.name), top.files.map(f => f.name)],\n"
           "          inside: [inside.folders.map(f => f.name), inside.files.map(f => f.name)],\n"
           "          found: found.map(f => [f.type, f.name]), contents, made: made.id, missing,\n"
           "          after: (await M.Folders.get({folderId: 1})).folders.map(f => f.name),\n"
           "          url: M.authenticate('https://x/1.jpg')};\n}\n",
           manifest=manifest(dependencies="fliplet-media"))
    (project / "fixtures").mkdir(exist_ok=True)
    (project / "fixtures" / "media.yaml").write_text(MEDIA)
    body = run(cli)
    assert body["result"] == {
        "top": [["Reports"], ["logo.png"]], "inside": [["Old"], ["summary.csv"]], "found": [["file", "summary.csv"]],
        "contents": "a,b", "made": 12,
        "missing": [False, 404, "Media file 99 not found — add it to fixtures/media.yaml [NOT_FOUND]"],
        "after": ["Old", "New"], "url": "https://x/1.jpg"}
    assert [m["op"] for m in body["effects"]["media"]] == ["folder.create", "file.delete"]


def test_a_media_fixture_of_the_wrong_shape_is_refused(cli, action, project):
    action("async function execute(context) { return 1; }")
    (project / "fixtures").mkdir(exist_ok=True)
    (project / "fixtures" / "media.yaml").write_text("folders: [{name: no-id}]\n")
    result = cli("run", "a")
    assert result.exit_code != 0 and result.stderr.count("\n") == 1
    assert "media.yaml: `folders` must be a list of mappings, each with an `id` and a `name`" in result.stderr


# --- core: App.Settings, API.request, App.Analytics ---------------------------------------------------------

def test_app_settings_work_in_every_environment_and_writes_are_seen(cli, action, project):
    action("async function execute(context) {\n  const S = Fliplet.App.Settings;\n"
           "  const before = S.get('k');\n  await S.set({k: 2, other: 'x'});\n  await S.unset(['other']);\n"
           "  return [before, S.get('k'), S.getAll()];\n}\n", manifest=manifest(environment="client"))
    (project / ".actionctl" / "local").mkdir(parents=True)
    (project / ".actionctl" / "local" / "settings.yaml").write_text("k: 1\nkeep: true\n")
    body = run(cli)
    assert body["result"] == [1, 2, {"k": 2, "keep": True}]
    assert body["effects"]["settings"] == [{"op": "set", "values": {"k": 2, "other": "x"}},
                                           {"op": "unset", "keys": ["other"]}]


def test_api_request_is_answered_from_http_fixtures_with_status_on_errors(cli, action, project):
    action("async function execute(context) {\n  const user = await Fliplet.API.request('v1/user');\n"
           "  const down = await Fliplet.API.request('v1/down').catch(e => [e.status, e.responseJSON, e.message]);\n"
           "  try { await Fliplet.API.request({url: 'v1/apps/1', method: 'PUT', data: {}}); }\n"
           "  catch (e) { return [user, down, e.status, e.responseJSON]; }\n}\n")
    (project / "fixtures" / "http").mkdir(parents=True)
    (project / "fixtures" / "http" / "api.yaml").write_text(
        "- {url: v1/user, body: {user: {email: a@example.com}}}\n"
        "- {url: v1/down, error: ECONNRESET, body: {ignored: true}}\n"
        "- {method: PUT, url: 'https://api.fliplet.com/v1/apps/*', status: 403, body: {message: denied}}\n")
    body = run(cli)
    assert body["result"] == [{"user": {"email": "a@example.com"}},
                              [0, None, "GET https://api.fliplet.com/v1/down failed: ECONNRESET"],
                              403, {"message": "denied"}]
    assert [(r["method"], r["url"], r["status"], r["error"]) for r in body["effects"]["requests"]] == [
        ("GET", "https://api.fliplet.com/v1/user", 200, None), ("GET", "https://api.fliplet.com/v1/down", None,
                                                                "ECONNRESET"),
        ("PUT", "https://api.fliplet.com/v1/apps/1", 403, None)]


def test_app_logs_are_the_runs_own_and_captured(cli, action):
    action("async function execute(context) {\n  const log = await Fliplet.App.Logs.create({type: 'jobs', n: 1});\n"
           "  await Fliplet.App.Logs.create({type: 'other'});\n"
           "  return [log.id, (await Fliplet.App.Logs.get({where: {data: {type: 'other'}}})).map(l => l.id)];\n}\n",
           manifest=manifest(environment="client"))
    body = run(cli, "a", "--now", "2026-01-05T08:00:00Z")
    assert body["result"] == [1, [2]]
    at = "2026-01-05T08:00:00.000Z"
    assert body["effects"]["appLogs"] == [{"id": 1, "data": {"type": "jobs", "n": 1}, "createdAt": at},
                                          {"id": 2, "data": {"type": "other"}, "createdAt": at}]


def test_app_analytics_is_a_no_op(cli, action):
    action("async function execute(context) {\n  await Fliplet.App.Analytics.event({category: 'x'});\n"
           "  await Fliplet.App.Analytics.track('pageView', {});\n  return Object.keys(Fliplet.App.Analytics);\n}\n")
    body = run(cli)
    assert body["ok"] and body["result"] == ["track", "event", "pageView", "get"]


# --- App.V3.Actions: the project's own actions -------------------------------------------------------------

CHILD = ("async function execute(context) {\n"
         "  await Fliplet.Communicate.sendSMS({data: {to: '+1', body: 'for ' + context.payload.who}});\n"
         "  return {who: context.payload.who, datasources: typeof Fliplet.DataSources};\n}\n")


def test_run_with_result_runs_the_projects_action_locally(cli, action, project):
    action(CHILD, name="child", manifest=manifest("child", "fliplet-communicate"))
    action("async function execute(context) {\n  const A = Fliplet.App.V3.Actions;\n"
           "  const listed = await A.get();\n  const byId = await A.getById(77);\n"
           "  const result = await A.runWithResult(77, {who: 'Nick'});\n  const queued = await A.run('child');\n"
           "  return {names: listed.actions.map(a => [a.name, a.id]), total: listed.pagination.total,\n"
           "          byId: byId.action.name, result, queued: queued === undefined};\n}\n",
           manifest=manifest(dependencies="fliplet-datasources"))
    (project / "actionctl.yaml").write_text("app: 5\nregion: eu\nactions: actions\n")
    state_path(project, 5, "https://api.fliplet.com/").parent.mkdir(parents=True)
    state_path(project, 5, "https://api.fliplet.com/").write_text(json.dumps(
        {"app": 5, "apiUrl": "https://api.fliplet.com/", "actions": {"child": {"id": 77, "hash": "h"}}}))
    body = run(cli)
    assert body["result"] == {"names": [["a", None], ["child", 77]], "total": 2, "byId": "child",
                              "result": {"who": "Nick", "datasources": "undefined"}, "queued": True}
    assert [s["body"] for s in body["effects"]["sms"]] == ["for Nick", "for undefined"]
    assert [(r["name"], r["mode"], r.get("result")) for r in body["effects"]["actions"]] == [
        ("child", "runWithResult", {"who": "Nick", "datasources": "undefined"}),
        ("child", "run", {"datasources": "undefined"})]


def test_running_an_action_refuses_as_the_service_does(cli, action):
    action("async function execute(context) { return 1; }", name="off",
           manifest="name: off\nactive: false\ntriggers: [{trigger: manual}]\n")
    action("async function execute(context) { return 1; }", name="cron",
           manifest="name: cron\nactive: true\nfrequency: '0 8 * * 1'\ntriggers: [{trigger: schedule}]\n")
    action("async function execute(context) { return 1; }", name="web", manifest=manifest("web", environment="client"))
    action("async function execute(context) { throw new Error('boom'); }", name="bad", manifest=manifest("bad"))
    action("async function execute(context) { return Fliplet.App.V3.Actions.runWithResult('loop'); }",
           name="loop", manifest=manifest("loop"))
    action("async function execute(context) {\n  const out = [];\n"
           "  for (const name of ['nope', 'off', 'cron', 'web', 'bad', 'loop']) {\n"
           "    try { await Fliplet.App.V3.Actions.runWithResult(name); }\n"
           "    catch (e) { out.push([e.status, e.message.slice(e.message.lastIndexOf(' [') + 1)]); }\n"
           "  }\n  return out;\n}\n")
    body = run(cli)
    assert body["result"] == [[404, "[ACTION_NOT_FOUND]"], [400, "[ACTION_INACTIVE]"], [400, "[ACTION_NOT_RUNNABLE]"],
                              [400, "[CLIENT_ACTION_NOT_RUNNABLE]"], [500, "[EXECUTION_FAILED]"],
                              [500, "[EXECUTION_FAILED]"]]
    loop = [r for r in body["effects"]["actions"] if r["name"] == "loop"]
    assert len(loop) == 8 and "nested more than 8 deep" in loop[-1]["error"]


def test_a_result_another_action_answers_travels_as_json_within_the_limit(cli, action):
    """runWithResult's result crosses the service as the run's own does: JSON, at most 6 MB; a payload that cannot
    be JSON rejects the call instead of throwing at it."""
    action("async function execute(context) { return 'x'.repeat(6000001); }", name="big", manifest=manifest("big"))
    action("async function execute(context) { return () => 1; }", name="fn", manifest=manifest("fn"))
    action("async function execute(context) { return 'é'.repeat(2999999); }", name="fits", manifest=manifest("fits"))
    action("async function execute(context) {\n  const A = Fliplet.App.V3.Actions, out = [];\n"
           "  for (const name of ['big', 'fn']) {\n"
           "    await A.runWithResult(name).then(() => out.push('resolved'), e => out.push([e.status, e.message]));\n"
           "  }\n"
           "  out.push((await A.runWithResult('fits')).length);\n"
           "  let call;\n"
           "  try { call = A.run('fits', {toJSON() { throw new Error('no JSON'); }}); } catch (e) { return 'threw'; }\n"
           "  out.push(await call.then(() => 'resolved', e => e.message));\n"
           "  return out;\n}\n")
    body = run(cli)
    (big_status, big), (fn_status, fn) = body["result"][:2]
    assert big_status == fn_status == 500
    assert big.startswith("big failed: its result is 6000003 bytes of JSON; the limit is 6000000")
    assert fn.startswith("fn failed: its result cannot be sent as JSON")
    assert body["result"][2:] == [2999999, "no JSON"]


def test_run_resolves_once_accepted_however_the_action_then_ends(cli, action):
    """On the service `run` resolves when the run is queued: the action's own failure is not the caller's."""
    action("async function execute(context) { throw new Error('boom'); }", name="bad", manifest=manifest("bad"))
    action("async function execute(context) {\n  const queued = await Fliplet.App.V3.Actions.run('bad');\n"
           "  try { await Fliplet.App.V3.Actions.run('nope'); }\n"
           "  catch (e) { return [queued, e.status, e.message]; }\n}\n")
    body = run(cli)
    assert body["result"][:2] == [None, 404] and body["result"][2].endswith(" [ACTION_NOT_FOUND]")
    assert body["effects"]["actions"] == [{"name": "bad", "id": None, "mode": "run", "payload": {},
                                           "error": "boom"}]


# --- test cases expect the new effects ----------------------------------------------------------------------

def test_cases_can_expect_settings_media_and_actions_effects(cli, tree):
    tree({"actions/a.yaml": manifest(dependencies="fliplet-media"),
          "actions/a.js": "async function execute(context) {\n  await Fliplet.App.Settings.set({seen: true});\n"
                          "  await Fliplet.Media.Folders.create({name: 'F'});\n"
                          "  return Fliplet.App.V3.Actions.runWithResult('b');\n}\n",
          "actions/b.yaml": manifest("b"),
          "actions/b.js": "async function execute(context) { return 'b'; }\n",
          "tests/a.test.yaml": "action: a\ncases:\n  - name: effects\n    expect:\n      result: b\n"
                               "      settings: [{op: set, values: {seen: true}}]\n"
                               "      media: [{op: folder.create, item: {name: F}}]\n"
                               "      actions: [{name: b, result: b}]\n"
                               "  - name: counted\n    expect: {settings: 2}\n"})
    body = cli("test", "--format", "json").json
    cases = {c["name"]: c for c in body["cases"]}
    assert cases["effects"]["failures"] == []
    assert cases["counted"]["failures"] == ["expected 2 settings, got 1"]


# --- the README comes from the description ------------------------------------------------------------------

def test_the_readme_table_of_the_emulated_platform_is_the_descriptions():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n### The emulated platform\n", 1)[1]
    table = next(block for block in section.split("\n\n") if block.startswith("| namespace |"))
    assert table + "\n" == surface.table()


def test_the_readme_lists_every_platform_call_code():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n### Platform call error codes\n", 1)[1]
    rows = [line for line in section.split("\n\n", 2)[1].splitlines() if line.startswith("| `")]
    assert rows == [f"| `{code}` | {meaning} |" for code, meaning in PLATFORM_CODES.items()]


def test_the_validators_packages_come_from_the_description():
    from actionctl.manifest import NAMESPACE_PACKAGES, PACKAGES

    assert PACKAGES == surface.PACKAGES and NAMESPACE_PACKAGES == surface.NAMESPACE_PACKAGES
    assert list(PACKAGES) == ["fliplet-datasources", "fliplet-media", "fliplet-communicate", "fliplet-barcode",
                              "fliplet-audio", "fliplet-csv", "fliplet-encryption", "fliplet-notifications"]
