"""The emulator's state in SQLite: apps, actions (masters and their production copies), versions and logs.

One connection serves every thread, guarded by a re-entrant lock. `transaction()` is the unit of work:
the outermost one holds the lock and commits (or rolls back) at its end, so the service can make a
check and the change it allows one atomic step. Ids come from AUTOINCREMENT sequences, so an id is
never handed out twice, even after deletes and restarts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actionctl.errors import EmulatorDataError

VERSIONS_KEPT = 100  # the service keeps this many versions per action, dropping the oldest

_SCHEMA = """
CREATE TABLE IF NOT EXISTS apps (
    id INTEGER PRIMARY KEY,
    published INTEGER NOT NULL,
    published_at TEXT
);
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id INTEGER NOT NULL,
    name TEXT,
    fields TEXT NOT NULL,          -- JSON: the action's settable fields
    master_id INTEGER,             -- set on a production copy: the master it was published from
    last_run_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_by_app ON actions (app_id, master_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS one_production_copy ON actions (master_id) WHERE master_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_by_action ON versions (action_id, id);
CREATE TABLE IF NOT EXISTS logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id INTEGER NOT NULL,
    action_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    task_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_app ON logs (app_id, action_id, id);
CREATE TABLE IF NOT EXISTS releases (  -- each publish of an app: its count is the app's version
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    changelog TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS releases_by_app ON releases (app_id, id);
"""

# Every column the store reads: a database made by something else fails here, not at the first request.
_PROBES = (
    "SELECT id, published, published_at FROM apps LIMIT 0",
    "SELECT id, app_id, name, fields, master_id, last_run_at, created_at, updated_at FROM actions LIMIT 0",
    "SELECT id, action_id, created_at, data FROM versions LIMIT 0",
    "SELECT id, app_id, action_id, type, task_id, created_at, data FROM logs LIMIT 0",
    "SELECT id, app_id, type, changelog, created_at FROM releases LIMIT 0",
)

# An action row with the id of its production copy (null when unpublished, and on copies themselves).
_ACTION_SELECT = """
SELECT a.id, a.app_id, a.fields, a.master_id, p.id AS production_id, a.last_run_at, a.created_at, a.updated_at
FROM actions a LEFT JOIN actions p ON p.master_id = a.id
"""


@dataclass(frozen=True, slots=True)
class App:
    id: int
    published: bool
    published_at: str | None


@dataclass(frozen=True, slots=True)
class StoredAction:
    id: int
    app_id: int
    fields: dict[str, Any]
    master_id: int | None  # set on a production copy
    production_id: int | None  # set on a published master
    last_run_at: str | None
    created_at: str
    updated_at: str

    @property
    def is_production(self) -> bool:
        return self.master_id is not None


@dataclass(frozen=True, slots=True)
class Version:
    id: int
    action_id: int
    created_at: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: int
    action_id: int
    type: str
    created_at: str
    data: dict[str, Any]


class Store:
    def __init__(self, path: Path | None) -> None:
        """A file that keeps state across restarts, or (None) a private in-memory database."""
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self._conn = sqlite3.connect(str(path) if path is not None else ":memory:", check_same_thread=False,
                                         isolation_level=None)  # autocommit: transaction() says when
        except sqlite3.Error as exc:  # a folder, a path SQLite cannot open
            raise EmulatorDataError(f"{path}: cannot be opened as the emulator's database ({exc})") from None
        try:
            self._prepare(path)
        except sqlite3.Error as exc:  # a file of another kind, another program's database
            self._conn.close()
            raise EmulatorDataError(f"{path}: not a database of the emulator ({exc}) — give --data another "
                                    "file, or move this one away") from None

    def _prepare(self, path: Path | None) -> None:
        if path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        for probe in _PROBES:
            self._conn.execute(probe)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the store for a unit of work; nested uses join the outermost one."""
        with self._lock:
            if self._depth == 0:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._conn.execute("COMMIT")

    # --- apps ------------------------------------------------------------------------------------

    def app(self, app_id: int, published: bool, now: str) -> App:
        """The app, created with `published` as its state when first seen."""
        with self.transaction():
            self._conn.execute("INSERT OR IGNORE INTO apps (id, published, published_at) VALUES (?, ?, ?)",
                               (app_id, int(published), now if published else None))
            row = self._conn.execute("SELECT id, published, published_at FROM apps WHERE id = ?",
                                     (app_id,)).fetchone()
        return App(row[0], bool(row[1]), row[2])

    def publish_app(self, app_id: int, now: str, release: str, changelog: str | None) -> int:
        """Publish the app as a new release; its version (1 for the first publish)."""
        with self.transaction():
            self._conn.execute("UPDATE apps SET published = 1, published_at = ? WHERE id = ?", (now, app_id))
            self._conn.execute("INSERT INTO releases (app_id, type, changelog, created_at) VALUES (?, ?, ?, ?)",
                               (app_id, release, changelog, now))
            return self._conn.execute("SELECT COUNT(*) FROM releases WHERE app_id = ?", (app_id,)).fetchone()[0]

    def set_every_app_published(self, published: bool, now: str) -> None:
        with self.transaction():
            if published:
                self._conn.execute("UPDATE apps SET published = 1, published_at = COALESCE(published_at, ?)",
                                   (now,))
            else:
                self._conn.execute("UPDATE apps SET published = 0, published_at = NULL")

    # --- actions ---------------------------------------------------------------------------------

    def action(self, app_id: int, action_id: int) -> StoredAction | None:
        with self.transaction():
            row = self._conn.execute(f"{_ACTION_SELECT} WHERE a.app_id = ? AND a.id = ?",
                                     (app_id, action_id)).fetchone()
        return _action(row) if row else None

    def master_named(self, app_id: int, name: Any) -> StoredAction | None:
        with self.transaction():
            row = self._conn.execute(f"{_ACTION_SELECT} WHERE a.app_id = ? AND a.master_id IS NULL AND a.name = ?",
                                     (app_id, _name(name))).fetchone()
        return _action(row) if row else None

    def actions(self, app_id: int, *, production: bool, limit: int, offset: int) -> tuple[list[StoredAction], int]:
        """One page of the app's masters (or production copies), oldest first, and how many there are."""
        kind = "a.master_id IS NOT NULL" if production else "a.master_id IS NULL"
        with self.transaction():
            total = self._conn.execute(f"SELECT COUNT(*) FROM actions a WHERE a.app_id = ? AND {kind}",
                                       (app_id,)).fetchone()[0]
            rows = self._conn.execute(f"{_ACTION_SELECT} WHERE a.app_id = ? AND {kind} ORDER BY a.id LIMIT ? OFFSET ?",
                                      (app_id, limit, offset)).fetchall()
        return [_action(row) for row in rows], total

    def production_copies(self) -> list[StoredAction]:
        """Every app's production copies, oldest first: what schedules run."""
        with self.transaction():
            rows = self._conn.execute(f"{_ACTION_SELECT} WHERE a.master_id IS NOT NULL ORDER BY a.id").fetchall()
        return [_action(row) for row in rows]

    def insert_action(self, app_id: int, fields: dict, now: str, *, master_id: int | None = None) -> StoredAction:
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT INTO actions (app_id, name, fields, master_id, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (app_id, _name(fields.get("name")), json.dumps(fields), master_id,
                                              now, now))
            return self.action(app_id, cursor.lastrowid)

    def update_action(self, action: StoredAction, fields: dict, now: str) -> StoredAction:
        with self.transaction():
            self._conn.execute("UPDATE actions SET name = ?, fields = ?, updated_at = ? WHERE id = ?",
                               (_name(fields.get("name")), json.dumps(fields), now, action.id))
            return self.action(action.app_id, action.id)

    def set_last_run(self, action_id: int, when: str) -> None:
        with self.transaction():
            self._conn.execute("UPDATE actions SET last_run_at = ? WHERE id = ?", (when, action_id))

    def delete_action(self, action_id: int) -> None:
        """The action, its production copy and the versions of both."""
        with self.transaction():
            doomed = [action_id, *(r[0] for r in self._conn.execute("SELECT id FROM actions WHERE master_id = ?",
                                                                    (action_id,)))]
            for one in doomed:
                self._conn.execute("DELETE FROM versions WHERE action_id = ?", (one,))
                self._conn.execute("DELETE FROM actions WHERE id = ?", (one,))

    # --- versions --------------------------------------------------------------------------------

    def add_version(self, action_id: int, now: str, data: dict) -> int:
        """Snapshot `data`; beyond VERSIONS_KEPT the oldest snapshots are dropped."""
        with self.transaction():
            cursor = self._conn.execute("INSERT INTO versions (action_id, created_at, data) VALUES (?, ?, ?)",
                                        (action_id, now, json.dumps(data)))
            self._conn.execute("DELETE FROM versions WHERE action_id = ? AND id NOT IN (SELECT id FROM versions "
                               "WHERE action_id = ? ORDER BY id DESC LIMIT ?)", (action_id, action_id, VERSIONS_KEPT))
        return cursor.lastrowid

    def versions(self, action_id: int, *, limit: int, offset: int) -> tuple[list[Version], int]:
        """One page of the action's versions, newest first, and how many there are."""
        with self.transaction():
            total = self._conn.execute("SELECT COUNT(*) FROM versions WHERE action_id = ?",
                                       (action_id,)).fetchone()[0]
            rows = self._conn.execute("SELECT id, action_id, created_at, data FROM versions WHERE action_id = ? "
                                      "ORDER BY id DESC LIMIT ? OFFSET ?", (action_id, limit, offset)).fetchall()
        return [_version(row) for row in rows], total

    def version(self, action_id: int, version_id: int) -> Version | None:
        with self.transaction():
            row = self._conn.execute("SELECT id, action_id, created_at, data FROM versions "
                                     "WHERE action_id = ? AND id = ?", (action_id, version_id)).fetchone()
        return _version(row) if row else None

    # --- logs ------------------------------------------------------------------------------------

    def add_log(self, app_id: int, action_id: int, type_: str, task_id: str, now: str, data: dict) -> int:
        with self.transaction():
            cursor = self._conn.execute("INSERT INTO logs (app_id, action_id, type, task_id, created_at, data) "
                                        "VALUES (?, ?, ?, ?, ?, ?)",
                                        (app_id, action_id, type_, task_id, now, json.dumps(data)))
        return cursor.lastrowid

    def logs(self, app_id: int, *, action_id: int | None, type_: str | None, limit: int,
             offset: int) -> list[LogEntry]:
        """One page of the matching logs, newest first (the service counts a page, not the matches)."""
        where, args = ["app_id = ?"], [app_id]
        for column, value in (("action_id", action_id), ("type", type_)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        condition = " AND ".join(where)
        with self.transaction():
            rows = self._conn.execute(f"SELECT id, action_id, type, created_at, data FROM logs WHERE {condition} "
                                      "ORDER BY id DESC LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
        return [LogEntry(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]


def _name(value: Any) -> str | None:
    """The name column, used only to find clashes: validation has already made it a string."""
    return value if isinstance(value, str) else None


def _action(row: tuple) -> StoredAction:
    return StoredAction(id=row[0], app_id=row[1], fields=json.loads(row[2]), master_id=row[3], production_id=row[4],
                        last_run_at=row[5], created_at=row[6], updated_at=row[7])


def _version(row: tuple) -> Version:
    return Version(row[0], row[1], row[2], json.loads(row[3]))
