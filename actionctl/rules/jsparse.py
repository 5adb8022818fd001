"""JavaScript facts the code rules need, read from a real parse (tree-sitter).

Comments and strings are never mistaken for code here: `// Fliplet.DataSources` is a comment node,
not a member expression. When tree-sitter reports a syntax error we ask V8 for its exact message and
position (see `v8syntax`), because that is what the service's engine would say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from actionctl.rules import v8syntax

FUNCTION_NODES = frozenset({
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function", "generator_function_declaration", "class_static_block",
})
_HANDLEBARS = re.compile(rb"\{\{.*?\}\}")

# One query, one pass over the tree: each capture name says what a match is for.
_QUERY = r"""
((member_expression object: (identifier) @fliplet.obj) @fliplet.member (#eq? @fliplet.obj "Fliplet"))
((subscript_expression object: (identifier) @fliplet.obj index: (string (string_fragment) @fliplet.key))
  (#eq? @fliplet.obj "Fliplet"))
((variable_declarator name: (object_pattern) @fliplet.pattern value: (identifier) @fliplet.obj)
  (#eq? @fliplet.obj "Fliplet"))
(string_fragment) @text
(jsx_element) @jsx
(jsx_self_closing_element) @jsx
(import_statement) @module
(export_statement) @module
(await_expression) @await
((function_declaration name: (identifier) @execute) (#eq? @execute "execute"))
((generator_function_declaration name: (identifier) @execute) (#eq? @execute "execute"))
((variable_declarator name: (identifier) @execute) (#eq? @execute "execute"))
"""


@dataclass(frozen=True, slots=True)
class Span:
    line: int  # 1-based
    column: int  # 1-based, characters
    length: int = 1


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    message: str
    span: Span


@dataclass(frozen=True, slots=True)
class ExecuteDef:
    """A definition of `execute` at the top level of the script."""

    form: str  # "function", "const", "let", "var", "generator", "assignment"
    value_kind: str  # "function", "arrow", "other"
    is_async: bool
    has_param: bool
    span: Span  # the name


@dataclass(frozen=True, slots=True)
class FlipletUse:
    namespace: str  # "DataSources", or "App.Settings" for the App sub-namespaces
    span: Span
    # The names read from `Fliplet` onwards, as far as they are written out: ("Media", "Folders", "get").
    chain: tuple[str, ...] = ()


@dataclass
class JsFacts:
    syntax: SyntaxProblem | None = None
    # Constructs tree-sitter accepts but V8 refuses in a script: JSX, import/export, top-level await.
    script_errors: list[SyntaxProblem] = field(default_factory=list)
    executes: list[ExecuteDef] = field(default_factory=list)
    nested_execute: Span | None = None
    fliplet: list[FlipletUse] = field(default_factory=list)
    handlebars: list[Span] = field(default_factory=list)


@cache
def _language():
    import tree_sitter
    import tree_sitter_javascript

    language = tree_sitter.Language(tree_sitter_javascript.language())
    return tree_sitter.Parser(language), tree_sitter.Query(language, _QUERY)


class _Positions:
    """Turns tree-sitter's byte points into 1-based line and character columns."""

    def __init__(self, source: bytes) -> None:
        self.lines = source.split(b"\n")

    def span(self, node) -> Span:
        row, col = node.start_point
        end_row, end_col = node.end_point
        line = self.lines[row] if row < len(self.lines) else b""
        column = len(line[:col].decode("utf-8", "replace")) + 1
        end = end_col if end_row == row else len(line)
        length = max(1, len(line[col:end].decode("utf-8", "replace")))
        return Span(row + 1, column, length)

    def at_byte(self, row: int, col: int, length_bytes: int) -> Span:
        line = self.lines[row]
        column = len(line[:col].decode("utf-8", "replace")) + 1
        return Span(row + 1, column, max(1, len(line[col:col + length_bytes].decode("utf-8", "replace"))))

    def point_of_offset(self, node, offset: int) -> tuple[int, int]:
        """Row and byte column of `offset` bytes into `node`'s text."""
        text = node.text[:offset]
        row = node.start_point[0] + text.count(b"\n")
        if b"\n" in text:
            return row, len(text) - text.rfind(b"\n") - 1
        return row, node.start_point[1] + len(text)


ASK_V8 = object()  # analyze() asks V8 itself unless given V8's verdict (validation batches them)
_HINTS = {
    "Cannot use import statement": " — action code is a script; list libraries in dependencies instead",
    "Unexpected token 'export'": " — action code is a script: remove `export`",
    "await is only valid": " — only inside an async function such as execute()",
    "Maximum call stack size exceeded": " — the code nests too deeply for V8's parser, from here on; flatten it",
}


def without_comments(source: str) -> str:
    """The code with its comments blanked out (strings stay: `Fliplet.App['V3']` names a namespace in one).
    Code the parse finds in error is returned whole: nothing is taken out on a guess."""
    parser, _ = _language()
    data = source.encode("utf-8")
    tree = parser.parse(data)
    if tree.root_node.has_error:
        return source
    kept, start, stack = bytearray(), 0, [tree.root_node]
    spans = []
    while stack:
        node = stack.pop()
        if node.type == "comment":
            spans.append((node.start_byte, node.end_byte))
        else:
            stack.extend(node.children)
    for begin, end in sorted(spans):
        kept += data[start:begin] + b" "
        start = end
    kept += data[start:]
    return kept.decode("utf-8", "replace")


def analyze(source: str, verdict: object = ASK_V8) -> JsFacts:
    parser, query = _language()
    data = source.encode("utf-8")
    tree = parser.parse(data)
    where = _Positions(data)
    facts = JsFacts()
    if verdict is ASK_V8:
        verdict = _ask_v8(source)
    import tree_sitter

    captures = tree_sitter.QueryCursor(query).captures(tree.root_node)
    if verdict is v8syntax.Unavailable:  # tree-sitter alone, with the script rules V8 would apply
        if tree.root_node.has_error:
            facts.syntax = _tree_sitter_problem(tree.root_node, where)
            return facts
        facts.script_errors = _script_errors(captures, where)
    elif verdict is not v8syntax.VALID:
        message, line, column, length = verdict
        if captures.get("jsx") and message.startswith("Unexpected token '<'"):
            message += " — JSX is not JavaScript the service can run; build the markup as a string"
        else:
            message += next((hint for prefix, hint in _HINTS.items() if message.startswith(prefix)), "")
        facts.syntax = SyntaxProblem(f"syntax error: {message}", Span(line, column, length))
        return facts
    facts.fliplet = _fliplet_uses(captures, where)
    facts.handlebars = _handlebars(captures.get("text", []), where) if b"{{" in data else []
    for name in captures.get("execute", []):
        statement = _statement_of(name)
        if statement is not None and _is_top_level(statement):
            facts.executes.append(_execute_def(name, statement, where))
        elif facts.nested_execute is None:
            facts.nested_execute = where.span(name)
    facts.executes.extend(_assigned_executes(tree.root_node, where))
    facts.executes.sort(key=lambda e: (e.span.line, e.span.column))
    return facts


def _ask_v8(source: str) -> object:
    try:
        return v8syntax.check(source)
    except v8syntax.Unavailable:
        return v8syntax.Unavailable


def _is_top_level(statement) -> bool:
    parent = statement.parent
    if parent is not None and parent.type == "export_statement":  # reported on its own as a syntax error
        parent = parent.parent
    return parent is not None and parent.type == "program"


def _tree_sitter_problem(root, where: _Positions) -> SyntaxProblem | None:
    node = _first_error(root)
    if node is None:
        return None
    if node.is_missing:
        return SyntaxProblem(f"syntax error: missing `{node.type}`", where.span(node))
    text = node.text.decode("utf-8", "replace").strip()
    token = text.split(None, 1)[0][:20] if text else ""
    message = f"syntax error: unexpected `{token}`" if token else "syntax error: unexpected end of input"
    return SyntaxProblem(message, where.span(node))


def _first_error(node):
    if node.is_error or node.is_missing:
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            found = _first_error(child)
            if found is not None:
                return found
    return node if node.has_error else None


def _script_errors(captures: dict, where: _Positions) -> list[SyntaxProblem]:
    problems = [SyntaxProblem("JSX is not JavaScript the service can run; build the markup as a string",
                              where.span(n)) for n in captures.get("jsx", [])]
    for node in captures.get("module", []):
        keyword = node.children[0].text.decode() if node.children else "import"
        problems.append(SyntaxProblem(
            f"syntax error: Cannot use {keyword} statement outside a module — action code is a script; "
            "list libraries in dependencies instead", where.span(node.children[0] if node.children else node)))
    for node in captures.get("await", []):
        if not _inside_function(node):
            problems.append(SyntaxProblem(
                "syntax error: await is only valid in async functions — move it inside execute()",
                where.span(node.children[0] if node.children else node)))
    return problems


def _inside_function(node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in FUNCTION_NODES:
            return True
        parent = parent.parent
    return False


def _fliplet_uses(captures: dict, where: _Positions) -> list[FlipletUse]:
    uses = []
    for member in captures.get("fliplet.member", []):
        prop = member.child_by_field_name("property")
        if prop is None:
            continue
        namespace = prop.text.decode("utf-8", "replace")
        if namespace == "App":
            namespace = _app_namespace(member)
        uses.append(FlipletUse(namespace, where.span(member.child_by_field_name("object")), _chain(member)))
    for key in captures.get("fliplet.key", []):
        subscript = key.parent.parent
        uses.append(FlipletUse(key.text.decode("utf-8", "replace"), where.span(subscript)))
    for pattern in captures.get("fliplet.pattern", []):
        for child in pattern.named_children:
            key = child if child.type == "shorthand_property_identifier_pattern" else child.child_by_field_name("key")
            if key is not None and child.type in ("shorthand_property_identifier_pattern", "pair_pattern"):
                uses.append(FlipletUse(key.text.decode("utf-8", "replace"), where.span(key)))
    uses.sort(key=lambda u: (u.span.line, u.span.column))
    return uses


def _chain(member, most: int = 6) -> tuple[str, ...]:
    """The property names of `Fliplet.A.B.c` outwards from the first one: ("A", "B", "c")."""
    names = []
    node = member
    while len(names) < most:
        prop = node.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier":
            break
        names.append(prop.text.decode("utf-8", "replace"))
        parent = node.parent
        if parent is None or parent.type != "member_expression" or parent.child_by_field_name("object") != node:
            break
        node = parent
    return tuple(names)


def _app_namespace(member) -> str:
    """`Fliplet.App.Settings` → "App.Settings"; `Fliplet.App.V3.Actions` → "App.V3.Actions"."""
    parts = ["App"]
    node = member
    while node.parent is not None and node.parent.type == "member_expression" and len(parts) < 3:
        node = node.parent
        prop = node.child_by_field_name("property")
        if prop is None:
            break
        parts.append(prop.text.decode("utf-8", "replace"))
        if parts[1] != "V3":
            break
    return ".".join(parts)


def _handlebars(nodes: list, where: _Positions) -> list[Span]:
    spans = []
    for node in nodes:
        for match in _HANDLEBARS.finditer(node.text):
            row, col = where.point_of_offset(node, match.start())
            spans.append(where.at_byte(row, col, len(match.group()) if b"\n" not in match.group() else 2))
    return spans


def _statement_of(name_node):
    """The declaration statement that defines `name_node`, or None."""
    node = name_node.parent
    if node is None:
        return None
    if node.type == "variable_declarator":
        return node.parent
    return node


def _execute_def(name, statement, where: _Positions) -> ExecuteDef:
    declaration = name.parent
    if statement.type == "generator_function_declaration":
        return ExecuteDef("generator", "function", _has_async(declaration), _has_param(declaration), where.span(name))
    if statement.type == "function_declaration":
        return ExecuteDef("function", "function", _has_async(declaration), _has_param(declaration), where.span(name))
    form = statement.children[0].type if statement.children else "var"  # const | let | var
    value = declaration.child_by_field_name("value")
    if value is None or value.type not in ("arrow_function", "function_expression"):
        return ExecuteDef(form, "other", False, False, where.span(name))
    kind = "arrow" if value.type == "arrow_function" else "function"
    return ExecuteDef(form, kind, _has_async(value), _has_param(value), where.span(name))


def _assigned_executes(root, where: _Positions) -> list[ExecuteDef]:
    """`execute = async (context) => …` at the top level: not one of the supported forms."""
    found = []
    for statement in root.named_children:
        if statement.type != "expression_statement" or not statement.named_children:
            continue
        expression = statement.named_children[0]
        left = expression.child_by_field_name("left") if expression.type == "assignment_expression" else None
        if left is not None and left.type == "identifier" and left.text == b"execute":
            found.append(ExecuteDef("assignment", "other", False, False, where.span(left)))
    return found


def _has_async(function_node) -> bool:
    return any(child.type == "async" for child in function_node.children)


def _has_param(function_node) -> bool:
    if function_node.child_by_field_name("parameter") is not None:  # `async context => …`
        return True
    params = function_node.child_by_field_name("parameters")
    return params is not None and any(p.type != "comment" for p in params.named_children)
