"""A corpus of small projects run through `actionctl validate --format json`.

Each case is one project tree (manifests and code files, written exactly as shown) and the EXACT list of
diagnostics the JSON report must give, as `(code, severity, file, line, column)` in report order (file,
line, column, code), plus the exit code. Positions are 1-based; columns count characters.

Manifests are spelled out line by line with `y(...)`: the first argument is line 1, the second line 2,
and so on, so the asserted line and column can be read straight off the case.

Cases marked `bug=` are what the tool SHOULD report according to the reference
(/work/shared/reference/app-actions-v3.md) and common sense; they run as strict xfails until fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

E, W = "error", "warning"

GOOD_JS = "async function execute(context) {\n  return { ok: true };\n}\n"
# Uses Fliplet.DataSources on line 2, column 10.
DS_JS = "async function execute(context) {\n  return Fliplet.DataSources.connect(1);\n}\n"


def y(*lines: str) -> str:
    """A manifest, one argument per line (argument 1 is line 1)."""
    return "\n".join(lines) + "\n"


def js(*lines: str) -> str:
    """A code file, one argument per line (argument 1 is line 1)."""
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]
    expected: list[tuple[str, str, str, int, int]]
    exit_code: int
    args: tuple[str, ...] = ()
    # (index into the diagnostics, text its message must contain)
    has: tuple[tuple[int, str], ...] = ()
    # (index into the diagnostics, text its message must NOT contain)
    lacks: tuple[tuple[int, str], ...] = ()
    bug: str | None = None


CASES: list[Case] = []


def case(id: str, files: dict[str, str | bytes], expected: list[tuple[str, str, str, int, int]], exit_code: int,
         **kwargs) -> None:
    CASES.append(Case(id, files, expected, exit_code, **kwargs))


# --- the valid baseline ---------------------------------------------------------------------------

case("baseline-valid",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [], 0)

case("baseline-valid-strict",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [], 0, args=("--strict",))

case("baseline-full-server-action",
     {"actions/weekly.yaml": y("name: send-monday-weekly-reminder",
                               "description: Every Monday at 8am",
                               "active: true",
                               "environment: server",
                               'frequency: "0 8 * * 1"',
                               "timezone: Europe/Rome",
                               "triggers:",
                               "  - trigger: schedule",
                               "  - trigger: manual",
                               "dependencies:",
                               "  - fliplet-datasources",
                               "  - https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.30.1/moment.min.js"),
      "actions/weekly.js": DS_JS},
     [], 0)

case("environment-any-allows-every-trigger",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: any",
                          'frequency: "0 8 * * 1"',
                          "timezone: Europe/Rome",
                          "triggers:",
                          "  - trigger: manual",
                          "  - trigger: schedule",
                          "  - trigger: log",
                          "    where: {type: dataSource.entry.create, dataSourceId: 177}",
                          "  - trigger: analytics",
                          "    where: {type: analytics.pageView, data: {_pageId: 77}}"),
      "actions/a.js": GOOD_JS},
     [], 0)

# --- name -------------------------------------------------------------------------------------------

case("name-missing",
     {"actions/a.yaml": y("active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_REQUIRED", E, "actions/a.yaml", 1, 1)], 1)

case("name-null-points-at-key",
     {"actions/a.yaml": y("active: true",
                          "name:",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_REQUIRED", E, "actions/a.yaml", 2, 1)], 1)

case("name-empty-string",
     {"actions/a.yaml": y('name: ""',
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_EMPTY", E, "actions/a.yaml", 1, 7)], 1)

case("name-whitespace-only",
     {"actions/a.yaml": y('name: "   "',
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_EMPTY", E, "actions/a.yaml", 1, 7)], 1)

case("name-255-chars-passes",
     {"actions/a.yaml": y("name: " + "a" * 255,
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [], 0)

# The value starts at column 7, so its 256th character is at column 7 + 255.
case("name-256-chars-points-at-char-256",
     {"actions/a.yaml": y("name: " + "a" * 256,
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_TOO_LONG", E, "actions/a.yaml", 1, 262)], 1,
     has=((0, "256 characters"), (0, "255")))

case("name-256-chars-quoted",
     {"actions/a.yaml": y('name: "' + "a" * 256 + '"',
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_TOO_LONG", E, "actions/a.yaml", 1, 263)], 1)

case("name-invalid-char-plain",
     {"actions/a.yaml": y("name: send.report",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_INVALID_CHARS", E, "actions/a.yaml", 1, 11)], 1,
     has=((0, "'.'"), (0, "send-report")))

case("name-invalid-char-inside-double-quotes",
     {"actions/a.yaml": y('name: "my action"',
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_INVALID_CHARS", E, "actions/a.yaml", 1, 10)], 1,
     has=((0, "'my-action'"),))

case("name-invalid-char-inside-single-quotes-in-flow-mapping",
     {"actions/a.yaml": y("{name: 'ok-so-far!', active: true, triggers: [{trigger: manual}]}"),
      "actions/a.js": GOOD_JS},
     [("NAME_INVALID_CHARS", E, "actions/a.yaml", 1, 18)], 1)

case("name-invalid-non-ascii-letter",
     {"actions/a.yaml": y("name: café",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_INVALID_CHARS", E, "actions/a.yaml", 1, 10)], 1,
     has=((0, "'é'"),))

case("name-too-long-and-invalid-char",
     {"actions/a.yaml": y("name: " + "a" * 10 + "." + "a" * 250,
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("NAME_INVALID_CHARS", E, "actions/a.yaml", 1, 17),
      ("NAME_TOO_LONG", E, "actions/a.yaml", 1, 262)], 1)

case("name-number-is-type-invalid",
     {"actions/a.yaml": y("name: 12345",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("TYPE_INVALID", E, "actions/a.yaml", 1, 7)], 1,
     has=((0, "the number 12345"), (0, "quotes")))

case("name-date-is-type-invalid",
     {"actions/a.yaml": y("name: 2024-01-01",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("TYPE_INVALID", E, "actions/a.yaml", 1, 7)], 1,
     has=((0, "the date 2024-01-01"), (0, "quotes")))

case("name-already-exists-on-both-manifests",
     {"actions/a.yaml": y("name: same",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS,
      "actions/b.yaml": y("active: true",
                          "name: same",
                          "triggers: [{trigger: manual}]"),
      "actions/b.js": GOOD_JS},
     [("NAME_ALREADY_EXISTS", E, "actions/a.yaml", 1, 7),
      ("NAME_ALREADY_EXISTS", E, "actions/b.yaml", 2, 7)], 1,
     has=((0, "b.yaml"), (1, "a.yaml")))

case("name-already-exists-yml-and-yaml",
     {"actions/a.yml": y("name: same",
                         "active: true",
                         "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS,
      "actions/sub/b.yaml": y("name: same",
                              "active: true",
                              "triggers: [{trigger: manual}]"),
      "actions/sub/b.js": GOOD_JS},
     [("NAME_ALREADY_EXISTS", E, "actions/a.yml", 1, 7),
      ("NAME_ALREADY_EXISTS", E, "actions/sub/b.yaml", 1, 7)], 1)

case("name-differs-only-in-case-warns",
     {"actions/a.yaml": y("name: Report",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS,
      "actions/b.yaml": y("name: report",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/b.js": GOOD_JS},
     [("NAME_CASE_CONFLICT", W, "actions/a.yaml", 1, 7),
      ("NAME_CASE_CONFLICT", W, "actions/b.yaml", 1, 7)], 0,
     has=((0, '"report"'), (1, '"Report"')))

case("name-differs-only-in-case-strict-fails",
     {"actions/a.yaml": y("name: Report",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS,
      "actions/b.yaml": y("name: report",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/b.js": GOOD_JS},
     [("NAME_CASE_CONFLICT", W, "actions/a.yaml", 1, 7),
      ("NAME_CASE_CONFLICT", W, "actions/b.yaml", 1, 7)], 1, args=("--strict",))

# --- code: the file ---------------------------------------------------------------------------------

case("code-file-missing-default-stem",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]")},
     [("CODE_REQUIRED", E, "actions/a.yaml", 1, 1)], 1,
     has=((0, "a.js"),))

case("code-file-missing-explicit-path",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "code: src/main.js")},
     [("CODE_REQUIRED", E, "actions/a.yaml", 4, 7)], 1,
     has=((0, "src/main.js"),))

case("code-explicit-path-diagnostic-is-in-that-file",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "code: src/main.js"),
      "actions/src/main.js": js("async function execute(context) {",
                                "  const x = ;",
                                "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/src/main.js", 2, 13)], 1)

case("code-points-at-directory",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "code: src"),
      "actions/src/main.js": GOOD_JS},
     [("CODE_REQUIRED", E, "actions/a.yaml", 4, 7)], 1)

case("code-setting-empty-string",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          'code: ""'),
      "actions/a.js": GOOD_JS},
     [("CODE_REQUIRED", E, "actions/a.yaml", 4, 7)], 1)

case("code-setting-number",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "code: 5"),
      "actions/a.js": GOOD_JS},
     [("TYPE_INVALID", E, "actions/a.yaml", 4, 7)], 1)

case("code-file-blank",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": "  \n\n\t\n"},
     [("CODE_EMPTY", E, "actions/a.js", 1, 1)], 1)

# `  return "caf` is 13 characters: the bad byte is column 14.
case("code-invalid-utf8",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": b'async function execute(context) {\n  return "caf\xe9";\n}\n'},
     [("FILE_ENCODING_INVALID", E, "actions/a.js", 2, 14)], 1,
     has=((0, "0xe9"),))

# `async function execute(context) { return "` is 42 characters (the BOM is not a column).
case("code-invalid-utf8-after-bom",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": b'\xef\xbb\xbfasync function execute(context) { return "\xff"; }\n'},
     [("FILE_ENCODING_INVALID", E, "actions/a.js", 1, 43)], 1,
     has=((0, "0xff"),))

# `description: caf` is 16 characters: the bad byte is column 17.
case("manifest-invalid-utf8",
     {"actions/a.yaml": b"name: a\ndescription: caf\xe9\nactive: true\ntriggers: [{trigger: manual}]\n",
      "actions/a.js": GOOD_JS},
     [("FILE_ENCODING_INVALID", E, "actions/a.yaml", 2, 17)], 1,
     has=((0, "0xe9"),))

case("manifest-invalid-utf8-column-counts-characters",
     {"actions/a.yaml": b"name: a\ndescription: \xc3\xa9\xff\nactive: true\ntriggers: [{trigger: manual}]\n",
      "actions/a.js": GOOD_JS},
     [("FILE_ENCODING_INVALID", E, "actions/a.yaml", 2, 15)], 1,
     has=((0, "0xff"),))

case("manifest-invalid-utf8-after-bom",
     {"actions/a.yaml": b"\xef\xbb\xbfname: a\ndescription: caf\xff\nactive: true\ntriggers: [{trigger: manual}]\n",
      "actions/a.js": GOOD_JS},
     [("FILE_ENCODING_INVALID", E, "actions/a.yaml", 2, 17)], 1,
     has=((0, "0xff"),))

# --- code: JavaScript syntax (V8's message and position) ------------------------------------------

case("js-syntax-unexpected-token",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  const x = ;",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 13)], 1,
     has=((0, "Unexpected token ';'"),))

case("js-syntax-unclosed-brace-is-end-of-input",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return {};")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 3, 1)], 1,
     has=((0, "end of input"),))

case("js-syntax-unterminated-string",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  return "abc;',
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 10)], 1)

case("js-syntax-column-after-accented-char",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  const s = "é"; const x = ;',
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 28)], 1)

# Same line with an emoji (one character, two UTF-16 units) instead of é: the `;` is still column 28.
case("js-syntax-column-after-emoji",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  const s = "😀"; const x = ;',
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 28)], 1)

case("js-syntax-const-without-initializer",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("const x;",
                         "async function execute(context) {",
                         "  return x;",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 7)], 1,
     has=((0, "Missing initializer in const declaration"),))

case("js-syntax-let-declared-twice",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("let a = 1;",
                         "let a = 2;",
                         "async function execute(context) {",
                         "  return a;",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 5)], 1,
     has=((0, "Identifier 'a' has already been declared"),))

case("js-await-in-non-async-helper",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("function helper() {",
                         '  return await fetch("x");',
                         "}",
                         "async function execute(context) {",
                         "  return helper();",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 10)], 1,
     has=((0, "await is only valid in async functions"),))

case("js-top-level-await",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js('const data = await fetch("x");',
                         "async function execute(context) {",
                         "  return data;",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 14)], 1,
     has=((0, "await"),))

case("js-jsx",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return <div>hi</div>;",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 10)], 1,
     has=((0, "JSX"),))

case("js-import-statement",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js('import moment from "moment";',
                         "async function execute(context) {",
                         "  return moment();",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 1)], 1,
     has=((0, "import"),))

case("js-export-statement",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("export async function execute(context) {",
                         "  return {};",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 1)], 1,
     has=((0, "export"),))

# --- code: the execute function ---------------------------------------------------------------------

case("execute-async-function-declaration",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return { success: true };",
                         "}")},
     [], 0)

case("execute-const-async-arrow",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("const execute = async (context) => {",
                         "  return { success: true };",
                         "};")},
     [], 0)

case("execute-let-async-arrow",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("let execute = async (context) => {",
                         "  return { success: true };",
                         "};")},
     [], 0)

case("execute-const-async-function-expression",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("const execute = async function(context) {",
                         "  return { success: true };",
                         "};")},
     [], 0)

case("execute-not-async",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("function execute(context) {",
                         "  return {};",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 10)], 1,
     has=((0, "async"),))

case("execute-no-parameter",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute() {",
                         "  return {};",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 16)], 1,
     has=((0, "context"),))

case("execute-arrow-no-parameter",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("const execute = async () => {",
                         "  return {};",
                         "};")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 7)], 1)

case("execute-var",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("var execute = async (context) => {",
                         "  return {};",
                         "};")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 5)], 1,
     has=((0, "var"),))

case("execute-only-nested-in-function",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("function wrapper() {",
                         "  async function execute(context) {",
                         "    return {};",
                         "  }",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 18)], 1,
     has=((0, "top level"),))

case("execute-missing",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function run(context) {",
                         "  return {};",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 1)], 1,
     has=((0, "no execute function"),))

case("execute-generator",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function* execute(context) {",
                         "  yield 1;",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 17)], 1,
     has=((0, "generator"),))

case("execute-assigned-not-declared",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("execute = async (context) => {",
                         "  return {};",
                         "};")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 1)], 1)

case("execute-function-declared-twice-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return 1;",
                         "}",
                         "async function execute(context) {",
                         "  return 2;",
                         "}")},
     [("EXECUTE_REDEFINED", W, "actions/a.js", 1, 16)], 0)

case("execute-const-declared-twice-is-syntax-error",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("const execute = async (context) => 1;",
                         "const execute = async (context) => 2;")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 7)], 1,
     has=((0, "already been declared"),))

case("execute-let-then-assigned-is-not-a-syntax-error",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("let execute;",
                         "execute = async (context) => {",
                         "  return 1;",
                         "};")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 5),
      ("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 1)], 1,
     lacks=((1, "already been declared"),))

# --- code: Fliplet namespaces and their packages -----------------------------------------------------

case("fliplet-datasources-without-package-one-error-per-use",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  const c = await Fliplet.DataSources.connect(1);",
                         "  return Fliplet.DataSources.connect(2);",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 19),
      ("CODE_VALIDATION_FAILED", E, "actions/a.js", 3, 10)], 1,
     has=((0, '"fliplet-datasources"'), (0, "line 2"), (0, "a.yaml"), (1, "line 3")))

case("fliplet-datasources-with-package-passes",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - fliplet-datasources"),
      "actions/a.js": DS_JS},
     [], 0)

case("fliplet-in-comments-and-strings-does-not-count",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("// Fliplet.DataSources.connect(1)",
                         "/* Fliplet.Media.get() */",
                         "async function execute(context) {",
                         '  const s = "Fliplet.DataSources";',
                         "  const t = `Fliplet.Communicate`;",
                         "  const u = 'Fliplet.CSV';",
                         "  return { s, t, u };",
                         "}")},
     [], 0)

case("fliplet-bracket-access",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  return Fliplet["Media"].get();',
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 10)], 1,
     has=((0, '"fliplet-media"'),))

case("fliplet-destructuring",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("const { Communicate } = Fliplet;",
                         "async function execute(context) {",
                         "  return Communicate.sendEmail({});",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 9)], 1,
     has=((0, '"fliplet-communicate"'), (0, "line 1")))

case("fliplet-inside-template-substitution-counts",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return `${Fliplet.Media.x}`;",
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 13)], 1)

case("fliplet-column-counts-characters-after-emoji",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  const s = "😀"; return Fliplet.DataSources.connect(1);',
                         "}")},
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 2, 25)], 1)

case("fliplet-app-settings-and-v3-actions-need-no-package",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  const key = await Fliplet.App.Settings.get("apiKey");',
                         '  await Fliplet.App.V3.Actions.run("other");',
                         "  return { key };",
                         "}")},
     [], 0)

case("fliplet-app-settings-on-client-is-fine",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: client",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  return Fliplet.App.Settings.get("k");',
                         "}")},
     [], 0)

case("fliplet-undocumented-method-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies: [fliplet-communicate]"),
      "actions/a.js": js("async function execute(context) {",
                         "  await Fliplet.Communicate.sendEmial({});",
                         "  return Fliplet.App.V3.Actions.request({});",
                         "}")},
     [("FLIPLET_API_UNKNOWN", W, "actions/a.js", 2, 9), ("FLIPLET_API_UNKNOWN", W, "actions/a.js", 3, 10)], 0,
     has=((0, "Fliplet.Communicate.sendEmial is not a method the platform documents for Fliplet.Communicate — "
               'did you mean "sendEmail"?'),
          (1, "Fliplet.App.V3.Actions.request is not a method the platform documents for Fliplet.App.V3.Actions")))

case("fliplet-device-only-method-on-server-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies: [fliplet-communicate, fliplet-media]"),
      "actions/a.js": js("async function execute(context) {",
                         "  await Fliplet.Media.Folders.get();",
                         "  return Fliplet.Communicate.composeEmail({});",
                         "}")},
     [("FLIPLET_API_UNAVAILABLE", W, "actions/a.js", 3, 10)], 0,
     has=((0, "Fliplet.Communicate.composeEmail is device-only — it opens the device's mail app; a server "
               "action cannot use it"),))

case("fliplet-unknown-namespace-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  return Fliplet.Navigate.url("x");',
                         "}")},
     [("FLIPLET_API_UNKNOWN", W, "actions/a.js", 2, 10)], 0,
     has=((0, "Fliplet.Navigate"),))

case("fliplet-unknown-namespace-suggests",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return Fliplet.DataSource.connect(1);",
                         "}")},
     [("FLIPLET_API_UNKNOWN", W, "actions/a.js", 2, 10)], 0,
     has=((0, 'did you mean "DataSources"'),))

case("dependency-declared-but-unused-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - fliplet-media"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCY_UNUSED", W, "actions/a.yaml", 5, 5)], 0,
     has=((0, "Fliplet.Media"),))

case("dependency-used-only-in-comment-is-unused",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - fliplet-datasources"),
      "actions/a.js": js("// Fliplet.DataSources.connect(1)",
                         "async function execute(context) {",
                         "  return {};",
                         "}")},
     [("DEPENDENCY_UNUSED", W, "actions/a.yaml", 5, 5)], 0)

case("dependency-unused-strict-fails",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - fliplet-media"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCY_UNUSED", W, "actions/a.yaml", 5, 5)], 1, args=("--strict",))

# --- code: Handlebars --------------------------------------------------------------------------------

case("handlebars-in-string-warns-at-braces",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  return { to: "{{ user.email }}" };',
                         "}")},
     [("CODE_HANDLEBARS", W, "actions/a.js", 2, 17)], 0)

case("handlebars-twice-in-template",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return `hi {{name}} and {{x}}`;",
                         "}")},
     [("CODE_HANDLEBARS", W, "actions/a.js", 2, 14),
      ("CODE_HANDLEBARS", W, "actions/a.js", 2, 27)], 0)

case("handlebars-on-second-line-of-template",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         "  return `Dear",
                         "  {{name}}`;",
                         "}")},
     [("CODE_HANDLEBARS", W, "actions/a.js", 3, 3)], 0)

case("handlebars-in-comment-ignored",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("// Hello {{name}}",
                         "async function execute(context) {",
                         "  return {};",
                         "}")},
     [], 0)

case("handlebars-in-string-inside-template-reported-once",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("async function execute(context) {",
                         '  return `x ${"{{a}}"}`;',
                         "}")},
     [("CODE_HANDLEBARS", W, "actions/a.js", 2, 16)], 0)

# --- environment and triggers ----------------------------------------------------------------------

case("environment-invalid-suggests-server",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: Server",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("ENVIRONMENT_INVALID", E, "actions/a.yaml", 3, 14)], 1,
     has=((0, 'did you mean "server"'),))

case("environment-number",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: 1",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("ENVIRONMENT_INVALID", E, "actions/a.yaml", 3, 14)], 1)

case("triggers-not-a-list",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: manual"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_INVALID", E, "actions/a.yaml", 3, 11)], 1)

case("triggers-a-mapping",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  trigger: manual"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_INVALID", E, "actions/a.yaml", 4, 3)], 1)

case("trigger-item-not-a-mapping",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - manual"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_INVALID", E, "actions/a.yaml", 4, 5)], 1)

case("trigger-type-unknown",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: manul"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_TYPE_INVALID", E, "actions/a.yaml", 4, 14)], 1,
     has=((0, 'did you mean "manual"'),))

case("trigger-type-missing",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - where: {type: x}"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_TYPE_INVALID", E, "actions/a.yaml", 4, 5)], 1)

case("trigger-log-not-allowed-on-client",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: client",
                          "triggers:",
                          "  - trigger: log",
                          "    where:",
                          "      type: dataSource.entry.create"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_NOT_ALLOWED", E, "actions/a.yaml", 5, 14)], 1)

case("trigger-analytics-not-allowed-on-server-default",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: analytics",
                          "    where:",
                          "      type: analytics.pageView"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_NOT_ALLOWED", E, "actions/a.yaml", 4, 14)], 1,
     has=((0, "server"),))

case("trigger-schedule-not-allowed-on-client",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: client",
                          'frequency: "0 8 * * 1"',
                          "timezone: Europe/Rome",
                          "triggers:",
                          "  - trigger: schedule"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_NOT_ALLOWED", E, "actions/a.yaml", 7, 14)], 1)

case("trigger-where-not-a-mapping",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: log",
                          "    where: dataSource.entry.create"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_INVALID", E, "actions/a.yaml", 5, 12)], 1)

case("trigger-log-without-where-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: log"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_WHERE_MISSING", W, "actions/a.yaml", 4, 5)], 0)

case("trigger-analytics-without-where-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: client",
                          "triggers:",
                          "  - trigger: analytics"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_WHERE_MISSING", W, "actions/a.yaml", 5, 5)], 0)

case("trigger-log-with-empty-where-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: log",
                          "    where: {}"),
      "actions/a.js": GOOD_JS},
     # at the empty filter itself, the thing to fill in
     [("TRIGGER_WHERE_MISSING", W, "actions/a.yaml", 5, 12)], 0)

case("trigger-where-on-manual-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: manual",
                          "    where:",
                          "      type: x"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_WHERE_UNUSED", W, "actions/a.yaml", 5, 5)], 0)

case("trigger-unknown-key",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: manual",
                          "    wher: {}"),
      "actions/a.js": GOOD_JS},
     [("UNKNOWN_KEY", E, "actions/a.yaml", 5, 5)], 1,
     has=((0, 'did you mean "where"'),))

case("trigger-duplicate-warns-at-second",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: manual",
                          "  - trigger: manual"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_DUPLICATE", W, "actions/a.yaml", 5, 5)], 0)

case("trigger-where-unknown-key-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: log",
                          "    where:",
                          "      type: dataSource.entry.create",
                          "      dataSource: 177"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_WHERE_UNKNOWN_KEY", W, "actions/a.yaml", 7, 7)], 0,
     has=((0, 'did you mean "dataSourceId"'),))

case("trigger-analytics-where-type-invalid-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: client",
                          "triggers:",
                          "  - trigger: analytics",
                          "    where:",
                          "      type: analytics.pageview"),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_WHERE_INVALID", W, "actions/a.yaml", 7, 13)], 0,
     has=((0, 'did you mean "analytics.pageView"'),))

case("trigger-log-where-datasourceid-string-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: log",
                          "    where:",
                          "      type: dataSource.entry.create",
                          '      dataSourceId: "177"'),
      "actions/a.js": GOOD_JS},
     [("TRIGGER_WHERE_INVALID", W, "actions/a.yaml", 7, 21)], 0)

case("trigger-analytics-where-data-not-a-mapping",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: client",
                          "triggers:",
                          "  - trigger: analytics",
                          "    where:",
                          "      type: analytics.pageView",
                          "      data: 77"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_INVALID", E, "actions/a.yaml", 8, 13)], 1)

case("triggers-empty-list-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: []"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_EMPTY", W, "actions/a.yaml", 3, 1)], 0)

case("triggers-missing-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_EMPTY", W, "actions/a.yaml", 1, 1)], 0)

case("triggers-missing-strict-fails",
     {"actions/a.yaml": y("name: a",
                          "active: true"),
      "actions/a.js": GOOD_JS},
     [("TRIGGERS_EMPTY", W, "actions/a.yaml", 1, 1)], 1, args=("--strict",))

# --- frequency --------------------------------------------------------------------------------------
# Every frequency case uses this manifest; the frequency is on line 3 and its opening quote is column 12,
# so the first field of a quoted expression is column 13:
#   1 name: a
#   2 active: true
#   3 frequency: "<expression>"
#   4 timezone: Europe/Rome
#   5 triggers: [{trigger: schedule}]


def scheduled(frequency_value: str) -> dict[str, str]:
    return {"actions/a.yaml": y("name: a",
                                "active: true",
                                f"frequency: {frequency_value}",
                                "timezone: Europe/Rome",
                                "triggers: [{trigger: schedule}]"),
            "actions/a.js": GOOD_JS}


FREQUENCIES = [
    # (id, YAML value as written, code or None, column, text in the message)
    ("every-minute", '"* * * * *"', "FREQUENCY_TOO_FREQUENT", 13, None),
    ("step-1-in-one-hour", '"*/1 9 * * *"', "FREQUENCY_TOO_FREQUENT", 13, None),
    ("range-0-59", '"0-59 * * * *"', "FREQUENCY_TOO_FREQUENT", 13, None),
    ("every-minute-of-one-hour-on-mondays", '"* 9 * * 1"', "FREQUENCY_TOO_FREQUENT", 13, None),
    ("adjacent-minutes", '"0,1 * * * *"', "FREQUENCY_TOO_FREQUENT", 13, None),
    ("minute-59-then-next-hours-00", '"59,0 * * * *"', "FREQUENCY_TOO_FREQUENT", 13, None),
    ("2359-then-next-days-0000", '"0,59 0,23 * * *"', "FREQUENCY_TOO_FREQUENT", 13, None),
    ("every-2-minutes-passes", '"*/2 * * * *"', None, 0, None),
    ("monday-8am-passes", '"0 8 * * 1"', None, 0, None),
    ("odd-minutes-passes", '"1-59/2 * * * *"', None, 0, None),
    ("2359-and-0000-on-mondays-only-passes", '"0,59 0,23 * * 1"', None, 0, None),
    ("unquoted-passes", "0 8 * * 1", None, 0, None),
    ("four-fields", '"0 8 * *"', "FREQUENCY_INVALID", 13, "not 4"),
    ("six-fields", '"0 8 * * 1 2"', "FREQUENCY_INVALID", 13, "not 6"),
    ("macro-daily", '"@daily"', "FREQUENCY_INVALID", 13, '"0 0 * * *"'),
    ("minute-60", '"60 8 * * *"', "FREQUENCY_INVALID", 13, "not 60"),
    ("minute-60-second-in-list", '"0,60 8 * * *"', "FREQUENCY_INVALID", 15, "not 60"),
    ("hour-24", '"0 24 * * *"', "FREQUENCY_INVALID", 15, "not 24"),
    ("month-13", '"0 8 * 13 *"', "FREQUENCY_INVALID", 19, "not 13"),
    ("day-of-week-7", '"0 8 * * 7"', "FREQUENCY_INVALID", 21, "Sunday is 0"),
    ("day-of-week-7-after-extra-spaces", '"  0 8 * * 7"', "FREQUENCY_INVALID", 23, "Sunday is 0"),
    ("february-31-never-fires", '"0 0 31 2 *"', "FREQUENCY_INVALID", 17, "never fires"),
    ("backwards-range", '"0 8-5 * * *"', "FREQUENCY_INVALID", 15, "backwards"),
    ("step-0", '"*/0 * * * *"', "FREQUENCY_INVALID", 13, "step of 0"),
    ("number-not-string", "5", "FREQUENCY_INVALID", 12, "the number 5"),
]
for _id, _value, _code, _column, _text in FREQUENCIES:
    case(f"frequency-{_id}", scheduled(_value),
         [(_code, E, "actions/a.yaml", 3, _column)] if _code else [], 1 if _code else 0,
         has=((0, _text),) if _text else ())

case("schedule-trigger-without-frequency-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers:",
                          "  - trigger: manual",
                          "  - trigger: schedule"),
      "actions/a.js": GOOD_JS},
     [("SCHEDULE_WITHOUT_FREQUENCY", W, "actions/a.yaml", 5, 5)], 0)

case("frequency-without-schedule-trigger-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          'frequency: "0 8 * * 1"',
                          "timezone: Europe/Rome"),
      "actions/a.js": GOOD_JS},
     [("FREQUENCY_WITHOUT_SCHEDULE", W, "actions/a.yaml", 4, 1)], 0)

case("frequency-without-timezone-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: schedule}]",
                          'frequency: "0 8 * * 1"'),
      "actions/a.js": GOOD_JS},
     [("FREQUENCY_WITHOUT_TIMEZONE", W, "actions/a.yaml", 4, 1)], 0,
     has=((0, "the service's default time zone"),), lacks=((0, "UTC"),))

case("timezone-without-frequency-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "timezone: Europe/Rome"),
      "actions/a.js": GOOD_JS},
     [("TIMEZONE_WITHOUT_FREQUENCY", W, "actions/a.yaml", 4, 1)], 0)

# --- timezone ---------------------------------------------------------------------------------------

case("timezone-wrong-case-suggests",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: schedule}]",
                          'frequency: "0 8 * * 1"',
                          "timezone: Europe/rome"),
      "actions/a.js": GOOD_JS},
     [("TIMEZONE_INVALID", E, "actions/a.yaml", 5, 11)], 1,
     has=((0, "Europe/Rome"),))

case("timezone-unknown",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: schedule}]",
                          'frequency: "0 8 * * 1"',
                          "timezone: Mars/Base"),
      "actions/a.js": GOOD_JS},
     [("TIMEZONE_INVALID", E, "actions/a.yaml", 5, 11)], 1,
     has=((0, "Mars/Base"),))

case("timezone-number",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: schedule}]",
                          'frequency: "0 8 * * 1"',
                          "timezone: 5"),
      "actions/a.js": GOOD_JS},
     [("TIMEZONE_INVALID", E, "actions/a.yaml", 5, 11)], 1)

# --- dependencies -----------------------------------------------------------------------------------

case("dependencies-not-a-list",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies: fliplet-datasources"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCIES_INVALID", E, "actions/a.yaml", 4, 15)], 1)

case("dependency-empty-string",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          '  - ""'),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCIES_INVALID", E, "actions/a.yaml", 5, 5)], 1)

case("dependency-number",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - 42"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCIES_INVALID", E, "actions/a.yaml", 5, 5)], 1,
     has=((0, "the number 42"),))

case("dependency-ftp-url",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - ftp://x"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCIES_INVALID", E, "actions/a.yaml", 5, 5)], 1)

case("dependency-https-without-host",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - https://"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCIES_INVALID", E, "actions/a.yaml", 5, 5)], 1)

case("dependency-data-url",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          '  - "data:text/javascript,alert(1)"'),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCIES_INVALID", E, "actions/a.yaml", 5, 5)], 1)

case("dependency-unknown-package-suggests",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - fliplet-datasource"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCY_UNKNOWN", W, "actions/a.yaml", 5, 5)], 0,
     has=((0, 'did you mean "fliplet-datasources"'),))

case("dependency-duplicate-warns-at-second",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - fliplet-datasources",
                          "  - fliplet-datasources"),
      "actions/a.js": DS_JS},
     [("DEPENDENCY_DUPLICATE", W, "actions/a.yaml", 6, 5)], 0)

case("dependency-plain-http-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - http://cdn.example.com/lib.js"),
      "actions/a.js": GOOD_JS},
     [("DEPENDENCY_INSECURE", W, "actions/a.yaml", 5, 5)], 0)

case("dependency-https-url-passes",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "dependencies:",
                          "  - https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.30.1/moment.min.js"),
      "actions/a.js": GOOD_JS},
     [], 0)

# --- description, active, integrationOrigins ---------------------------------------------------------

case("description-1000-chars-passes",
     {"actions/a.yaml": y("name: a",
                          "description: " + "x" * 1000,
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [], 0)

case("description-1001-chars",
     {"actions/a.yaml": y("name: a",
                          "description: " + "x" * 1001,
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("DESCRIPTION_TOO_LONG", E, "actions/a.yaml", 2, 14)], 1,
     has=((0, "1001"),))

case("active-string",
     {"actions/a.yaml": y("name: a",
                          'active: "true"',
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("TYPE_INVALID", E, "actions/a.yaml", 2, 9)], 1)

case("active-missing-warns",
     {"actions/a.yaml": y("name: a",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("ACTIVE_NOT_SET", W, "actions/a.yaml", 1, 1)], 0)

case("active-missing-strict-fails",
     {"actions/a.yaml": y("name: a",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("ACTIVE_NOT_SET", W, "actions/a.yaml", 1, 1)], 1, args=("--strict",))

# integrationOrigins is no field of the platform (no public source has it): a warning at the key, whatever its
# value, never an error and never sent.
case("integration-origins-is-not-a-platform-field",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "integrationOrigins:",
                          "  - https://api.example.com"),
      "actions/a.js": GOOD_JS},
     [("FIELD_NOT_ON_PLATFORM", W, "actions/a.yaml", 4, 1)], 0,
     has=((0, '"integrationOrigins" is not a field of the platform\'s actions, so it is never sent to the '
               "service and does nothing there — remove it"),))

case("integration-origins-of-any-shape-only-warns",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "environment: client",
                          "triggers: [{trigger: manual}]",
                          "integrationOrigins: 42"),
      "actions/a.js": GOOD_JS},
     [("FIELD_NOT_ON_PLATFORM", W, "actions/a.yaml", 5, 1)], 0)

case("integration-origins-strict-fails",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "integrationOrigins: []"),
      "actions/a.js": GOOD_JS},
     [("FIELD_NOT_ON_PLATFORM", W, "actions/a.yaml", 4, 1)], 1, args=("--strict",))

# --- keys and YAML ---------------------------------------------------------------------------------

case("unknown-key-suggests-code",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "colde: a.js"),
      "actions/a.js": GOOD_JS},
     [("UNKNOWN_KEY", E, "actions/a.yaml", 4, 1)], 1,
     has=((0, 'did you mean "code"'),))

case("read-only-key-id",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "id: 12345",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("UNKNOWN_KEY", E, "actions/a.yaml", 3, 1)], 1,
     has=((0, "set by the service"),))

case("duplicate-key-at-second-occurrence",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "active: false"),
      "actions/a.js": GOOD_JS},
     [("YAML_DUPLICATE_KEY", E, "actions/a.yaml", 4, 1)], 1,
     has=((0, "line 2"),))

case("duplicate-key-inside-flow-mapping",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual, trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("YAML_DUPLICATE_KEY", E, "actions/a.yaml", 3, 30)], 1)

case("yaml-syntax-error-unclosed-flow-sequence",
     {"actions/a.yaml": y("name: a",
                          "active: [true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("YAML_SYNTAX_ERROR", E, "actions/a.yaml", 3, 9)], 1)

case("yaml-syntax-error-tab-indentation",
     {"actions/a.yaml": y("name: a",
                          "\tactive: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("YAML_SYNTAX_ERROR", E, "actions/a.yaml", 2, 1)], 1,
     has=((0, "tab"),))

case("yaml-control-character",
     {"actions/a.yaml": y("name: a",
                          "description: x\x01y",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("YAML_SYNTAX_ERROR", E, "actions/a.yaml", 2, 15)], 1)

case("manifest-empty-file",
     {"actions/a.yaml": "",
      "actions/a.js": GOOD_JS},
     [("MANIFEST_EMPTY", E, "actions/a.yaml", 1, 1)], 1)

case("manifest-only-comments",
     {"actions/a.yaml": y("# an action, one day"),
      "actions/a.js": GOOD_JS},
     [("MANIFEST_EMPTY", E, "actions/a.yaml", 1, 1)], 1)

case("manifest-is-a-list",
     {"actions/a.yaml": y("- name: a",
                          "- active: true"),
      "actions/a.js": GOOD_JS},
     [("MANIFEST_NOT_MAPPING", E, "actions/a.yaml", 1, 1)], 1,
     has=((0, "list"),))

case("manifest-two-documents",
     {"actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]",
                          "---",
                          "name: b"),
      "actions/a.js": GOOD_JS},
     [("YAML_SYNTAX_ERROR", E, "actions/a.yaml", 4, 1)], 1,
     has=((0, "more than one YAML document"),))

case("manifest-leading-document-marker-passes",
     {"actions/a.yaml": y("---",
                          "name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [], 0)

# --- the project's configuration --------------------------------------------------------------------

case("config-invalid-region",
     {"actionctl.yaml": y("region: mars"),
      "actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("CONFIG_INVALID", E, "actionctl.yaml", 1, 9)], 1,
     has=((0, "'mars'"),))

case("config-unknown-setting-suggests",
     {"actionctl.yaml": y("region: eu",
                          "regoin: us"),
      "actions/a.yaml": y("name: a",
                          "active: true",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": GOOD_JS},
     [("UNKNOWN_KEY", E, "actionctl.yaml", 2, 1)], 1,
     has=((0, 'did you mean "region"'),))

# --- several actions at once ----------------------------------------------------------------------

case("two-actions-diagnostics-sorted-by-file",
     {"actions/b.yaml": y("name: b",
                          "active: true",
                          "environment: Server",
                          "triggers: [{trigger: manual}]"),
      "actions/b.js": GOOD_JS,
      "actions/a.yaml": y("name: a",
                          "triggers: [{trigger: manual}]"),
      "actions/a.js": js("function execute(context) {",
                         "  return {};",
                         "}")},
     # Sorted by file path first: a.js comes before a.yaml.
     [("CODE_VALIDATION_FAILED", E, "actions/a.js", 1, 10),
      ("ACTIVE_NOT_SET", W, "actions/a.yaml", 1, 1),
      ("ENVIRONMENT_INVALID", E, "actions/b.yaml", 3, 14)], 1)


# --- the test ---------------------------------------------------------------------------------------

def _param(c: Case):
    marks = [pytest.mark.xfail(strict=True, reason=f"BUG: {c.bug}")] if c.bug else []
    return pytest.param(c, id=c.id, marks=marks)


@pytest.mark.parametrize("c", [_param(c) for c in CASES])
def test_validate(c: Case, tree, cli) -> None:
    tree(c.files)
    result = cli("validate", "--format", "json", *c.args)
    report = result.json
    diagnostics = report["diagnostics"]
    found = [(d["code"], d["severity"], d["file"], d["line"], d["column"]) for d in diagnostics]
    assert found == c.expected
    assert result.exit_code == c.exit_code
    assert report["ok"] is all(d["severity"] != "error" for d in diagnostics)
    for index, text in c.has:
        assert text in diagnostics[index]["message"]
    for index, text in c.lacks:
        assert text not in diagnostics[index]["message"]


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 70
