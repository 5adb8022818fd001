"""A model of the platform's query engine, written from its source, to check ours against.

The platform evaluates a Data Source `where` with its fork of sift.js (public: Fliplet/sift.js, file
sift.js). Every rule below names the function of that file it models, so each expected answer of
tests/test_query_engine.py can be argued from the engine's source line by line. It models only the
sift operators (not `$filters`, which the platform evaluates itself, out of public view) and only the
values a query can carry as JSON. Where the engine fails with a TypeError, the model raises Refused,
as our engine rejects with WHERE_INVALID; where our engine chooses (`$type`, `$where`), the model
follows our choice and says so.

JavaScript values are Python values: None is null, UNDEFINED is undefined, lists are arrays, dicts are
objects; bool is checked before numbers because Python's bool is an int.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


class Refused(Exception):
    """The query cannot be evaluated: the engine throws (our engine: WHERE_INVALID)."""


class NotModelled(Exception):
    """A value this model does not know how V8 reads (the generator must not produce it)."""


# --- JavaScript's conversions ------------------------------------------------------------------------

def js_type(value) -> str:
    if value is UNDEFINED:
        return "undefined"
    if value is None or isinstance(value, (list, dict)):
        return "object"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def number_text(x: float) -> str:
    """Number::toString for the numbers the generator makes."""
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    if float(x).is_integer() and abs(x) < 1e21:
        return str(int(x))
    text = repr(float(x))
    if "e" in text:
        raise NotModelled(f"number {x!r}")
    return text


def to_text(value) -> str:
    """String(value)."""
    kind = js_type(value)
    if kind == "string":
        return value
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return number_text(value)
    if isinstance(value, list):  # Array.prototype.join: null and undefined become ""
        return ",".join("" if e is None or e is UNDEFINED else to_text(e) for e in value)
    return "[object Object]"


_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_JS_SPACE = " \t\n\r\x0b\x0c\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000\ufeff"


def _decimal(text: str) -> float:
    if text.lstrip("+-") == "Infinity":
        return -math.inf if text.startswith("-") else math.inf
    return float(text)


def string_to_number(text: str) -> float:
    """Number(text): the whole text, trimmed, is a decimal or 0x/0o/0b literal; "" is 0."""
    text = text.strip(_JS_SPACE)
    if text == "":
        return 0
    if _DECIMAL.fullmatch(text):
        return _decimal(text)
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if text[:2].lower() == prefix:
            try:
                return int(text[2:], base)
            except ValueError:
                return math.nan
    return math.nan


def to_number(value) -> float:
    kind = js_type(value)
    if kind == "number":
        return value
    if kind == "boolean":
        return 1 if value else 0
    if value is None:
        return 0
    if value is UNDEFINED:
        return math.nan
    if kind == "string":
        return string_to_number(value)
    return string_to_number(to_text(value))  # ToPrimitive of an array or object is its text


def parse_float(text: str) -> float:
    """parseFloat(text): the longest decimal prefix after leading white space."""
    match = _DECIMAL.match(text.lstrip(_JS_SPACE))
    return _decimal(match.group(0)) if match else math.nan


def strict_equals(a, b) -> bool:
    """a === b."""
    if js_type(a) != js_type(b):
        return False
    if isinstance(a, (list, dict)):
        return a is b
    return a == b


def loose_equals(a, b) -> bool:
    """a == b (the abstract equality algorithm)."""
    ta, tb = js_type(a), js_type(b)
    if ta == tb:
        return strict_equals(a, b)
    nullish = (None, UNDEFINED)
    if a in nullish or b in nullish:
        return any(a is n for n in nullish) and any(b is n for n in nullish)
    if ta == "object":
        return loose_equals(to_text(a), b)
    if tb == "object":
        return loose_equals(a, to_text(b))
    return to_number(a) == to_number(b)


def js_remainder(a: float, b: float) -> float:
    """a % b."""
    if a != a or b != b or b == 0 or a in (math.inf, -math.inf):
        return math.nan
    if b in (math.inf, -math.inf):
        return a
    return math.fmod(a, b)


def truthy(value) -> bool:
    if value is None or value is UNDEFINED:
        return False
    if js_type(value) in ("boolean", "number", "string"):
        return bool(value) and value == value
    return True


def own(holder, key) -> bool:
    """Object.prototype.hasOwnProperty.call(holder, key), for JSON values and text."""
    key = key if isinstance(key, str) else to_text(key)
    if isinstance(holder, dict):
        return key in holder
    if isinstance(holder, (list, str)):
        return key == "length" or (key.isdigit() and str(int(key)) == key and int(key) < len(holder))
    return False


def get(holder, key):
    """sift.js get(): holder[key], an own key or an index (or a text's length)."""
    if not isinstance(holder, (dict, list, str)) or not own(holder, key):
        return UNDEFINED
    if isinstance(holder, dict):
        return holder[key]
    return len(holder) if key == "length" else holder[int(key)]


# --- flComparable: the numbers $gt $gte $lt $lte compare ------------------------------------------

# sift.js flComparable: validDateFormat, unanchored
DATE_SHAPED = re.compile(r"([0-9]{2,4})([-.])([0-9]{2})\2([0-9]{2,4})")
NOT_NUMERIC = re.compile(r"[^0-9,.\-]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _local_ms(*fields) -> float:
    # V8 reads text without a zone in local time, and the worker's zone is UTC (runtime/host.py WORKER_TZ).
    return datetime(*fields, tzinfo=timezone.utc).timestamp() * 1000


def v8_date(text: str) -> float:
    """new Date(text).getTime() for the date texts the generator makes (checked against V8)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:  # an ISO date: UTC midnight
        return (datetime(*map(int, m.groups()), tzinfo=timezone.utc) - _EPOCH).total_seconds() * 1000
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z", text)
    if m:
        return (datetime(*map(int, m.groups()), tzinfo=timezone.utc) - _EPOCH).total_seconds() * 1000
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})", text)
    if m:  # no zone: local time
        return _local_ms(*map(int, m.groups()))
    m = re.fullmatch(r"(\d{2})([.-])(\d{2})\2(\d{4})", text)
    if m:  # V8's legacy parser reads dd.dd.dddd as month.day.year, local time; month 13+ is no date
        month, day, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if not 1 <= month <= 12 or not 1 <= day <= 28:
            return math.nan if month > 12 or day > 31 else _unmodelled(text)
        return _local_ms(year, month, day)
    return _unmodelled(text)


def _unmodelled(text: str) -> float:
    raise NotModelled(f"date text {text!r}")


def fl_comparable(value) -> float:
    """sift.js flComparable: a number stays; date-shaped text is its time; other text loses its first run
    of characters outside [0-9,.-] and goes through parseFloat; anything else is undefined (NaN here)."""
    if js_type(value) == "number":
        return value
    if not isinstance(value, str):
        return math.nan
    if DATE_SHAPED.search(value):
        return v8_date(value)
    return parse_float(NOT_NUMERIC.sub("", value, count=1))


# --- the engine --------------------------------------------------------------------------------------

def spread(check):
    """sift.js or(): on a non-empty array, any element; otherwise the value itself."""
    def test(value, key=UNDEFINED, parent=UNDEFINED):
        if not isinstance(value, list) or not value:
            return check(value)
        return any(check(e) for e in value)
    return test


def every(check):
    """sift.js and() (used by $ne): on a non-empty array, every element."""
    def test(value, key=UNDEFINED, parent=UNDEFINED):
        if not isinstance(value, list) or not value:
            return check(value)
        return all(check(e) for e in value)
    return test


def equality(expected):
    """sift.js prepare.$eq: [] matches an empty array, null matches null and undefined, else sift.compare
    (comparable(b), a) === 0, which is `==`."""
    if isinstance(expected, list) and not expected:
        return lambda value: isinstance(value, list) and not value
    if expected is None:
        return lambda value: value is None or value is UNDEFINED
    return lambda value: loose_equals(value, expected)


def ordered(check):
    """sift.js $gt/$gte/$lt/$lte: both sides through flComparable; isComparable and sift.compare make every
    comparison with a NaN/undefined side false."""
    def build(argument, query):
        bound = fl_comparable(argument)

        def one(value):
            number = fl_comparable(value)
            return number == number and bound == bound and check(number, bound)
        return spread(one)
    return build


class Regex:
    """A JavaScript RegExp for the patterns the generator makes, with lastIndex for the g flag."""

    def __init__(self, source, flags):
        flags = "" if flags is UNDEFINED else to_text(flags)
        if set(flags) - set("gim") or len(set(flags)) != len(flags):
            raise Refused(f"flags {flags!r}")  # new RegExp throws a SyntaxError
        try:
            self.rx = re.compile(source, (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
        except re.error as error:
            raise Refused(str(error)) from error
        self.sticky = "g" in flags
        self.last_index = 0

    def test(self, text: str) -> bool:
        """RegExp.prototype.test: with g, from lastIndex, which moves to the match's end or back to 0."""
        if not self.sticky:
            return self.rx.search(text) is not None
        if self.last_index > len(text):
            self.last_index = 0
            return False
        match = self.rx.search(text, self.last_index)
        self.last_index = match.end() if match else 0
        return match is not None


def substring(caseless):
    """sift.js $like / $iLike: String(a) inside String(b), ignoring case for $iLike."""
    def build(argument, query):
        part = to_text(argument)

        def one(value):
            if value is UNDEFINED:
                return False
            text = to_text(value)
            return part.lower() in text.lower() if caseless else part in text
        return spread(one)
    return build


def op_mod(argument, query):
    """sift.js $mod: b % a[0] == a[1] (a null throws reading a[0])."""
    if argument is None:
        raise Refused("$mod null")
    divisor, remainder = get(argument, "0"), get(argument, "1")
    return spread(lambda value: loose_equals(js_remainder(to_number(value), to_number(divisor)), remainder))


def list_has(items, value) -> bool:
    """a.indexOf(x) >= 0: strict on an array; on text, a substring search of String(x)."""
    if isinstance(items, str):
        return to_text(value) in items
    return any(strict_equals(item, value) for item in items)


def op_in(argument, query):
    """sift.js $in."""
    if not isinstance(argument, (list, str)):
        raise Refused("$in list")  # a.indexOf / a.length: TypeError

    def test(value, key=UNDEFINED, parent=UNDEFINED):
        if isinstance(value, list):  # b instanceof Array: ~a.indexOf(comparable(b[i]))
            return any(list_has(argument, e) for e in value)
        n = len(argument)
        if value is None and any(to_text(argument[i]) == "null" for i in reversed(range(n))):
            return True  # typeof b === 'object': String(a[i]) === String(b)
        if value is UNDEFINED and any(argument[i] is None for i in reversed(range(n))):
            return True  # typeof comparableB == 'undefined': a[i] == null
        if to_text(value) != "[object Object]":  # each a[i] is a query, parsed at each call
            for i in reversed(range(n)):
                if compile_query(argument[i])(value, i, argument):
                    return True
        return list_has(argument, value)  # !!~a.indexOf(comparableB)
    return test


def op_nin(argument, query):
    found = op_in(argument, query)
    return lambda value, key=UNDEFINED, parent=UNDEFINED: not found(value, key, parent)


def op_not(argument, query, top=False):
    """sift.js $not: !validate(parse(a), b, k, o)."""
    inner = compile_query(argument, top)
    return lambda value, key=UNDEFINED, parent=UNDEFINED: not inner(value, key, parent)


def queries(argument, top=False) -> list:
    """sift.js prepare.$and/$or/$nor/$all: a.map(parse) (not an array: TypeError)."""
    if not isinstance(argument, list):
        raise Refused("not an array")
    return [compile_query(q, top) for q in argument]


def op_and(argument, query, top=False):
    tests = queries(argument, top)
    return lambda value, key=UNDEFINED, parent=UNDEFINED: all(t(value, key, parent) for t in tests)


def op_or(argument, query, top=False):
    tests = queries(argument, top)
    return lambda value, key=UNDEFINED, parent=UNDEFINED: any(t(value, key, parent) for t in tests)


def op_nor(argument, query, top=False):
    any_of = op_or(argument, query, top)
    return lambda value, key=UNDEFINED, parent=UNDEFINED: not any_of(value, key, parent)


def op_size(argument, query):
    """sift.js $size: b ? a === b.length : false (text has a length; so has an object with that key)."""
    def test(value, key=UNDEFINED, parent=UNDEFINED):
        if not truthy(value):
            return False
        length = len(value) if isinstance(value, (list, str)) else get(value, "length")
        return strict_equals(length, argument)
    return test


def op_regex(argument, query):
    """sift.js prepare.$regex: new RegExp(a, query.$options); $regex: typeof b === 'string' && a.test(b)."""
    regex = Regex(argument if isinstance(argument, str) else to_text(argument), query.get("$options", UNDEFINED))
    return spread(lambda value: isinstance(value, str) and regex.test(value))


def op_elem_match(argument, query):
    """sift.js $elemMatch: on an array, an element validates (with no key or parent); else the value."""
    inner = compile_query(argument)

    def test(value, key=UNDEFINED, parent=UNDEFINED):
        if isinstance(value, list):
            return any(inner(e, UNDEFINED, UNDEFINED) for e in value)
        return inner(value, key, parent)
    return test


def op_exists(argument, query):
    """sift.js $exists: o.hasOwnProperty(k) === !!a (no o: TypeError)."""
    wanted = truthy(argument)

    def test(value, key=UNDEFINED, parent=UNDEFINED):
        if parent is None or parent is UNDEFINED:
            raise Refused("$exists without a parent")
        return own(parent, key) == wanted
    return test


def refused(argument, query):
    # $type: sift.js `b instanceof a` with a type name throws; $where: not documented. Our engine refuses
    # both outright, whatever the data.
    raise Refused("refused operator")


OPERATORS = {
    "$eq": lambda a, q: spread(equality(a)),
    "$ne": lambda a, q: every(lambda value, eq=equality(a): not eq(value)),
    "$gt": ordered(lambda x, y: x > y),
    "$gte": ordered(lambda x, y: x >= y),
    "$lt": ordered(lambda x, y: x < y),
    "$lte": ordered(lambda x, y: x <= y),
    "$mod": op_mod,
    "$like": substring(False),
    "$iLike": substring(True),
    "$in": op_in,
    "$nin": op_nin,
    "$not": op_not,
    "$type": refused,
    "$all": op_and,  # sift.js $all is $and over the parsed values
    "$size": op_size,
    "$or": op_or,
    "$nor": op_nor,
    "$and": op_and,
    "$regex": op_regex,
    "$where": refused,
    "$elemMatch": op_elem_match,
    "$exists": op_exists,
}


def find_values(current, parts, index, parent, found):
    """sift.js findValues: through an array, unless the key is a number, each element takes the same key."""
    if index == len(parts) or current is None or current is UNDEFINED:
        found.append((current, parts[index - 1] if index else UNDEFINED, parent))
        return
    key = parts[index]
    if isinstance(current, list) and string_to_number(key) != string_to_number(key):
        for element in current:
            find_values(element, parts, index, current, found)
    else:
        find_values(get(current, key), parts, index + 1, current, found)


def path_test(parts, inner):
    """sift.js nestedValidator: any of the path's values validates; none found, no match."""
    def test(value, key=UNDEFINED, parent=UNDEFINED):
        found = []
        find_values(value, parts, 0, value, found)
        return any(inner(v, k, o) for v, k, o in found)
    return test


def compile_query(query, top=False):
    """sift.js parse: a non-plain-object is {$eq: it}; $options is skipped; operators apply to the value;
    other keys are paths; several tests must all pass."""
    if not isinstance(query, dict) or "constructor" in query:
        return OPERATORS["$eq"](query, {})
    tests = []
    for key, argument in query.items():
        if key == "$options":
            continue
        if key in OPERATORS:
            # ours: $and/$or/$nor/$not at the top apply to the entry, so "data.Column" works in them too
            document_level = top and key in ("$and", "$or", "$nor", "$not")
            tests.append(OPERATORS[key](argument, query, top) if document_level else OPERATORS[key](argument, query))
        elif key.startswith("$"):
            raise Refused(f"unknown operator {key}")
        else:
            parts = key.split(".")
            if top and len(parts) > 1 and parts[0] == "data":
                parts = parts[1:]  # ours: "data.Column" at the top names the column, as in `order`
            tests.append(path_test(parts, compile_query(argument)))
    if len(tests) == 1:
        return tests[0]
    return lambda value, key=UNDEFINED, parent=UNDEFINED: all(t(value, key, parent) for t in tests)


RECORD_FIELDS = ("id", "createdAt", "updatedAt", "dataSourceId")


def document(entry: dict) -> dict:
    """What the query sees: the entry's data columns, with its own fields (id, createdAt, …) beside them."""
    doc = dict(entry.get("data") or {})
    doc.update({field: entry[field] for field in RECORD_FIELDS if field in entry})
    return doc


def select(entries: list[dict], where) -> list:
    """The ids `find({where})` answers, or Refused."""
    test = compile_query(where, top=True)
    return [entry["id"] for entry in entries if test(document(entry))]
