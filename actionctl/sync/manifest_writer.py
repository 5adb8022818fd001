"""Writing manifests: a new one in the layout `actionctl new` uses, or changed fields edited in place.

Editing in place keeps everything the user wrote around the fields that did not change — comments,
blank lines, key order, quoting — because a pull that reformats a whole file buries the one real
change in noise.
"""

from __future__ import annotations

from typing import Any

import yaml

# Fields in the order `actionctl new` writes them; `code` is left out when it is the default path.
ORDER = ("name", "description", "code", "active", "environment", "frequency", "timezone", "triggers",
         "dependencies")
_ALWAYS_WRITTEN = ("name", "active", "environment")


class _Quoted(str):
    """A string written in double quotes: cron expressions read better, and `*` stays unambiguous."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)  # "  - item" under its key, as the templates write lists


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                                                                 style='"'))


def is_written(name: str, value: Any) -> bool:
    """Whether a new manifest spells out `name`: always the basics, otherwise only what is not a default."""
    if name in _ALWAYS_WRITTEN:
        return True
    return value not in (None, [], "")


def render(fields: dict[str, Any], schema: str | None = None) -> str:
    """A new manifest for `fields`, with the schema comment editors use for completion."""
    lines = [f"# yaml-language-server: $schema={schema}\n"] if schema else []
    for name in ORDER:
        if name in fields and is_written(name, fields[name]):
            lines.append(entry(name, fields[name]))
    return "".join(lines)


def entry(name: str, value: Any) -> str:
    """`name: value` as YAML lines, ending with a newline."""
    if name == "frequency" and isinstance(value, str):
        value = _Quoted(value)
    return yaml.dump({name: value}, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True,
                     width=1_000_000)


def update(text: str, changed: dict[str, Any]) -> str:
    """`text` with each top-level field of `changed` set (or removed, for a default), the rest untouched."""
    for name, value in changed.items():
        spans, scalars = _entries(text)
        inline = entry(name, value)[len(name) + 2:-1] if is_written(name, value) else "\n"
        if name in scalars and "\n" not in inline:  # only the value changes: a comment after it stays
            start, end = scalars[name]
            text = text[:start] + inline + text[end:]
        elif name in spans:
            start, end = spans[name]
            text = text[:start] + (entry(name, value) if is_written(name, value) else "") + text[end:]
        elif is_written(name, value):
            text = _insert(text, spans, name, entry(name, value))
    return text


def _entries(text: str) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """For each top-level key: from the start of its line to the end of the line where its value ends;
    and for those whose value is a one-line scalar, where that scalar is written."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    spans: dict[str, tuple[int, int]] = {}
    scalars: dict[str, tuple[int, int]] = {}
    if not isinstance(root, yaml.MappingNode):
        return spans, scalars
    for key, value in root.value:
        if isinstance(value, yaml.ScalarNode) and value.style not in ("|", ">") \
                and value.start_mark.line == value.end_mark.line and value.end_mark.index > value.start_mark.index:
            scalars[str(key.value)] = (value.start_mark.index, value.end_mark.index)
        start = text.rfind("\n", 0, key.start_mark.index) + 1
        last = _last_content(value).end_mark.index
        if last > 0 and text[last - 1] == "\n":  # a block scalar ends after its newline
            last -= 1
        end = text.find("\n", last)
        spans[str(key.value)] = (start, len(text) if end < 0 else end + 1)
    return spans, scalars


def _last_content(node: yaml.Node) -> yaml.Node:
    # A block collection "ends" where the next key begins, past any comment lines in between; its last
    # scalar ends where its text does.
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node


def _insert(text: str, spans: dict[str, tuple[int, int]], name: str, lines: str) -> str:
    """Add a field before the first present field that follows it in ORDER, or at the end."""
    later = ORDER[ORDER.index(name) + 1:] if name in ORDER else ()
    for other in later:
        if other in spans:
            start = spans[other][0]
            return text[:start] + lines + text[start:]
    if text and not text.endswith("\n"):
        text += "\n"
    return text + lines
