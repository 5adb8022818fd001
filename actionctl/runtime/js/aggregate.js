// `find({aggregate: [...]})`: the platform runs the pipeline with the Mingo library over the records
// (`{id, data, createdAt, …}`, so paths read `data.Column`). This is the part of Mingo's pipeline that
// Data Source code uses; a stage or operator outside it is refused by name rather than guessed at.
//
// `__actionctlAggregate(records, pipeline, matches)` answers the pipeline's output; `matches` is the
// `where` engine, which `$match` reuses. Built-ins are taken now, before user code can replace them.
var __actionctlAggregate = (function () {
  'use strict';

  var stringify = JSON.stringify;
  var parse = JSON.parse;
  var apply = Reflect.apply;
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  var hasOwn = Object.prototype.hasOwnProperty;
  var sortArray = Array.prototype.sort;

  function own(object, key) { return object !== null && object !== undefined && apply(hasOwn, object, [key]); }
  function push(list, item) { list[list.length] = item; }
  function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }

  // Tagged with its catalogue code where user code cannot see it (query.js); datasources.js adds the status.
  var coded = __actionctlQuery.coded;
  function invalid(message) { return coded('aggregate: ' + message, 'QUERY_INVALID'); }

  // --- expressions: "$path", literals, objects of expressions -------------------------------------

  function path(document, dotted) {
    var parts = dotted.split('.'), value = document;
    for (var i = 0; i < parts.length; i++) {
      if (isArray(value)) {
        var found = [];
        for (var j = 0; j < value.length; j++) {
          var inner = path(value[j], parts.slice(i).join('.'));
          if (inner !== undefined) push(found, inner);
        }
        return found;
      }
      if (value === null || typeof value !== 'object' || !own(value, parts[i])) return undefined;
      value = value[parts[i]];
    }
    return value;
  }

  function evaluate(document, expression) {
    if (typeof expression === 'string' && expression.charAt(0) === '$') return path(document, expression.slice(1));
    if (isArray(expression)) {
      var list = [];
      for (var i = 0; i < expression.length; i++) push(list, evaluate(document, expression[i]));
      return list;
    }
    if (!isObject(expression)) return expression;
    var keys = keysOf(expression);
    if (keys.length === 1 && keys[0].charAt(0) === '$') return operator(document, keys[0], expression[keys[0]]);
    var out = {};
    for (var k = 0; k < keys.length; k++) out[keys[k]] = evaluate(document, expression[keys[k]]);
    return out;
  }

  function numbers(values) {
    var out = [];
    for (var i = 0; i < values.length; i++) if (typeof values[i] === 'number') push(out, values[i]);
    return out;
  }

  function operator(document, name, argument) {
    var args = isArray(argument) ? evaluate(document, argument) : [evaluate(document, argument)];
    switch (name) {
      case '$add': return total(numbers(args));
      case '$subtract': return args[0] - args[1];
      case '$multiply': return product(numbers(args));
      case '$divide': return args[0] / args[1];
      case '$concat': return args.join('');
      case '$toUpper': return String(args[0] === undefined || args[0] === null ? '' : args[0]).toUpperCase();
      case '$toLower': return String(args[0] === undefined || args[0] === null ? '' : args[0]).toLowerCase();
      case '$size': return isArray(args[0]) ? args[0].length : invalidSize();
      case '$ifNull': return args[0] === undefined || args[0] === null ? args[1] : args[0];
      case '$eq': return stringify(args[0]) === stringify(args[1]);
      default: throw invalid('the expression operator ' + name + ' is not emulated locally');
    }
  }

  function invalidSize() { throw invalid('$size takes an array'); }
  function total(values) { var sum = 0; for (var i = 0; i < values.length; i++) sum += values[i]; return sum; }
  function product(values) { var out = 1; for (var i = 0; i < values.length; i++) out *= values[i]; return out; }

  // --- $group accumulators ---------------------------------------------------------------------------

  function accumulate(name, values) {
    switch (name) {
      case '$sum': return total(numbers(values));
      case '$avg': var n = numbers(values); return n.length ? total(n) / n.length : null;
      case '$min': return extreme(values, -1);
      case '$max': return extreme(values, 1);
      case '$first': return values.length ? values[0] : null;
      case '$last': return values.length ? values[values.length - 1] : null;
      case '$push': return values;
      case '$addToSet': return distinct(values);
      case '$count': return values.length;
      default: throw invalid('the accumulator ' + name + ' is not emulated locally');
    }
  }

  function extreme(values, sign) {
    var best;
    for (var i = 0; i < values.length; i++) {
      var value = values[i];
      if (value === undefined || value === null) continue;
      if (best === undefined || (sign > 0 ? value > best : value < best)) best = value;
    }
    return best === undefined ? null : best;
  }

  function distinct(values) {
    var seen = {}, out = [];
    for (var i = 0; i < values.length; i++) {
      var key = stringify(values[i] === undefined ? null : values[i]);
      if (!own(seen, key)) { seen[key] = true; push(out, values[i]); }
    }
    return out;
  }

  function group(documents, spec) {
    if (!isObject(spec) || !own(spec, '_id')) throw invalid('$group needs an `_id`');
    var order = [], groups = {};
    for (var i = 0; i < documents.length; i++) {
      var id = evaluate(documents[i], spec._id);
      var key = stringify(id === undefined ? null : id);
      if (!own(groups, key)) { groups[key] = { id: id === undefined ? null : id, members: [] }; push(order, key); }
      push(groups[key].members, documents[i]);
    }
    var fields = keysOf(spec), out = [];
    for (var g = 0; g < order.length; g++) {
      var found = groups[order[g]], row = { _id: found.id };
      for (var f = 0; f < fields.length; f++) {
        if (fields[f] === '_id') continue;
        row[fields[f]] = accumulator(found.members, fields[f], spec[fields[f]]);
      }
      push(out, row);
    }
    return out;
  }

  function accumulator(members, field, definition) {
    var names = isObject(definition) ? keysOf(definition) : [];
    if (names.length !== 1) throw invalid('$group field `' + field + '` takes one accumulator, like {$sum: 1}');
    var values = [];
    for (var m = 0; m < members.length; m++) push(values, evaluate(members[m], definition[names[0]]));
    return accumulate(names[0], values);
  }

  // --- the other stages ------------------------------------------------------------------------------

  function project(documents, spec) {
    if (!isObject(spec)) throw invalid('$project takes an object');
    // All fields 0 excludes them; otherwise the listed fields are kept (and `_id` unless it is 0).
    var fields = keysOf(spec), excluding = fields.length > 0;
    for (var i = 0; i < fields.length; i++) if (!(spec[fields[i]] === 0 || spec[fields[i]] === false)) excluding = false;
    var out = [];
    for (var d = 0; d < documents.length; d++) push(out, excluding ? without(documents[d], spec) : shaped(documents[d], spec));
    return out;
  }

  function without(document, spec) {
    var out = {}, keys = keysOf(document);
    for (var i = 0; i < keys.length; i++) if (!own(spec, keys[i])) out[keys[i]] = document[keys[i]];
    return out;
  }

  function shaped(document, spec) {
    var out = {}, fields = keysOf(spec);
    if (!own(spec, '_id') && own(document, '_id')) out._id = document._id;
    if (!own(spec, '_id') && own(document, 'id')) out.id = document.id;
    for (var i = 0; i < fields.length; i++) {
      var rule = spec[fields[i]];
      if (rule === 0 || rule === false) continue;
      var value = rule === 1 || rule === true ? path(document, fields[i]) : evaluate(document, rule);
      if (value !== undefined) place(out, fields[i], value);
    }
    return out;
  }

  // Stages that write into a document write into a copy: the input documents may share objects.
  function clone(document) { return parse(stringify(document)); }

  // A field named by the pipeline (which may come from a payload) is written as the document's own: a
  // path through `__proto__` would otherwise change every object of the run.
  function unsafe(field) { return field === '__proto__' || field === 'constructor' || field === 'prototype'; }

  function place(target, dotted, value) {
    var parts = dotted.split('.');
    for (var p = 0; p < parts.length; p++) {
      if (unsafe(parts[p])) throw invalid('cannot write the field ' + stringify(dotted));
    }
    for (var i = 0; i < parts.length - 1; i++) {
      if (!own(target, parts[i]) || !isObject(target[parts[i]])) target[parts[i]] = {};
      target = target[parts[i]];
    }
    target[parts[parts.length - 1]] = value;
  }

  function addFields(documents, spec) {
    if (!isObject(spec)) throw invalid('$addFields takes an object');
    var out = [], fields = keysOf(spec);
    for (var d = 0; d < documents.length; d++) {
      var copy = clone(documents[d]);
      for (var i = 0; i < fields.length; i++) place(copy, fields[i], evaluate(documents[d], spec[fields[i]]));
      push(out, copy);
    }
    return out;
  }

  function compareValues(a, b) {
    if (a === b) return 0;
    if (a === undefined || a === null) return -1;
    if (b === undefined || b === null) return 1;
    if (typeof a !== typeof b) return typeof a < typeof b ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sort(documents, spec) {
    if (!isObject(spec)) throw invalid('$sort takes {path: 1 | -1}');
    var fields = keysOf(spec);
    return apply(sortArray, documents.slice(), [function (a, b) {
      for (var i = 0; i < fields.length; i++) {
        var result = compareValues(path(a, fields[i]), path(b, fields[i]));
        if (result) return spec[fields[i]] < 0 ? -result : result;
      }
      return 0;
    }]);
  }

  function unwind(documents, spec) {
    var field = typeof spec === 'string' ? spec : isObject(spec) ? spec.path : undefined;
    if (typeof field !== 'string' || field.charAt(0) !== '$') throw invalid('$unwind takes a "$path"');
    var out = [];
    for (var d = 0; d < documents.length; d++) {
      var values = path(documents[d], field.slice(1));
      if (!isArray(values)) { if (values !== undefined && values !== null) push(out, documents[d]); continue; }
      for (var i = 0; i < values.length; i++) {
        var copy = clone(documents[d]);
        place(copy, field.slice(1), values[i]);
        push(out, copy);
      }
    }
    return out;
  }

  function count(name) {
    if (typeof name === 'string' && name) return name;
    throw invalid('$count takes the name of the output field');
  }

  // The `where` engine reads paths inside a record's `data` (and drops a leading "data."); Mingo's
  // `$match` reads them from the top of each document. Handing it {data: document} with every path
  // prefixed by "data." gives the top-level reading, whatever the document's shape.
  function relative(where) {
    if (isArray(where)) {
      var list = [];
      for (var i = 0; i < where.length; i++) push(list, relative(where[i]));
      return list;
    }
    if (!isObject(where)) return where;
    var out = {}, keys = keysOf(where);
    for (var k = 0; k < keys.length; k++) {
      var key = keys[k];
      if (key.charAt(0) !== '$') out['data.' + key] = where[key];
      else out[key] = key === '$and' || key === '$or' || key === '$nor' || key === '$not' ? relative(where[key]) : where[key];
    }
    return out;
  }

  function stage(documents, step, matches) {
    var names = isObject(step) ? keysOf(step) : [];
    if (names.length !== 1) throw invalid('each stage is an object with one operator, not ' + stringify(step));
    var argument = step[names[0]];
    switch (names[0]) {
      case '$match':
        var where = relative(argument), kept = [];
        for (var i = 0; i < documents.length; i++) if (matches({ data: documents[i] }, where)) push(kept, documents[i]);
        return kept;
      case '$group': return group(documents, argument);
      case '$project': return project(documents, argument);
      case '$addFields': case '$set': return addFields(documents, argument);
      case '$sort': return sort(documents, argument);
      case '$limit': return documents.slice(0, argument);
      case '$skip': return documents.slice(argument);
      case '$unwind': return unwind(documents, argument);
      case '$count': var row = {}; row[count(argument)] = documents.length; return documents.length ? [row] : [];
      default: throw invalid('the stage ' + names[0] + ' is not emulated locally');
    }
  }

  return function (records, pipeline, matches) {
    if (!isArray(pipeline)) throw invalid('`aggregate` is a list of stages');
    var documents = records;
    for (var i = 0; i < pipeline.length; i++) documents = stage(documents, pipeline[i], matches);
    return documents;
  };
})();
