"""The code file: present, not blank, valid JavaScript with a top-level async execute(context), and every
Fliplet namespace it uses backed by its package in dependencies."""

from __future__ import annotations

from collections.abc import Iterator

from actionctl import surface
from actionctl.diagnostics import Diagnostic, Severity
from actionctl.rules.context import ActionCheck
from actionctl.rules.jsparse import ExecuteDef, FlipletUse
from actionctl.rules.values import kind
from actionctl.sourcefile import REFUSED
from actionctl.suggest import did_you_mean

FAILED = "CODE_VALIDATION_FAILED"
_SHAPES = {
    "function": "async function execute(context) { … }",
    "arrow": "const execute = async (context) => { … }",
}


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    setting = a.data.get("code")
    if setting is not None and not isinstance(setting, str):
        yield a.at("TYPE_INVALID", f"code must be the path of a .js file, not {kind(setting)}", ("code",))
        return
    if isinstance(setting, str) and not setting.strip():
        yield a.at("CODE_REQUIRED", "code is empty: name the .js file, or remove the line to use "
                   f"{a.file.with_suffix('.js').name}", ("code",))
        return
    code = a.manifest.code
    if code.missing:
        yield a.at("CODE_REQUIRED", f"no code file: {_shown(a, code.path)} does not exist — create it, or point "
                   "`code:` at the right file", ("code",) if setting is not None else ())
        return
    if code.problem is not None and code.problem.code == "CODE_REQUIRED":  # the path is a folder
        yield a.at("CODE_REQUIRED", f"{_shown(a, code.path)} is a folder, not a .js file", ("code",))
        return
    if code.problem is not None and code.problem.code in REFUSED:
        # Said at `code:`, never in the file: a code frame of it would print what it holds.
        yield a.at(code.problem.code, f"the code file is not read: {code.problem.message}",
                   ("code",) if setting is not None else ())
        return
    if code.problem is not None:
        yield a.in_file(code.problem.file, code.problem.code, code.problem.message, code.problem.mark)
        return
    if not code.text.strip():
        yield a.in_code("CODE_EMPTY", "the code file is empty — define `async function execute(context) { … }`",
                        1, 1)
        return
    yield from _javascript(a)


def _javascript(a: ActionCheck) -> Iterator[Diagnostic]:
    facts = a.js
    if facts.syntax is not None:
        span = facts.syntax.span
        yield a.in_code(FAILED, facts.syntax.message, span.line, span.column, length=span.length)
        return
    for problem in facts.script_errors:
        yield a.in_code(FAILED, problem.message, problem.span.line, problem.span.column, length=problem.span.length)
    yield from _execute(a)
    yield from _fliplet(a)
    for span in facts.handlebars:
        yield a.in_code("CODE_HANDLEBARS", "Handlebars `{{ … }}` is not evaluated in action code: this text stays "
                        "as written — read the value from context.payload or Fliplet.App.Settings instead",
                        span.line, span.column, length=span.length, severity=Severity.WARNING, subject="{{")


def _execute(a: ActionCheck) -> Iterator[Diagnostic]:
    facts = a.js
    definitions = facts.executes
    if not definitions:
        if facts.nested_execute is not None:
            span = facts.nested_execute
            yield a.in_code(FAILED, "execute is defined inside a block or function; define it at the top level "
                            f"of the file: `{_SHAPES['function']}`", span.line, span.column, length=span.length)
        else:
            yield a.in_code(FAILED, f"no execute function: the code must define `{_SHAPES['function']}` at the "
                            "top level", 1, 1)
        return
    declared = [d for d in definitions if d.form != "assignment"]  # `execute = …` declares nothing
    lexical = [d for d in declared if d.form in ("const", "let")]
    if len(declared) > 1:
        later = declared[1:] if lexical else declared[:-1]
        for definition in later:
            span = definition.span
            if lexical:
                yield a.in_code(FAILED, "syntax error: Identifier 'execute' has already been declared",
                                span.line, span.column, length=span.length)
            else:
                yield a.in_code("EXECUTE_REDEFINED", f"execute is defined {len(declared)} times; only the last "
                                "one is used", span.line, span.column, length=span.length,
                                severity=Severity.WARNING)
    for definition in definitions:
        message = _execute_problem(definition)
        if message:
            span = definition.span
            yield a.in_code(FAILED, message, span.line, span.column, length=span.length)


def _execute_problem(d: ExecuteDef) -> str | None:
    if d.form == "var":
        return f"declare execute with const or let — `{_SHAPES['arrow']}` (var is not a supported form)"
    if d.form == "assignment":
        return f"execute must be declared, not assigned: `{_SHAPES['arrow']}`"
    if d.form == "generator":
        return f"execute must be an async function, not a generator: `{_SHAPES['function']}`"
    if d.value_kind == "other":
        return f"execute must be a function: `{_SHAPES['arrow']}`"
    if not d.is_async:
        shape = _SHAPES["function"] if d.form == "function" else _SHAPES["arrow"].replace("const", d.form)
        return f"execute must be async: `{shape}`"
    if not d.has_param:
        return "execute must take the context as its first parameter: `execute(context)`"
    return None


def _fliplet(a: ActionCheck) -> Iterator[Diagnostic]:
    declared = a.data.get("dependencies")
    declared = {d for d in declared if isinstance(d, str)} if isinstance(declared, list) else set()
    for use in a.js.fliplet:
        span, namespace = use.span, use.namespace
        if namespace in surface.CORE_NAMESPACES:
            yield from _method(a, use)
            continue
        package = surface.NAMESPACE_PACKAGES.get(namespace)
        if package is None:
            choices = [*surface.NAMESPACE_PACKAGES, *(c for c in surface.CORE_NAMESPACES if "." in c)]
            yield a.in_code("FLIPLET_API_UNKNOWN", f"Fliplet.{namespace} is not an API that V3 actions provide"
                            f"{did_you_mean(namespace, choices)}", span.line, span.column, length=7,
                            severity=Severity.WARNING, subject=namespace)
        elif package not in declared:
            yield a.in_code(FAILED, f"Fliplet.{namespace} is used on line {span.line} but its package "
                            f'"{package}" is not in dependencies — add `- {package}` to dependencies in '
                            f"{a.file.name}", span.line, span.column, length=7, subject=namespace)
        else:
            yield from _method(a, use)


def _method(a: ActionCheck, use: FlipletUse) -> Iterator[Diagnostic]:
    """`Fliplet.X.y` where the platform documents no `y` on X, or where `y` drives a device and the action
    runs on the server: on the service the first is `… is not a function`, the second cannot work."""
    found = surface.method_at(use.chain)
    if found is None:
        return
    path, name, method = found
    span = use.span
    if method is None:
        yield a.in_code("FLIPLET_API_UNKNOWN", f"Fliplet.{path}.{name} is not a method the platform documents for "
                        f"Fliplet.{path}{did_you_mean(name, surface.methods_of(path))}", span.line, span.column,
                        length=7, severity=Severity.WARNING, subject=f"{path}.{name}")
    elif method.kind == surface.DEVICE_ONLY and a.environment == "server":
        yield a.in_code("FLIPLET_API_UNAVAILABLE", f"Fliplet.{path}.{name} is device-only — it {method.answers}; a "
                        "server action cannot use it", span.line, span.column, length=7,
                        severity=Severity.WARNING, subject=f"{path}.{name}")


def _shown(a: ActionCheck, path) -> str:
    try:
        return path.relative_to(a.file.parent).as_posix()
    except ValueError:
        return str(path)

