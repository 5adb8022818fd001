"""`Fliplet.DataSources` (package `fliplet-datasources`) and the objects its calls answer, as documented in
the platform's docs/API/fliplet-datasources.md and the pages under docs/API/datasources/.

Implemented in runtime/js/datasources.js (and aggregate.js for `find({aggregate})`); a test runs an action
that lists the methods each object has and compares them with these declarations.
"""

from __future__ import annotations

from actionctl.surface.model import DEVICE_ONLY, ENTRIES, ENTRY, ENTRY_OR_UNDEFINED, Method, Namespace

PACKAGE = "fliplet-datasources"
DOCS = "docs/API/fliplet-datasources.md"
READING = "docs/API/datasources/reading-data.md"
WRITING = "docs/API/datasources/writing-data.md"
MANAGING = "docs/API/datasources/managing-data-sources.md"
OFFLINE = "docs/API/datasources/offline-database.md"

DATASOURCES = Namespace("DataSources", PACKAGE, DOCS, (
    Method("get", "get(data?, options?)",
           "every fixture data source as {id, name, columns, …}; `attributes` picks fields"),
    Method("getById", "getById(id, options?)", "one source's settings; unknown id → 404"),
    Method("create", "create({name, appId | organizationId, columns?, entries?, …})",
           "a new source in the run's store (next free id), shown in the diff, never written to fixtures"),
    Method("update", "update(id, data) | update({id, …data})", "changes the source's settings (name, columns, …)"),
    Method("delete", "delete(id)", "drops the source from the run's store; answers {}"),
    Method("connect", "connect(id | {name}, options?)", "a connection to the fixture with that id; unknown → 404",
           returns="DataSources.connection", picks_source="id"),
    Method("connectByName", "connectByName(name, options?)", "a connection to the fixture with that name",
           returns="DataSources.connection", picks_source="name"),
    Method("Database", "Database({id | name, isName?})", "a native bundle handle over the same store (reads only)",
           returns="DataSources.Database.handle"),
    Method("fetchWithOptions", "fetchWithOptions({dataSourceId, query?, columns?, compact?})",
           "{dataSource, dataSourceEntries} of flat (mapped) rows"),
    Method("isTempId", "isTempId(id)", "true for text starting with temp_"),
    Method("clearActiveConnections", "clearActiveConnections()", "nothing to reset locally; answers undefined"),
    Method("bindHooks", "bindHooks(id, hooks)", "registers client hooks for a source (a second binding throws)"),
    Method("hasHook", "hasHook(id)", "whether client hooks are bound for the source"),
    Method("applyHooks", "applyHooks(id, method, entries)", "calls the bound hook for each entry"),
))

CONNECTION = Namespace("DataSources.connection", PACKAGE, READING, (
    Method("find", "find(query?, options?)",
           "entries matching `where`, with order, limit, offset, attributes, distinct, join, aggregate; "
           "`includePagination` → {entries, dataSourceId, count, pagination}", returns=ENTRIES),
    Method("query", "query(query?, options?)",
           "find's alias; `type: 'update'` patches the matches (answers them), "
           "`type: 'delete'` removes them (answers [])", returns=ENTRIES),
    Method("findOne", "findOne(query?, options?)", "the first match or undefined (sets query.limit = 1)",
           returns=ENTRY_OR_UNDEFINED),
    Method("findById", "findById(id)", "the entry; missing → 404, an id that is not one → 400", returns=ENTRY),
    Method("findWithCursor", "findWithCursor(query?, options?)", "the first page as a cursor (see below)",
           returns="DataSources.cursor"),
    Method("getIndex", "getIndex(column)", "distinct values as text, missing as null; undeclared column → 400"),
    Method("getIndexes", "getIndexes(columns)", "{column: values} for each column"),
    Method("insert", "insert(data, options?)", "the new entry (next id, the run's time); captured as a change",
           returns=ENTRY),
    Method("update", "update(id, data, options?)", "the entry with `data` merged in; missing → 404", returns=ENTRY),
    Method("removeById", "removeById(id, options?)", "removes the entry and answers {}; missing → 404"),
    Method("append", "append(rows?, options?)", "the created entries (a row's `id` becomes the entry id)"),
    Method("replaceWith", "replaceWith(rows?)", "removes every entry, answers the created ones"),
    Method("commit", "commit({entries, append?, delete?, extend?, returnEntries?, columns?}) | commit(rows, columns?)",
           "{entries: the whole data set, clientIds}; rows not sent are removed unless `append` or `delete`"),
), returned=True)

CURSOR = Namespace("DataSources.cursor", PACKAGE, READING, (
    Method("next", "next()", "moves to the next page (no fetch); answers the cursor",
           returns="DataSources.cursor", promise=False),
    Method("prev", "prev()", "moves to the previous page, never below 0", returns="DataSources.cursor",
           promise=False),
    Method("setPage", "setPage(page)", "moves to a page (query.offset = page × limit)",
           returns="DataSources.cursor", promise=False),
    Method("update", "update({keepExisting?})", "fetches the current page into the cursor (one call)",
           returns="DataSources.cursor"),
    Method("containsId", "containsId(id)", "whether a fetched entry has that id"),
), returned=True, properties=("query", "currentPage", "isFirstPage", "isLastPage"), entries=True)

DATABASE = Namespace("DataSources.Database.handle", PACKAGE, OFFLINE, (
    Method("dataSource", "dataSource(id, {name}?)", "the collection of the opened source",
           returns="DataSources.Database.collection", promise=False),
), returned=True)

COLLECTION = Namespace("DataSources.Database.collection", PACKAGE, OFFLINE, (
    Method("find", "find(where, options)", "entries matching `where`, up to `options.limit`"),
    Method("findById", "findById(id)", "the entry or undefined"),
    Method("index", "index(column)", "distinct truthy values, arrays flattened"),
    Method("indexes", "indexes(columns)", "{column: values}"),
    Method("insert", "insert(entry)", "refused: writes the native bundle of a device", DEVICE_ONLY),
    Method("update", "update(entry, patch)", "refused: writes the native bundle of a device", DEVICE_ONLY),
    Method("remove", "remove(entryOrPredicate)", "refused: writes the native bundle of a device", DEVICE_ONLY),
    Method("applyDiff", "applyDiff(diff)", "refused: writes the native bundle of a device", DEVICE_ONLY),
), returned=True)

NAMESPACES: tuple[Namespace, ...] = (DATASOURCES, CONNECTION, CURSOR, DATABASE, COLLECTION)
