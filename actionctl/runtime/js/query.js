// The Data Source query engine: what `where` selects, as the platform evaluates it.
//
// The platform hands `where` to its own fork of sift.js (public: Fliplet/sift.js, file sift.js). This
// file reproduces that engine's behaviour, not MongoDB's: equality is JavaScript's loose `==`, `$gt`
// and friends first turn text such as "€12" or "05.01.2026" into numbers, `$in` is strict on array
// columns and loose on the others, dotted paths fan out over arrays. Comments name the function of
// sift.js each rule comes from. tests/query_reference.py is an independent model of the same rules.
//
// `compile(where)` answers a test of one entry ({id, data, createdAt, …}), compiled once per query as
// the engine does (so a $regex with the g flag carries its lastIndex from one entry to the next, as
// there); `matches(record, where)` is the one-off form. `valueAt` and `compare` are what
// `order` sorts with. Evaluated before user code, in the same realm, so the built-ins it relies on are
// taken now: values are turned into text and numbers here, never through a prototype user code can
// replace.
var __actionctlQuery = (function () {
  'use strict';

  var stringify = JSON.stringify;
  var apply = Reflect.apply;
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  var hasOwn = Object.prototype.hasOwnProperty;
  var toTag = Object.prototype.toString;
  var toLower = String.prototype.toLowerCase;
  var indexOfText = String.prototype.indexOf;
  var sliceText = String.prototype.slice;
  var trimText = String.prototype.trim;
  var regexExec = RegExp.prototype.exec;
  var regexToString = RegExp.prototype.toString;
  var dateToISO = Date.prototype.toISOString;
  var dateGetTime = Date.prototype.getTime;
  var dateParts = [Date.prototype.getUTCFullYear, Date.prototype.getUTCMonth, Date.prototype.getUTCDate,
                   Date.prototype.getUTCHours, Date.prototype.getUTCMinutes, Date.prototype.getUTCSeconds,
                   Date.prototype.getUTCDay];
  var RegExpCtor = RegExp;
  var StringCtor = String;
  var NumberCtor = Number;
  var RealDate = Date;
  var dateUTC = Date.UTC;
  var dateParse = Date.parse;
  var parseFloatOf = parseFloat;
  var isFiniteNumber = isFinite;
  var weakGet = WeakMap.prototype.get;
  var weakSet = WeakMap.prototype.set;
  // error → catalogue code, out of user code's sight: the platform's errors carry no `code` property, so
  // datasources.js reads the code here to give the error its status and end its message with `[CODE]`.
  var hiddenCodes = new WeakMap();

  // Fields an entry has outside `data`: the docs query `createdAt` and `id` in `where`.
  var RECORD_FIELDS = { id: true, createdAt: true, updatedAt: true, dataSourceId: true };
  // sift.js flComparable: text holding dd-dd-dd (2–4 digits, `-` or `.`) is read as a date.
  var DATE_SHAPED = /([0-9]{2,4})([-.])([0-9]{2})\2([0-9]{2,4})/;
  // sift.js flComparable: otherwise the first run of characters outside [0-9,.-] is dropped.
  var NOT_NUMERIC = /[^0-9,\.-]+/;

  function own(object, key) { return object !== null && object !== undefined && apply(hasOwn, object, [key]); }
  function tag(value) { return apply(toTag, value, []); }
  function lower(text) { return apply(toLower, text, []); }
  function contains(text, part) { return apply(indexOfText, text, [part]) >= 0; }
  // The built-in exec, not `test`/`match`/`replace`, which look methods up on objects user code can change.
  function exec(regex, text) { return apply(regexExec, regex, [text]); }
  function test(regex, text) { return exec(regex, text) !== null; }
  function slice(text, from, to) { return apply(sliceText, text, to === undefined ? [from] : [from, to]); }

  function split(text, separator) {
    var parts = [], from = 0, at;
    while ((at = apply(indexOfText, text, [separator, from])) >= 0) {
      push(parts, slice(text, from, at));
      from = at + separator.length;
    }
    push(parts, slice(text, from));
    return parts;
  }
  function push(list, item) { list[list.length] = item; }
  function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }
  function isDate(value) { return value !== null && typeof value === 'object' && tag(value) === '[object Date]'; }
  function isRegExp(value) { return value !== null && typeof value === 'object' && tag(value) === '[object RegExp]'; }

  function coded(message, code) {
    var error = new Error(message);
    apply(weakSet, hiddenCodes, [error, code]);
    return error;
  }

  // The catalogue code `coded` gave `error` (the where engine's and the aggregation's), or undefined.
  function codeOf(error) {
    if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return undefined;
    return apply(weakGet, hiddenCodes, [error]);
  }

  function invalid(message) { return coded(message, 'WHERE_INVALID'); }

  // --- JavaScript's conversions, without the prototypes user code could replace -------------------

  // String(value) as the engine's String(…) calls see a record value.
  function toText(value) {
    if (typeof value === 'string') return value;
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    if (isArray(value)) {
      var text = '';
      for (var i = 0; i < value.length; i++) {
        if (i) text += ',';
        if (value[i] !== null && value[i] !== undefined) text += toText(value[i]);
      }
      return text;
    }
    if (isRegExp(value)) return apply(regexToString, value, []);
    if (typeof value === 'object') return '[object Object]';
    return StringCtor(value);
  }

  function toNumber(value) {
    if (typeof value === 'number') return value;
    if (typeof value === 'object' && value !== null) return NumberCtor(toText(value));
    return NumberCtor(value);
  }

  // `a == b`, the abstract equality the engine's sift.compare starts with.
  function looseEquals(a, b) {
    if (typeof a === typeof b) return a === b;
    if (a === null || a === undefined || b === null || b === undefined) {
      return (a === null || a === undefined) && (b === null || b === undefined);
    }
    if (typeof a === 'object') return looseEquals(toText(a), b);
    if (typeof b === 'object') return looseEquals(a, toText(b));
    return toNumber(a) === toNumber(b);
  }

  function truthy(value) { return !!value; }

  // --- what a query is compared against ------------------------------------------------------------

  // The query travels to the service as JSON: dates become ISO text, undefined and functions vanish.
  // RegExp objects stay: the documentation passes them (`{ $regex: /example\.org$/i }`).
  function transported(value) {
    if (isDate(value)) return apply(dateToISO, value, []);
    if (isRegExp(value)) return value;
    if (typeof value === 'number') return isFiniteNumber(value) ? value : null;
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined;
    if (isArray(value)) {
      var list = [];
      for (var i = 0; i < value.length; i++) {
        var item = transported(value[i]);
        push(list, item === undefined ? null : item);
      }
      return list;
    }
    if (value === null || typeof value !== 'object') return value;
    var copy = {}, keys = keysOf(value);
    for (var j = 0; j < keys.length; j++) {
      var inner = transported(value[keys[j]]);
      if (inner !== undefined) copy[keys[j]] = inner;
    }
    return copy;
  }

  // The object the engine matches is the entry's data columns with the entry's own fields beside them.
  // It is not built: the entry under evaluation stands for it (`activeRoot`), and lookups into it go to
  // the entry's fields or its data, which spares a copy of every entry on every query.
  var activeRoot = null;

  function rootHolder(key) {
    var record = activeRoot.record;
    if (own(RECORD_FIELDS, key) && own(record, key)) return record;
    return isObject(record.data) && own(record.data, key) ? record.data : null;
  }

  function hasKey(holder, key) {
    if (holder !== null && holder === activeRoot) return rootHolder(key) !== null;
    return apply(hasOwn, holder, [key]);
  }

  // sift.js get: a key of an object, an index of an array or of text.
  function lookup(value, key) {
    if (value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'string')) {
      return undefined;
    }
    if (value === activeRoot) {
      var holder = rootHolder(key);
      return holder === null ? undefined : holder[key];
    }
    return own(value, key) ? value[key] : undefined;
  }

  // sift.js findValues: walk the path; through an array, unless the next key is a number, every
  // element is walked with the same key. Each value comes with its key and the object holding it.
  function findValues(current, parts, index, parent, found) {
    if (index === parts.length || current === null || current === undefined) {
      push(found, [current, parts[index - 1], parent]);
      return;
    }
    var key = parts[index];
    if (isArray(current) && NumberCtor(key) !== NumberCtor(key)) {
      for (var i = 0; i < current.length; i++) findValues(current[i], parts, index, current, found);
    } else {
      findValues(lookup(current, key), parts, index + 1, current, found);
    }
  }

  // --- numbers for $gt $gte $lt $lte ----------------------------------------------------------------

  // sift.js flComparable: numbers as they are; date-shaped text is that date's time (V8's Date parser,
  // the one the platform runs); other text loses its first run of characters outside [0-9,.-] and is
  // read with parseFloat ("€12" → 12, "12 kg" → 12, "1,5" → 1); anything else is no number.
  function comparableNumber(value) {
    if (typeof value === 'number') return value;
    if (typeof value !== 'string') return NaN;
    if (test(DATE_SHAPED, value)) return apply(dateGetTime, new RealDate(value), []);
    var run = exec(NOT_NUMERIC, value);
    if (run !== null) value = slice(value, 0, run.index) + slice(value, run.index + run[0].length);
    return parseFloatOf(value);
  }

  // sift.js isComparable + sift.compare: a side that is not a number makes every comparison false.
  function ordered(check) {
    return function (argument) {
      var bound = comparableNumber(argument);
      return spread(function (value) {
        var number = comparableNumber(value);
        return number === number && bound === bound && check(number, bound);
      });
    };
  }

  // sift.js or(): a test of one value also passes for an array holding a passing element; an empty
  // array is tested as it is.
  function spread(check) {
    return function (value) {
      if (!isArray(value) || value.length === 0) return check(value);
      for (var i = 0; i < value.length; i++) if (check(value[i])) return true;
      return false;
    };
  }

  // sift.js and(), for $ne: every element of an array must pass.
  function everyOf(check) {
    return function (value) {
      if (!isArray(value) || value.length === 0) return check(value);
      for (var i = 0; i < value.length; i++) if (!check(value[i])) return false;
      return true;
    };
  }

  // sift.js prepare.$eq: a RegExp tests text, [] matches an empty array, null matches null and
  // missing, anything else is `==`.
  function equality(expected) {
    if (isRegExp(expected)) return function (value) { return typeof value === 'string' && matchRegex(expected, value); };
    if (isArray(expected) && expected.length === 0) return function (value) { return isArray(value) && value.length === 0; };
    if (expected === null) return function (value) { return value === null || value === undefined; };
    return function (value) { return looseEquals(value, expected); };
  }

  function matchRegex(regex, text) { return test(regex, text); }

  // --- $in / $nin (sift.js OPERATORS.$in) -----------------------------------------------------------

  // A list is an array; text is searched as the engine's `indexOf` would (a substring).
  function listHas(list, value) {
    if (typeof list === 'string') return apply(indexOfText, list, [toText(value)]) >= 0;
    for (var i = 0; i < list.length; i++) if (list[i] === value) return true;
    return false;
  }

  function inList(name, list) {
    if (!isArray(list) && typeof list !== 'string') {
      throw invalid(name + ' takes an array, not ' + stringify(list) + ' (the platform\'s engine fails on it)');
    }
    return function (value) {
      // An array column: strict equality of an element with a listed value.
      if (isArray(value)) {
        for (var e = 0; e < value.length; e++) if (listHas(list, value[e])) return true;
        return false;
      }
      if (value === null) {
        for (var n = list.length - 1; n >= 0; n--) if (toText(list[n]) === 'null') return true;
      }
      if (value === undefined) {
        for (var u = list.length - 1; u >= 0; u--) if (list[u] === null || list[u] === undefined) return true;
      }
      // Any other value: each listed value is a query of its own (so `==`, a RegExp, or {$gt: 5}),
      // compiled at each test as the engine does.
      if (toText(value) !== '[object Object]') {
        for (var t = list.length - 1; t >= 0; t--) if (compile(list[t], false)(value, t, list)) return true;
      }
      return listHas(list, value);
    };
  }

  // --- the operators ---------------------------------------------------------------------------------

  function regexFrom(pattern, options) {
    try {
      var source = isRegExp(pattern) || typeof pattern === 'string' ? pattern : toText(pattern);
      return options === undefined ? new RegExpCtor(source) : new RegExpCtor(source, toText(options));
    } catch (error) {
      throw invalid('$regex ' + toText(pattern) + ' is not a valid pattern: ' + error.message);
    }
  }

  // `top`: the queries apply to the entry itself, where "data.Column" names a column.
  function logical(name, argument, top) {
    if (!isArray(argument)) throw invalid(name + ' takes an array, not ' + stringify(argument));
    var tests = [];
    for (var i = 0; i < argument.length; i++) push(tests, compile(argument[i], top ? 'nested' : false));
    return tests;
  }

  function substring(caseless) {
    return function (argument) {
      return spread(function (value) {
        if (value === undefined || argument === undefined) return false;
        var text = toText(value), part = toText(argument);
        return caseless ? contains(lower(text), lower(part)) : contains(text, part);
      });
    };
  }

  var TYPE_REFUSED = '$type cannot be used: the documentation shows it with a type name ({$type: "number"}), ' +
    'but the platform\'s engine (Fliplet/sift.js) expects a constructor, which JSON cannot carry, and fails ' +
    'on any value that is present; test the type in your code instead';

  // Each builds the test of one operator from its argument (and the operator object, for $options).
  var OPERATORS = {
    $eq: function (argument) { return spread(equality(argument)); },
    $ne: function (argument) {
      var equal = equality(argument);
      return everyOf(function (value) { return !equal(value); });
    },
    $gt: ordered(function (a, b) { return a > b; }),
    $gte: ordered(function (a, b) { return a >= b; }),
    $lt: ordered(function (a, b) { return a < b; }),
    $lte: ordered(function (a, b) { return a <= b; }),
    $mod: function (argument) {
      if (argument === null || argument === undefined) throw invalid('$mod takes [divisor, remainder], not null');
      var divisor = lookup(argument, '0'), remainder = lookup(argument, '1');
      return spread(function (value) { return looseEquals(toNumber(value) % toNumber(divisor), remainder); });
    },
    $like: substring(false),
    $iLike: substring(true),
    $in: function (argument) { return inList('$in', argument); },
    $nin: function (argument) {
      var found = inList('$nin', argument);
      return function (value, key, parent) { return !found(value, key, parent); };
    },
    $not: function (argument, query, top) {
      var inner = compile(argument, top ? 'nested' : false);
      return function (value, key, parent) { return !inner(value, key, parent); };
    },
    $type: function () { throw invalid(TYPE_REFUSED); },
    $all: function (argument) { return allOf(logical('$all', argument)); },
    $size: function (argument) {
      return function (value) {
        if (!truthy(value)) return false;
        var length = isArray(value) || typeof value === 'string' ? value.length : lookup(value, 'length');
        return length === argument;
      };
    },
    $or: function (argument, query, top) { return anyOf(logical('$or', argument, top)); },
    $nor: function (argument, query, top) {
      var any = anyOf(logical('$nor', argument, top));
      return function (value, key, parent) { return !any(value, key, parent); };
    },
    $and: function (argument, query, top) { return allOf(logical('$and', argument, top)); },
    $regex: function (argument, query) {
      var regex = regexFrom(argument, query.$options);
      return spread(function (value) { return typeof value === 'string' && matchRegex(regex, value); });
    },
    $where: function () {
      throw invalid('$where is not offered: the platform\'s documentation does not list it among the query ' +
                    'operators');
    },
    // sift.js $elemMatch: on an array, some element matches; on anything else, the value itself must.
    $elemMatch: function (argument) {
      var inner = compile(argument, false);
      return function (value, key, parent) {
        if (!isArray(value)) return inner(value, key, parent);
        for (var i = 0; i < value.length; i++) if (inner(value[i], undefined, undefined)) return true;
        return false;
      };
    },
    // sift.js $exists: whether the key is present on the object holding it (a key holding null is).
    $exists: function (argument) {
      var wanted = truthy(argument);
      return function (value, key, parent) {
        if (parent === null || parent === undefined) {
          throw invalid('$exists needs a column to look for: the platform\'s engine fails when there is no ' +
                        'object holding one');
        }
        return hasKey(parent, key) === wanted;
      };
    }
  };

  function allOf(tests) {
    return function (value, key, parent) {
      for (var i = 0; i < tests.length; i++) if (!tests[i](value, key, parent)) return false;
      return true;
    };
  }

  function anyOf(tests) {
    return function (value, key, parent) {
      for (var i = 0; i < tests.length; i++) if (tests[i](value, key, parent)) return true;
      return false;
    };
  }

  // sift.js nestedValidator: the path's values, any of which may pass (none: the test fails).
  function pathTest(parts, inner) {
    return function (value) {
      var found = [];
      findValues(value, parts, 0, value, found);
      for (var i = 0; i < found.length; i++) if (inner(found[i][0], found[i][1], found[i][2])) return true;
      return false;
    };
  }

  // A plain object is a query; anything else is a value to equal (sift.js isVanillaObject).
  function isQuery(value) { return isObject(value) && !isRegExp(value) && !own(value, 'constructor'); }

  // sift.js parse: operators apply to the value, other keys are paths into it, all must pass. `top` is
  // true for `where` itself ($filters belongs there), 'nested' inside its $and/$or/$nor/$not, which
  // apply to the entry too, and false below a column.
  function compile(query, top) {
    if (!isQuery(query)) return OPERATORS.$eq(query);
    var tests = [], keys = keysOf(query);
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i], argument = query[key];
      if (key === '$options') continue;
      if (top === true && key === '$filters') push(tests, filtersTest(argument));
      else if (own(OPERATORS, key)) push(tests, OPERATORS[key](argument, query, top));
      else if (key[0] === '$') throw invalid('unknown operator ' + key + ' (the platform\'s engine refuses it)');
      else push(tests, pathTest(columnPath(key, !!top), compile(argument, false)));
    }
    return tests.length === 1 ? tests[0] : allOf(tests);
  }

  // At the top of `where`, "data.Email" names the column Email, as in `order`.
  function columnPath(key, top) {
    var parts = split(key, '.');
    if (!top || parts.length < 2 || parts[0] !== 'data') return parts;
    var column = [];
    for (var i = 1; i < parts.length; i++) push(column, parts[i]);
    return column;
  }

  function compileWhere(where) {
    if (where === undefined || where === null) return function () { return true; };
    if (!isObject(where) || isRegExp(where) || isDate(where)) {
      throw invalid('`where` must be an object, not ' + stringify(where));
    }
    var check = compile(transported(where), true);
    return function (record) {
      var saved = activeRoot;
      activeRoot = { record: record };
      try {
        return !!check(activeRoot, undefined, undefined);
      } finally {
        activeRoot = saved;
      }
    };
  }

  function matches(record, where) { return compileWhere(where)(record); }

  // --- order ----------------------------------------------------------------------------------------

  function valueAt(record, path) {
    if (own(RECORD_FIELDS, path)) return record[path];
    if (path.length > 5 && slice(path, 0, 5) === 'data.') path = slice(path, 5);
    var value = record.data;
    if (own(value, path)) return value[path];
    // A dotted path walks into nested objects when no column has the whole name.
    return walk(record.data, split(path, '.'), 0);
  }

  // Through an array of objects, a path collects the values of each element ("Scores.subject" →
  // ["math", "art"]).
  function walk(value, parts, at) {
    if (at === parts.length) return value;
    if (isArray(value) && NumberCtor(parts[at]) !== NumberCtor(parts[at])) {
      var found = [];
      for (var i = 0; i < value.length; i++) {
        var inner = walk(value[i], parts, at);
        if (inner !== undefined) push(found, inner);
      }
      return found.length ? found : undefined;
    }
    if (value === null || typeof value !== 'object' || !own(value, parts[at])) return undefined;
    return walk(value[parts[at]], parts, at + 1);
  }

  // Ordering across types, as for `order`: numbers, then text, then booleans, then anything else.
  function rank(value) {
    if (typeof value === 'number') return 0;
    if (typeof value === 'string') return 1;
    if (typeof value === 'boolean') return 2;
    return 3;
  }

  function compare(a, b) {
    var ra = rank(a), rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 3) return 0;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // --- $filters: the platform's own conditions (docs/API/datasources/query-operators.md) -------------

  function numeric(value) {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && apply(trimText, value, []) !== '' && NumberCtor(value) === NumberCtor(value)) {
      return NumberCtor(value);
    }
    return null;
  }

  // Filters compare numbers as numbers and text without regard to case, as the platform's UI does.
  function filterCompare(a, b) {
    var na = numeric(a), nb = numeric(b);
    if (na !== null && nb !== null) return na < nb ? -1 : na > nb ? 1 : 0;
    if (a === null || a === undefined || b === null || b === undefined) return null;
    var ta = lower(toText(a)), tb = lower(toText(b));
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  }

  function isEmpty(value) {
    return value === undefined || value === null || value === '' || (isArray(value) && value.length === 0) ||
      (isObject(value) && keysOf(value).length === 0);
  }

  function anyElement(value, predicate) {
    if (predicate(value)) return true;
    if (!isArray(value)) return false;
    for (var i = 0; i < value.length; i++) if (predicate(value[i])) return true;
    return false;
  }

  var UNITS = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
  var TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
  var DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
  var DAY_AND_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

  // A moment as the date conditions read it: {time (ms, UTC), precision, clock (time of day only)}.
  // Text without a zone is UTC; the precision is the finest part the text gives (a day, a minute…).
  function moment(value) {
    if (typeof value === 'number') return { time: value, precision: 'millisecond', clock: false };
    if (typeof value !== 'string' || value === '') return null;
    var m = exec(TIME_OF_DAY, value);
    if (m) {
      return { time: ((+m[1] * 60 + +m[2]) * 60 + (m[3] ? +m[3] : 0)) * 1000,
               precision: m[3] ? 'second' : 'minute', clock: true };
    }
    m = exec(DAY, value);
    if (m) return { time: dateUTC(+m[1], +m[2] - 1, +m[3]), precision: 'day', clock: false };
    m = exec(DAY_AND_TIME, value);
    var time = m && !m[7] ? dateUTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0) : dateParse(value);
    if (time !== time) return null;
    return { time: time, precision: m && !m[6] ? 'minute' : 'second', clock: false };
  }

  // The start of the unit holding `time`; weeks start on Sunday (inferred: the platform does not say).
  function partsOf(time) {
    var d = new RealDate(time), parts = [];
    for (var i = 0; i < dateParts.length; i++) push(parts, apply(dateParts[i], d, []));
    return parts;  // [year, month, day, hours, minutes, seconds, weekday]
  }

  function startOf(time, unit) {
    var p = partsOf(time);
    switch (unit) {
      case 'year': return dateUTC(p[0], 0, 1);
      case 'quarter': return dateUTC(p[0], p[1] - p[1] % 3, 1);
      case 'month': return dateUTC(p[0], p[1], 1);
      case 'week': return dateUTC(p[0], p[1], p[2] - p[6]);
      case 'day': return dateUTC(p[0], p[1], p[2]);
      case 'hour': return dateUTC(p[0], p[1], p[2], p[3]);
      case 'minute': return dateUTC(p[0], p[1], p[2], p[3], p[4]);
      case 'second': return dateUTC(p[0], p[1], p[2], p[3], p[4], p[5]);
      default: return time;
    }
  }

  // -1, 0 or 1: the entry's moment against the condition's, at `unit` or the condition's own precision.
  // Against a time of day ("17:30"), only the entry's time of day counts.
  function dateOrder(actual, expected, unit) {
    var a = moment(actual), e = moment(expected);
    if (a === null || e === null) return null;
    var at = a.time;
    if (e.clock && !a.clock) at = at - startOf(at, 'day');
    if (!e.clock && a.clock) return null;
    var precision = unit === undefined ? e.precision : unit;
    var x = startOf(at, precision), y = startOf(e.time, precision);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function unitOf(filter) {
    if (filter.unit === undefined || filter.unit === null) return undefined;
    for (var i = 0; i < UNITS.length; i++) if (UNITS[i] === filter.unit) return filter.unit;
    throw invalid('$filters unit ' + stringify(filter.unit) + ' is not one of year, quarter, month, week, day, hour, ' +
                  'minute, second');
  }

  function bound(filter, side) {
    var end = filter[side];
    if (!isObject(end) || !own(end, 'value')) {
      throw invalid('$filters condition datebetween takes from: {value} and to: {value}');
    }
    return end.value;
  }

  function numericRange(value) {
    if (isObject(value) && own(value, 'from') && own(value, 'to')) return value;
    throw invalid('$filters condition between takes value: {from, to}');
  }

  function matchesFilter(actual, filter) {
    var expected = filter.value, order;
    switch (filter.condition) {
      case '==': order = filterCompare(actual, expected); return order === 0;
      case '!=': order = filterCompare(actual, expected); return order !== 0;
      case '>': order = filterCompare(actual, expected); return order !== null && order > 0;
      case '>=': order = filterCompare(actual, expected); return order !== null && order >= 0;
      case '<': order = filterCompare(actual, expected); return order !== null && order < 0;
      case '<=': order = filterCompare(actual, expected); return order !== null && order <= 0;
      case 'contains':
        if (isEmpty(actual)) return false;
        return anyElement(actual, function (v) {
          return !isObject(v) && !isArray(v) && contains(lower(toText(v)), lower(toText(expected)));
        });
      case 'empty': return isEmpty(actual);
      case 'notempty': return !isEmpty(actual);
      case 'between': {
        var span = numericRange(expected);
        var low = filterCompare(actual, span.from), high = filterCompare(actual, span.to);
        return low !== null && high !== null && low >= 0 && high <= 0;
      }
      case 'oneof': {
        var options = isArray(expected) ? expected
          : typeof expected === 'string' ? split(expected, ',') : [expected];
        for (var i = 0; i < options.length; i++) {
          var option = typeof options[i] === 'string' ? apply(trimText, options[i], []) : options[i];
          if (anyElement(actual, function (v) { return filterCompare(v, option) === 0; })) return true;
        }
        return false;
      }
      case 'dateis': order = dateOrder(actual, expected, unitOf(filter)); return order === 0;
      case 'datebefore': order = dateOrder(actual, expected, unitOf(filter)); return order !== null && order < 0;
      case 'dateafter': order = dateOrder(actual, expected, unitOf(filter)); return order !== null && order > 0;
      case 'datebetween': {
        var unit = unitOf(filter);
        var from = dateOrder(actual, bound(filter, 'from'), unit), to = dateOrder(actual, bound(filter, 'to'), unit);
        return from !== null && to !== null && from >= 0 && to <= 0;
      }
      default: throw invalid('unknown $filters condition ' + stringify(filter.condition));
    }
  }

  function filtersTest(filters) {
    if (!isArray(filters)) throw invalid('$filters takes an array of {column, condition, value}');
    for (var i = 0; i < filters.length; i++) {
      var filter = filters[i];
      if (!isObject(filter) || typeof filter.column !== 'string' || typeof filter.condition !== 'string') {
        throw invalid('$filters[' + i + '] must be {column, condition, value}');
      }
      unitOf(filter);
    }
    return function () {
      for (var j = 0; j < filters.length; j++) {
        if (!matchesFilter(valueAt(activeRoot.record, filters[j].column), filters[j])) return false;
      }
      return true;
    };
  }

  return { compile: compileWhere, matches: matches, valueAt: valueAt, compare: compare, coded: coded,
           codeOf: codeOf };
})();
