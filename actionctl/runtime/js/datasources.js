// `Fliplet.DataSources` as an action sees it, served from fixture data inside the isolate, as documented
// in the platform's docs/API/fliplet-datasources.md and the pages under docs/API/datasources/.
//
// `__actionctlDataSources(state)` builds the namespace over `state.sources` (data-source id as text →
// {id, name, columns, entries, errors?}); every write is recorded in `state.changes`: entry writes as
// {dataSourceId, op: insert|update|remove, id, before, after} (shown as a diff and, when asked, written
// back to the fixture files), source management as op create|configure|drop (shown, never written).
// `state.now()` answers the (possibly frozen) time.
//
// A server action talks to the service online, so the online behaviour is the one emulated: a missing
// entry rejects with status 404, a bad argument with 400, the rate limit with 429; a fixture's
// `errors: {method: status}` forces a 403 or 500 (or any of these) so error handling can be tested.
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
  var splitText = String.prototype.split;
  var trimText = String.prototype.trim;
  var StringCtor = String;
  var regexExec = RegExp.prototype.exec;
  var NumberCtor = Number;
  var ErrorCtor = Error;
  var SetCtor = Set;
  var setHas = Set.prototype.has;
  var setAdd = Set.prototype.add;
  var realNow = Date.now;
  var floor = Math.floor;
  var PromiseCtor = Promise;
  var promiseThen = Promise.prototype.then;
  var promiseReject = Promise.reject;
  var promiseResolve = Promise.resolve;
  var promiseAll = Promise.all;
  var aggregate = __actionctlAggregate;

  // The service allows 200 Data Sources calls per 10 s; a local run that exceeds it fails the same way.
  var RATE_LIMIT = 200;
  var RATE_WINDOW_MS = 10000;

  // The HTTP-like status each failure carries (documented error handling switches on `error.status`).
  var STATUS = { QUERY_INVALID: 400, DATA_INVALID: 400, WHERE_INVALID: 400, ACCESS_DENIED: 403,
                 DATA_SOURCE_NOT_FOUND: 404, ENTRY_NOT_FOUND: 404, RATE_LIMITED: 429, SERVER_ERROR: 500 };
  var FORCED = { 400: ['QUERY_INVALID', 'Bad request'], 403: ['ACCESS_DENIED', 'Access denied'],
                 404: ['DATA_SOURCE_NOT_FOUND', 'Not found'], 429: ['RATE_LIMITED', 'Too many requests'],
                 500: ['SERVER_ERROR', 'Internal server error'] };
  // Management settings a source keeps and answers (docs/API/datasources/managing-data-sources.md).
  var SETTINGS = ['name', 'columns', 'definition', 'hooks', 'bundle', 'accessRules', 'appCapabilities', 'type',
                  'appId', 'organizationId'];
  var METADATA_ORDER = { id: true, order: true, createdAt: true, updatedAt: true, deletedAt: true };

  function own(object, key) { return object !== null && object !== undefined && apply(hasOwn, object, [key]); }
  function push(list, item) { list[list.length] = item; }
  function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }
  function split(text, separator) { return apply(splitText, text, [separator]); }
  function trim(text) { return apply(trimText, text, []); }
  function listed(list, item) {
    for (var i = 0; i < list.length; i++) if (list[i] === item) return true;
    return false;
  }

  // JSON round trip: what the transport would make of a value (dates become ISO text, functions vanish).
  function copy(value) { return value === undefined ? undefined : parse(stringify(value)); }

  // The platform's codes (job.codes: actionctl/runtime/errors.py PLATFORM_CODES), handed over by `build`.
  var catalogue = null;
  function checked(code) {
    if (catalogue !== null && !listed(catalogue, code)) {
      throw new ErrorCtor('actionctl internal error: unknown platform code ' + code);
    }
    return code;
  }

  // A rejection as the SDK makes it: a message, the HTTP-like `status`, the body as `responseJSON`. The
  // platform documents no `code` property, so there is none (code switching on one would pass here and fail
  // there); the catalogue code ends the message in brackets, for a person reading a failed run.
  function failure(message, code) {
    var text = message + ' [' + checked(code) + ']';
    var error = new ErrorCtor(text);
    error.status = own(STATUS, code) ? STATUS[code] : 500;
    error.responseJSON = { message: text };
    return error;
  }

  // Errors the `where` engine and the aggregation throw carry their code out of sight (query.js), and no
  // status: add it, and the code at the end of the message.
  function withStatus(error) {
    var code = query.codeOf(error);
    if (code !== undefined && error.status === undefined) {
      var text = error.message + ' [' + checked(code) + ']';
      error.message = text;
      error.status = own(STATUS, code) ? STATUS[code] : 500;
      error.responseJSON = { message: text };
    }
    return error;
  }

  // A promise of `body()`'s answer; whatever it throws becomes a rejection carrying its status.
  function promised(body) {
    var promise = new PromiseCtor(function (resolve) { resolve(body()); });
    return apply(promiseThen, promise, [undefined, function (error) { throw withStatus(error); }]);
  }

  var query = __actionctlQuery;
  var compileWhere = query.compile;
  var valueAt = query.valueAt;
  var compare = query.compare;
  function matchesWhere(record, where) {
    try { return query.matches(record, where); } catch (error) { throw withStatus(error); }
  }

  // Compiled once per query, as the platform's engine does (a bad `where` fails even on no entries).
  function compiled(where) {
    var selects;
    try { selects = compileWhere(where); } catch (error) { throw withStatus(error); }
    return function (record) {
      try { return selects(record); } catch (error) { throw withStatus(error); }
    };
  }

  // --- find options ------------------------------------------------------------------------------

  function orderBy(records, order) {
    if (order === undefined || order === null) return records;
    if (!isArray(order)) throw failure('`order` is a list of [column, "ASC"|"DESC"] pairs', 'QUERY_INVALID');
    var keys = [];
    for (var i = 0; i < order.length; i++) {
      // reading-data.md: the top level takes [column, direction] pairs; only a join's order is one flat pair.
      if (!isArray(order[i])) {
        throw failure('`order` is a list of [column, direction] pairs, e.g. [["data.Score", "DESC"]]; a flat pair ' +
                      'is only for a join\'s order (got ' + stringify(order) + ')', 'QUERY_INVALID');
      }
      push(keys, orderKey(order[i]));
    }
    return sortBy(records, keys);
  }

  // reading-data.md: "Data-column numeric-looking values are sorted numerically, while other values use text
  // ordering": numbers and numeric text by value, before any other text.
  var NUMERIC_TEXT = /^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

  function numericLooking(value) {
    if (typeof value === 'number') return value === value;
    return typeof value === 'string' && apply(regexExec, NUMERIC_TEXT, [value]) !== null;
  }

  function orderCompare(a, b) {
    var na = numericLooking(a), nb = numericLooking(b);
    if (na && nb) return NumberCtor(a) - NumberCtor(b);
    if (na !== nb) return na ? -1 : 1;
    return compare(a, b);
  }

  function orderKey(pair) {
    var direction = StringCtor(pair[1] === undefined ? 'ASC' : pair[1]).toUpperCase();
    if (typeof pair[0] !== 'string' || (direction !== 'ASC' && direction !== 'DESC')) {
      throw failure('cannot order by ' + stringify(pair) + ': use ["data.Column", "ASC"|"DESC"]', 'QUERY_INVALID');
    }
    return { path: pair[0], sign: direction === 'ASC' ? 1 : -1 };
  }

  // Missing values sort last ascending and first descending, as in the service's database.
  function sortBy(records, keys) {
    function byKeys(a, b) {
      for (var k = 0; k < keys.length; k++) {
        var va = valueAt(a, keys[k].path), vb = valueAt(b, keys[k].path);
        var na = va === undefined || va === null, nb = vb === undefined || vb === null;
        var result = na || nb ? (na === nb ? 0 : na ? 1 : -1) : orderCompare(va, vb);
        if (result) return result * keys[k].sign;
      }
      return 0;
    }
    return apply(sortArray, records, [byKeys]);  // stable since ES2019, so ties keep id order
  }

  // `limit`: 0 counts as omitted and fractions round down; negative or non-numeric values reject.
  function count(value, name) {
    if (value === undefined || value === null) return null;
    var number = NumberCtor(value);
    if (number !== number || number < 0 || number === Infinity) {
      throw failure('`' + name + '` must be a number ≥ 0, not ' + stringify(value), 'QUERY_INVALID');
    }
    number = floor(number);
    return name === 'limit' && number === 0 ? null : number;
  }

  function pick(record, attributes) {
    if (attributes === undefined || attributes === null) return record;
    if (!isArray(attributes)) throw failure('`attributes` is a list of column names', 'QUERY_INVALID');
    var data = {};
    for (var i = 0; i < attributes.length; i++) {
      var name = StringCtor(attributes[i]);
      if (name.slice(0, 5) === 'data.') name = name.slice(5);
      if (own(record.data, name)) data[name] = record.data[name];
    }
    var picked = {};
    var names = keysOf(record);
    for (var j = 0; j < names.length; j++) picked[names[j]] = names[j] === 'data' ? data : record[names[j]];
    return picked;
  }

  // `distinct`: the first row for each value of one data column, after pagination.
  function distinctBy(records, column) {
    if (column === undefined || column === null) return records;
    var seen = {}, kept = [];
    for (var i = 0; i < records.length; i++) {
      var key = stringify(valueAt(records[i], StringCtor(column)));
      if (!own(seen, key)) { seen[key] = true; push(kept, records[i]); }
    }
    return kept;
  }

  // --- the store -----------------------------------------------------------------------------------

  function build(state) {
    var sources = state.sources || {};
    if (isArray(state.codes)) catalogue = state.codes;
    var calls = [];
    var hooks = {};

    // Every API call counts against the service's rate limit, measured on the real clock.
    function charge() {
      var now = realNow();
      while (calls.length && now - calls[0] >= RATE_WINDOW_MS) calls.shift();
      if (calls.length >= RATE_LIMIT) {
        throw failure('Data Sources rate limit: more than ' + RATE_LIMIT + ' calls in ' + RATE_WINDOW_MS / 1000 +
                      ' s', 'RATE_LIMITED');
      }
      push(calls, now);
    }

    // A call on `source` as the service answers it: charged, failing as the fixture forces, async.
    function call(source, method, body) {
      return promised(function () {
        charge();
        forced(source, method);
        return body();
      });
    }

    // The reads that are `find` on the service (reading-data.md: `query` is its alias; `findOne` and a cursor
    // page are finds): an error forced on `find` fails them too.
    var FIND_ALIASES = { query: true, findOne: true, findWithCursor: true };

    function forced(source, method) {
      var errors = source && isObject(source.errors) ? source.errors : null;
      var status = errors ? errors[method] : undefined;
      if (status === undefined && errors && own(FIND_ALIASES, method)) status = errors.find;
      if (status === undefined) return;
      var known = FORCED[status] || FORCED[500];
      var error = failure(known[1] + ' (forced by the fixture of data source ' + source.id + ' for ' + method + ')',
                          known[0]);
      error.status = NumberCtor(status);
      throw error;
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
      if (!isObject(value)) throw failure(what + ' takes an object of columns, not ' + stringify(value), 'DATA_INVALID');
      return copy(value);
    }

    function indexOfEntry(source, id) {
      for (var i = 0; i < source.entries.length; i++) {
        if (source.entries[i].id === id || StringCtor(source.entries[i].id) === StringCtor(id)) return i;
      }
      return -1;
    }

    function missingEntry(source, id) {
      return failure('Entry ' + stringify(id) + ' not found in data source ' + source.id, 'ENTRY_NOT_FOUND');
    }

    function existing(source, id) {
      var index = indexOfEntry(source, id);
      if (index < 0) throw missingEntry(source, id);
      return index;
    }

    function insertInto(source, data, id) {
      var stamp = state.now();
      var entry = { id: id === undefined ? nextId(source) : id, data: data, createdAt: stamp, updatedAt: stamp,
                    dataSourceId: source.id };
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

    function matching(source, where, query) {
      var selects = compiled(where), metadata = metadataWhere(query);
      var inMetadata = metadata ? compiled(metadata) : null;
      var hits = [];
      for (var i = 0; i < source.entries.length; i++) {
        var entry = source.entries[i];
        if (selects(entry) && (!inMetadata || inMetadata(metadataOf(entry)))) push(hits, entry);
      }
      return hits;
    }

    // `id`, `dataSourceEntryId`, `createdAt` and `updatedAt` at the top of a query filter the entry's
    // metadata (reading-data.md); `where: {id}` filters a data column named id.
    function metadataWhere(query) {
      if (!isObject(query)) return null;
      var where = null;
      var fields = ['id', 'dataSourceEntryId', 'createdAt', 'updatedAt'];
      for (var i = 0; i < fields.length; i++) {
        if (query[fields[i]] === undefined) continue;
        where = where || {};
        where[fields[i] === 'dataSourceEntryId' ? 'id' : fields[i]] = query[fields[i]];
      }
      return where;
    }

    // The metadata as both the record's own fields and its columns, so the `where` engine reads it either way.
    function metadataOf(entry) {
      var meta = { id: entry.id, createdAt: entry.createdAt, updatedAt: entry.updatedAt };
      return { id: meta.id, createdAt: meta.createdAt, updatedAt: meta.updatedAt, data: meta };
    }

    // find's pipeline: where → order → (total) → offset/limit → distinct → attributes → join → aggregate.
    function select(source, options) {
      options = options === undefined || options === null ? {} : options;
      if (!isObject(options)) throw failure('find takes a query object', 'QUERY_INVALID');
      var hits = orderBy(matching(source, options.where, options), options.order);
      var offset = count(options.offset, 'offset'), limit = count(options.limit, 'limit');
      var page = [];
      for (var j = offset || 0; j < hits.length && (limit === null || page.length < limit); j++) {
        push(page, copy(pick(hits[j], options.attributes)));
      }
      page = joined(distinctBy(page, options.distinct), options.join);
      if (options.aggregate !== undefined) page = aggregate(page, options.aggregate, matchesWhere);
      return { page: page, total: hits.length, limit: limit, offset: offset };
    }

    function answer(source, found, query, options) {
      if (query && query.aggregate !== undefined) return found.page;
      if (options && options.returnAsObject) return { entries: found.page, deletedEntries: [] };
      if (query && query.includePagination === true) {
        var pagination = { total: found.total };
        if (found.limit !== null) pagination.limit = found.limit;
        if (found.offset !== null) pagination.offset = found.offset;
        return { entries: found.page, dataSourceId: source.id, count: found.page.length, pagination: pagination };
      }
      return found.page;
    }

    // --- joins (docs/API/datasources/joins.md) ----------------------------------------------------

    function joined(records, joins) {
      if (joins === undefined || joins === null) return records;
      if (!isObject(joins)) throw failure('`join` is an object of named joins', 'QUERY_INVALID');
      var names = keysOf(joins);
      for (var n = 0; n < names.length; n++) records = joinOne(records, names[n], joins[names[n]]);
      return records;
    }

    function joinOne(records, name, spec) {
      if (!isObject(spec)) throw failure('join ' + name + ' takes an object of options', 'QUERY_INVALID');
      var target = spec.dataSourceId !== undefined ? sourceById(spec.dataSourceId)
        : spec.dataSourceName !== undefined ? sourceByName(spec.dataSourceName) : null;
      if (!target) throw failure('join ' + name + ' needs `dataSourceId` or `dataSourceName`', 'QUERY_INVALID');
      var candidates = matching(target, spec.where);
      // Without `on`, an outer join: the joined rows follow the source's own.
      if (spec.on === undefined || spec.on === null) {
        var all = records.slice();
        for (var c = 0; c < candidates.length; c++) push(all, copy(pick(candidates[c], spec.attributes)));
        return all;
      }
      if (!isObject(spec.on)) throw failure('join ' + name + ': `on` maps a source column to a joined one', 'QUERY_INVALID');
      var kept = [];
      for (var r = 0; r < records.length; r++) {
        var matches = related(records[r], candidates, spec.on);
        if (spec.required && !matches.length) continue;
        records[r].joins = records[r].joins || {};
        records[r].joins[name] = reduced(matches, spec, name);
        push(kept, records[r]);
      }
      return kept;
    }

    function related(parent, candidates, on) {
      var pairs = keysOf(on), found = [];
      for (var i = 0; i < candidates.length; i++) {
        var all = true;
        for (var p = 0; p < pairs.length && all; p++) {
          all = sameKey(valueAt(parent, pairs[p]), valueAt(candidates[i], StringCtor(on[pairs[p]])));
        }
        if (all) push(found, candidates[i]);
      }
      return found;
    }

    // Join keys compare as text (a column of numbers meets one of numeric text); empty never joins.
    function sameKey(a, b) {
      if (a === undefined || a === null || b === undefined || b === null) return false;
      return StringCtor(a) === StringCtor(b);
    }

    // A join answers the matches (ordered by one flat pair, limited per parent), or reduces them.
    function reduced(matches, spec, name) {
      if (spec.has) return matches.length > 0;
      if (spec.count) return matches.length;
      if (spec.sum !== undefined) {
        var sum = 0;
        for (var s = 0; s < matches.length; s++) {
          var number = NumberCtor(valueAt(matches[s], StringCtor(spec.sum)));
          if (number === number) sum += number;
        }
        return sum;
      }
      var rows = matches.slice();
      if (spec.order !== undefined) {
        if (!isArray(spec.order) || isArray(spec.order[0])) {
          throw failure('join ' + name + ': `order` is one flat pair, like ["createdAt", "DESC"]', 'QUERY_INVALID');
        }
        rows = sortBy(rows, [orderKey(spec.order)]);
      }
      var limit = count(spec.limit, 'limit');
      var out = [];
      for (var i = 0; i < rows.length && (limit === null || out.length < limit); i++) {
        push(out, copy(pick(rows[i], spec.attributes)));
      }
      return out;
    }

    // --- the cursor (docs/API/datasources/reading-data.md#findwithcursor) --------------------------

    function cursorOver(source, query) {
      var cursor = [];
      if (query.offset === undefined) query.offset = 0;
      cursor.query = query;
      cursor.currentPage = 0;
      cursor.isFirstPage = true;
      cursor.isLastPage = false;
      cursor.firstRecordInNextPage = undefined;
      cursor.idSet = new SetCtor();
      cursor.containsId = function (id) { return apply(setHas, cursor.idSet, [id]); };
      cursor.next = function () { return cursor.setPage(cursor.currentPage + 1); };
      cursor.prev = function () { return cursor.setPage(cursor.currentPage - 1); };
      cursor.setPage = function (page) {
        var limit = count(cursor.query.limit, 'limit');
        cursor.currentPage = page > 0 ? floor(page) : 0;
        cursor.query.offset = limit === null ? 0 : cursor.currentPage * limit;
        cursor.isFirstPage = cursor.currentPage === 0;
        return cursor;
      };
      cursor.update = function (options) {
        var keep = !!(options && options.keepExisting);
        return call(source, 'findWithCursor', function () { fill(source, cursor, keep); return cursor; });
      };
      return cursor;
    }

    // One extra record is fetched to tell whether another page exists.
    function fill(source, cursor, keep) {
      var limit = count(cursor.query.limit, 'limit');
      var ask = {};
      var names = keysOf(cursor.query);
      for (var i = 0; i < names.length; i++) ask[names[i]] = cursor.query[names[i]];
      if (limit !== null) ask.limit = limit + 1;
      var rows = select(source, ask).page;
      cursor.firstRecordInNextPage = limit !== null && rows.length > limit ? rows[limit] : undefined;
      cursor.isLastPage = cursor.firstRecordInNextPage === undefined;
      if (limit !== null && rows.length > limit) rows = rows.slice(0, limit);
      if (!keep) { cursor.length = 0; cursor.idSet = new SetCtor(); }
      for (var r = 0; r < rows.length; r++) { push(cursor, rows[r]); apply(setAdd, cursor.idSet, [rows[r].id]); }
    }

    // --- indexes (docs/API/datasources/reading-data.md#column-indexes) -----------------------------

    // Distinct values of a column as text (a number 12 answers "12"), missing and null as null.
    function columnIndex(source, column) {
      if (typeof column !== 'string' || !column) throw failure('getIndex takes a column name', 'QUERY_INVALID');
      if (isArray(source.columns) && source.columns.length && !listed(source.columns, column)) {
        throw failure('column ' + stringify(column) + ' is not a column of data source ' + source.id, 'QUERY_INVALID');
      }
      var seen = {}, values = [];
      for (var i = 0; i < source.entries.length; i++) {
        var value = source.entries[i].data[column];
        var text = value === undefined || value === null ? null
          : typeof value === 'object' ? stringify(value) : StringCtor(value);
        var key = text === null ? '\u0000null' : 's' + text;
        if (!own(seen, key)) { seen[key] = true; push(values, text); }
      }
      return values;
    }

    function indexesOf(source, columns) {
      if (!isArray(columns) || !columns.length) throw failure('getIndexes takes a non-empty list of columns', 'QUERY_INVALID');
      var out = {};
      for (var i = 0; i < columns.length; i++) out[columns[i]] = columnIndex(source, columns[i]);
      return out;
    }

    // --- writes selected by a query, and commit (docs/API/datasources/writing-data.md) -------------

    function queryWrite(source, options, requestOptions) {
      var hits = matching(source, options.where, options);
      if (options.type === 'update') {
        var patch = dataOf(options.data, 'a query update (`data`)');
        var updated = [];
        for (var i = 0; i < hits.length; i++) {
          push(updated, copy(updateIn(source, indexOfEntry(source, hits[i].id), patch, true)));
        }
        return requestOptions && requestOptions.returnAsObject ? { entries: updated, deletedEntries: [] } : updated;
      }
      for (var j = 0; j < hits.length; j++) removeAt(source, indexOfEntry(source, hits[j].id));
      return requestOptions && requestOptions.returnAsObject ? { entries: [], deletedEntries: [] } : [];
    }

    // Entries with an id update that entry (replacing its data, or merging with `extend`), entries
    // without one are inserted; rows not sent are removed unless `append` is set or `delete` lists the
    // removals; every check happens before the first write.
    function commit(source, options) {
      var entries = options.entries === undefined ? [] : options.entries;
      if (!isArray(entries)) throw failure('commit `entries` must be an array', 'DATA_INVALID');
      var removals = options['delete'];
      if (removals !== undefined && !isArray(removals)) throw failure('commit `delete` is a list of entry ids', 'DATA_INVALID');
      var planned = [];
      for (var i = 0; i < entries.length; i++) push(planned, commitPlan(source, entries[i], i));
      for (var r = 0; removals && r < removals.length; r++) existing(source, removals[r]);
      var kept = {}, clientIds = [];
      for (var p = 0; p < planned.length; p++) {
        var plan = planned[p];
        var entry = plan.id === null ? insertInto(source, plan.data)
          : updateIn(source, indexOfEntry(source, plan.id), plan.data, !!options.extend);
        kept[StringCtor(entry.id)] = true;
        if (plan.clientId !== undefined) push(clientIds, { id: entry.id, clientId: plan.clientId });
      }
      for (var d = 0; removals && d < removals.length; d++) {
        var at = indexOfEntry(source, removals[d]);
        if (at >= 0) removeAt(source, at);
      }
      if (!options.append && removals === undefined) {
        for (var e = source.entries.length - 1; e >= 0; e--) {
          if (!kept[StringCtor(source.entries[e].id)]) removeAt(source, e);
        }
      }
      if (isArray(options.columns)) source.columns = columnsAfter(options.columns, source.entries);
      var result = { clientIds: clientIds };
      if (options.returnEntries !== false) result.entries = copy(source.entries);  // the whole data set
      return result;
    }

    function commitPlan(source, item, i) {
      if (!isObject(item)) throw failure('commit entries[' + i + '] must be an object', 'DATA_INVALID');
      var hasId = item.id !== undefined && item.id !== null;
      if (hasId) existing(source, item.id);
      return { id: hasId ? item.id : null, data: dataOf(item.data, 'commit entries[' + i + '].data'),
               clientId: item.clientId };
    }

    // An explicit column list replaces the declared one, augmented from the rows' data.
    function columnsAfter(columns, entries) {
      var out = columns.slice();
      for (var i = 0; i < entries.length; i++) {
        var names = keysOf(entries[i].data);
        for (var n = 0; n < names.length; n++) if (!listed(out, names[n])) push(out, names[n]);
      }
      return out;
    }

    // append and replaceWith take flat rows; a top-level `id` is the entry's id, not a column.
    function insertRows(source, rows, what) {
      rows = rows === undefined ? [] : rows;
      if (!isArray(rows)) throw failure(what + ' takes an array of rows', 'DATA_INVALID');
      var planned = [];
      for (var i = 0; i < rows.length; i++) {
        var data = dataOf(rows[i], what);
        var id = data.id;
        if (id !== undefined && indexOfEntry(source, id) >= 0) {
          throw failure(what + ': entry id ' + stringify(id) + ' is already used in data source ' + source.id,
                        'DATA_INVALID');
        }
        delete data.id;
        push(planned, { id: id, data: data });
      }
      return planned;
    }

    function insertPlanned(source, planned) {
      var inserted = [];
      for (var i = 0; i < planned.length; i++) {
        if (typeof planned[i].id === 'number' && planned[i].id >= nextId(source)) source.nextId = planned[i].id + 1;
        push(inserted, copy(insertInto(source, planned[i].data, planned[i].id)));
      }
      return inserted;
    }

    // Entry ids are positive whole numbers (as number or text); anything else is a bad request.
    function entryId(id, what) {
      var number = NumberCtor(id);
      if (id === null || id === undefined || id === '' || number !== number || number <= 0 || floor(number) !== number) {
        throw failure(what + ' takes an entry id (a positive whole number), not ' + stringify(id), 'QUERY_INVALID');
      }
      return id;
    }

    // Documented to throw at once (not reject) when the argument is missing.
    function required(value, what) {
      if (!value) throw failure(what, 'DATA_INVALID');
    }

    // --- the connection (docs/API/datasources/reading-data.md, writing-data.md) -------------------

    function connection(source) {
      return {
        find: function (query, options) {
          return call(source, 'find', function () { return answer(source, select(source, query), query, options); });
        },
        query: function (query, options) {
          return call(source, 'query', function () {
            var type = query && query.type !== undefined ? query.type : 'select';
            if (type === 'update' || type === 'delete') return queryWrite(source, query, options);
            if (type !== 'select') {
              throw failure('query type ' + stringify(type) + ' is not one of "select", "update", "delete"', 'QUERY_INVALID');
            }
            return answer(source, select(source, query), query, options);
          });
        },
        findOne: function (query, options) {
          query = query === undefined || query === null ? {} : query;
          return call(source, 'findOne', function () {
            query.limit = 1;  // as the SDK does: the caller's object is changed
            var first = select(source, query).page[0];
            return options && options.returnAsObject ? { entries: first, deletedEntries: [] } : first;
          });
        },
        findById: function (id) {
          return call(source, 'findById', function () {
            return copy(source.entries[existing(source, entryId(id, 'findById'))]);
          });
        },
        findWithCursor: function (query) {
          var cursor = cursorOver(source, query === undefined || query === null ? {} : query);
          return apply(promiseThen, cursor.update(), [function () { return cursor; }]);
        },
        getIndex: function (column) {
          return call(source, 'getIndex', function () { return columnIndex(source, column); });
        },
        getIndexes: function (columns) {
          return call(source, 'getIndexes', function () { return indexesOf(source, columns); });
        },
        insert: function (data) {
          required(data, 'insert takes the columns of the new entry');
          return call(source, 'insert', function () { return copy(insertInto(source, dataOf(data, 'insert'))); });
        },
        update: function (id, data) {
          return call(source, 'update', function () {
            var index = existing(source, entryId(id, 'update'));
            return copy(updateIn(source, index, dataOf(data, 'update'), true));
          });
        },
        removeById: function (id) {
          required(id, 'removeById takes the id of the entry to remove');
          return call(source, 'removeById', function () {
            removeAt(source, existing(source, entryId(id, 'removeById')));
            return {};
          });
        },
        append: function (rows) {
          return call(source, 'append', function () { return insertPlanned(source, insertRows(source, rows, 'append')); });
        },
        replaceWith: function (rows) {
          return call(source, 'replaceWith', function () {
            var planned = insertRows({ id: source.id, entries: [] }, rows, 'replaceWith');
            while (source.entries.length) removeAt(source, source.entries.length - 1);
            return insertPlanned(source, planned);
          });
        },
        commit: function (data, columns) {
          return call(source, 'commit', function () {
            var options = isArray(data) ? { entries: data, columns: columns || [] } : data || {};
            return commit(source, options);
          });
        }
      };
    }

    // --- the native Database API (docs/API/datasources/offline-database.md) ------------------------

    // Reads answer from the same store; local writes change a native bundle on a device and a server
    // action has none, so they are refused with a message that says so.
    function deviceOnly(method) {
      var error = failure('DataSources.Database collection.' + method + ' writes the native bundle on a device; ' +
                          'a server action has none — use a connection (insert, update, removeById, commit)',
                          'DEVICE_ONLY');
      error.status = undefined;
      return apply(promiseReject, PromiseCtor, [error]);
    }

    // Collection reads work on the bundle already opened: no request, so no rate limit and no forced error.
    function local(body) { return promised(body); }

    function collection(source) {
      return {
        find: function (where, options) {
          if (options === undefined) throw new TypeError("Cannot read properties of undefined (reading 'limit')");
          return local(function () {
            var hits = matching(source, where), limit = options.limit ? floor(NumberCtor(options.limit)) : 0;
            return copy(limit ? hits.slice(0, limit) : hits);
          });
        },
        findById: function (id) {
          return local(function () {
            var index = indexOfEntry(source, id);
            return index < 0 ? undefined : copy(source.entries[index]);
          });
        },
        index: function (column) { return local(function () { return bundleIndex(source, column); }); },
        indexes: function (columns) {
          return local(function () {
            var out = {};
            for (var i = 0; i < columns.length; i++) out[columns[i]] = bundleIndex(source, columns[i]);
            return out;
          });
        },
        insert: function () { return deviceOnly('insert'); },
        update: function () { return deviceOnly('update'); },
        remove: function () { return deviceOnly('remove'); },
        applyDiff: function () { return deviceOnly('applyDiff'); }
      };
    }

    // A computed bundle index flattens arrays and leaves out falsy values (false, 0, '', null).
    function bundleIndex(source, column) {
      var seen = {}, values = [];
      for (var i = 0; i < source.entries.length; i++) {
        var value = source.entries[i].data[column];
        var list = isArray(value) ? value : [value];
        for (var v = 0; v < list.length; v++) {
          if (!list[v]) continue;
          var key = stringify(list[v]);
          if (!own(seen, key)) { seen[key] = true; push(values, list[v]); }
        }
      }
      return values;
    }

    function database(options) {
      options = options || {};
      return promised(function () {
        charge();
        var opened = options.isName ? sourceByName(options.name || options.id) : sourceById(options.id);
        return {
          dataSource: function (id, selection) {
            var chosen = selection && selection.name ? sourceByName(selection.name) : sourceById(id);
            if (chosen !== opened) throw failure('data source ' + stringify(id) + ' is not in the opened bundle', 'DATA_SOURCE_NOT_FOUND');
            return collection(chosen);
          }
        };
      });
    }

    // --- sources (docs/API/datasources/managing-data-sources.md) ------------------------------------

    function sourceById(id) {
      var key = StringCtor(id);
      if (!own(sources, key)) {
        throw failure('Data source ' + stringify(id) + ' not found — add fixtures/datasources/' + key + '.yaml',
                      'DATA_SOURCE_NOT_FOUND');
      }
      return sources[key];
    }

    function sourceByName(name) {
      var ids = keysOf(sources);
      for (var i = 0; i < ids.length; i++) if (sources[ids[i]].name === name) return sources[ids[i]];
      throw failure('Data source named ' + stringify(name) + ' not found in fixtures/datasources/',
                    'DATA_SOURCE_NOT_FOUND');
    }

    function summary(source, attributes) {
      var out = { id: source.id };
      for (var i = 0; i < SETTINGS.length; i++) {
        var name = SETTINGS[i];
        if (name === 'columns') out.columns = copy(source.columns || []);
        else if (source[name] !== undefined) out[name] = copy(source[name]);
      }
      if (attributes === undefined || attributes === null) return out;
      var wanted = isArray(attributes) ? attributes : split(StringCtor(attributes), ',');
      var picked = {};
      for (var w = 0; w < wanted.length; w++) {
        var field = trim(StringCtor(wanted[w]));
        if (own(out, field)) picked[field] = out[field];
      }
      return picked;
    }

    function create(options) {
      if (!isObject(options) || typeof options.name !== 'string' || !trim(options.name)) {
        throw failure('create takes {name, appId or organizationId, …} with a non-empty name', 'DATA_INVALID');
      }
      if (options.appId === undefined && options.organizationId === undefined) {
        throw failure('create needs `appId` or `organizationId`: the SDK does not add either', 'DATA_INVALID');
      }
      var top = 0, ids = keysOf(sources);
      for (var i = 0; i < ids.length; i++) if (typeof sources[ids[i]].id === 'number' && sources[ids[i]].id > top) top = sources[ids[i]].id;
      var source = { id: top + 1, entries: [], accessRules: [] };
      configure(source, options);
      sources[StringCtor(source.id)] = source;
      record({ dataSourceId: source.id, op: 'create', id: null, before: null, after: summary(source) });
      var seed = options.entries === undefined ? [] : options.entries;
      if (!isArray(seed)) throw failure('create `entries` is a list of rows', 'DATA_INVALID');
      for (var s = 0; s < seed.length; s++) insertInto(source, dataOf(seed[s], 'create entries'));
      return summary(source);
    }

    function configure(source, data) {
      for (var i = 0; i < SETTINGS.length; i++) {
        if (data[SETTINGS[i]] !== undefined) source[SETTINGS[i]] = copy(data[SETTINGS[i]]);
      }
      if (!isArray(source.columns)) source.columns = [];
    }

    function updateSource(id, data) {
      var source = sourceById(id);
      var before = summary(source);
      configure(source, data);
      record({ dataSourceId: source.id, op: 'configure', id: null, before: before, after: summary(source) });
      return summary(source);
    }

    function dropSource(id) {
      var source = sourceById(id);
      delete sources[StringCtor(source.id)];
      record({ dataSourceId: source.id, op: 'drop', id: null, before: summary(source), after: null });
      return {};
    }

    // fetchWithOptions answers flat rows, optionally mapped to some columns (managing-data-sources.md).
    function fetchWithOptions(options) {
      var source = sourceById(options.dataSourceId);
      var found = select(source, options.query);
      if (options.query && options.query.aggregate !== undefined) return found.page;
      var rows = [], columns = isArray(options.columns) ? options.columns : [], compact = options.compact !== false;
      for (var i = 0; i < found.page.length; i++) {
        var row = columns.length ? mapped(found.page[i].data, columns, compact) : found.page[i].data;
        if (keysOf(row).length) push(rows, row);
      }
      var shown = summary(source);
      if (columns.length) shown.columns = columnNames(columns);
      return { dataSource: shown, dataSourceEntries: rows };
    }

    function mapped(data, columns, compact) {
      var row = {};
      for (var i = 0; i < columns.length; i++) {
        var from = isObject(columns[i]) ? keysOf(columns[i])[0] : columns[i];
        var to = isObject(columns[i]) ? columns[i][from] : columns[i];
        var value = data[from];
        if (compact && (value === undefined || value === null || value === '')) continue;
        row[to] = value;
      }
      return row;
    }

    function columnNames(columns) {
      var names = [];
      for (var i = 0; i < columns.length; i++) push(names, isObject(columns[i]) ? columns[i][keysOf(columns[i])[0]] : columns[i]);
      return names;
    }

    function namespaceCall(body) { return promised(function () { charge(); return body(); }); }

    function connectTo(find) {
      return namespaceCall(function () {
        var source = find();
        forced(source, 'connect');
        return connection(source);
      });
    }

    return {
      get: function (data) {
        return namespaceCall(function () {
          var ids = keysOf(sources), list = [];
          for (var i = 0; i < ids.length; i++) push(list, summary(sources[ids[i]], data && data.attributes));
          return list;
        });
      },
      getById: function (id, options) {
        return namespaceCall(function () { return summary(sourceById(id), options && options.attributes); });
      },
      create: function (options) { return namespaceCall(function () { return create(options); }); },
      update: function (id, data) {
        if (isObject(id)) { data = id; id = data.id; delete data.id; }
        if (id === undefined || id === null) throw failure('DataSources.update takes the id of the data source', 'DATA_INVALID');
        return namespaceCall(function () { return updateSource(id, data || {}); });
      },
      'delete': function (id) { return namespaceCall(function () { return dropSource(id); }); },
      connect: function (id) {
        if (isObject(id) && id.name !== undefined) return connectTo(function () { return sourceByName(id.name); });
        return connectTo(function () {
          if (!id) throw failure('connect takes the id of a data source', 'DATA_SOURCE_NOT_FOUND');
          return sourceById(id);
        });
      },
      connectByName: function (name) { return connectTo(function () { return sourceByName(name); }); },
      Database: database,
      fetchWithOptions: function (options) {
        return namespaceCall(function () {
          if (!options || !options.dataSourceId) throw failure('fetchWithOptions needs `dataSourceId`', 'DATA_INVALID');
          return fetchWithOptions(options);
        });
      },
      isTempId: function (id) { return typeof id === 'string' && id.slice(0, 5) === 'temp_'; },
      clearActiveConnections: function () { return undefined; },
      bindHooks: function (id, bound) {
        if (!isObject(bound)) throw new TypeError('bindHooks takes an object of hooks');
        if (own(hooks, StringCtor(id))) throw new ErrorCtor('Hooks are already bound for data source ' + id);
        hooks[StringCtor(id)] = bound;
      },
      hasHook: function (id) { return own(hooks, StringCtor(id)); },
      applyHooks: function (id, method, entries) {
        var bound = hooks[StringCtor(id)];
        var hook = bound && typeof bound[method] === 'function' ? bound[method] : null;
        if (!hook) return apply(promiseResolve, PromiseCtor, [undefined]);
        if (!isArray(entries)) return hook(entries);
        var results = [];
        for (var i = 0; i < entries.length; i++) push(results, hook(entries[i]));
        return apply(promiseAll, PromiseCtor, [results]);
      }
    };
  }

  return build;
})();
