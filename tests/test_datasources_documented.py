"""The documented `Fliplet.DataSources` surface beyond CRUD, each case taken from the platform's pages
(docs/API/fliplet-datasources.md and docs/API/datasources/*.md in Fliplet/fliplet-cli): joins with their
documented answers, aggregation, the cursor, column indexes, writes selected by a query, commit's
answer, source management, the native Database reads, and failures carrying the HTTP-like `status`
that documented error handling switches on. The declarations in actionctl/surface/datasources.py are
checked against what an action actually finds on each object.
"""

from __future__ import annotations

import json

import pytest
from support import HANG_LIMIT, job

from actionctl.runtime.host import execute

STAMP = "2026-01-01T00:00:00.000Z"


def entry(source: int, entry_id: int, data: dict, created: str = STAMP) -> dict:
    return {"id": entry_id, "data": data, "createdAt": created, "updatedAt": created, "dataSourceId": source}


# The two data sources of joins.md: Articles (456) and their Comments (123).
ARTICLES = {"id": 456, "name": "Articles", "columns": ["ID", "Title"], "entries": [
    entry(456, 1, {"ID": 1, "Title": "A great blog post"}),
    entry(456, 2, {"ID": 2, "Title": "Something worth reading"}),
]}
COMMENTS = {"id": 123, "name": "User comments", "columns": ["ArticleID", "Comment text", "Likes"], "entries": [
    entry(123, 3, {"ArticleID": 1, "Comment text": "Thanks! This was worth reading.", "Likes": 5},
          "2026-01-02T00:00:00.000Z"),
    entry(123, 4, {"ArticleID": "1", "Comment text": "Loved it, would read it again.", "Likes": 2},
          "2026-01-03T00:00:00.000Z"),
    entry(123, 5, {"ArticleID": 7, "Comment text": "Wrong article", "Likes": 40}),
]}
STAFF = {"id": 789, "name": "Staff", "columns": ["Name", "Department", "Score", "Tags"], "entries": [
    entry(789, 1, {"Name": "Mina", "Department": "Design", "Score": 86, "Tags": ["a", "b"]}),
    entry(789, 2, {"Name": "Ola", "Department": "Design", "Score": 70, "Tags": []}),
    entry(789, 3, {"Name": "Pat", "Department": "Sales", "Score": 12, "Tags": ["b"]}),
    entry(789, 4, {"Name": "Quin", "Department": None, "Score": 0}),
    entry(789, 5, {"Name": "Ray", "Department": "Sales", "Score": 50, "Tags": ["c"]}),
]}
NOW = 1767600000000
NOW_ISO = "2026-01-05T08:00:00.000Z"


@pytest.fixture
def run(worker):
    """Run `body` as the inside of execute(context) over the three sources above (or `sources`); answer the
    Execution."""

    def go(body: str, sources: dict | None = None):
        code = "async function execute(context) {\n" + body + "\n}\n"
        sources = sources or {"456": ARTICLES, "123": COMMENTS, "789": STAFF}
        arranged = job(code, now=NOW, dependencies=["fliplet-datasources"], datasources=sources)
        outcome = execute(worker, arranged, HANG_LIMIT, 6 * 1024 * 1024)
        assert outcome.ok, outcome.error
        return outcome

    return go


def result(run, body: str, sources: dict | None = None):
    return run(body, sources).result


# --- the declared surface is the implemented one -------------------------------------------------------

LIST_METHODS = """
const names = o => Object.keys(o).filter(k => typeof o[k] === 'function').sort();
const c = await Fliplet.DataSources.connect(789);
const cursor = await c.findWithCursor({limit: 2});
const db = await Fliplet.DataSources.Database({id: 789});
return {
  'DataSources': names(Fliplet.DataSources),
  'DataSources.connection': names(c),
  'DataSources.cursor': names(cursor),
  'DataSources.Database.handle': names(db),
  'DataSources.Database.collection': names(db.dataSource(789)),
};
"""


def test_every_declared_method_exists_and_nothing_else(run):
    from actionctl.surface.datasources import NAMESPACES

    found = result(run, LIST_METHODS)
    declared = {namespace.path: sorted(m.name for m in namespace.methods) for namespace in NAMESPACES}
    assert found == declared


def test_the_declarations_say_where_the_docs_are():
    from actionctl.surface.datasources import NAMESPACES

    assert all(n.package == "fliplet-datasources" and n.doc.startswith("docs/API/") for n in NAMESPACES)
    assert [n.path for n in NAMESPACES if not n.returned] == ["DataSources"]


@pytest.mark.parametrize("name", ["import", "subscribe", "remove", "close", "sendValidation", "getUsers"])
def test_an_undocumented_or_unemulated_connection_method_is_not_there(run, name):
    assert result(run, f"const c = await Fliplet.DataSources.connect(789);\nreturn typeof c[{name!r}];") == "undefined"


# --- joins (docs/API/datasources/joins.md) ------------------------------------------------------------

def joined(run, join: dict) -> list:
    return result(run, "const c = await Fliplet.DataSources.connect(456);\n"
                       f"return (await c.find({{join: {json.dumps(join)}}})).map(r => [r.id, r.joins]);")


ON = {"data.ID": "data.ArticleID"}


def test_join_array_is_the_default(run):
    rows = result(run, "const c = await Fliplet.DataSources.connect(456);\n"
                       "return c.find({join: {Comments: {dataSourceId: 123, on: {'data.ID': 'data.ArticleID'}}}});")
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[0]["data"] == {"ID": 1, "Title": "A great blog post"}
    # the key is `join` in the request and `joins` in the answer; keys compare as text (1 meets "1")
    assert [(c["id"], c["dataSourceId"], c["data"]["Likes"]) for c in rows[0]["joins"]["Comments"]] == [
        (3, 123, 5), (4, 123, 2)]
    assert rows[1]["joins"] == {"Comments": []}


@pytest.mark.parametrize("options, expected", [
    ({"has": True}, [[1, {"J": True}], [2, {"J": False}]]),
    ({"count": True}, [[1, {"J": 2}], [2, {"J": 0}]]),
    ({"sum": "Likes"}, [[1, {"J": 7}], [2, {"J": 0}]]),
    ({"count": True, "required": True}, [[1, {"J": 2}]]),                      # inner join
    ({"count": True, "where": {"Likes": {"$gt": 3}}}, [[1, {"J": 1}], [2, {"J": 0}]]),
])
def test_join_reductions_and_filters(run, options, expected):
    assert joined(run, {"J": {"dataSourceId": 123, "on": ON, **options}}) == expected


def test_join_order_limit_attributes_and_by_name(run):
    rows = joined(run, {"Recent": {"dataSourceName": "User comments", "on": ON, "order": ["createdAt", "DESC"],
                                   "limit": 1, "attributes": ["Comment text"]}})
    [recent] = rows[0][1]["Recent"]
    assert (recent["id"], recent["data"]) == (4, {"Comment text": "Loved it, would read it again."})


def test_an_outer_join_concatenates(run):
    ids = result(run, "const c = await Fliplet.DataSources.connect(456);\n"
                      "return (await c.find({join: {More: {dataSourceId: 123}}})).map(r => [r.dataSourceId, r.id]);")
    assert ids == [[456, 1], [456, 2], [123, 3], [123, 4], [123, 5]]


def test_a_join_order_of_pairs_is_refused_with_the_shape_to_use(run):
    error = result(run, "const c = await Fliplet.DataSources.connect(456);\n"
                        "return c.find({join: {J: {dataSourceId: 123, on: {'data.ID': 'data.ArticleID'},"
                        " order: [['createdAt', 'DESC']]}}}).catch(e => [e.status, 'code' in e, e.message]);")
    assert error == [400, False, 'join J: `order` is one flat pair, like ["createdAt", "DESC"] [QUERY_INVALID]']


# --- aggregate, pagination, distinct (reading-data.md) ---------------------------------------------------

def test_aggregate_groups_as_the_docs_show(run):
    rows = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                       "return c.find({aggregate: [{$group: {_id: '$data.Department', count: {$sum: 1},"
                       " avg: {$avg: '$data.Score'}}}, {$sort: {count: -1, _id: 1}}]});")
    assert rows == [{"_id": "Design", "count": 2, "avg": 78}, {"_id": "Sales", "count": 2, "avg": 31},
                    {"_id": None, "count": 1, "avg": 0}]


def test_aggregate_match_project_unwind_count(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const a = await c.find({aggregate: [{$match: {'data.Score': {$gte: 50}}},"
                      " {$project: {_id: 0, name: '$data.Name'}}]});\n"
                      "const b = await c.find({aggregate: [{$unwind: '$data.Tags'}, {$group: {_id: '$data.Tags',"
                      " n: {$sum: 1}}}, {$match: {n: {$gt: 1}}}]});\n"
                      "const n = await c.find({where: {Department: 'Sales'}, aggregate: [{$count: 'total'}]});\n"
                      "const bad = await c.find({aggregate: [{$lookup: {}}]}).catch(e => [e.status, e.message]);\n"
                      "return {a, b, n, bad};")
    assert out["a"] == [{"name": "Mina"}, {"name": "Ola"}, {"name": "Ray"}]
    assert out["b"] == [{"_id": "b", "n": 2}]
    assert out["n"] == [{"total": 2}]
    assert out["bad"] == [400, "aggregate: the stage $lookup is not emulated locally [QUERY_INVALID]"]


def test_an_aggregate_stage_cannot_write_through_the_prototype(run):
    """A pipeline may come from a payload: a field path through __proto__ must not change every object."""
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const seen = [];\n"
                      "const fields = ['__proto__.polluted', 'constructor.prototype.polluted', 'x.__proto__.y'];\n"
                      "for (const field of fields) {\n"
                      "  await c.find({aggregate: [{$addFields: {[field]: 'yes'}}]})\n"
                      "    .then(() => seen.push('accepted'), e => seen.push(e.status));\n"
                      "}\n"
                      "return {seen, polluted: ({}).polluted === undefined ? 'no' : 'yes'};")
    assert out == {"seen": [400, 400, 400], "polluted": "no"}


def test_include_pagination_answers_the_documented_envelope(run):
    page = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                       "return c.find({limit: 2, offset: 0, includePagination: true});")
    assert [e["id"] for e in page.pop("entries")] == [1, 2]
    assert page == {"dataSourceId": 789, "count": 2, "pagination": {"total": 5, "limit": 2, "offset": 0}}


def test_return_as_object_and_distinct(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const o = await c.find({limit: 1}, {returnAsObject: true});\n"
                      "const d = await c.find({distinct: 'Department'});\n"
                      "return {o: [o.entries.length, o.deletedEntries], d: d.map(r => r.id)};")
    assert out == {"o": [1, []], "d": [1, 3, 4]}


def test_find_one_changes_the_callers_query_as_the_sdk_does(run):
    assert result(run, "const c = await Fliplet.DataSources.connect(789);\nconst q = {where: {Department: 'Sales'}};\n"
                       "const r = await c.findOne(q);\nreturn [r.id, q.limit];") == [3, 1]


# --- the cursor (reading-data.md#findwithcursor) ----------------------------------------------------------

def test_the_cursor_pages_as_documented(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const cursor = await c.findWithCursor({limit: 2, order: [['id', 'ASC']]});\n"
                      "const seen = [[cursor.map(r => r.id), cursor.query.offset, cursor.currentPage,"
                      " cursor.isFirstPage, cursor.isLastPage, cursor.firstRecordInNextPage.id]];\n"
                      "const moved = cursor.next();\n"
                      "seen.push([moved === cursor, cursor.map(r => r.id), cursor.query.offset]);\n"
                      "await cursor.update();\n"
                      "seen.push([cursor.map(r => r.id), cursor.currentPage, cursor.containsId(3),"
                      " cursor.containsId(1)]);\n"
                      "await cursor.next().update({keepExisting: true});\n"
                      "seen.push([cursor.map(r => r.id), cursor.isLastPage,"
                      " cursor.firstRecordInNextPage === undefined]);\n"
                      "cursor.setPage(-3);\n"
                      "seen.push([cursor.currentPage, cursor.query.offset, cursor.isFirstPage]);\n"
                      "return seen;")
    assert out == [[[1, 2], 0, 0, True, False, 3],
                   [True, [1, 2], 2],              # moving does not fetch
                   [[3, 4], 1, True, False],       # update replaces the rows and the id set
                   [[3, 4, 5], True, True],        # keepExisting appends
                   [0, 0, True]]                   # a negative page is clamped to 0


# --- column indexes (reading-data.md#column-indexes) ------------------------------------------------------

def test_indexes_answer_distinct_values_as_text(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const d = await c.getIndex('Department');\n"
                      "const all = await c.getIndexes(['Score', 'Department']);\n"
                      "const bad = await c.getIndex('Nope').catch(e => [e.status, e.message.slice(-15)]);\n"
                      "return {d, all, bad};")
    assert out["d"] == ["Design", "Sales", None]
    assert out["all"] == {"Score": ["86", "70", "12", "0", "50"], "Department": ["Design", "Sales", None]}
    assert out["bad"] == [400, "[QUERY_INVALID]"]   # the source declares its columns


# --- writes selected by a query, commit, append (writing-data.md) -----------------------------------------

def test_query_update_and_delete(run):
    outcome = run("const c = await Fliplet.DataSources.connect(789);\n"
                  "const updated = await c.query({type: 'update', where: {Department: 'Sales'},"
                  " data: {Department: 'Archive'}});\n"
                  "const deleted = await c.query({type: 'delete', where: {Score: {$lt: 60}}});\n"
                  "return {updated: updated.map(r => [r.id, r.data.Department, r.data.Name]), deleted,"
                  " left: (await c.find()).map(r => r.id)};")
    assert outcome.result == {"updated": [[3, "Archive", "Pat"], [5, "Archive", "Ray"]], "deleted": [],
                              "left": [1, 2]}
    assert [(c["op"], c["id"]) for c in outcome.effects["datasources"]] == [
        ("update", 3), ("update", 5), ("remove", 3), ("remove", 4), ("remove", 5)]


def test_commit_answers_the_whole_data_set_and_client_ids(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const r = await c.commit({entries: [{clientId: 'new-1', data: {Name: 'Sam'}},"
                      " {id: 2, data: {Score: 71}}], append: true, extend: true});\n"
                      "const quiet = await c.commit({entries: [], delete: [1], returnEntries: false});\n"
                      "return {ids: r.entries.map(e => e.id), ola: r.entries[1].data, clientIds: r.clientIds,"
                      " quiet, left: (await c.find()).map(e => e.id)};")
    assert out["ids"] == [1, 2, 3, 4, 5, 6]
    assert out["ola"] == {"Name": "Ola", "Department": "Design", "Score": 71, "Tags": []}
    assert out["clientIds"] == [{"id": 6, "clientId": "new-1"}]
    assert out["quiet"] == {"clientIds": []}
    assert out["left"] == [2, 3, 4, 5, 6]          # an explicit `delete` keeps the rows not sent


def test_commit_array_shorthand_replaces_everything(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const r = await c.commit([{data: {Name: 'Only'}}]);\n"
                      "return r.entries.map(e => [e.id, e.data]);")
    assert out == [[6, {"Name": "Only"}]]


def test_append_takes_a_rows_id_as_the_entry_id_and_remove_answers_an_empty_object(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "const added = await c.append([{id: 30, Name: 'Nick'}, {Name: 'Ian'}]);\n"
                      "const removed = await c.removeById(30);\n"
                      "return {added: added.map(e => [e.id, e.data]), removed};")
    assert out == {"added": [[30, {"Name": "Nick"}], [31, {"Name": "Ian"}]], "removed": {}}


def test_missing_arguments_throw_at_once_as_documented(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\nconst thrown = [];\n"
                      "try { c.insert(); } catch (e) { thrown.push([e.status, e.message]); }\n"
                      "try { c.removeById(); } catch (e) { thrown.push([e.status, e.message]); }\n"
                      "return thrown;")
    assert [status for status, _ in out] == [400, 400]
    assert all(message.endswith(" [DATA_INVALID]") for _, message in out), out


# --- errors carry the status documented error handling switches on ---------------------------------------

SWITCH = """
function explain(error) {
  switch (error.status) {
    case 400: return 'bad request';
    case 403: return 'access denied';
    case 404: return 'not found';
    case 429: return 'rate limited';
    case 500: return 'server error';
    default: return 'other: ' + error.status;
  }
}
"""


def test_error_status_switch(run):
    out = result(run, SWITCH + "const c = await Fliplet.DataSources.connect(789);\nconst seen = [];\n"
                      "await c.findById(99).catch(e => seen.push(explain(e), e.message, e.responseJSON.message));\n"
                      "await c.find({where: {Score: {$nope: 1}}}).catch(e => seen.push(explain(e)));\n"
                      "await Fliplet.DataSources.connect(1).catch(e => seen.push(explain(e), e.message));\n"
                      "try { for (;;) await c.getIndex('Name'); } catch (e) { seen.push(explain(e), e.message); }\n"
                      "return seen;")
    missing = "Entry 99 not found in data source 789 [ENTRY_NOT_FOUND]"
    assert out[:6] == ["not found", missing, missing, "bad request", "not found",
                       "Data source 1 not found — add fixtures/datasources/1.yaml [DATA_SOURCE_NOT_FOUND]"]
    assert out[6] == "rate limited" and out[7].endswith(" [RATE_LIMITED]")


# --- sources: get, getById, create, update, delete (managing-data-sources.md) -----------------------------

def test_create_a_source_then_use_it(run):
    outcome = run("const s = await Fliplet.DataSources.create({name: 'Workshop Test Records', appId: 12,"
                  " columns: ['Title', 'Status'], accessRules: []});\n"
                  "const c = await Fliplet.DataSources.connect(s.id);\nawait c.insert({Title: 'T'});\n"
                  "const bad = await Fliplet.DataSources.create({name: 'x'}).catch(e => [e.status, e.message]);\n"
                  "const names = (await Fliplet.DataSources.get({attributes: ['id', 'name']}));\n"
                  "return {s, bad, names};")
    assert outcome.result["s"] == {"id": 790, "name": "Workshop Test Records", "columns": ["Title", "Status"],
                                   "accessRules": [], "appId": 12}
    assert outcome.result["bad"] == [400, "create needs `appId` or `organizationId`: the SDK does not add either "
                                          "[DATA_INVALID]"]
    assert outcome.result["names"][-1] == {"id": 790, "name": "Workshop Test Records"}
    assert [(c["op"], c["dataSourceId"], c["id"]) for c in outcome.effects["datasources"]] == [
        ("create", 790, None), ("insert", 790, 1)]


def test_update_and_delete_a_source(run):
    outcome = run("const renamed = await Fliplet.DataSources.update(789, {name: 'Team'});\n"
                  "const byObject = await Fliplet.DataSources.update({id: 456, name: 'Posts'});\n"
                  "const gone = await Fliplet.DataSources.delete(123);\n"
                  "const after = await Fliplet.DataSources.getById(123).catch(e => e.status);\n"
                  "const one = await Fliplet.DataSources.getById(789, {attributes: 'name,columns'});\n"
                  "return [renamed.name, byObject.name, gone, after, one];")
    assert outcome.result == ["Team", "Posts", {}, 404, {"name": "Team", "columns": STAFF["columns"]}]
    assert [c["op"] for c in outcome.effects["datasources"]] == ["configure", "configure", "drop"]


def test_fetch_with_options_maps_rows(run):
    out = result(run, "return Fliplet.DataSources.fetchWithOptions({dataSourceId: 789,"
                      " query: {where: {Department: 'Sales'}}, columns: ['Name', {Score: 'Points'}]});")
    assert out["dataSourceEntries"] == [{"Name": "Pat", "Points": 12}, {"Name": "Ray", "Points": 50}]
    assert out["dataSource"]["columns"] == ["Name", "Points"]


def test_sdk_helpers(run):
    out = result(run, "const D = Fliplet.DataSources;\n"
                      "D.bindHooks(789, {insert: e => e.Name + '!'});\n"
                      "let twice;\ntry { D.bindHooks(789, {}); } catch (e) { twice = 'threw'; }\n"
                      "return [D.isTempId('temp_1'), D.isTempId(3), D.clearActiveConnections(), D.hasHook(789),"
                      " D.hasHook(1), twice, await D.applyHooks(789, 'insert', [{Name: 'a'}, {Name: 'b'}])];")
    assert out == [True, False, None, True, False, "threw", ["a!", "b!"]]


# --- the native Database API (offline-database.md) --------------------------------------------------------

def test_database_reads_the_same_store_and_refuses_native_writes(run):
    out = result(run, "const database = await Fliplet.DataSources.Database({id: 'Staff', isName: true});\n"
                      "const staff = database.dataSource(null, {name: 'Staff'});\n"
                      "const some = await staff.find({Department: 'Design'}, {limit: 1});\n"
                      "const one = await staff.findById(3);\nconst none = await staff.findById(99);\n"
                      "const tags = await staff.index('Tags');\nconst both = await staff.indexes(['Score']);\n"
                      "const write = await staff.insert({id: 9, data: {}}).catch(e => [e.status, e.message]);\n"
                      "let noOptions;\ntry { staff.find({}); } catch (e) { noOptions = e instanceof TypeError; }\n"
                      "return {some: some.map(e => e.id), one: one.data.Name, none: none === undefined, tags,"
                      " both, write, noOptions};")
    assert out["some"] == [1] and out["one"] == "Pat" and out["none"] is True
    assert out["tags"] == ["a", "b", "c"]
    assert out["both"] == {"Score": [86, 70, 12, 50]}        # a computed index leaves out falsy values
    assert out["write"][0] is None and out["write"][1].endswith(" [DEVICE_ONLY]")
    assert "writes the native bundle on a device; a server action has none" in out["write"][1]
    assert out["noOptions"] is True


# --- through the CLI: forced failures, the diff of a created source ---------------------------------------

ACTION = "name: guarded\nactive: true\ntriggers: [{trigger: manual}]\ndependencies: [fliplet-datasources]\n"
GUARDED = ("async function execute(context) {\n" + SWITCH +
           "  const c = await Fliplet.DataSources.connect(158);\n  const seen = [];\n"
           "  await c.find().catch(e => seen.push(explain(e)));\n"
           "  await c.insert({A: 1}).catch(e => seen.push(explain(e)));\n"
           "  await Fliplet.DataSources.create({name: 'Log', organizationId: 1});\n"
           "  return seen;\n}\n")
FIXTURE = "name: People\nerrors: {find: 403, insert: 500}\nentries:\n  - data: {Name: Ann}\n"


def test_a_fixture_forces_403_and_500(cli, tree):
    root = tree({"actions/guarded.yaml": ACTION, "actions/guarded.js": GUARDED,
                 "fixtures/datasources/158.yaml": FIXTURE})
    result = cli("run", "guarded", "--write-fixtures", "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json["result"] == ["access denied", "server error"]
    shown = cli("run", "guarded")
    assert '+ created data source 159 "Log"' in shown.stdout
    assert (root / "fixtures/datasources/158.yaml").read_text() == FIXTURE   # nothing an entry write changed


def test_an_error_forced_on_find_fails_its_aliases_too(run):
    """reading-data.md: `query` is find's alias; findOne and a cursor's page are finds as well."""
    seen = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                       "const calls = [() => c.find(), () => c.query({}), () => c.findOne({}),\n"
                       "               () => c.findWithCursor({limit: 2}), () => c.findById(1)];\n"
                       "const seen = [];\n"
                       "for (const call of calls) await call().then(() => seen.push('ok'), e => seen.push(e.status));\n"
                       "return seen;", {"789": {**STAFF, "errors": {"find": 403}}})
    assert seen == [403, 403, 403, 403, "ok"]


def test_order_sorts_numeric_looking_text_as_numbers_and_refuses_a_flat_pair(run):
    """reading-data.md: "Data-column numeric-looking values are sorted numerically, while other values use text
    ordering"; the top level takes [column, direction] pairs, only a join's order one flat pair."""
    ages = {"id": 5, "name": "Ages", "columns": ["Age"], "entries": [
        entry(5, i + 1, {"Age": age}) for i, age in enumerate([25, "30", 40, "9", "abc", " 100 ", "-2.5"])]}
    out = result(run, "const c = await Fliplet.DataSources.connect(5);\n"
                      "const up = (await c.find({order: [['data.Age', 'ASC']]})).map(e => e.data.Age);\n"
                      "const down = (await c.find({order: [['data.Age', 'DESC']]})).map(e => e.data.Age);\n"
                      "const flat = await c.find({order: ['data.Age', 'DESC']})\n"
                      "  .then(() => 'accepted', e => e.status);\n"
                      "return {up, down, flat};", {"5": ages})
    assert out == {"up": ["-2.5", "9", 25, "30", 40, " 100 ", "abc"],
                   "down": ["abc", " 100 ", 40, "30", 25, "9", "-2.5"], "flat": 400}


def test_a_bad_forced_status_is_a_fixture_error(cli, tree):
    tree({"actions/guarded.yaml": ACTION, "actions/guarded.js": GUARDED,
          "fixtures/datasources/158.yaml": "name: People\nerrors: {find: 418}\nentries: []\n"})
    result = cli("run", "guarded")
    assert result.exit_code != 0 and result.exit_code != 70
    assert "`errors` maps a method name to a status (400, 403, 404, 429, 500), e.g. {find: 403}" in result.stderr


def test_a_forced_error_on_a_misspelt_method_is_a_fixture_error(cli, tree):
    """`errors: {fnd: 403}` would force nothing, and the test of the error handling would prove nothing."""
    tree({"actions/guarded.yaml": ACTION, "actions/guarded.js": GUARDED,
          "fixtures/datasources/158.yaml": "name: People\nerrors: {fnd: 403}\nentries: []\n"})
    result = cli("run", "guarded")
    assert result.exit_code not in (0, 70)
    assert ("`errors` names fnd, not a data-source method a failure can be forced on — did you mean \"find\"?"
            in result.stderr)


def test_replaced_promise_methods_do_not_change_the_answers(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(789);\n"
                      "Promise.prototype.catch = () => { throw new Error('user catch'); };\n"
                      "Promise.reject = () => { throw new Error('user reject'); };\n"
                      "const missing = await c.findById(99).then(null, e => e.status);\n"
                      "const cursor = await c.findWithCursor({limit: 1});\n"
                      "const db = await Fliplet.DataSources.Database({id: 789});\n"
                      "const refused = await db.dataSource(789).remove(() => true)\n"
                      "  .then(null, e => e.message.slice(-13));\n"
                      "return [missing, cursor.length, refused];")
    assert out == [404, 1, "[DEVICE_ONLY]"]


def test_metadata_filters_sit_outside_where(run):
    out = result(run, "const c = await Fliplet.DataSources.connect(123);\n"
                      "const byId = await c.find({id: {$in: [3, 5]}});\n"
                      "const byEntryId = await c.find({dataSourceEntryId: 4});\n"
                      "const recent = await c.find({createdAt: {$gte: '2026-01-02T12:00:00.000Z'}});\n"
                      "return [byId, byEntryId, recent].map(rows => rows.map(r => r.id));")
    assert out == [[3, 5], [4], [4]]
