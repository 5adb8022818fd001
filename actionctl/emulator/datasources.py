"""The documented Data Sources routes the emulator serves (`list_datasources`, `query_datasource`).

Their data is the data-source fixtures of the emulator's `--project` (fixtures/datasources/, read afresh on
each request), the same the emulator's runs read through `Fliplet.DataSources` — so what `fixtures pull`
gets from the emulator is what an action run there sees. Every app has the same data sources (a fixture
names none); with no `--project` there are none.

`where` is evaluated by the local runtime's own query engine (runtime/js/query.js, the platform's sift
rules), in a V8 context of this process: one engine, whether an action queries a fixture or a client
queries the emulator.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

from actionctl.emulator import errors as api
from actionctl.emulator.errors import ApiError
from actionctl.errors import FixtureError
from actionctl.runtime import fixtures as fixture_files

DATASOURCE_NOT_FOUND: api.Answer = (404, "DATASOURCE_NOT_FOUND")  # inferred: the docs show no error body
_QUERY_JS = Path(__file__).resolve().parent.parent / "runtime" / "js" / "query.js"
_lock = threading.Lock()  # one V8 context, and requests arrive on many threads

# A query's where is the user's code: stopped after this long (inferred: the service's limit is not published).
QUERY_SECONDS = 10.0


def prepare(project: Path | None) -> None:
    """Start V8 here, on the thread that starts the emulator: V8 started first on a request's thread makes any
    later V8 of the process (validation's syntax check) crash. Always, project or not: a test process runs
    emulators of both kinds, and whichever first reaches V8 on a request thread would bring the others down."""
    from py_mini_racer import init_mini_racer

    init_mini_racer(ignore_duplicate_init=True)


def listing(project: Path | None, query: dict[str, str]) -> dict:
    """`GET v1/data-sources?appId=` (or `organizationId=`): the data sources, without their entries."""
    if "appId" not in query and "organizationId" not in query:
        raise ApiError(api.BAD_REQUEST, "this endpoint requires a context: pass appId or organizationId")
    app = _number(query.get("appId"))
    return {"dataSources": [_view(source, app) for source in _sources(project).values()]}


def query(project: Path | None, source_id: int, body: Any) -> dict:
    """`POST v1/data-sources/{id}/data/query` with `{type: "select", where?, limit?}`: the entries selected."""
    source = _sources(project).get(str(source_id))
    if source is None:
        raise ApiError(DATASOURCE_NOT_FOUND, f"data source {source_id} not found")
    if not isinstance(body, dict) or body.get("type", "select") != "select":
        raise ApiError(api.BAD_REQUEST, 'the emulator answers queries of type "select" only')
    limit = body.get("limit")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise ApiError(api.BAD_REQUEST, "limit must be a whole number ≥ 0")
    entries = _select(source["entries"], body.get("where"))
    return {"entries": entries if limit is None else entries[:limit]}


def _sources(project: Path | None) -> dict[str, dict]:
    if project is None:
        return {}
    try:
        return fixture_files.load(project).datasources
    except FixtureError as exc:
        raise ApiError(api.SERVICE_UNAVAILABLE, f"the emulator's fixtures cannot be read: {exc}") from None


def _view(source: dict, app: int | None) -> dict:
    stamp = fixture_files.DEFAULT_TIMESTAMP
    return {"id": source["id"], "name": source["name"], "appCapabilities": None, "hooks": [], "encrypted": False,
            "columns": source.get("columns"), "type": None, "public": None, "createdAt": stamp, "updatedAt": stamp,
            "appId": app, "organizationId": None}


def _select(entries: list[dict], where: Any) -> list[dict]:
    if where is None:
        return entries
    if not isinstance(where, dict):
        raise ApiError(api.BAD_REQUEST, "where must be an object")
    script = (f"JSON.stringify((function (entries, where) {{ try {{ return entries.filter(__actionctlQuery.compile("
              f"where)); }} catch (e) {{ return {{error: String(e && e.message || e)}}; }} }})("
              f"{json.dumps(entries)}, {json.dumps(where)}))")
    from py_mini_racer import JSTimeoutException

    with _lock:
        try:
            answer = json.loads(_context().eval(script, timeout_sec=QUERY_SECONDS))
        except JSTimeoutException:  # a $regex that backtracks for ever would hold every later query
            raise ApiError(api.BAD_REQUEST, f"where took longer than {QUERY_SECONDS:g} s to evaluate") from None
    if isinstance(answer, dict):
        raise ApiError(api.BAD_REQUEST, f"where: {answer['error']}")
    return answer


@cache
def _context():
    import atexit

    from py_mini_racer import MiniRacer

    context = MiniRacer()
    atexit.register(context.close)  # before interpreter shutdown, as rules/v8syntax.py explains
    context.eval(_QUERY_JS.read_text(encoding="utf-8"))
    return context


def _number(text: str | None) -> int | None:
    return int(text) if text is not None and text.isascii() and text.isdigit() and len(text) < 19 else None
