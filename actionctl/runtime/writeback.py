"""`run --write-fixtures`: a run's data-source writes, saved into their fixture files in the form the user wrote.

A fixture is the user's file: its comments, its flow or block style and the fields it spells out stay, and
only what the run changed is edited in place — an updated entry's `data` (and its `updatedAt`, when the
entry writes one), a removed entry's lines, a new entry after the last one, in the style of its
neighbours. An entry that relied on its place for its id is given the id when a removal before it would
renumber it. A file whose shape the in-place edit cannot follow (anchors, `entries` missing) is written
whole with the same fields, and so is JSON, which has no comments to keep.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from actionctl import sourcefile, yamldoc

# A run's changes to entries; the others (create, configure, drop) concern whole sources.
ENTRY_OPS = ("insert", "update", "remove")
# What a new entry spells out: it has no form of its own to keep, so all of what the run gave it.
_NEW_ENTRY_FIELDS = ("id", "data", "createdAt", "updatedAt")
_WIDE = 1_000_000  # never fold a line


@dataclass
class _Row:
    """One entry of the fixture: its id, the fields as written, which of them changed, and its node in the file."""

    id: Any
    written: dict
    node: yaml.Node | None = None
    changed: list[str] = field(default_factory=list)
    removed: bool = False
    new: bool = False


def write_back(fixtures: Any, changes: list[dict]) -> list[Path]:
    """Apply a run's data-source writes to their fixture files (atomically). Returns the files written."""
    from actionctl.atomicfile import write_atomic

    touched: dict[str, list[dict]] = {}
    for change in changes:
        key = str(change.get("dataSourceId"))
        # Creating, configuring or dropping a whole source is shown, never written to a fixture.
        if key in fixtures.files and change.get("op") in ENTRY_OPS:
            touched.setdefault(key, []).append(change)
    written = []
    for key, its_changes in touched.items():
        path = fixtures.files[key]
        text = yamldoc.decode(sourcefile.read(path, sourcefile.FIXTURE_MAX_BYTES))
        write_atomic(path, rewrite(text, path.suffix, fixtures.datasources[key]["entries"], its_changes))
        written.append(path)
    return written


def rewrite(text: str, suffix: str, entries: list[dict], changes: list[dict]) -> str:
    """`text`, a data-source fixture whose loaded entries are `entries`, with `changes` applied."""
    content = json.loads(text) if suffix == ".json" else yamldoc.load_data(text)
    written = (content.get("entries") or []) if isinstance(content, dict) else []
    rows = [_Row(entry["id"], copy.deepcopy(raw)) for entry, raw in zip(entries, written, strict=True)]
    rows = _applied(rows, changes)
    _pin_ids(rows)
    expected = {**content, "entries": [row.written for row in rows if not row.removed]}
    if suffix == ".json":
        return json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    edited = _edited(text, rows)
    if edited is not None and yamldoc.load_data(edited) == yamldoc.load_data(_dump(expected)):
        return edited
    return _dump(expected)  # a shape the edit in place does not follow: the same fields, written whole


def _applied(rows: list[_Row], changes: list[dict]) -> list[_Row]:
    for change in changes:
        row = next((r for r in rows if r.id == change.get("id") and not r.removed), None)
        after = change.get("after") or {}
        if change["op"] == "insert" or (change["op"] == "update" and row is None):
            rows.append(_Row(after.get("id"), {k: after[k] for k in _NEW_ENTRY_FIELDS if k in after}, new=True))
        elif change["op"] == "remove" and row is not None:
            row.removed = True
        elif row is not None:
            _set(row, "data", after.get("data", {}))
            if "updatedAt" in row.written:
                _set(row, "updatedAt", after.get("updatedAt"))
    return rows


def _set(row: _Row, name: str, value: Any) -> None:
    if row.written.get(name) != value:
        row.written[name] = value
        if name not in row.changed:
            row.changed.append(name)


def _pin_ids(rows: list[_Row]) -> None:
    """An entry without `id` takes the next number: give it its id where what is left would number it otherwise."""
    next_id = 1
    for row in (r for r in rows if not r.removed):
        if "id" not in row.written and row.id != next_id:
            row.written = {"id": row.id, **row.written}
            row.changed.append("id")
        current = row.written.get("id", next_id)
        next_id = max(next_id, current + 1) if isinstance(current, int) else next_id


# --- editing the YAML in place --------------------------------------------------------------------


def _edited(text: str, rows: list[_Row]) -> str | None:
    """`text` with each row's changes made where the row is written; None for a shape this does not follow."""
    if any(getattr(event, "anchor", None) for event in yaml.parse(text, Loader=yaml.SafeLoader)):
        return None  # one node written in two places: an edit of one would be an edit of both
    sequence = _entries_node(yaml.compose(text, Loader=yaml.SafeLoader))
    kept = [row for row in rows if not row.new]
    if sequence is None or len(sequence.value) != len(kept):
        return None
    for row, node in zip(kept, sequence.value, strict=True):
        row.node = node
    edits: list[tuple[int, int, str]] = []
    for row in rows:
        if row.new:
            edits.append(_added(text, sequence, row))
        elif row.removed:
            edits.append(_removal(text, sequence, row.node))
        elif row.changed:
            if not isinstance(row.node, yaml.MappingNode):
                return None
            edits.extend(e for name in row.changed for e in _field_edits(text, row.node, name, row.written[name]))
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _entries_node(root: yaml.Node | None) -> yaml.SequenceNode | None:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "entries" and isinstance(value, yaml.SequenceNode):
                return value
    return None


def _field_edits(text: str, entry: yaml.MappingNode, name: str, value: Any) -> list[tuple[int, int, str]]:
    node = _node_named(entry, name)
    if node is not None:
        return _value_edits(text, node, value)
    first = entry.value[0][0].start_mark  # a field the entry did not write (its id): before the first one
    separator = ", " if entry.flow_style else "\n" + " " * first.column
    return [(first.index, first.index, f"{_render(name, block=False)}: {_render(value, block=False)}{separator}")]


def _value_edits(text: str, node: yaml.Node, value: Any) -> list[tuple[int, int, str]]:
    """`node` made to say `value`: a mapping with the same keys value by value (its comments stay), else whole."""
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict) and [k.value for k, _ in node.value] == list(
            value) and all(isinstance(k, yaml.ScalarNode) for k, _ in node.value):
        return [edit for key, inner in node.value for edit in _value_edits(text, inner, value[key.value])]
    if isinstance(node, yaml.ScalarNode) and _constructed(node) == value:
        return []
    block = isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style
    return [(node.start_mark.index, _end(text, node), _render(value, block=block, indent=node.start_mark.column))]


def _constructed(node: yaml.ScalarNode) -> Any:
    from actionctl.runtime.fixtures import plain

    return plain(yaml.SafeLoader("").construct_object(node, deep=True))


def _removal(text: str, sequence: yaml.SequenceNode, node: yaml.Node) -> tuple[int, int, str]:
    if sequence.flow_style:
        index = sequence.value.index(node)
        if index + 1 < len(sequence.value):
            return node.start_mark.index, sequence.value[index + 1].start_mark.index, ""
        start = sequence.value[index - 1].end_mark.index if index else node.start_mark.index
        return start, node.end_mark.index, ""
    dash = text.rfind("-", 0, node.start_mark.index)
    return text.rfind("\n", 0, dash) + 1, _line_end(text, _end(text, node)), ""


def _added(text: str, sequence: yaml.SequenceNode, row: _Row) -> tuple[int, int, str]:
    """A new entry after the last one, written as its neighbours are (flow or block, `data` likewise)."""
    if sequence.flow_style:  # an empty list is always a flow one (`entries: []`)
        at = sequence.end_mark.index - 1  # the closing bracket
        return at, at, (", " if sequence.value else "") + _render(row.written, block=False)
    last = sequence.value[-1]
    if isinstance(last, yaml.MappingNode) and last.flow_style:
        lines = _render(row.written, block=False)
    else:
        indent = last.start_mark.column
        lines = "\n".join(f"{_render(k, block=False)}:{_value_like(v, _node_named(last, k))}"
                          for k, v in row.written.items()).replace("\n", "\n" + " " * indent)
    dash = text.rfind("-", 0, last.start_mark.index)
    dash_column = dash - (text.rfind("\n", 0, dash) + 1)
    at = _line_end(text, _end(text, last))
    prefix = "" if text[at - 1] == "\n" else "\n"
    return at, at, f"{prefix}{' ' * dash_column}- {lines}\n"


def _node_named(entry: yaml.Node | None, name: str) -> yaml.Node | None:
    if isinstance(entry, yaml.MappingNode):
        return next((node for key, node in entry.value if key.value == name), None)
    return None


def _value_like(value: Any, neighbour: yaml.Node | None) -> str:
    """`value` after its key, block-styled below it when the neighbour's is (or the neighbour has none)."""
    block = isinstance(value, (dict, list)) and value and not getattr(neighbour, "flow_style", False)
    if not block:
        return " " + _render(value, block=False)
    return "\n  " + _render(value, block=True, indent=2)


def _render(value: Any, *, block: bool, indent: int = 0) -> str:
    """`value` as YAML text; block style continues its lines at column `indent`."""
    if block and isinstance(value, (dict, list)) and value:
        dumped = yaml.safe_dump(value, default_flow_style=False, sort_keys=False, allow_unicode=True, width=_WIDE)
        return dumped.rstrip("\n").replace("\n", "\n" + " " * indent)
    dumped = yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=_WIDE)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _end(text: str, node: yaml.Node) -> int:
    """Where a node's text ends: a block collection at its last scalar, not past the comments after it."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    end = node.end_mark.index
    return end - 1 if end > 0 and text[end - 1] == "\n" else end  # a block scalar ends after its newline


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _dump(content: dict) -> str:
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True, width=_WIDE)
