"""`Fliplet.DataSources` as the local runtime serves it: every method, ordering, pagination, and the
changes it reports (what `where` selects is tests/test_query_engine.py's).

The cases run on one warm worker through the core API (the same path `actionctl run` takes); a few
at the end go through the CLI to pin the diff and `--write-fixtures`.
"""

from __future__ import annotations

import json

import pytest
import yaml
from support import HANG_LIMIT, job

from actionctl.runtime.host import execute

PEOPLE = {
    "id": 158, "name": "People", "columns": ["Name", "Age", "Status", "Tags", "City", "Joined", "Scores"],
    "entries": [
        {"id": 1, "data": {"Name": "Ann", "Age": 25, "Status": "Pending", "Tags": ["a", "b"], "City": "London",
                           "Joined": "2026-01-05T10:00:00Z",
                           "Scores": [{"subject": "math", "score": 90}, {"subject": "art", "score": 70}],
                           "Address": {"Zip": "N1"}},
         "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z", "dataSourceId": 158},
        {"id": 2, "data": {"Name": "Bob", "Age": 31, "Status": "Confirmed", "Tags": ["b"], "City": "Paris",
                           "Joined": "2026-02-10T09:30:00Z", "Scores": [{"subject": "math", "score": 60}]},
         "createdAt": "2026-01-02T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z", "dataSourceId": 158},
        {"id": 3, "data": {"Name": "Cai", "Age": 19, "Status": "Pending", "Tags": [], "City": "london",
                           "Joined": "2026-01-05T23:59:00Z", "Email": None},
         "createdAt": "2026-01-03T00:00:00.000Z", "updatedAt": "2026-01-03T00:00:00.000Z", "dataSourceId": 158},
        {"id": 4, "data": {"Name": "Dee", "Age": "40", "Status": "Confirmed", "Tags": ["a", "c"],
                           "Joined": "2025-12-31T12:00:00Z"},
         "createdAt": "2026-01-04T00:00:00.000Z", "updatedAt": "2026-01-04T00:00:00.000Z", "dataSourceId": 158},
        {"id": 5, "data": {"Name": "Eve", "Age": 31, "Status": "Cancelled", "Tags": ["c"], "City": "Berlin",
                           "Joined": "2026-03-01T00:00:00Z"},
         "createdAt": "2026-01-05T00:00:00.000Z", "updatedAt": "2026-01-05T00:00:00.000Z", "dataSourceId": 158},
    ],
}
NOW = 1767600000000  # 2026-01-05T08:00:00Z
# What a rejection tells apart: the platform's `status` and the code that ends its message in brackets (the
# platform documents no `code` property, so there is none; tests/test_platform_errors.py).
CODED = "const coded = e => [e.status, (/ \\[([A-Z_]+)\\]$/.exec(e.message) || [])[1]];\n"
NOW_ISO = "2026-01-05T08:00:00.000Z"


@pytest.fixture
def run(worker):
    """Run `body` as the inside of execute(context) with data source 158 and answer the Execution."""

    def go(body: str, sources: dict | None = None, dependencies=("fliplet-datasources",)):
        code = "async function execute(context) {\n" + CODED + body + "\n}\n"
        arranged = job(code, now=NOW, dependencies=list(dependencies),
                       datasources={"158": PEOPLE} if sources is None else sources)
        return execute(worker, arranged, HANG_LIMIT, 6 * 1024 * 1024)

    return go


def ids(run, options: dict) -> list:
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  f"return (await c.find({json.dumps(options)})).map(r => r.id);")
    assert outcome.ok, outcome.error
    return outcome.result


def where_ids(run, where: dict) -> list:
    return ids(run, {"where": where})


def rejection(run, body: str) -> dict:
    outcome = run(body)
    assert not outcome.ok, outcome.result
    return outcome.error


# `where` and `$filters` are pinned in test_query_engine.py, against a model of the platform's engine.


# --- order, limit, offset, attributes, pagination ----------------------------------------------

@pytest.mark.parametrize("order, expected", [
    ([["data.Name", "DESC"]], [5, 4, 3, 2, 1]),
    ([["data.Age", "ASC"], ["data.Name", "DESC"]], [3, 1, 5, 2, 4]),   # numbers before text, ties by Name
    ([["data.City", "ASC"]], [5, 1, 2, 3, 4]),                          # missing last when ascending
    ([["data.City", "DESC"]], [4, 3, 2, 1, 5]),                         # …and first when descending
    ([["id", "DESC"]], [5, 4, 3, 2, 1]),
    ([["createdAt", "ASC"]], [1, 2, 3, 4, 5]),
    ([["data.Status", "asc"]], [5, 2, 4, 1, 3]),                        # stable: ties keep id order
])
def test_order(run, order, expected):
    assert ids(run, {"order": order}) == expected


def test_limit_offset_and_pagination(run):
    assert ids(run, {"limit": 2}) == [1, 2]
    assert ids(run, {"limit": 2, "offset": 2}) == [3, 4]
    assert ids(run, {"offset": 4}) == [5]
    assert ids(run, {"offset": 9}) == []
    assert ids(run, {"limit": 0}) == [1, 2, 3, 4, 5]          # 0 counts as omitted (reading-data.md)
    assert ids(run, {"limit": 2.9, "offset": "1"}) == [2, 3]  # fractions round down, numeric text counts
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "return c.find({where: {Status: {$ne: 'Cancelled'}}, order: [['data.Age', 'DESC']], limit: 2,"
                  " offset: 1, includePagination: true});")
    page = outcome.result
    assert [e["id"] for e in page["entries"]] == [2, 1]
    assert page["pagination"] == {"total": 4, "limit": 2, "offset": 1}


def test_attributes_pick_columns(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "return c.find({where: {Name: 'Ann'}, attributes: ['Name', 'data.City', 'Nope']});")
    assert outcome.result == [{"id": 1, "data": {"Name": "Ann", "City": "London"}, "dataSourceId": 158,
                               "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z"}]


@pytest.mark.parametrize("options, message", [
    ({"limit": -1}, "`limit` must be a number ≥ 0"),
    ({"offset": "x"}, "`offset` must be a number ≥ 0"),
    ({"order": "Name"}, "`order` is a list"),
    ({"order": [["data.Name", "UP"]]}, "cannot order by"),
    ({"attributes": "Name"}, "`attributes` is a list"),
])
def test_bad_options_are_rejected(run, options, message):
    outcome = run(f"const c = await Fliplet.DataSources.connect(158);\ntry {{ await c.find({json.dumps(options)});"
                  f" }} catch (e) {{ return [coded(e), e.message]; }}")
    assert outcome.result[0] == [400, "QUERY_INVALID"]
    assert message in outcome.result[1]


# --- reading ---------------------------------------------------------------------------------------

def test_records_have_the_services_shape(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\nreturn c.findById(2);")
    assert outcome.result == PEOPLE["entries"][1]


def test_find_one_and_find_by_id(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const one = await c.findOne({where: {Status: 'Confirmed'}, order: [['data.Name', 'DESC']]});\n"
                  "const none = await c.findOne({where: {Status: 'Nope'}});\n"
                  "const byText = await c.findById('3');\n"
                  "const missing = await c.findById(99).catch(coded);\n"
                  "const invalid = await c.findById('abc').catch(coded);\n"
                  "return {one: one.id, none: none === undefined, byText: byText.data.Name, missing, invalid};")
    # online, a missing entry rejects with 404 and an invalid id with 400 (reading-data.md#findbyid)
    assert outcome.result == {"one": 4, "none": True, "byText": "Cai", "missing": [404, "ENTRY_NOT_FOUND"],
                              "invalid": [400, "QUERY_INVALID"]}


def test_query_selects(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const rows = await c.query({type: 'select', where: {Status: 'Pending'}});\n"
                  "let refused;\ntry { await c.query({type: 'drop'}); } catch (e) { refused = coded(e); }\n"
                  "return {ids: rows.map(r => r.id), refused};")
    assert outcome.result == {"ids": [1, 3], "refused": [400, "QUERY_INVALID"]}


def test_connect_by_name_and_list_data_sources(run):
    outcome = run("const c = await Fliplet.DataSources.connectByName('People');\n"
                  "const all = await Fliplet.DataSources.get();\n"
                  "const one = await Fliplet.DataSources.getById('158');\n"
                  "return {count: (await c.find()).length, all, one: one.name};")
    assert outcome.result == {"count": 5, "all": [{"id": 158, "name": "People", "columns": PEOPLE["columns"]}],
                              "one": "People"}


@pytest.mark.parametrize("call", ["connect(999)", "connectByName('Nope')", "getById(7)"])
def test_an_unknown_data_source_rejects_like_the_service(run, call):
    outcome = run(f"try {{ await Fliplet.DataSources.{call}; }} catch (e) {{ return [coded(e), e.message]; }}")
    assert outcome.result[0] == [404, "DATA_SOURCE_NOT_FOUND"]
    assert "not found" in outcome.result[1]
    error = rejection(run, f"await Fliplet.DataSources.{call};")
    assert error["code"] == "EXECUTION_FAILED" and "not found" in error["message"]


def test_results_are_copies(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const first = await c.findById(1);\nfirst.data.Name = 'Mallory';\n"
                  "const again = await c.findById(1);\nreturn again.data.Name;")
    assert outcome.result == "Ann"
    assert outcome.effects["datasources"] == []


def test_calls_are_asynchronous_even_when_they_fail(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const p = c.find({where: {Age: {$bad: 1}}});\n"
                  "const isPromise = p instanceof Promise;\np.catch(() => {});\n"
                  "const q = Fliplet.DataSources.connect(1);\nq.catch(() => {});\n"
                  "return [isPromise, q instanceof Promise];")
    assert outcome.result == [True, True]


# --- writing -----------------------------------------------------------------------------------------

def test_insert_assigns_the_next_id_and_the_time(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const a = await c.insert({Name: 'Fay', Age: 50});\nconst b = await c.insert({Name: 'Gus'});\n"
                  "return {a, b: b.id, count: (await c.find()).length};")
    assert outcome.result == {"a": {"id": 6, "data": {"Name": "Fay", "Age": 50}, "createdAt": NOW_ISO,
                                    "updatedAt": NOW_ISO, "dataSourceId": 158}, "b": 7, "count": 7}
    changes = outcome.effects["datasources"]
    assert [(c["op"], c["id"], c["before"]) for c in changes] == [("insert", 6, None), ("insert", 7, None)]
    assert changes[0]["after"]["data"] == {"Name": "Fay", "Age": 50}


def test_update_merges_columns_and_keeps_created_at(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const r = await c.update(1, {Status: 'Confirmed', ConfirmedBy: 'Nick'});\n"
                  "return r;")
    record = outcome.result
    assert record["data"]["Status"] == "Confirmed" and record["data"]["Name"] == "Ann"
    assert record["data"]["ConfirmedBy"] == "Nick"
    assert (record["createdAt"], record["updatedAt"]) == ("2026-01-01T00:00:00.000Z", NOW_ISO)
    [change] = outcome.effects["datasources"]
    assert change["op"] == "update" and change["before"]["data"]["Status"] == "Pending"
    assert change["after"]["data"]["Status"] == "Confirmed"


def test_update_and_remove_of_a_missing_entry_reject(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\nconst codes = [];\n"
                  "try { await c.update(99, {A: 1}); } catch (e) { codes.push(coded(e)); }\n"
                  "try { await c.removeById(99); } catch (e) { codes.push(coded(e)); }\n"
                  "try { await c.insert('text'); } catch (e) { codes.push(coded(e)); }\n"
                  "return codes;")
    assert outcome.result == [[404, "ENTRY_NOT_FOUND"], [404, "ENTRY_NOT_FOUND"], [400, "DATA_INVALID"]]
    assert outcome.effects["datasources"] == []


def test_remove_by_id(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\nawait c.removeById(2);\n"
                  "return (await c.find()).map(r => r.id);")
    assert outcome.result == [1, 3, 4, 5]
    [change] = outcome.effects["datasources"]
    assert (change["op"], change["id"], change["after"]) == ("remove", 2, None)
    assert change["before"]["data"]["Name"] == "Bob"


def test_append_and_replace_with(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const added = await c.append([{Name: 'Fay'}, {Name: 'Gus'}]);\n"
                  "await c.replaceWith([{Name: 'Hal'}]);\n"
                  "return {added: added.map(r => r.id), now: await c.find()};")
    assert outcome.result["added"] == [6, 7]
    assert [(r["id"], r["data"]) for r in outcome.result["now"]] == [(8, {"Name": "Hal"})]  # ids are never reused
    ops = [(c["op"], c["id"]) for c in outcome.effects["datasources"]]
    assert ops[:2] == [("insert", 6), ("insert", 7)]
    assert sorted(ops[2:-1]) == [("remove", i) for i in (1, 2, 3, 4, 5, 6, 7)]
    assert ops[-1] == ("insert", 8)


def test_commit_updates_inserts_and_removes_the_rest(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const done = await c.commit({entries: [{id: 1, data: {Name: 'Ann B'}}, {data: {Name: 'Fay'}}]});\n"
                  "return {done: done.entries.map(e => [e.id, e.data]), left: await c.find()};")
    assert outcome.result["done"] == [[1, {"Name": "Ann B"}], [6, {"Name": "Fay"}]]   # data replaced
    assert [r["id"] for r in outcome.result["left"]] == [1, 6]
    removed = sorted(c["id"] for c in outcome.effects["datasources"] if c["op"] == "remove")
    assert removed == [2, 3, 4, 5]


def test_commit_append_extend_and_delete(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "const done = await c.commit({entries: [{id: 2, data: {Status: 'Gone'}}], append: true,"
                  " extend: true, delete: [5], returnEntries: false});\n"
                  "return {done, bob: (await c.findById(2)).data, ids: (await c.find()).map(r => r.id)};")
    assert outcome.result["done"] == {"clientIds": []}       # returnEntries: false leaves the data set out
    assert outcome.result["bob"]["Status"] == "Gone" and outcome.result["bob"]["Name"] == "Bob"  # merged
    assert outcome.result["ids"] == [1, 2, 3, 4]
    assert [(c["op"], c["id"]) for c in outcome.effects["datasources"]] == [("update", 2), ("remove", 5)]


def test_commit_checks_everything_before_writing(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "try { await c.commit({entries: [{id: 1, data: {A: 1}}, {id: 77, data: {}}]}); }"
                  " catch (e) { return coded(e); }")
    assert outcome.result == [404, "ENTRY_NOT_FOUND"]
    assert outcome.effects["datasources"] == []


def test_each_run_starts_from_the_fixtures(run):
    run("const c = await Fliplet.DataSources.connect(158);\nawait c.removeById(1);")
    outcome = run("const c = await Fliplet.DataSources.connect(158);\nreturn (await c.find()).length;")
    assert outcome.result == 5


def test_the_rate_limit_of_200_calls_in_10_seconds(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\nlet n = 1;\n"
                  "try { for (;;) { await c.findById(1); n++; } } catch (e) { return [n, coded(e)]; }")
    assert outcome.result == [200, [429, "RATE_LIMITED"]]


def test_polluted_builtins_do_not_change_the_answers(run):
    outcome = run("const c = await Fliplet.DataSources.connect(158);\n"
                  "Array.prototype.sort = function () { return this.reverse(); };\n"
                  "Object.keys = () => [];\nJSON.parse = () => ({});\n"
                  "String.prototype.toLowerCase = function () { return 'x'; };\n"
                  "const rows = await c.find({where: {City: {$iLike: 'LON'}}, order: [['data.Name', 'ASC']]});\n"
                  "return rows.map(r => r.data.Name).join(',');")
    assert outcome.result == "Ann,Cai"


def test_without_the_package_there_is_no_namespace(run):
    outcome = run("return typeof Fliplet.DataSources;", dependencies=())
    assert outcome.result == "undefined"


# --- through the CLI: the diff and --write-fixtures --------------------------------------------------

ACTION = "name: confirm\nactive: true\ntriggers: [{trigger: manual}]\ndependencies: [fliplet-datasources]\n"
CODE = ("async function execute(context) {\n"
        "  const c = await Fliplet.DataSources.connect(158);\n"
        "  await c.update(1, {Status: 'Confirmed'});\n"
        "  await c.insert({Name: 'Fay', Status: 'New'});\n"
        "  await c.removeById(2);\n"
        "  return (await c.find()).length;\n"
        "}\n")
FIXTURE = ("# the people we know\nname: People\nentries:\n"
           "  - id: 1\n    data: {Name: Ann, Status: Pending}\n"
           "  - id: 2\n    data: {Name: Bob, Status: Pending}\n")


@pytest.fixture
def confirm(tree):
    return tree({"actions/confirm.yaml": ACTION, "actions/confirm.js": CODE,
                 "fixtures/datasources/158.yaml": FIXTURE})


def test_changes_show_as_a_diff(cli, confirm):
    result = cli("run", "confirm", "--now", "2026-01-05T08:00:00Z")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert '~ data source 158 #1 Status: "Pending" → "Confirmed"' in result.stdout
    assert '+ data source 158 #3 {"Name": "Fay", "Status": "New"}' in result.stdout
    assert '- data source 158 #2 {"Name": "Bob", "Status": "Pending"}' in result.stdout
    assert (confirm / "fixtures/datasources/158.yaml").read_text() == FIXTURE   # untouched unless asked


def test_write_fixtures_keeps_comments_flow_style_and_the_fields_written(cli, tree):
    root = tree({"actions/confirm.yaml": ACTION, "actions/confirm.js": CODE, "fixtures/datasources/158.yaml": (
        "# the people we know\nname: People\nentries:\n"
        "  - id: 1   # Ann\n    data: {Name: Ann, Status: Pending}\n"
        "  - id: 2\n    data: {Name: Bob, Status: Pending}\n")})
    result = cli("run", "confirm", "--now", "2026-01-05T08:00:00Z", "--write-fixtures")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert (root / "fixtures/datasources/158.yaml").read_text() == (
        "# the people we know\nname: People\nentries:\n"
        "  - id: 1   # Ann\n    data: {Name: Ann, Status: Confirmed}\n"
        "  - id: 3\n    data: {Name: Fay, Status: New}\n"
        "    createdAt: '2026-01-05T08:00:00.000Z'\n    updatedAt: '2026-01-05T08:00:00.000Z'\n")


def test_write_fixtures_adds_no_field_but_the_id_a_removal_would_renumber(cli, tree):
    root = tree({"actions/confirm.yaml": ACTION, "actions/confirm.js": CODE, "fixtures/datasources/158.yaml": (
        "name: People\nentries:\n"
        "  - data:\n      Name: Ann   # the first\n      Status: Pending\n"
        "  - data: {Name: Bob, Status: Pending}\n"
        "  - data: {Name: Cai, Status: Pending}   # stays number 3\n")})
    assert cli("run", "confirm", "--now", "2026-01-05T08:00:00Z", "--write-fixtures").exit_code == 0
    assert (root / "fixtures/datasources/158.yaml").read_text() == (
        "name: People\nentries:\n"
        "  - data:\n      Name: Ann   # the first\n      Status: Confirmed\n"
        "  - id: 3\n    data: {Name: Cai, Status: Pending}   # stays number 3\n"
        "  - id: 4\n    data: {Name: Fay, Status: New}\n"
        "    createdAt: '2026-01-05T08:00:00.000Z'\n    updatedAt: '2026-01-05T08:00:00.000Z'\n")
    again = cli("run", "confirm", "--format", "json")  # what was written reads back as the run left it
    assert "not found" in again.json["error"]["message"].lower() or "ENTRY_NOT_FOUND" in again.json["error"]["message"]


def test_write_fixtures_in_json_keeps_the_fields_written(cli, tree):
    root = tree({"actions/confirm.yaml": ACTION, "actions/confirm.js": CODE, "fixtures/datasources/158.json": (
        '{"entries": [{"data": {"Name": "Ann"}}, {"id": 2, "data": {"Name": "Bob"}}]}')})
    assert cli("run", "confirm", "--now", "2026-01-05T08:00:00Z", "--write-fixtures").exit_code == 0
    saved = json.loads((root / "fixtures/datasources/158.json").read_text())
    assert list(saved) == ["entries"] and saved["entries"][0] == {"data": {"Name": "Ann", "Status": "Confirmed"}}
    assert [e["id"] for e in saved["entries"][1:]] == [3]


def test_write_fixtures_persists_the_changes(cli, confirm):
    result = cli("run", "confirm", "--now", "2026-01-05T08:00:00Z", "--write-fixtures", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["result"] == 2
    saved = yaml.safe_load((confirm / "fixtures/datasources/158.yaml").read_text())
    assert [(e["id"], e["data"]) for e in saved["entries"]] == [
        (1, {"Name": "Ann", "Status": "Confirmed"}), (3, {"Name": "Fay", "Status": "New"})]
    assert saved["entries"][1]["createdAt"] == NOW_ISO
    again = cli("run", "confirm", "--format", "json")
    assert again.json["ok"] is False   # entry 2 is gone now, so removeById(2) rejects
    assert "ENTRY_NOT_FOUND" in again.json["error"]["message"] or "not found" in again.json["error"]["message"]
