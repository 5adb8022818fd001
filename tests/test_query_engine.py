"""The Data Source query engine (`where`) against the platform's: its fork of sift.js.

Three kinds of check, all through the worker that `actionctl run` uses:
- pinned cases through `connection.find`, one per rule users' data hits (text numbers, prices, dates,
  arrays, missing keys), each with the answer the engine's source gives;
- a differential run: seeded random records and queries, answered by our engine in the isolate and by
  tests/query_reference.py, a model written from sift.js function by function; they must agree on all;
- the platform's own `$filters` conditions, as documented (docs/API/datasources/query-operators.md).
"""

from __future__ import annotations

import json
import random

import pytest
import query_reference as ref
from support import HANG_LIMIT, job

from actionctl.runtime.host import execute

STOCK = {
    "id": 7, "name": "Stock", "columns": ["Name", "Price", "Qty", "When", "Tags", "Box", "Note"],
    "entries": [
        {"id": 1, "data": {"Name": "Ann", "Price": "€12", "Qty": "25", "When": "05.01.2026", "Tags": ["a", "b"],
                           "Box": {"Size": "L"}, "Note": None}},
        {"id": 2, "data": {"Name": "bob", "Price": "12 kg", "Qty": 25, "When": "2026-01-05", "Tags": [],
                           "Box": [{"Size": "S"}, {"Size": "M"}], "Note": ""}},
        {"id": 3, "data": {"Name": "Cai", "Price": "9.50", "Qty": "abc", "When": "2026-03-01T10:00:00Z",
                           "Tags": ["25"], "Box": None}},
        {"id": 4, "data": {"Name": "dee", "Price": "$1,200.50", "Qty": True, "When": "25.01.2026", "Tags": "a",
                           "Note": "null"}},
        {"id": 5, "data": {"Name": "Eve", "Price": 30, "Qty": "", "Tags": [25], "Box": {}}},
    ],
}


def run_code(worker, body: str, payload=None):
    code = "async function execute(context) {\n" + body + "\n}\n"
    arranged = job(code, dependencies=["fliplet-datasources"], datasources={"7": STOCK},
                   payload={} if payload is None else payload)
    return execute(worker, arranged, HANG_LIMIT, 64 * 1024 * 1024)


def find_ids(worker, where) -> list | str:
    outcome = run_code(worker, "const c = await Fliplet.DataSources.connect(7);\n"
                               f"try {{ return (await c.find({{where: {json.dumps(where)}}})).map(r => r.id); }}\n"
                               "catch (e) { return e.status + ': ' + e.message; }")
    assert outcome.ok, outcome.error
    return outcome.result


def model_ids(where) -> list | str:
    try:
        return ref.select(STOCK["entries"], where)
    except ref.Refused:
        return "refused"


# --- pinned cases: what the engine's source answers ----------------------------------------------

PINNED = [
    # equality is `==` (sift.js prepare.$eq → sift.compare)
    ({"Qty": 25}, [1, 2]),                                    # "25" == 25
    ({"Tags": "25"}, [3, 5]),                                 # an array matches if an element does: "25", 25
    ({"Qty": 0}, [5]),                                        # "" == 0
    ({"Qty": 1}, [4]),                                        # true == 1
    ({"Tags": "a"}, [1, 4]),
    ({"Tags": ["a", "b"]}, []),                               # no whole-array equality: each element == ["a","b"]
    ({"Tags": []}, [2]),                                      # [] matches only an empty array
    ({"Tags": ""}, [2]),                                      # [] == ""
    ({"Note": None}, [1, 3, 5]),                              # null matches null and missing
    ({"Name": {"$ne": "bob"}}, [1, 3, 4, 5]),
    ({"Box": {"Size": "M"}}, [2]),                            # an object is a query on the value, not equality
    ({"Box.Size": "L"}, [1]),                                 # dotted paths fan out over arrays…
    ({"Box.1.Size": "M"}, [2]),                               # …unless the next key is a number
    # $gt $gte $lt $lte: flComparable
    ({"Price": {"$gt": 10}}, [1, 2, 5]),                      # "€12" → 12, "12 kg" → 12, "$1,200.50" → 1
    ({"Price": {"$lt": 10}}, [3, 4]),                         # "9.50" → 9.5; "$1,200.50" → parseFloat("1,200.50") = 1
    ({"Price": {"$gte": "€30"}}, [5]),                        # the query value is coerced too
    ({"Qty": {"$gt": 20}}, [1, 2]),                           # "abc", true, "" are no numbers
    ({"When": {"$lt": "2026-02-01"}}, [2]),                   # "05.01.2026" is May 1st (V8), "25.01.2026" no date
    ({"When": {"$gt": "2026-04-01"}}, [1]),
    ({"Tags": {"$gt": 24}}, [3, 5]),                          # any element
    # $in / $nin: strict on array columns, a query per listed value otherwise
    ({"Qty": {"$in": [25]}}, [1, 2]),                         # "25": loose, through parse(25)
    ({"Tags": {"$in": [25]}}, [5]),                           # ["25"]: strict, so only [25]
    ({"Tags": {"$in": ["a", "x"]}}, [1, 4]),
    ({"Note": {"$in": ["null"]}}, [1, 4]),                    # String(null) === "null"
    ({"Note": {"$in": [None]}}, [1, 3, 5]),
    ({"Qty": {"$in": [{"$gt": 20}]}}, [1, 2]),                # a listed value may be a query
    ({"Name": {"$in": "Annabel"}}, [1]),                      # text: "Annabel".indexOf(value)
    ({"Name": {"$nin": ["Ann", "bob"]}}, [3, 4, 5]),
    # $all, $size, $exists, $mod
    ({"Tags": {"$all": ["a", "b"]}}, [1]),
    ({"Tags": {"$all": []}}, [1, 2, 3, 4, 5]),                # $and of nothing
    ({"Tags": {"$size": 0}}, [2]),
    ({"Tags": {"$size": 1}}, [3, 4, 5]),                      # "a" has a length too
    ({"Name": {"$size": 3}}, [1, 2, 3, 4, 5]),
    ({"Note": {"$exists": True}}, [1, 2, 4]),                 # a key holding null exists
    ({"Box.Size": {"$exists": False}}, [4, 5]),               # a null Box stops the walk: the key Box exists
    ({"Qty": {"$mod": [5, 0]}}, [1, 2, 5]),                   # "25" % 5, "" % 5 → 0
    # text
    ({"Name": {"$iLike": "B"}}, [2]),
    ({"Name": {"$like": "b"}}, [2]),
    ({"Note": {"$iLike": "nul"}}, [1, 4]),                    # String(null)
    ({"Name": {"$regex": "^[a-c]", "$options": "i"}}, [1, 2, 3]),
    ({"Name": {"$options": "i"}}, [1, 2, 3, 4, 5]),           # $options alone is skipped
    ({"Name": {"$regex": "^[a-e]", "$options": "gi"}}, [1, 3, 5]),  # g: lastIndex carries over to the next entry
    # logic
    ({"$or": [{"Qty": 25}, {"Name": "Eve"}]}, [1, 2, 5]),
    ({"$or": []}, []),
    ({"$nor": [{"Qty": 25}, {"Tags": "a"}]}, [3, 5]),
    ({"Qty": {"$not": {"$gt": 20}}}, [3, 4, 5]),
    ({"Box": {"$elemMatch": {"Size": "S"}}}, [2]),
    ({"Box": {"$elemMatch": {"Size": "L"}}}, [1]),            # not an array: the value itself
    ({"data.Name": "Ann", "id": {"$lte": 2}}, [1]),
    ({"$or": [{"data.Name": "Eve"}, {"$and": [{"data.Qty": 25}, {"id": 2}]}]}, [2, 5]),
]


@pytest.mark.parametrize("where, expected", PINNED, ids=[json.dumps(w) for w, _ in PINNED])
def test_where_answers_as_the_platforms_engine(worker, where, expected):
    assert find_ids(worker, where) == expected
    assert model_ids(where) == expected


REFUSED = [
    ({"Qty": {"$type": "number"}}, "$type cannot be used: the documentation shows it with a type name"),
    ({"Qty": {"$where": "this.Qty > 1"}}, "$where is not offered"),
    ({"Qty": {"$near": 3}}, "unknown operator $near (the platform's engine refuses it)"),
    ({"$xor": [{"Qty": 1}]}, "unknown operator $xor"),
    ({"Qty": {"$in": 5}}, "$in takes an array, not 5"),
    ({"$or": {"Qty": 1}}, "$or takes an array"),
    ({"Qty": {"$mod": None}}, "$mod takes [divisor, remainder], not null"),
    ({"Name": {"$regex": "("}}, "is not a valid pattern"),
    ({"Box": {"$elemMatch": {"$exists": True}}}, "$exists needs a column"),
]


@pytest.mark.parametrize("where, message", REFUSED, ids=[json.dumps(w) for w, _ in REFUSED])
def test_what_the_engine_refuses_rejects_with_where_invalid(worker, where, message):
    answer = find_ids(worker, where)
    assert answer.startswith("400: ") and answer.endswith(" [WHERE_INVALID]") and message in answer
    assert model_ids(where) == "refused"


def test_a_bad_where_fails_even_on_an_empty_data_source(worker):
    # The engine parses the query before it reads an entry, so the mistake shows with no data too.
    code = ("async function execute(context) {\nconst c = await Fliplet.DataSources.connect(8);\n"
            "try { await c.find({where: {Qty: {$bad: 1}}}); } catch (e) { return [e.status, e.message]; }\n}\n")
    empty = {"8": {"id": 8, "name": "Empty", "columns": [], "entries": []}}
    outcome = execute(worker, job(code, dependencies=["fliplet-datasources"], datasources=empty),
                      HANG_LIMIT, 6 * 1024 * 1024)
    assert outcome.result[0] == 400 and outcome.result[1].endswith(" [WHERE_INVALID]")


def test_regexp_objects_and_dates_from_code(worker):
    outcome = run_code(worker, "const c = await Fliplet.DataSources.connect(7);\n"
                               "const ids = async w => (await c.find({where: w})).map(r => r.id);\n"
                               "return [await ids({Name: /^[ab]/i}), await ids({Name: {$regex: /E$/i}}),\n"
                               "        await ids({Name: {$in: [/^c/i, 'Eve']}}),\n"
                               "        await ids({When: {$lt: new Date('2026-02-01T00:00:00Z')}})];")
    assert outcome.result == [[1, 2], [4, 5], [3, 5], [2]]


def test_user_code_replacing_builtins_does_not_change_the_answers(worker):
    outcome = run_code(worker, "const c = await Fliplet.DataSources.connect(7);\n"
                               "RegExp.prototype.exec = () => null; RegExp.prototype.test = () => true;\n"
                               "String.prototype.split = () => []; Array.prototype.join = () => 'x';\n"
                               "String.prototype.toLowerCase = function () { return 'x'; };\n"
                               "const w = {Price: {$gt: 10}, Name: {$iLike: 'B'}, 'Box.Size': {$exists: true}};\n"
                               "return (await c.find({where: w})).map(r => r.id);")
    assert outcome.result == [2]


# --- the differential run ----------------------------------------------------------------------------

COLUMN_VALUES = {
    "Age": [25, "25", "25.0", " 25 ", "", "abc", None, True, 0, "0", [25, "30"], 31.5, "0x19", "1e1"],
    "Price": ["€12", "12 kg", "$1,200.50", "-$1", "12", 12, "1e3", "abc12def", None, "12.5.3", "", "€ 7,5",
              [10, "€20"]],
    "When": ["2026-01-05", "05.01.2026", "12-24-2025", "2026-01-05T10:30:00Z", "2026-01-05 10:30", "25.01.2026",
             None, "soon"],
    "Tags": [["a", "b"], [], ["25", 25], "a", [None], [["a"]], ["A", "b", "c"], ["a,b"]],
    "Name": ["Ann", "ann", "ANN SMITH", "null", "", None, "[object Object]", "Bob", "Zoë", "a,b"],
    "Flag": [True, False, "true", 1, 0, None, "1"],
    "Addr": [{"City": "London", "Zip": "N1"}, {"City": None}, {}, None, [{"City": "Paris"}, {"City": "London"}],
             "London", {"length": 2}, [{"City": "London"}, None, "x"]],
    "Items": [[{"sku": "x", "qty": "2"}, {"sku": "y", "qty": 5}], [], [{"qty": None}], [{"sku": "x"}, 3]],
}
FIELDS = ["Age", "Price", "When", "Tags", "Name", "Flag", "Addr", "Addr.City", "Items.qty", "Items.sku", "Tags.0",
          "Items.0.qty", "data.Age", "id", "Missing", "Addr.City.x", "Name.length", "Tags.length", "Name.0"]
SCALARS = [25, "25", 0, "", None, True, False, "a", "A", "london", "London", 12, "12", 10, "€10", "2026-01-01",
           "05.01.2026", "null", [], ["a"], ["a", "b"], 31.5, -1, "abc", "a,b", 2, "2", {"City": "London"}, "x"]
PATTERNS = ["^a", "n$", "^[A-Z]", "\\d", "lon", "^$", "a|b", "o.", "^\\d+$"]


def random_entries(rng: random.Random, count: int) -> list[dict]:
    entries = []
    for i in range(1, count + 1):
        data = {c: rng.choice(v) for c, v in COLUMN_VALUES.items() if rng.random() < 0.8}
        entries.append({"id": i, "data": data, "createdAt": f"2026-01-{i % 28 + 1:02d}T00:00:00.000Z"})
    return entries


def random_condition(rng: random.Random, depth: int):
    kind = rng.randrange(22)
    scalar = rng.choice(SCALARS)
    if kind < 3:
        return scalar
    if kind < 5:
        return {rng.choice(["$eq", "$ne"]): scalar}
    if kind < 8:
        bound = rng.choice([10, 12, 25, "25", "€10", "2026-01-01", "05.01.2026", 0, "abc", True, None, -1, 1e3])
        return {rng.choice(["$gt", "$gte", "$lt", "$lte"]): bound}
    if kind < 10:
        listed = [rng.choice(SCALARS) for _ in range(rng.randrange(4))]
        if rng.random() < 0.15:
            listed.append({"$gt": 10})
        argument = listed if rng.random() < 0.9 else rng.choice(["abc25", "Ann", 5])
        return {rng.choice(["$in", "$nin"]): argument}
    if kind == 10:
        return {"$all": [rng.choice(SCALARS) for _ in range(rng.randrange(3))]}
    if kind == 11:
        return {"$size": rng.choice([0, 1, 2, 3, "2"])}
    if kind == 12:
        return {"$exists": rng.choice([True, False, 0, 1])}
    if kind == 13:
        return {"$mod": rng.choice([[2, 0], [2, 1], [3, "1"], ["5", 0], [0, 0], None, "21"])}
    if kind == 14:
        condition = {"$regex": rng.choice(PATTERNS)}
        if rng.random() < 0.6:
            condition["$options"] = rng.choice(["", "i", "g", "gi", "m"])
        return condition
    if kind == 15:
        return {rng.choice(["$iLike", "$like"]): rng.choice(["a", "LON", "nu", "", "2", "b,", "object"])}
    if kind == 16 and depth < 2:
        return {"$not": random_condition(rng, depth + 1)}
    if kind == 17 and depth < 2:
        return {"$elemMatch": rng.choice([{"$gt": 1}, {"sku": "x"}, {"qty": {"$gte": 2}}, {"City": "London"}])}
    if kind == 18:
        return {rng.choice(["$type", "$where", "$bad"]): "number"} if rng.random() < 0.3 else {}
    if kind == 19 and depth < 2:
        return {"City": random_condition(rng, depth + 1)}
    if kind == 20 and depth < 2:
        return {"$gt": rng.choice([0, 10]), "$lt": rng.choice([30, "€40"])}
    return scalar


def random_where(rng: random.Random, depth: int = 0) -> dict:
    where = {}
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if depth < 2 and rng.random() < 0.15:
            where[rng.choice(["$and", "$or", "$nor"])] = [random_where(rng, depth + 1) for _ in range(rng.randrange(4))]
        else:
            where[rng.choice(FIELDS)] = random_condition(rng, depth)
    return where


# Evaluates every query over the entries with the engine `find` uses, in one run.
ENGINE_BATCH = """
const {entries, wheres} = context.payload;
return wheres.map(where => {
  try {
    const selected = __actionctlQuery.compile(where);
    return entries.filter(e => selected(e)).map(e => e.id);
  } catch (e) { return __actionctlQuery.codeOf(e) === 'WHERE_INVALID' ? 'refused' : 'crashed: ' + e.message; }
});
"""


def generated(seed: int, queries: int):
    rng = random.Random(seed)
    entries = random_entries(rng, 40)
    return entries, [random_where(rng) for _ in range(queries)]


def reference_answers(entries, wheres) -> list:
    answers = []
    for where in wheres:
        try:
            answers.append(ref.select(entries, where))
        except ref.Refused:
            answers.append("refused")
    return answers


def engine_answers(worker, entries, wheres) -> list:
    outcome = run_code(worker, ENGINE_BATCH, {"entries": entries, "wheres": wheres})
    assert outcome.ok, outcome.error
    return outcome.result


@pytest.mark.parametrize("seed", [1, 2])
def test_the_engine_agrees_with_the_model_of_sift_on_generated_queries(worker, seed):
    entries, wheres = generated(seed, 1000)
    expected = reference_answers(entries, wheres)
    answers = engine_answers(worker, entries, wheres)
    disagreements = [(w, e, a) for w, e, a in zip(wheres, expected, answers, strict=True) if e != a]
    assert not disagreements, f"{len(disagreements)} of {len(wheres)} differ, first: {disagreements[:3]}"
    # The generator reaches the rules: some queries select, some select nothing, some are refused.
    assert sum(isinstance(e, list) and 0 < len(e) < len(entries) for e in expected) > len(wheres) // 5
    assert 0 < sum(e == "refused" for e in expected) < len(wheres) // 5


# --- $filters: the platform's own conditions ------------------------------------------------------------

EVENTS = {
    "id": 9, "name": "Events", "columns": ["Title", "Size", "At", "Start"],
    "entries": [
        {"id": 1, "data": {"Title": "Launch", "Size": 10, "At": "2026-01-05 09:15", "Start": "09:15", "Tags": ["x"]}},
        {"id": 2, "data": {"Title": "launch party", "Size": "20", "At": "2026-01-05T18:40:00Z", "Start": "18:40"}},
        {"id": 3, "data": {"Title": "Review", "Size": 30, "At": "2026-02-14", "Start": "", "Tags": []}},
        {"id": 4, "data": {"Title": None, "Size": "n/a", "At": "2025-12-29", "Start": "07:00"}},
    ],
}


def filter_ids(worker, *filters) -> list | str:
    code = ("async function execute(context) {\nconst c = await Fliplet.DataSources.connect(9);\n"
            f"try {{ return (await c.find({{where: {{$filters: {json.dumps(list(filters))}}}}})).map(r => r.id); }}\n"
            "catch (e) { return e.status + ': ' + e.message; }\n}\n")
    outcome = execute(worker, job(code, dependencies=["fliplet-datasources"], datasources={"9": EVENTS}),
                      HANG_LIMIT, 6 * 1024 * 1024)
    assert outcome.ok, outcome.error
    return outcome.result


@pytest.mark.parametrize("condition, expected", [
    ({"column": "Title", "condition": "==", "value": "LAUNCH"}, [1]),              # case-insensitive exact
    ({"column": "Title", "condition": "!=", "value": "launch"}, [2, 3, 4]),
    ({"column": "Size", "condition": ">", "value": 15}, [2, 3, 4]),                 # "20" is 20; "n/a" compares as text
    ({"column": "Size", "condition": "<=", "value": 20}, [1, 2]),
    ({"column": "Title", "condition": "contains", "value": "LAUNCH"}, [1, 2]),
    ({"column": "Tags", "condition": "empty"}, [2, 3, 4]),
    ({"column": "Start", "condition": "notempty"}, [1, 2, 4]),
    ({"column": "Size", "condition": "between", "value": {"from": 10, "to": 20}}, [1, 2]),
    ({"column": "Title", "condition": "oneof", "value": ["review", "Launch"]}, [1, 3]),
    ({"column": "Title", "condition": "oneof", "value": "Review, launch party"}, [2, 3]),
    ({"column": "At", "condition": "dateis", "value": "2026-01-05"}, [1, 2]),       # a day: the value's precision
    ({"column": "At", "condition": "datebefore", "value": "2026-01-05"}, [4]),
    ({"column": "At", "condition": "dateafter", "value": "2026-01-05 09:15"}, [2, 3]),  # to the minute
    ({"column": "At", "condition": "dateafter", "value": "2026-01-05 09:15", "unit": "day"}, [3]),
    ({"column": "At", "condition": "dateis", "value": "2026-01-31", "unit": "month"}, [1, 2]),
    ({"column": "At", "condition": "dateis", "value": "2026-03-31", "unit": "quarter"}, [1, 2, 3]),
    ({"column": "At", "condition": "dateis", "value": "2026-01-01", "unit": "week"}, [4]),  # weeks start on Sunday
    ({"column": "At", "condition": "dateis", "value": "2026-06-01", "unit": "year"}, [1, 2, 3]),
    ({"column": "At", "condition": "dateis", "value": "2026-01-05 18:00", "unit": "hour"}, [2]),
    ({"column": "Start", "condition": "datebefore", "value": "17:30"}, [1, 4]),     # times of day
    ({"column": "At", "condition": "dateafter", "value": "12:00"}, [2]),            # a timestamp's time of day
    ({"column": "At", "condition": "datebetween", "from": {"value": "2026-01-01"}, "to": {"value": "2026-01-05"}},
     [1, 2]),                                                                        # inclusive, by day
    ({"column": "Start", "condition": "datebetween", "from": {"value": "08:00"}, "to": {"value": "18:40"}}, [1, 2]),
])
def test_filters_conditions_as_documented(worker, condition, expected):
    assert filter_ids(worker, condition) == expected


@pytest.mark.parametrize("condition, message", [
    ({"column": "At", "condition": "datebetween", "value": {"from": "2026-01-01", "to": "2026-02-01"}},
     "datebetween takes from: {value} and to: {value}"),
    ({"column": "Size", "condition": "between", "value": [10, 20]}, "between takes value: {from, to}"),
    ({"column": "At", "condition": "dateis", "value": "2026-01-05", "unit": "days"}, "unit \"days\" is not one of"),
    ({"column": "At", "condition": "~~", "value": 1}, "unknown $filters condition \"~~\""),
])
def test_undocumented_filters_forms_are_refused(worker, condition, message):
    answer = filter_ids(worker, condition)
    assert answer.startswith("400: ") and answer.endswith(" [WHERE_INVALID]") and message in answer


def test_filters_combine_with_each_other_and_with_operators(worker):
    assert filter_ids(worker, {"column": "Title", "condition": "contains", "value": "launch"},
                      {"column": "Size", "condition": ">=", "value": 20}) == [2]
    code = ("async function execute(context) {\nconst c = await Fliplet.DataSources.connect(9);\n"
            "return (await c.find({where: {Size: {$lt: 25}, $filters: [{column: 'Title', condition: 'contains', "
            "value: 'party'}]}})).map(r => r.id);\n}\n")
    outcome = execute(worker, job(code, dependencies=["fliplet-datasources"], datasources={"9": EVENTS}),
                      HANG_LIMIT, 6 * 1024 * 1024)
    assert outcome.result == [2]
