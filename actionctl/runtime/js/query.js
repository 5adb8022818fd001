// The Data Source query engine: what `where` selects, as the platform evaluates it.
//
// `__actionctlQuery.matches(record, where)` says whether one entry ({id, data, createdAt, …}) is
// selected; `valueAt` and `compare` are what `order` sorts with. Evaluated before user code, in the same
// realm, so the built-ins it relies on are taken now.
var __actionctlQuery = (function () {
  'use strict';

  var parse = JSON.parse;
  var stringify = JSON.stringify;
  var apply = Reflect.apply;
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  var hasOwn = Object.prototype.hasOwnProperty;
  var toTag = Object.prototype.toString;
  var toLower = String.prototype.toLowerCase;
  var indexOfText = String.prototype.indexOf;
  var regexTest = RegExp.prototype.test;
  var RegExpCtor = RegExp;
  var StringCtor = String;
  var NumberCtor = Number;
  var RealDate = Date;
  var dateParse = Date.parse;
  var floor = Math.floor;

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

  return { matches: matchesWhere, valueAt: valueAt, compare: compare };
})();
