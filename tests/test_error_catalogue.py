"""One catalogue of errors: every code is declared once, in an errors module, and the README lists them all."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from actionctl.errors import ActionctlError, every_error
from actionctl.rules.catalog import CODES as DIAGNOSTIC_CODES
from actionctl.runtime.errors import RUN_CODES

PACKAGE = Path(__file__).resolve().parent.parent / "actionctl"
README = PACKAGE.parent / "README.md"
# The modules that may spell an error code. Diagnostic codes have their own catalogue (rules/catalog.py, checked
# against the README by tests/test_docs.py); an exception that carries one (a YAML error) may name it.
CATALOGUES = {"errors.py", "remote/errors.py", "runtime/errors.py", "emulator/errors.py", "rules/catalog.py"}
CODE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")


def catalogue_rows() -> list[str]:
    """The README's rows, made from the classes: one per code, by exit status then code."""
    first: dict[str, type[ActionctlError]] = {}
    for cls in every_error():
        if cls is not ActionctlError:
            first.setdefault(cls.code, cls)
    ordered = sorted(first.values(), key=lambda c: (c.exit_code, c.code))
    return [f"| `{c.code}` | {c.exit_code} | {' '.join(c.__doc__.split())} |" for c in ordered]


def readme_table(title: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split(f"\n{title}\n", 1)[1]
    return [line for line in section.split("\n\n", 2)[1].splitlines() if line.startswith("| `")]


def test_the_readme_lists_every_error_code_with_its_exit_status():
    assert readme_table("### Error codes") == catalogue_rows()


def test_the_readme_lists_every_run_code():
    assert readme_table("### Run error codes") == [f"| `{code}` | {meaning} |" for code, meaning in RUN_CODES.items()]


def test_every_error_class_has_a_code_of_its_own_and_says_what_it_means():
    for cls in every_error():
        assert cls.__doc__ and (CODE.match(cls.code) or cls.code in ("ERROR", "USAGE")), cls


def _inline_codes(path: Path) -> list[str]:
    """Error codes written as literals where an error is raised or built, outside the catalogues."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        literals = []
        if isinstance(node, ast.Call):
            literals += [k.value for k in node.keywords if k.arg == "code"]
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "error" or name.endswith("Error"):
                literals += node.args[:2]
        elif isinstance(node, ast.ClassDef):
            literals += [s.value for s in node.body if isinstance(s, ast.Assign)
                         and any(getattr(t, "id", "") == "code" for t in s.targets)]
        found += [f"{path.relative_to(PACKAGE)}:{lit.lineno}: {lit.value}" for lit in literals
                  if isinstance(lit, ast.Constant) and isinstance(lit.value, str) and CODE.match(lit.value)
                  and lit.value not in DIAGNOSTIC_CODES]
    return found


def test_no_error_code_is_written_inline():
    inline = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).as_posix() not in CATALOGUES:
            inline += _inline_codes(path)
    assert inline == []


def test_nothing_raises_the_bare_base_class():
    raised = [p for p in PACKAGE.rglob("*.py") if "raise ActionctlError(" in p.read_text(encoding="utf-8")]
    assert raised == []
