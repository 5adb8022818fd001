"""YAML documents that remember where every key and value was written.

PyYAML's `safe_load` forgets positions and silently keeps the last of two duplicate keys. We compose
the node graph instead (with libyaml when present) and build plain Python values ourselves, keeping a
map from each path — a tuple of keys and indexes — to the line and column of its key and its value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

YamlPath = tuple  # ("triggers", 0, "trigger")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOM = b"\xef\xbb\xbf"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# Aliases let a tiny file describe an enormous tree. Values built once are shared, but every reader
# after us (variables, rules, JSON) walks the tree as a tree, so it is the expanded size that is capped,
# here, for every YAML file actionctl reads: a ~500-byte file of nine alias levels expands to 10**9.
MAX_VALUES = 200_000
MAX_DEPTH = 100  # nesting; the builder recurses, and no manifest or fixture needs more


@dataclass(frozen=True, slots=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based, in characters


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    path: YamlPath
    first: Mark
    again: Mark


class YamlLoadError(Exception):
    """The bytes could not be read as one YAML document. `code` is a diagnostic code."""

    def __init__(self, code: str, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark


@dataclass
class YamlDoc:
    data: Any
    text: str
    keys: dict[YamlPath, Mark] = field(default_factory=dict)
    values: dict[YamlPath, Mark] = field(default_factory=dict)
    # Scalar style of each value: "" plain, "'" or '"' quoted, "|" or ">" block.
    styles: dict[YamlPath, str] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    def value_mark(self, path: YamlPath) -> Mark:
        """Where the value at `path` starts; the nearest written ancestor when it is absent."""
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get((), Mark(1, 1))

    def key_mark(self, path: YamlPath) -> Mark:
        """Where the key of `path` is written (falls back like `value_mark`)."""
        return self.keys.get(path) or self.value_mark(path)

    def char_mark(self, path: YamlPath, offset: int) -> Mark:
        """The position of character `offset` inside a one-line scalar value, when the file shows it as is.

        Escapes or folding can make the value differ from its source text; then the value's start is
        the honest answer.
        """
        start = self.value_mark(path)
        value = self.value_at(path)
        if not isinstance(value, str) or path not in self.values:
            return start
        quote = 1 if self.styles.get(path) in ("'", '"') else 0
        lines = self.text.splitlines()
        if start.line > len(lines):
            return start
        source_line = lines[start.line - 1]
        begin = start.column - 1 + quote
        if source_line[begin : begin + len(value)] != value:
            return start
        return Mark(start.line, start.column + quote + offset)

    def value_at(self, path: YamlPath) -> Any:
        """The value at `path`, or None when there is none."""
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def decode(raw: bytes) -> str:
    """UTF-8 text of a file (a BOM is allowed), or a YamlLoadError pointing at the first bad byte."""
    if raw.startswith(_BOM):  # positions count from after it, as editors show them
        raw = raw[len(_BOM):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise YamlLoadError(
            "FILE_ENCODING_INVALID",
            f"not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot start or continue a character — "
            "save the file as UTF-8",
            Mark(line, column),
        ) from None


def load(raw: bytes | str, max_values: int = MAX_VALUES) -> YamlDoc:
    """Parse one YAML document, keeping positions. Raises YamlLoadError for anything unreadable.

    A document expanding (aliases counted as many times as they are used) to more than `max_values`
    values, or nested deeper than MAX_DEPTH, is refused with YAML_TOO_COMPLEX.
    """
    text = raw if isinstance(raw, str) else decode(raw)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise _too_complex(f"values are nested more than {MAX_DEPTH} deep", Mark(1, 1)) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.reader.ReaderError as exc:
        raise YamlLoadError("YAML_SYNTAX_ERROR", f"{exc.reason} (character {exc.character!r})",
                            _mark_at_index(text, exc.position)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error we know of is marked
        raise YamlLoadError("YAML_SYNTAX_ERROR", str(exc), Mark(1, 1)) from None
    if root is None:
        raise YamlLoadError("MANIFEST_EMPTY", "the file holds no YAML document", Mark(1, 1))
    builder = _Builder(text, max_values)
    data = builder.build(root, ())
    return YamlDoc(data, text, builder.keys, builder.values, builder.styles, builder.duplicates)


def load_data(raw: bytes | str, max_values: int = MAX_VALUES) -> Any:
    """The plain value of a YAML document (None when it holds none), bounded as `load` bounds it."""
    try:
        return load(raw, max_values).data
    except YamlLoadError as exc:
        if exc.code == "MANIFEST_EMPTY":
            return None
        raise


def _too_complex(problem: str, mark: Mark) -> YamlLoadError:
    return YamlLoadError("YAML_TOO_COMPLEX", f"{problem} — actionctl refuses documents that large", mark)


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlLoadError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if exc.context and "single document" in exc.context:
        problem = "the file holds more than one YAML document (found another `---`); keep one action per file"
    elif exc.context:
        problem = f"{problem} ({exc.context})"
    where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
    return YamlLoadError("YAML_SYNTAX_ERROR", problem, where)


def _mark_at_index(text: str, index: int) -> Mark:
    before = text[:index]
    return Mark(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def _tag(tag: str) -> str:
    return "!!" + tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else tag


# Manifests of one shape put their keys and values at the same places: one Mark per place, reused.
_MARKS: dict[tuple[int, int], Mark] = {}
_MARKS_KEPT = 20_000


def _mark(node: yaml.Node) -> Mark:
    start = node.start_mark
    place = (start.line, start.column)
    mark = _MARKS.get(place)
    if mark is None:
        mark = Mark(start.line + 1, start.column + 1)
        if len(_MARKS) < _MARKS_KEPT:
            _MARKS[place] = mark
    return mark


class _Builder:
    """Turns a composed node graph into plain values while recording positions."""

    def __init__(self, text: str, max_values: int = MAX_VALUES) -> None:
        self.max_values = max_values
        self.constructor = yaml.constructor.SafeConstructor()
        self.keys: dict[YamlPath, Mark] = {}
        self.values: dict[YamlPath, Mark] = {}
        self.styles: dict[YamlPath, str] = {}
        self.duplicates: list[DuplicateKey] = []
        self._built: dict[int, tuple[Any, int]] = {}  # alias targets already built: (value, expanded size)
        self._stack: set[int] = set()
        self._count = 0  # values of the expanded tree so far

    def build(self, node: yaml.Node, path: YamlPath) -> Any:
        self.values[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            self._add(1, node)
            self.styles[path] = node.style or ""
            return self._scalar(node)
        if id(node) in self._stack:
            raise YamlLoadError("YAML_SYNTAX_ERROR", "an alias refers to the node that contains it", _mark(node))
        if id(node) in self._built:  # a second alias of the same node: same value, no second walk
            value, size = self._built[id(node)]
            self._add(size, node)  # but readers will walk it again: it counts again
            return value
        if len(self._stack) >= MAX_DEPTH:
            raise _too_complex(f"values are nested more than {MAX_DEPTH} deep", _mark(node))
        before = self._count
        self._add(1, node)
        self._stack.add(id(node))
        try:
            value = self._mapping(node, path) if isinstance(node, yaml.MappingNode) else self._sequence(node, path)
        finally:
            self._stack.discard(id(node))
        self._built[id(node)] = (value, self._count - before)
        return value

    def _add(self, size: int, node: yaml.Node) -> None:
        self._count += size
        if self._count > self.max_values:
            raise _too_complex(f"the document expands to more than {self.max_values:,} values (aliases counted "
                               "each time they are used)", _mark(node))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR_TAG:  # most values: skip the constructor's dispatch
            return node.value
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise YamlLoadError("YAML_SYNTAX_ERROR", exc.problem or "cannot read this value", _mark(node)) from None
        except Exception:  # an explicit tag on a value it cannot hold (`!!int nope`, `!!timestamp x`) fails anyhow
            raise YamlLoadError("YAML_SYNTAX_ERROR", f"{node.value[:40]!r} cannot be read as {_tag(node.tag)}",
                                _mark(node)) from None
        if isinstance(value, bytes):  # JSON, and so the service, has no bytes
            raise YamlLoadError("YAML_SYNTAX_ERROR", "!!binary values are not supported: write the value as text",
                                _mark(node))
        return value

    def _sequence(self, node: yaml.SequenceNode, path: YamlPath) -> list:
        return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, path: YamlPath) -> dict:
        self._find_duplicates(node, path)
        if any(key.tag == _MERGE_TAG for key, _ in node.value):
            try:
                self.constructor.flatten_mapping(node)  # merged keys first, so explicit ones win
            except yaml.constructor.ConstructorError as exc:
                raise YamlLoadError("YAML_SYNTAX_ERROR", exc.problem or "invalid merge", _mark(node)) from None
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlLoadError("YAML_SYNTAX_ERROR", "a key must be a plain value, not a list or mapping",
                                    _mark(key_node))
            key = self._scalar(key_node)
            key_path = (*path, key)
            self.keys[key_path] = _mark(key_node)
            result[key] = self.build(value_node, key_path)
        return result

    def _find_duplicates(self, node: yaml.MappingNode, path: YamlPath) -> None:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self._scalar(key_node)
            if key in seen:
                self.duplicates.append(DuplicateKey((*path, key), _mark(seen[key]), _mark(key_node)))
            else:
                seen[key] = key_node
