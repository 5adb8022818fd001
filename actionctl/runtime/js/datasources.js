// `Fliplet.DataSources` as an action sees it, served from fixture data inside the isolate.
//
// `__actionctlDataSources(state)` builds the namespace over `state.sources` (data-source id as text →
// {id, name, columns, entries}); every write is recorded in `state.changes` as
// {dataSourceId, op: insert|update|remove, id, before, after} so the host can show it as a diff and,
// when asked, write it back to the fixture files. `state.now()` answers the (possibly frozen) time.
//
// Records cross the API boundary as deep copies, as they would over the service's transport, so an
// action that mutates what it was given changes nothing until it writes it back.
//
// This file is evaluated before user code, in the same realm; the built-ins it relies on are taken
// now, so an action that later replaces `Array.prototype.sort` or `JSON` does not change how the
// mock answers.
var __actionctlDataSources = (function () {
  'use strict';

  var parse = JSON.parse;
  var stringify = JSON.stringify;
  var apply = Reflect.apply;
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  var hasOwn = Object.prototype.hasOwnProperty;
  var toTag = Object.prototype.toString;
  var sortArray = Array.prototype.sort;
  var toLower = String.prototype.toLowerCase;
  var indexOfText = String.prototype.indexOf;
  var regexTest = RegExp.prototype.test;
  var RegExpCtor = RegExp;
  var StringCtor = String;
  var NumberCtor = Number;
  var RealDate = Date;
  var dateParse = Date.parse;
  var realNow = Date.now;
  var floor = Math.floor;

  // The service allows 200 Data Sources calls per 10 s; a local run that exceeds it fails the same way.
  var RATE_LIMIT = 200;
  var RATE_WINDOW_MS = 10000;

  // Fields a record has outside `data`: `order` and `where` may name them too.
  var RECORD_FIELDS = { id: true, createdAt: true, updatedAt: true, dataSourceId: true };
  var DIGITS = /^\d+$/;

  function own(object, key) { return object !== null && object !== undefined && apply(hasOwn, object, [key]); }
  function tag(value) { return apply(toTag, value, []); }
  function lower(text) { return apply(toLower, text, []); }
  function contains(text, part) { return apply(indexOfText, text, [part]) >= 0; }
  function test(regex, text) { return apply(regexTest, regex, [text]); }
  function push(list, item) { list[list.length] = item; }
  function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }
  function isDate(value) { return value !== null && typeof value === 'object' && tag(value) === '[object Date]'; }
  function isRegExp(value) { return value !== null && typeof value === 'object' && tag(value) === '[object RegExp]'; }

  // JSON round trip: what the transport would make of a value (dates become ISO text, functions vanish).
  function copy(value) { return value === undefined ? undefined : parse(stringify(value)); }

  function coded(message, code) {
    var error = new Error(message);
    error.code = code;
    return error;
  }

  function invalid(message) { return coded(message, 'WHERE_INVALID'); }

  // --- comparing values ------------------------------------------------------------------------

  // Values taken from `where` are normalised as the transport would send them.
  function operand(value) { return isDate(value) ? value.toISOString() : value; }

  function deepEqual(a, b) {
    if (a === b) return true;
    if (isArray(a) && isArray(b)) {
      if (a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
      return true;
    }
    if (isObject(a) && isObject(b)) {
      var ka = keysOf(a), kb = keysOf(b);
      if (ka.length !== kb.length) return false;
      for (var j = 0; j < ka.length; j++) if (!own(b, ka[j]) || !deepEqual(a[ka[j]], b[ka[j]])) return false;
      return true;
    }
    return false;
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

  // `$gt` and friends compare like with like (Mongo semantics): 5 is not greater than "4".
  function comparable(a, b) {
    return (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  }

  // --- where: MongoDB-style operators on the record's data --------------------------------------

  function valueAt(record, path) {
    if (own(RECORD_FIELDS, path)) return record[path];
    if (path.length > 5 && path.slice(0, 5) === 'data.') path = path.slice(5);
    var value = record.data;
    if (own(value, path)) return value[path];
    // A dotted path walks into nested objects when no column has the whole name.
    return walk(record.data, path.split('.'), 0);
  }

  // Through an array of objects, a path collects the values of each element ("Scores.subject" →
  // ["math", "art"]), so a plain value matches when any element has it, as in MongoDB.
  function walk(value, parts, at) {
    if (at === parts.length) return value;
    if (isArray(value) && !test(DIGITS, parts[at])) {
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

  function matchesWhere(record, where) {
    if (where === undefined || where === null) return true;
    if (!isObject(where)) throw invalid('`where` must be an object, not ' + stringify(where));
    var keys = keysOf(where);
    for (var i = 0; i < keys.length; i++) {
      var key = keys[i], condition = where[key];
      if (key.charAt(0) === '$') {
        if (!matchesLogical(record, key, condition)) return false;
      } else if (!matchesField(valueAt(record, key), condition)) {
        return false;
      }
    }
    return true;
  }

  function matchesLogical(record, operator, condition) {
    if (operator === '$filters') return matchesFilters(record, condition);
    if (operator === '$not') return !matchesWhere(record, condition);
    if (operator !== '$and' && operator !== '$or' && operator !== '$nor') {
      throw invalid('unknown operator ' + operator + ' at the top of `where`');
    }
    if (!isArray(condition) || condition.length === 0) throw invalid(operator + ' takes a non-empty array');
    for (var i = 0; i < condition.length; i++) {
      var hit = matchesWhere(record, condition[i]);
      if (operator === '$and' && !hit) return false;
      if (operator === '$or' && hit) return true;
      if (operator === '$nor' && hit) return false;
    }
    return operator !== '$or';
  }

  function isOperatorObject(condition) {
    if (!isObject(condition)) return false;
    var keys = keysOf(condition);
    if (keys.length === 0) return false;
    var dollars = 0;
    for (var i = 0; i < keys.length; i++) if (keys[i].charAt(0) === '$') dollars++;
    if (dollars && dollars !== keys.length) throw invalid('cannot mix operators and column names in ' + stringify(condition));
    return dollars > 0;
  }

  function matchesField(value, condition) {
    if (isRegExp(condition)) return matchesRegex(value, condition);
    if (!isOperatorObject(condition)) return equalsOrContains(value, operand(condition));
    var operators = keysOf(condition);
    for (var i = 0; i < operators.length; i++) {
      var name = operators[i];
      if (name === '$options') {
        if (!own(condition, '$regex')) throw invalid('$options is only valid next to $regex');
        continue;
      }
      if (!matchesOperator(value, name, condition[name], condition)) return false;
    }
    return true;
  }

  // A column holding an array matches a plain value when the whole array equals it or any element does.
  function equalsOrContains(value, expected) {
    if (deepEqual(value, expected)) return true;
    if (expected === null && value === undefined) return true;
    if (isArray(value)) {
      for (var i = 0; i < value.length; i++) if (deepEqual(value[i], expected)) return true;
    }
    return false;
  }

  function anyElement(value, predicate) {
    if (predicate(value)) return true;
    if (!isArray(value)) return false;
    for (var i = 0; i < value.length; i++) if (predicate(value[i])) return true;
    return false;
  }

  function matchesOperator(value, name, argument, condition) {
    argument = operand(argument);
    switch (name) {
      case '$eq': return equalsOrContains(value, argument);
      case '$ne': return !equalsOrContains(value, argument);
      case '$gt': return anyElement(value, function (v) { return comparable(v, argument) && v > argument; });
      case '$gte': return anyElement(value, function (v) { return comparable(v, argument) && v >= argument; });
      case '$lt': return anyElement(value, function (v) { return comparable(v, argument) && v < argument; });
      case '$lte': return anyElement(value, function (v) { return comparable(v, argument) && v <= argument; });
      case '$in': return matchesIn(value, listArgument(name, argument));
      case '$nin': return !matchesIn(value, listArgument(name, argument));
      case '$all': return matchesAll(value, listArgument(name, argument));
      case '$size':
        if (typeof argument !== 'number') throw invalid('$size takes a number');
        return isArray(value) && value.length === argument;
      case '$exists': return (value !== undefined) === !!argument;
      case '$type': return matchesType(value, argument);
      case '$mod': return matchesMod(value, argument);
      case '$regex': return matchesRegex(value, regexFrom(argument, condition.$options));
      case '$not':
        return isRegExp(argument) ? !matchesRegex(value, argument) : !matchesField(value, argument);
      case '$elemMatch': return matchesElement(value, argument);
      case '$iLike': return matchesILike(value, argument);
      default: throw invalid('unknown operator ' + name);
    }
  }

  function listArgument(name, argument) {
    if (!isArray(argument)) throw invalid(name + ' takes an array, not ' + stringify(argument));
    return argument;
  }

  function matchesIn(value, candidates) {
    for (var i = 0; i < candidates.length; i++) {
      var candidate = operand(candidates[i]);
      if (isRegExp(candidate) ? matchesRegex(value, candidate) : equalsOrContains(value, candidate)) return true;
    }
    return false;
  }

  function matchesAll(value, required) {
    if (!isArray(value)) return false;
    for (var i = 0; i < required.length; i++) {
      var wanted = required[i];
      if (isObject(wanted) && own(wanted, '$elemMatch')) {
        if (!matchesElement(value, wanted.$elemMatch)) return false;
      } else if (!equalsOrContains(value, operand(wanted))) {
        return false;
      }
    }
    return required.length > 0;
  }

  function matchesElement(value, query) {
    if (!isArray(value)) return false;
    if (!isObject(query)) throw invalid('$elemMatch takes an object');
    for (var i = 0; i < value.length; i++) {
      var element = value[i];
      // {$gte: 80, $lt: 85} applies to the element itself; {product: "x"} is a query on an object element.
      if (isOperatorObject(query) ? matchesField(element, query)
          : isObject(element) && matchesWhere({ data: element }, query)) return true;
    }
    return false;
  }

  var TYPE_ALIASES = {
    1: 'double', 2: 'string', 3: 'object', 4: 'array', 8: 'bool', 10: 'null', 16: 'int', 18: 'long',
    boolean: 'bool', integer: 'int'
  };

  function typeNameMatches(value, name) {
    name = own(TYPE_ALIASES, name) ? TYPE_ALIASES[name] : name;
    switch (name) {
      case 'string': return typeof value === 'string';
      case 'number': return typeof value === 'number';
      case 'double': return typeof value === 'number';
      case 'int': case 'long': return typeof value === 'number' && floor(value) === value;
      case 'bool': return typeof value === 'boolean';
      case 'null': return value === null;
      case 'array': return isArray(value);
      case 'object': return isObject(value);
      default: throw invalid('$type does not know the type ' + stringify(name));
    }
  }

  function matchesType(value, argument) {
    var names = isArray(argument) ? argument : [argument];
    for (var i = 0; i < names.length; i++) {
      if (value !== undefined && typeNameMatches(value, names[i])) return true;
    }
    return false;
  }

  function matchesMod(value, argument) {
    if (!isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'number' ||
        typeof argument[1] !== 'number' || argument[0] === 0) {
      throw invalid('$mod takes [divisor, remainder] with a non-zero divisor');
    }
    return anyElement(value, function (v) { return typeof v === 'number' && v % argument[0] === argument[1]; });
  }

  function regexFrom(pattern, options) {
    if (isRegExp(pattern)) return options === undefined ? pattern : new RegExpCtor(pattern.source, options);
    if (typeof pattern !== 'string') throw invalid('$regex takes a string or a RegExp');
    try {
      return new RegExpCtor(pattern, options === undefined ? '' : StringCtor(options));
    } catch (error) {
      throw invalid('$regex ' + stringify(pattern) + ' is not a valid pattern: ' + error.message);
    }
  }

  function matchesRegex(value, regex) {
    return anyElement(value, function (v) {
      regex.lastIndex = 0;
      return typeof v === 'string' && test(regex, v);
    });
  }

  // `$iLike` is case-insensitive. A pattern with `%` follows SQL LIKE (`%` any run, `_` one character,
  // anchored); a pattern without one matches as a substring, as the platform's filters do.
  function matchesILike(value, pattern) {
    if (typeof pattern !== 'string') throw invalid('$iLike takes text');
    if (!contains(pattern, '%')) {
      var part = lower(pattern);
      return anyElement(value, function (v) { return typeof v === 'string' && contains(lower(v), part); });
    }
    var source = '';
    for (var i = 0; i < pattern.length; i++) {
      var ch = pattern.charAt(i);
      source += ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\\/]/g, '\\$&');
    }
    return matchesRegex(value, new RegExpCtor('^' + source + '$', 'i'));
  }

  // --- $filters: the platform's own filter conditions -------------------------------------------

  function numeric(value) {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value.trim() !== '' && !isNaN(NumberCtor(value))) return NumberCtor(value);
    return null;
  }

  // Filters compare numbers as numbers and text without regard to case, as the platform's UI does.
  function filterCompare(a, b) {
    var na = numeric(a), nb = numeric(b);
    if (na !== null && nb !== null) return na < nb ? -1 : na > nb ? 1 : 0;
    if (a === null || a === undefined || b === null || b === undefined) return null;
    var ta = lower(StringCtor(a)), tb = lower(StringCtor(b));
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  }

  function isEmpty(value) {
    return value === undefined || value === null || value === '' || (isArray(value) && value.length === 0);
  }

  // Dates compare by calendar day (UTC), as the date conditions pick days, not instants.
  function day(value) {
    if (isEmpty(value)) return null;
    var time = typeof value === 'number' ? value : dateParse(StringCtor(operand(value)));
    if (time !== time) return null;
    return new RealDate(time).toISOString().slice(0, 10);
  }

  function range(condition, value) {
    if (isArray(value) && value.length === 2) return { from: value[0], to: value[1] };
    if (isObject(value) && own(value, 'from') && own(value, 'to')) return { from: value.from, to: value.to };
    throw invalid('$filters condition ' + condition + ' takes {from, to} or [from, to]');
  }

  function matchesFilter(actual, condition, expected) {
    var order;
    switch (condition) {
      case '==': order = filterCompare(actual, expected); return order === 0;
      case '!=': order = filterCompare(actual, expected); return order !== 0;
      case '>': order = filterCompare(actual, expected); return order !== null && order > 0;
      case '>=': order = filterCompare(actual, expected); return order !== null && order >= 0;
      case '<': order = filterCompare(actual, expected); return order !== null && order < 0;
      case '<=': order = filterCompare(actual, expected); return order !== null && order <= 0;
      case 'contains':
        if (isEmpty(actual)) return false;
        return anyElement(actual, function (v) {
          return !isObject(v) && !isArray(v) && contains(lower(StringCtor(v)), lower(StringCtor(expected)));
        });
      case 'empty': return isEmpty(actual);
      case 'notempty': return !isEmpty(actual);
      case 'between': {
        var span = range(condition, expected);
        var low = filterCompare(actual, span.from), high = filterCompare(actual, span.to);
        return low !== null && high !== null && low >= 0 && high <= 0;
      }
      case 'oneof': {
        var options = isArray(expected) ? expected : typeof expected === 'string' ? expected.split(',') : [expected];
        for (var i = 0; i < options.length; i++) {
          var option = typeof options[i] === 'string' ? options[i].trim() : options[i];
          if (anyElement(actual, function (v) { return filterCompare(v, option) === 0; })) return true;
        }
        return false;
      }
      case 'dateis': return day(actual) !== null && day(actual) === day(expected);
      case 'datebefore': return day(actual) !== null && day(expected) !== null && day(actual) < day(expected);
      case 'dateafter': return day(actual) !== null && day(expected) !== null && day(actual) > day(expected);
      case 'datebetween': {
        var days = range(condition, expected), today = day(actual);
        return today !== null && today >= day(days.from) && today <= day(days.to);
      }
      default: throw invalid('unknown $filters condition ' + stringify(condition));
    }
  }

  function matchesFilters(record, filters) {
    if (!isArray(filters)) throw invalid('$filters takes an array of {column, condition, value}');
    for (var i = 0; i < filters.length; i++) {
      var filter = filters[i];
      if (!isObject(filter) || typeof filter.column !== 'string' || typeof filter.condition !== 'string') {
        throw invalid('$filters[' + i + '] must be {column, condition, value}');
      }
      if (!matchesFilter(valueAt(record, filter.column), filter.condition, operand(filter.value))) return false;
    }
    return true;
  }

  // --- find options ------------------------------------------------------------------------------

  function orderBy(records, order) {
    if (order === undefined || order === null) return records;
    if (!isArray(order)) throw coded('`order` is a list of [column, "ASC"|"DESC"] pairs', 'QUERY_INVALID');
    var keys = [];
    for (var i = 0; i < order.length; i++) {
      var pair = isArray(order[i]) ? order[i] : [order[i], 'ASC'];
      var direction = StringCtor(pair[1] === undefined ? 'ASC' : pair[1]).toUpperCase();
      if (typeof pair[0] !== 'string' || (direction !== 'ASC' && direction !== 'DESC')) {
        throw coded('cannot order by ' + stringify(order[i]) + ': use ["data.Column", "ASC"|"DESC"]', 'QUERY_INVALID');
      }
      push(keys, { path: pair[0], sign: direction === 'ASC' ? 1 : -1 });
    }
    // Missing values sort last ascending and first descending, as in the service's database.
    function byKeys(a, b) {
      for (var k = 0; k < keys.length; k++) {
        var va = valueAt(a, keys[k].path), vb = valueAt(b, keys[k].path);
        var na = va === undefined || va === null, nb = vb === undefined || vb === null;
        var result = na || nb ? (na === nb ? 0 : na ? 1 : -1) : compare(va, vb);
        if (result) return result * keys[k].sign;
      }
      return 0;
    }
    return apply(sortArray, records, [byKeys]);  // stable since ES2019, so ties keep id order
  }

  function count(value, name) {
    if (value === undefined || value === null) return null;
    var number = NumberCtor(value);
    if (number !== number || number < 0 || floor(number) !== number) {
      throw coded('`' + name + '` must be a whole number ≥ 0, not ' + stringify(value), 'QUERY_INVALID');
    }
    return number;
  }

  function pick(record, attributes) {
    if (attributes === undefined || attributes === null) return record;
    if (!isArray(attributes)) throw coded('`attributes` is a list of column names', 'QUERY_INVALID');
    var data = {};
    for (var i = 0; i < attributes.length; i++) {
      var name = StringCtor(attributes[i]);
      if (name.slice(0, 5) === 'data.') name = name.slice(5);
      if (own(record.data, name)) data[name] = record.data[name];
    }
    return { id: record.id, data: data, createdAt: record.createdAt, updatedAt: record.updatedAt,
             dataSourceId: record.dataSourceId };
  }

  // --- the store -----------------------------------------------------------------------------------

  function build(state) {
    var sources = state.sources || {};
    var calls = [];

    // Every API call counts against the service's rate limit, measured on the real clock.
    function charge() {
      var now = realNow();
      while (calls.length && now - calls[0] >= RATE_WINDOW_MS) calls.shift();
      if (calls.length >= RATE_LIMIT) {
        throw coded('Data Sources rate limit: more than ' + RATE_LIMIT + ' calls in ' + RATE_WINDOW_MS / 1000 +
                    ' s', 'RATE_LIMITED');
      }
      push(calls, now);
    }

    function record(change) { push(state.changes, change); }

    function nextId(source) {
      if (source.nextId === undefined) {
        var top = 0;
        for (var i = 0; i < source.entries.length; i++) {
          var id = source.entries[i].id;
          if (typeof id === 'number' && id > top) top = id;
        }
        source.nextId = top + 1;
      }
      return source.nextId++;
    }

    function dataOf(value, what) {
      if (!isObject(value)) throw coded(what + ' takes an object of columns, not ' + stringify(value), 'DATA_INVALID');
      return copy(value);
    }

    function indexOfEntry(source, id) {
      for (var i = 0; i < source.entries.length; i++) {
        if (source.entries[i].id === id || StringCtor(source.entries[i].id) === StringCtor(id)) return i;
      }
      return -1;
    }

    function missingEntry(source, id) {
      return coded('Entry ' + stringify(id) + ' not found in data source ' + source.id, 'ENTRY_NOT_FOUND');
    }

    function insertInto(source, data) {
      var stamp = state.now();
      var entry = { id: nextId(source), data: data, createdAt: stamp, updatedAt: stamp, dataSourceId: source.id };
      push(source.entries, entry);
      record({ dataSourceId: source.id, op: 'insert', id: entry.id, before: null, after: copy(entry) });
      return entry;
    }

    function updateIn(source, index, data, merge) {
      var before = source.entries[index];
      var merged = merge ? copy(before.data) : {};
      var names = keysOf(data);
      for (var i = 0; i < names.length; i++) merged[names[i]] = data[names[i]];
      var after = { id: before.id, data: merged, createdAt: before.createdAt, updatedAt: state.now(),
                    dataSourceId: source.id };
      source.entries[index] = after;
      record({ dataSourceId: source.id, op: 'update', id: before.id, before: copy(before), after: copy(after) });
      return after;
    }

    function removeAt(source, index) {
      var before = source.entries[index];
      source.entries.splice(index, 1);
      record({ dataSourceId: source.id, op: 'remove', id: before.id, before: copy(before), after: null });
    }

    function select(source, options) {
      options = options === undefined || options === null ? {} : options;
      if (!isObject(options)) throw coded('find takes an options object', 'QUERY_INVALID');
      var hits = [];
      for (var i = 0; i < source.entries.length; i++) {
        if (matchesWhere(source.entries[i], options.where)) push(hits, source.entries[i]);
      }
      hits = orderBy(hits, options.order);
      var offset = count(options.offset, 'offset') || 0, limit = count(options.limit, 'limit');
      var page = [];
      for (var j = offset; j < hits.length && (limit === null || page.length < limit); j++) {
        push(page, copy(pick(hits[j], options.attributes)));
      }
      return { page: page, total: hits.length, limit: limit, offset: offset };
    }

    // Each method is async, like the real one: failures become rejections, never synchronous throws.
    function connection(source) {
      return {
        find: async function (options) {
          charge();
          var found = select(source, options);
          if (options && options.includePagination) {
            return { entries: found.page, pagination: { total: found.total, limit: found.limit, offset: found.offset } };
          }
          return found.page;
        },
        findOne: async function (options) {
          charge();
          var query = {};
          var given = options || {};
          var names = keysOf(given);
          for (var i = 0; i < names.length; i++) query[names[i]] = given[names[i]];
          query.limit = 1;
          return select(source, query).page[0];
        },
        findById: async function (id) {
          charge();
          var index = indexOfEntry(source, id);
          return index < 0 ? undefined : copy(source.entries[index]);
        },
        insert: async function (data) {
          charge();
          return copy(insertInto(source, dataOf(data, 'insert')));
        },
        update: async function (id, data) {
          charge();
          var index = indexOfEntry(source, id);
          if (index < 0) throw missingEntry(source, id);
          return copy(updateIn(source, index, dataOf(data, 'update'), true));
        },
        removeById: async function (id) {
          charge();
          var index = indexOfEntry(source, id);
          if (index < 0) throw missingEntry(source, id);
          removeAt(source, index);
        },
        query: async function (options) {
          charge();
          options = options || {};
          var type = options.type === undefined ? 'select' : options.type;
          if (type !== 'select') {
            throw coded('query type ' + stringify(type) + ' is not emulated locally (only "select")', 'QUERY_INVALID');
          }
          return select(source, options).page;
        },
        append: async function (rows) {
          charge();
          if (!isArray(rows)) throw coded('append takes an array of entries', 'DATA_INVALID');
          var inserted = [];
          for (var i = 0; i < rows.length; i++) push(inserted, copy(insertInto(source, dataOf(rows[i], 'append'))));
          return inserted;
        },
        replaceWith: async function (rows) {
          charge();
          if (!isArray(rows)) throw coded('replaceWith takes an array of entries', 'DATA_INVALID');
          var fresh = [];
          for (var i = 0; i < rows.length; i++) push(fresh, dataOf(rows[i], 'replaceWith'));
          while (source.entries.length) removeAt(source, source.entries.length - 1);
          var inserted = [];
          for (var j = 0; j < fresh.length; j++) push(inserted, copy(insertInto(source, fresh[j])));
          return inserted;
        },
        commit: async function (options) {
          charge();
          return commit(source, isArray(options) ? { entries: options } : options || {});
        }
      };
    }

    // commit: entries with an id update that entry (replacing its data, or merging with `extend`),
    // entries without one are inserted; entries not listed are removed unless `append` is set;
    // `delete` lists ids to remove either way.
    function commit(source, options) {
      var entries = options.entries === undefined ? [] : options.entries;
      if (!isArray(entries)) throw coded('commit takes {entries: [...]}', 'DATA_INVALID');
      var removals = options['delete'] === undefined ? [] : options['delete'];
      if (!isArray(removals)) throw coded('commit `delete` is a list of entry ids', 'DATA_INVALID');
      var planned = [];
      for (var i = 0; i < entries.length; i++) {
        var item = entries[i];
        if (!isObject(item)) throw coded('commit entries[' + i + '] must be an object', 'DATA_INVALID');
        var data = isObject(item.data) ? item.data : withoutId(item);
        var hasId = item.id !== undefined && item.id !== null;
        if (hasId && indexOfEntry(source, item.id) < 0) throw missingEntry(source, item.id);
        push(planned, { id: hasId ? item.id : null, data: dataOf(data, 'commit') });
      }
      for (var r = 0; r < removals.length; r++) {
        if (indexOfEntry(source, removals[r]) < 0) throw missingEntry(source, removals[r]);
      }
      var kept = {};
      var touched = [];
      for (var p = 0; p < planned.length; p++) {
        var plan = planned[p];
        var entry = plan.id === null ? insertInto(source, plan.data)
          : updateIn(source, indexOfEntry(source, plan.id), plan.data, !!options.extend);
        kept[StringCtor(entry.id)] = true;
        push(touched, entry);
      }
      for (var d = 0; d < removals.length; d++) {
        var at = indexOfEntry(source, removals[d]);
        if (at >= 0) removeAt(source, at);
      }
      if (!options.append) {
        for (var e = source.entries.length - 1; e >= 0; e--) {
          if (!kept[StringCtor(source.entries[e].id)]) removeAt(source, e);
        }
      }
      return options.returnEntries === false ? {} : { entries: copy(touched) };
    }

    function withoutId(item) {
      var data = {};
      var names = keysOf(item);
      for (var i = 0; i < names.length; i++) if (names[i] !== 'id') data[names[i]] = item[names[i]];
      return data;
    }

    function sourceById(id) {
      var key = StringCtor(id);
      if (!own(sources, key)) {
        throw coded('Data source ' + stringify(id) + ' not found — add fixtures/datasources/' + key + '.yaml',
                    'DATA_SOURCE_NOT_FOUND');
      }
      return sources[key];
    }

    function sourceByName(name) {
      var ids = keysOf(sources);
      for (var i = 0; i < ids.length; i++) if (sources[ids[i]].name === name) return sources[ids[i]];
      throw coded('Data source named ' + stringify(name) + ' not found in fixtures/datasources/',
                  'DATA_SOURCE_NOT_FOUND');
    }

    function summary(source) {
      return { id: source.id, name: source.name, columns: copy(source.columns || []) };
    }

    return {
      connect: async function (id) { charge(); return connection(sourceById(id)); },
      connectByName: async function (name) { charge(); return connection(sourceByName(name)); },
      get: async function () {
        charge();
        var ids = keysOf(sources), list = [];
        for (var i = 0; i < ids.length; i++) push(list, summary(sources[ids[i]]));
        return list;
      },
      getById: async function (id) { charge(); return summary(sourceById(id)); }
    };
  }

  return build;
})();
