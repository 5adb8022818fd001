"""What user code sees when a platform call fails: the platform documents errors with an HTTP-like `status`,
`responseJSON` (`{message}`) and a message, read through `Fliplet.parseError` — never a text `code`. So the
local platform sets no `code` on them (code switching on one would pass here and fail there); the
catalogue code (actionctl/runtime/errors.py PLATFORM_CODES) ends the message in brackets instead, for a person
reading a failed run."""

from __future__ import annotations

import re

import pytest
from support import HANG_LIMIT, job

from actionctl.runtime.errors import PLATFORM_CODES
from actionctl.runtime.host import execute
from actionctl.runtime.job import project_action

PEOPLE = {"id": 158, "name": "People", "columns": ["Name"],
          "entries": [{"id": 1, "data": {"Name": "Ann"}, "createdAt": "2026-01-01T00:00:00.000Z",
                       "updatedAt": "2026-01-01T00:00:00.000Z", "dataSourceId": 158}]}
HTTP = [{"method": "GET", "url": "https://api.fliplet.com/v1/missing", "status": 404,
         "body": {"message": "Not found"}}]
ALL = ["fliplet-datasources", "fliplet-communicate", "fliplet-barcode", "fliplet-media", "fliplet-notifications"]

# What the action reports of an error: no `code` of its own, and what the platform documents.
SEEN = ("const seen = e => ({hasCode: 'code' in e, code: e.code, status: e.status, message: e.message,\n"
        "                    responseJSON: e.responseJSON === undefined ? null : e.responseJSON});\n")


def failing(worker, call: str) -> dict:
    code = ("async function execute(context) {\n" + SEEN +
            "  try { await (async () => { " + call + " })(); } catch (e) { return seen(e); }\n"
            "  return 'did not fail';\n}\n")
    actions = [project_action("other", 7, {"active": True, "triggers": [{"trigger": "manual"}]},
                              "async function execute() { return 1; }")]
    arranged = job(code, dependencies=ALL, datasources={"158": PEOPLE}, http=HTTP, actions=actions)
    outcome = execute(worker, arranged, HANG_LIMIT, 6 * 1024 * 1024)
    assert outcome.error is None, outcome.error
    return outcome.result


@pytest.mark.parametrize(("call", "code", "status"), [
    ("await Fliplet.DataSources.connect(999);", "DATA_SOURCE_NOT_FOUND", 404),
    ("const c = await Fliplet.DataSources.connect(158); await c.findById(9);", "ENTRY_NOT_FOUND", 404),
    ("const c = await Fliplet.DataSources.connect(158); await c.find({where: {Name: {$bad: 1}}});",
     "WHERE_INVALID", 400),
    ("const c = await Fliplet.DataSources.connect(158); await c.find({aggregate: [{$nope: 1}]});",
     "QUERY_INVALID", 400),
    ("await Fliplet.Communicate.sendEmail({to: []});", "VALIDATION_FAILED", None),
    ("await Fliplet.Barcode.scan();", "DEVICE_ONLY", None),
    ("await Fliplet.API.request('v1/nothing-recorded');", "TRANSPORT", None),
    ("await Fliplet.Media.Files.delete(99);", "NOT_FOUND", 404),
    ("await Fliplet.App.V3.Actions.runWithResult('nope');", "ACTION_NOT_FOUND", 404),
    ("await Fliplet.App.V3.Actions.getById(12345);", "ACTION_NOT_FOUND", 404),
])
def test_a_platform_error_carries_status_and_a_bracketed_code_but_no_code_property(worker, call, code, status):
    seen = failing(worker, call)
    assert code in PLATFORM_CODES
    assert seen["hasCode"] is False and "code" not in seen
    assert seen.get("status") == status
    assert seen["message"].endswith(f" [{code}]"), seen["message"]
    assert len(re.findall(r"\[[A-Z_]+\]", seen["message"])) == 1  # the code once, not once per layer
    if seen["responseJSON"] is not None:
        assert seen["responseJSON"] == {"message": seen["message"]}


def test_an_http_error_from_a_fixture_is_what_the_fixture_recorded(worker):
    """A recorded answer is the platform's own: its status and body, no code of ours added to either."""
    seen = failing(worker, "await Fliplet.API.request('v1/missing');")
    assert seen["hasCode"] is False and seen["status"] == 404
    assert seen["responseJSON"] == {"message": "Not found"}


def test_a_forced_data_source_error_has_the_forced_status(worker):
    sources = {"158": dict(PEOPLE, errors={"find": 403})}
    code = ("async function execute(context) {\n" + SEEN +
            "  const c = await Fliplet.DataSources.connect(158);\n"
            "  try { await c.find(); } catch (e) { return seen(e); }\n}\n")
    outcome = execute(worker, job(code, dependencies=["fliplet-datasources"], datasources=sources), HANG_LIMIT,
                      6 * 1024 * 1024)
    seen = outcome.result
    assert seen["hasCode"] is False and seen["status"] == 403 and seen["message"].endswith(" [ACCESS_DENIED]")


def test_run_still_resolves_when_the_action_it_runs_fails(worker):
    """Internally the local platform still tells an EXECUTION_FAILED apart, where user code cannot see it."""
    code = ("async function execute(context) {\n" + SEEN +
            "  const queued = await Fliplet.App.V3.Actions.run('bad');\n"
            "  const failed = await Fliplet.App.V3.Actions.runWithResult('bad').catch(seen);\n"
            "  return {queued: queued === undefined, failed};\n}\n")
    actions = [project_action("bad", 8, {"active": True, "triggers": [{"trigger": "manual"}]},
                              "async function execute() { throw new Error('boom'); }")]
    outcome = execute(worker, job(code, actions=actions), HANG_LIMIT, 6 * 1024 * 1024)
    assert outcome.result["queued"] is True
    failed = outcome.result["failed"]
    assert failed["hasCode"] is False and failed["status"] == 500
    assert failed["message"] == "bad failed: boom [EXECUTION_FAILED]"
