"""The harness shares the realm with user code: nothing the code does there forges or breaks the verdict.

Each variant is code that tried it — replacing the harness's functions, planting toJSON, getters or
setters on prototypes, throwing an error that claims a run code — and the verdict `run`, `test` and
the emulator give it. A forged answer says "forged"; a real one says what the action did.
"""

from __future__ import annotations

import json

import pytest

# The answer the harness gives for a run that returned "forged", as a JavaScript string literal.
FORGED = json.dumps(json.dumps({"result": json.dumps("forged"), "error": None, "logs": [], "effects": {}}))
THROWS = "async function execute(context) { throw new Error('boom'); }\n"
# id, code, the verdict of `run --format json`: ("ok", result, logs) or ("error", code, message)
VARIANTS = [
    ("harness-replaced", f"var __actionctl = {{ run: async function () {{ return {FORGED}; }}, "
     "install: function () {}, collect: function () { return '{}'; } };\n" + THROWS,
     ("error", "EXECUTION_FAILED", "Error: boom")),
    ("harness-replaced-badly", "var __actionctl = { run: function () { return 5; } };\n"
     "async function execute(context) { return 'real'; }\n", ("ok", "real", [])),
    ("tojson-forges-the-answer", "async function execute(context) {\n"
     "  Object.prototype.toJSON = function () {\n"
     "    return { result: '\"forged\"', error: null, logs: [], effects: {} };\n  };\n"
     "  throw new Error('boom');\n}\n", ("error", "EXECUTION_FAILED", "Error: boom")),
    ("promise-then-forges-the-answer", "async function execute(context) {\n"
     f"  Promise.prototype.then = function (resolve) {{ resolve({FORGED}); }};\n"
     "  throw new Error('boom');\n}\n", ("error", "EXECUTION_FAILED", "Error: boom")),
    # With Promise.prototype.constructor changed too, `await` calls that `then` on any promise. It may
    # decide what the action's own promise gives (it does on the service too), never the harness's answer.
    ("promise-constructor-and-then-forge-the-answer", "async function execute(context) {\n"
     "  Promise.prototype.constructor = function () {};\n"
     f"  Promise.prototype.then = function (resolve) {{ resolve({FORGED}); }};\n"
     "  throw new Error('boom');\n}\n", ("ok", json.loads(FORGED), [])),
    ("tojson-throws", "async function execute(context) {\n"
     "  Object.prototype.toJSON = function () { throw new Error('no JSON here'); };\n"
     "  Array.prototype.toJSON = Object.prototype.toJSON;\n"
     "  console.log('still here');\n  return 'plain';\n}\n", ("ok", "plain", ["still here"])),
    ("array-setter-swallows-logs", "async function execute(context) {\n"
     "  Object.defineProperty(Array.prototype, '0', { set: function () {}, configurable: true });\n"
     "  console.log('kept');\n  return 'done';\n}\n", ("ok", "done", ["kept"])),
    ("script-ends-in-a-bigint", "async function execute(context) { return 'fine'; }\n10n ** 3n\n",
     ("ok", "fine", [])),
    ("error-claims-memory-limit", "async function execute(context) {\n"
     "  const e = new Error('pretend'); e.code = 'MEMORY_LIMIT_EXCEEDED'; throw e;\n}\n",
     ("error", "EXECUTION_FAILED", "Error: pretend")),
    ("error-that-throws-when-read", "async function execute(context) {\n"
     "  throw { get message() { throw new Error('again'); } };\n}\n",
     ("error", "EXECUTION_FAILED", "Error: Uncaught exception (reading it threw again)")),
]
IDS = [v[0] for v in VARIANTS]
DEADLINE = 30  # only bounds a hang (a polluted realm once stalled the answer): every variant ends at once


def verdict(body: dict) -> tuple:
    if body["ok"]:
        return ("ok", body["result"], [line["message"] for line in body["logs"]])
    return ("error", body["error"]["code"], body["error"]["message"])


@pytest.mark.parametrize(("code", "expected"), [v[1:] for v in VARIANTS], ids=IDS)
def test_run_gives_the_real_verdict(cli, action, code, expected):
    action(code)
    result = cli("run", "a", "--format", "json", "--timeout", str(DEADLINE))
    assert verdict(result.json) == expected
    assert result.exit_code == (0 if expected[0] == "ok" else 1)


def test_test_gives_the_real_verdicts_and_the_worker_survives(cli, tree):
    files = {}
    for name, code, expected in [*VARIANTS, ("last", "async function execute(context) { return 'alive'; }\n",
                                             ("ok", "alive", []))]:
        slug = name.replace("-", "_")
        files[f"actions/{slug}.yaml"] = f"name: {slug}\nactive: true\ntriggers: [{{trigger: manual}}]\n"
        files[f"actions/{slug}.js"] = code
        # Each first case expects the forged answer: it must fail, as the action did not return it.
        cases = [f"  - {{name: {name} forged, timeout: {DEADLINE}, expect: {{result: forged}}}}\n"]
        if expected[0] == "ok":
            real = json.dumps(expected[1])  # JSON is YAML
            cases.append(f"  - {{name: {name} real, timeout: {DEADLINE}, expect: {{result: {real}}}}}\n")
        files[f"tests/{slug}.test.yaml"] = f"action: {slug}\ncases:\n" + "".join(cases)
    tree(files)
    result = cli("test", "-j", "1", "--format", "json")
    outcomes = {case["name"]: case["ok"] for case in result.json["cases"]}
    assert outcomes == {**{f"{name} forged": False for name in [*IDS, "last"]},
                        **{f"{v[0]} real": True for v in VARIANTS if v[2][0] == "ok"}, "last real": True}
    assert result.exit_code == 1


@pytest.mark.parametrize(("code", "expected"), [v[1:] for v in VARIANTS if v[2][0] == "error"],
                         ids=[v[0] for v in VARIANTS if v[2][0] == "error"])
def test_the_emulator_gives_the_real_verdict(cli, api, code, expected):
    api.create_action({"name": "hostile", "code": code, "active": True, "triggers": [{"trigger": "manual"}]})
    result = cli("remote", "run", "hostile", "--format", "json")
    assert result.exit_code == 3, result.stdout
    assert f"{expected[2]} [{expected[1]}]" in result.stderr
    logged = api.logs(type="app.task.failed")["logs"]
    # The documented log error is {name, message, stack}: the verdict is in its message.
    error = logged[0]["data"]["error"]
    assert len(logged) == 1 and expected[2] in f"{error['name']}: {error['message']}"
    assert json.dumps(logged).count("forged") == 0


def test_a_top_level_error_after_tampering_keeps_the_logs_before_it(cli, action):
    action("Object.defineProperty(Array.prototype, '0', { set: function () {}, configurable: true });\n"
           "var __actionctl = { collect: function () {\n"
           "  return '{\"logs\": [{\"level\": \"log\", \"message\": \"forged\"}]}'; } };\n"
           "console.log('loading');\nnotDefined();\nasync function execute(context) { return 1; }\n")
    result = cli("run", "a", "--format", "json", "--timeout", str(DEADLINE))
    assert verdict(result.json) == ("error", "EXECUTION_FAILED", "ReferenceError: notDefined is not defined")
    assert result.json["logs"] == [{"level": "log", "message": "loading"}]
