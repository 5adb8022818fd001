"""Local stand-ins for what an action reads on the service: data sources, HTTP responses, app settings.

    fixtures/datasources/<id>.yaml|yml|json   {name, columns?, entries: [{id?, data, createdAt?, updatedAt?}],
                                              errors?: {method: status}}  (e.g. {find: 403}: that call on
                                              this source fails with that status, to test error handling)
    fixtures/http/*.yaml|yml|json             [{method, url, status, headers, body, delayMs?, error?}]
    fixtures/media.yaml|yml|json              {folders: [{id, name, parentId?}],
                                               files: [{id, name, mediaFolderId?, url?, contents?, …}]}
    .actionctl/local/settings.yaml            {key: value} for Fliplet.App.Settings.get (never committed;
                                              settings.<profile>.yaml for a profile)
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import sourcefile, yamldoc
from actionctl.errors import FixtureError
from actionctl.suggest import did_you_mean

DEFAULT_TIMESTAMP = "2026-01-01T00:00:00.000Z"  # fixtures without timestamps stay deterministic
_SUFFIXES = (".yaml", ".yml", ".json")
# Fixtures are data and may be larger than a manifest; still a bound, as a tree of aliases is walked whole.
FIXTURE_MAX_VALUES = 1_000_000
# The statuses a data-source fixture may force (what the service's Data Sources calls answer).
FORCEABLE_STATUSES = (400, 403, 404, 429, 500)


@dataclass
class Fixtures:
    datasources: dict[str, dict] = field(default_factory=dict)  # id (as text) → {id, name, columns, entries}
    http: list[dict] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    media: dict[str, list] = field(default_factory=lambda: {"folders": [], "files": []})
    files: dict[str, Path] = field(default_factory=dict)  # data source id → the file it came from


def load(root: Path, profile: str | None = None) -> Fixtures:
    """The project's fixtures; a file leading outside `root` is refused (an action could return what it holds)."""
    root = sourcefile.resolved(root)
    fixtures = load_datasources(root)
    for path in _files(root / "fixtures" / "http"):
        fixtures.http.extend(responses(_read(path, root), path))
    for suffix in _SUFFIXES:
        path = root / "fixtures" / f"media{suffix}"
        if path.is_file():
            fixtures.media = _media(_read(path, root), path)
            break
    settings = root / ".actionctl" / "local" / (f"settings.{profile}.yaml" if profile else "settings.yaml")
    if settings.is_file():
        values = _read(settings, root)
        if not isinstance(values, dict):
            raise FixtureError(f"{settings}: settings must be a mapping of keys to values")
        fixtures.settings = values
    return fixtures


def load_datasources(root: Path, *, lenient: bool = False) -> Fixtures:
    """The project's data-source fixtures alone (`datasources` and `files`): what `fixtures pull` asks to know
    which file holds a source, without the other fixtures having to be valid. `lenient`: a file that cannot be
    read is known by its name alone (`files` only), so that a pull may be forced to replace it."""
    fixtures = Fixtures()
    root = sourcefile.resolved(root)
    for path in _files(root / "fixtures" / "datasources"):
        try:
            source = datasource(_read(path, root), path)
        except FixtureError:
            if not lenient:
                raise
            fixtures.files.setdefault(path.stem, path)
            continue
        key = str(source["id"])
        if key in fixtures.datasources:
            raise FixtureError(f"{path}: data source {key} is also defined in {fixtures.files[key]}")
        fixtures.datasources[key] = source
        fixtures.files[key] = path
    return fixtures


def datasource(content: Any, path: Path | str) -> dict:
    """A data source in the service's shape, with ids and timestamps filled in."""
    if not isinstance(content, dict) or not isinstance(content.get("entries", []), list):
        raise FixtureError(f"{path}: a data source fixture is a mapping with `name` and a list of `entries`")
    stem = Path(path).stem
    source_id = content.get("id", int(stem) if stem.isdigit() else stem)
    entries, next_id = [], 1
    for index, entry in enumerate(content.get("entries") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("data", {}), dict):
            raise FixtureError(f"{path}: entries[{index}] must be a mapping with a `data` mapping of columns")
        entry_id = entry.get("id", next_id)
        next_id = max(next_id, entry_id + 1 if isinstance(entry_id, int) else next_id)
        entries.append({"id": entry_id, "data": entry.get("data", {}),
                        "createdAt": entry.get("createdAt", DEFAULT_TIMESTAMP),
                        "updatedAt": entry.get("updatedAt", entry.get("createdAt", DEFAULT_TIMESTAMP)),
                        "dataSourceId": source_id})
    source = {"id": source_id, "name": content.get("name", str(source_id)), "columns": content.get("columns"),
              "entries": entries}
    if "errors" in content:
        source["errors"] = _forced_errors(content["errors"], path)
    return source


def _forced_errors(errors: Any, path: Path | str) -> dict:
    """`errors: {method: status}`: the failures a fixture forces, each with a status the service answers."""
    if not isinstance(errors, dict) or not all(
            isinstance(method, str) and status in FORCEABLE_STATUSES for method, status in errors.items()):
        allowed = ", ".join(map(str, FORCEABLE_STATUSES))
        raise FixtureError(f"{path}: `errors` maps a method name to a status ({allowed}), e.g. {{find: 403}}")
    methods = _forceable_methods()
    unknown = [name for name in errors if name not in methods]
    if unknown:  # a misspelt name would force nothing, and the test of the error handling would prove nothing
        raise FixtureError(f"{path}: `errors` names {', '.join(unknown)}, not a data-source method a failure can be "
                           f"forced on{did_you_mean(unknown[0], methods)}")
    return errors


def _forceable_methods() -> tuple[str, ...]:
    from actionctl.surface import methods_of

    return ("connect", *methods_of("DataSources.connection"))


def responses(content: Any, path: Path | str) -> list[dict]:
    """Recorded HTTP answers, each checked field by field: a wrong type here would surface as a TypeError
    inside the user's action, where it means nothing."""
    answers = content.get("responses") if isinstance(content, dict) else content
    if not isinstance(answers, list) or not all(isinstance(r, dict) and r.get("url") for r in answers):
        raise FixtureError(f"{path}: an HTTP fixture is a list of responses, each with at least a `url`")
    for index, answer in enumerate(answers):
        problem = _response_problem(answer)
        if problem:
            raise FixtureError(f"{path}: response {index + 1} ({answer.get('url')!r}): {problem}")
    return answers


def _response_problem(answer: dict) -> str | None:
    status, delay = answer.get("status"), answer.get("delayMs")
    if not isinstance(answer["url"], str):
        return "`url` must be text"
    if "method" in answer and not isinstance(answer["method"], str):
        return "`method` must be text (GET, POST, …)"
    if status is not None and (isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599):
        return f"`status` must be a whole number from 100 to 599, not {status!r}"
    if "headers" in answer and not isinstance(answer["headers"], dict):
        return "`headers` must be a mapping of names to values"
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay < 1e9):
        return f"`delayMs` must be a number of milliseconds ≥ 0, not {delay!r}"
    if "error" in answer and not isinstance(answer["error"], str):
        return "`error` must be text naming the network failure (e.g. ECONNRESET)"
    try:
        json.dumps(answer.get("body"), allow_nan=False, default=str)  # dates travel as text
    except ValueError:
        return "`body` cannot hold NaN or infinity: JSON has neither"
    return None


def _media(content: Any, path: Path) -> dict[str, list]:
    """Folders and files for Fliplet.Media: each a mapping with at least an `id` and a `name`."""
    content = {} if content is None else content
    if not isinstance(content, dict):
        raise FixtureError(f"{path}: the media fixture is a mapping with `folders` and `files` lists")
    media = {}
    for kind in ("folders", "files"):
        items = content.get(kind) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) and "id" in i and "name" in i for i in items):
            raise FixtureError(f"{path}: `{kind}` must be a list of mappings, each with an `id` and a `name`")
        media[kind] = items
    return media


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES and p.is_file())


def _read(path: Path, root: Path) -> Any:
    """A fixture file's content: a regular file inside `root`, of a bounded size, whose YAML expands to a
    bounded tree."""
    try:
        raw = sourcefile.read(path, sourcefile.FIXTURE_MAX_BYTES, root)
        content = json.loads(raw) if path.suffix == ".json" else yamldoc.load_data(raw, FIXTURE_MAX_VALUES)
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read: {exc.strerror}") from None
    except (sourcefile.Refused, yamldoc.YamlLoadError) as exc:
        raise FixtureError(f"{path}: cannot read: {exc.message} [{exc.code}]") from None
    except RecursionError:
        raise FixtureError(f"{path}: cannot read: values are nested too deep") from None
    except ValueError as exc:  # JSON that does not parse, or is not UTF-8
        raise FixtureError(f"{path}: cannot read: {str(exc).splitlines()[0]}") from None
    return plain(content)


def plain(value: Any) -> Any:
    """YAML values as JSON would carry them (dates become ISO text)."""
    return json.loads(json.dumps(value, default=_iso))


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")
