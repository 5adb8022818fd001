"""`fixtures pull|list`: real entries of the app's data sources, written as the local fixtures runs read.

    pull      resolve DATASOURCE arguments (an id or a name) against the app's data sources on the
              service, query each one (`where`, `limit`), check, redact the columns asked, and write
              fixtures/datasources/<id>.yaml with {name, columns, entries}
    listing   the app's data sources with the state of their local fixture

A pulled file starts with a line that records the sha256 of the rest of the file. A file whose content no
longer matches it — edited by hand, written back by `run --write-fixtures`, or never pulled at all — is the
user's: a pull refuses to replace it (FIXTURE_EDITED, nothing written) unless `--force`. The record lives in
the file itself, so a fresh clone knows which fixtures are untouched pulls.

Columns are the data source's documented `columns` field; when the service has none (null), the union of the
entries' keys, in the order they first appear (the JSON output says which, `columnsFrom`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actionctl.atomicfile import write_all
from actionctl.errors import (
    DataSourceAmbiguousError,
    DataSourceNotFoundError,
    FixtureEditedError,
    RedactColumnUnknownError,
)
from actionctl.runtime.fixtures import load_datasources
from actionctl.suggest import did_you_mean

FOLDER = "fixtures/datasources"
_MARK = re.compile(r"^# pulled by `actionctl fixtures pull` .* sha256:([0-9a-f]{64})$")
_ENTRY_FIELDS = ("id", "data", "createdAt", "updatedAt")  # dataSourceId is the file's own id
_WIDE = 1_000_000  # never fold a line
# libyaml's safe dumper when PyYAML has it: the same text, 3-4 times faster on thousands of entries.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclass
class Pulled:
    source: dict
    entries: list[dict]
    columns: list[str]
    columns_from: str  # "dataSource" or "entries"
    path: Path

    def as_json(self, root: Path, redact: list[str]) -> dict:
        return {"id": self.source.get("id"), "name": self.source.get("name"),
                "file": self.path.relative_to(root).as_posix(), "entries": len(self.entries),
                "columns": self.columns, "columnsFrom": self.columns_from,
                "redacted": [column for column in redact if column in self.columns]}


def pull(root: Path, client, targets: list[str], *, where: dict | None = None, limit: int | None = None,
         redact: Sequence[str] = (), force: bool = False) -> list[Pulled]:
    """Query the data sources `targets` name and write their fixtures — all of them, or, when a check refuses
    (an unknown name or `--redact` column, an edited fixture), none."""
    from actionctl.datasources.redaction import project_redactor

    chosen = resolve(client.list_datasources(), targets, client.app)
    pulled = [fetch(client, source, root, where=where, limit=limit) for source in chosen]
    check_redactions(pulled, list(redact))
    refuse_edited(pulled, root, force=force)
    write(pulled, project_redactor(root) if redact else None, list(redact), client.app)
    return pulled


def resolve(sources: list[dict], targets: list[str], app: object) -> list[dict]:
    """The data sources `targets` name (by name, or by id for an all-digit target), in order, once each."""
    found: list[dict] = []
    for target in targets:
        named = [s for s in sources if str(s.get("name")) == target]
        if not named and target.isdigit():
            named = [s for s in sources if str(s.get("id")) == target]
        if len(named) > 1:
            ids = ", ".join(str(s.get("id")) for s in named)
            raise DataSourceAmbiguousError(f'{len(named)} data sources of app {app} are named "{target}" (ids {ids})'
                                           " — pass the id instead")
        if not named:
            raise DataSourceNotFoundError(target, app, [str(s.get("name")) for s in sources])
        if named[0] not in found:
            found.append(named[0])
    return found


def fetch(client, source: dict, root: Path, *, where: dict | None, limit: int | None) -> Pulled:
    entries = client.query_datasource(source["id"], where, limit)
    columns, columns_from = _columns(source, entries)
    return Pulled(source, entries, columns, columns_from, fixture_path(root, source["id"]))


def check_redactions(pulled: list[Pulled], redact: list[str]) -> None:
    """Refuse a `--redact` column that none of the pulled sources has: its values would be written as they are."""
    known = {column for item in pulled for column in item.columns}
    for column in redact:
        if column not in known:
            raise RedactColumnUnknownError(f'--redact {column}: no data source pulled has a column "{column}", '
                                           f"so nothing was written{did_you_mean(column, known)}")


def refuse_edited(pulled: list[Pulled], root: Path, *, force: bool) -> None:
    """Refuse, before anything is written, when a file a pull would replace is the user's (unless `force`), or
    when the source's fixture is another file than <id>.yaml, or <id>.yaml holds another source (always: two
    files of one source are an error of every run, so --force would break the project rather than replace
    the file)."""
    files = local_files(root)
    problems = [problem for item in pulled for problem in _local_problems(str(item.source["id"]), files)]
    beside = [message for message, replaceable in problems if not replaceable]
    edited = [message for message, replaceable in problems if replaceable]
    if beside:
        raise FixtureEditedError(f"{'; '.join(beside)} — remove it to pull into {FOLDER}/<id>.yaml; nothing was "
                                 "written")
    if edited and not force:
        raise FixtureEditedError(f"{'; '.join(edited)} — nothing was written; --force replaces "
                                 f"{'it' if len(edited) == 1 else 'them'}")


def write(pulled: list[Pulled], redactor, redact: list[str], app: object) -> None:
    """Write every pulled source as one step (see atomicfile.write_all)."""
    write_all({item.path: render(item, redactor, redact, app) for item in pulled})


def render(item: Pulled, redactor, redact: list[str], app: object) -> str:
    entries = []
    for entry in item.entries:
        data = entry.get("data") if isinstance(entry.get("data"), dict) else {}
        data = {name: redactor.value(value) if name in redact else value for name, value in data.items()}
        entries.append({key: data if key == "data" else entry[key] for key in _ENTRY_FIELDS if key in entry})
    body = yaml.dump({"name": item.source.get("name"), "columns": item.columns, "entries": entries}, Dumper=_DUMPER,
                     sort_keys=False, allow_unicode=True, width=_WIDE)
    return _marked(body, item.source["id"], app)


def local_files(root: Path) -> dict[str, Path]:
    """Each data source id (as text) → the fixture file that holds it, as runs read them: the id is the file's
    `id:` key first, its name second, so users.yaml may hold source 158."""
    return load_datasources(root, lenient=True).files  # an unreadable one is "edited": --force replaces it


def listing(sources: list[dict], root: Path) -> list[dict]:
    files, rows = local_files(root), []
    for source in sources:
        path = files.get(str(source.get("id")))
        rows.append({"id": source.get("id"), "name": source.get("name"), "columns": source.get("columns"),
                     "fixture": f"{FOLDER}/{path.name}" if path else None,
                     "edited": path is not None and not _as_pulled(path)})
    return rows


def fixture_path(root: Path, source_id: Any) -> Path:
    name = str(source_id)
    if not re.fullmatch(r"[0-9A-Za-z_-]{1,100}", name):  # an id is a number; nothing else names a file
        from actionctl.remote.errors import ServiceAnswerError

        raise ServiceAnswerError(f"the service listed a data source whose id {name[:40]!r} cannot name a file")
    return root / FOLDER / f"{name}.yaml"


def _columns(source: dict, entries: list[dict]) -> tuple[list[str], str]:
    declared = source.get("columns")
    if isinstance(declared, list) and all(isinstance(c, str) for c in declared):
        extra = [c for c in _entry_keys(entries) if c not in declared]
        return [*declared, *extra], "dataSource"
    return _entry_keys(entries), "entries"


def _entry_keys(entries: list[dict]) -> list[str]:
    keys: dict[str, None] = {}
    for entry in entries:
        data = entry.get("data")
        keys.update(dict.fromkeys(data if isinstance(data, dict) else {}))
    return list(keys)


def _local_problems(source_id: str, files: dict[str, Path]) -> list[tuple[str, bool]]:
    """What stands in a pull's way: (the problem, whether --force may replace the file)."""
    target = f"{source_id}.yaml"
    held = files.get(source_id)
    owner = next((key for key, path in files.items() if path.name == target), source_id)
    if held is not None and held.name != target:
        return [(f"{FOLDER}/{held.name} already holds data source {source_id}", False)]
    if owner != source_id:
        return [(f"{FOLDER}/{target} holds data source {owner} (its `id:`)", False)]
    if held is not None and not _as_pulled(held):
        return [(f"{FOLDER}/{target} was edited since it was pulled (or never pulled)", True)]
    return []


def _marked(body: str, source_id: Any, app: object) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return (f"# pulled by `actionctl fixtures pull` from data source {source_id} of app {app}; "
            f"edited, a pull keeps it (--force replaces it) sha256:{digest}\n{body}")


def _as_pulled(path: Path) -> bool:
    """Whether the file is exactly what a pull wrote: its first line's hash is that of the rest."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    first, _, body = text.partition("\n")
    mark = _MARK.match(first)
    return bool(mark) and hashlib.sha256(body.encode("utf-8")).hexdigest() == mark.group(1)
