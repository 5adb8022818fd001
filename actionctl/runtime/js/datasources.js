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
  var sortArray = Array.prototype.sort;
  var StringCtor = String;
  var NumberCtor = Number;
  var realNow = Date.now;
  var floor = Math.floor;

  // The service allows 200 Data Sources calls per 10 s; a local run that exceeds it fails the same way.
  var RATE_LIMIT = 200;
  var RATE_WINDOW_MS = 10000;

  function own(object, key) { return object !== null && object !== undefined && apply(hasOwn, object, [key]); }
  function push(list, item) { list[list.length] = item; }
  function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }

  // JSON round trip: what the transport would make of a value (dates become ISO text, functions vanish).
  function copy(value) { return value === undefined ? undefined : parse(stringify(value)); }

  function coded(message, code) {
    var error = new Error(message);
    error.code = code;
    return error;
  }

  var query = __actionctlQuery;
  var compileWhere = query.compile;
  var valueAt = query.valueAt;
  var compare = query.compare;

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
      // Compiled once per query, as the platform's engine does (a bad `where` fails even on no entries).
      var selected = compileWhere(options.where), hits = [];
      for (var i = 0; i < source.entries.length; i++) {
        if (selected(source.entries[i])) push(hits, source.entries[i]);
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
