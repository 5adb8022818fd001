"""`Fliplet.DataSources` and the connection `connect` answers, as the local store offers them today.

(A placeholder with today's methods; the Data Sources work replaces it with the documented surface.)
"""

from __future__ import annotations

from actionctl.surface.model import Method, Namespace

DOC = "docs/API/fliplet-datasources.md"

NAMESPACES: tuple[Namespace, ...] = (
    Namespace("DataSources", "fliplet-datasources", DOC, (
        Method("connect", "connect(dataSourceId)", "a connection to the fixture data source with that id"),
        Method("connectByName", "connectByName(name)", "a connection to the fixture data source with that name"),
        Method("get", "get()", "the fixture data sources as {id, name, columns}"),
        Method("getById", "getById(id)", "one fixture data source as {id, name, columns}"),
    )),
    Namespace("DataSources.connection", "fliplet-datasources", DOC, (
        Method("find", "find(options)", "the matching entries of the fixture (`where`, `order`, `limit`, …)"),
        Method("findOne", "findOne(options)", "the first matching entry, or null"),
        Method("findById", "findById(id)", "the entry with that id, or null"),
        Method("insert", "insert(data)", "the new entry; the write is captured"),
        Method("update", "update(id, data)", "the updated entry; the write is captured"),
        Method("removeById", "removeById(id)", "nothing; the removal is captured"),
        Method("query", "query(options)", "the matching entries (`type: \"select\"`)"),
        Method("append", "append(rows)", "the new entries; the writes are captured"),
        Method("replaceWith", "replaceWith(rows)", "the new entries; the writes are captured"),
        Method("commit", "commit(options)", "the entries written; the writes are captured"),
    ), returned=True),
)
