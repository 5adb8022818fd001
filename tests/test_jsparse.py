"""JavaScript facts from a real parse, and V8's syntax verdict obtained without running anything."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from support import HANG_LIMIT

from actionctl.rules import v8syntax
from actionctl.rules.jsparse import analyze


def test_fliplet_uses_ignore_comments_and_strings():
    facts = analyze(textwrap.dedent("""\
        // Fliplet.Media.Files.get()
        /* Fliplet.CSV */
        const s = 'Fliplet.Barcode' + `Fliplet.Audio ${1}`;
        async function execute(context) {
          return Fliplet.DataSources.connect(1);
        }
        """))
    assert [(u.namespace, u.span.line, u.span.column) for u in facts.fliplet] == [("DataSources", 5, 10)]


def test_fliplet_uses_through_subscripts_destructuring_and_app_namespaces():
    facts = analyze(textwrap.dedent("""\
        const { Communicate, Media: M } = Fliplet;
        async function execute(context) {
          Fliplet['Encryption'].x();
          Fliplet.App.Settings.get('k');
          await Fliplet.App.V3.Actions.request({});
          return Fliplet.App.Storage;
        }
        """))
    assert [u.namespace for u in facts.fliplet] == ["Communicate", "Media", "Encryption", "App.Settings",
                                                   "App.V3.Actions", "App.Storage"]


@pytest.mark.parametrize(("code", "form", "kind", "is_async", "has_param"), [
    ("async function execute(context) {}", "function", "function", True, True),
    ("const execute = async (context) => {};", "const", "arrow", True, True),
    ("let execute = async (context) => {};", "let", "arrow", True, True),
    ("const execute = async function(context) {};", "const", "function", True, True),
    ("const execute = async context => context;", "const", "arrow", True, True),
    ("function execute(context) {}", "function", "function", False, True),
    ("async function execute(/* none */) {}", "function", "function", True, False),
    ("var execute = async (c) => 1;", "var", "arrow", True, True),
    ("const execute = make();", "const", "other", False, False),
    ("async function* execute(context) {}", "generator", "function", True, True),
])
def test_execute_forms(code, form, kind, is_async, has_param):
    [definition] = analyze(code).executes
    assert (definition.form, definition.value_kind, definition.is_async, definition.has_param) == (
        form, kind, is_async, has_param)


def test_nested_execute_is_not_top_level():
    facts = analyze("function wrap() {\n  async function execute(context) {}\n}\n")
    assert facts.executes == [] and (facts.nested_execute.line, facts.nested_execute.column) == (2, 18)


def test_syntax_error_positions_are_v8s():
    assert v8syntax.check("const x = ;\n") == ("Unexpected token ';'", 1, 11, 1)
    assert v8syntax.check("function f() {\n  return 1;\n") == ("Unexpected end of input", 3, 1, 1)
    assert v8syntax.check("async function execute(c) { return 1 }") is v8syntax.VALID
    # V8 counts UTF-16 units; an emoji is one character to us
    assert v8syntax.check('const s = "😀"; const x = ;') == ("Unexpected token ';'", 1, 26, 1)
    assert v8syntax.check_many(["const x;", "let a = 1;\nlet a = 2;", "1"]) == [
        ("Missing initializer in const declaration", 1, 7, 1),
        ("Identifier 'a' has already been declared", 2, 5, 1),
        None,
    ]


DEEP = 20_000  # far past what V8's parser follows on any stack


@pytest.mark.parametrize(("code", "start"), [
    ("async function execute(context) {\n  const x = " + "[" * DEEP + "]" * DEEP + ";\n  return 1;\n}\n", (2, 13)),
    ("async function execute(context) {\n  // a comment [[[\n  const s = '[[[(';\n  return " + "f(" * DEEP
     + ")" * DEEP + ";\n}\n", (4, 11)),
])
def test_nesting_too_deep_for_v8_is_reported_where_it_starts(code, start):
    assert v8syntax.check(code) == ("Maximum call stack size exceeded", *start, 1)


def test_validate_names_nesting_too_deep_not_the_end_of_the_file(cli, action):
    action("async function execute(context) {\n  const x = " + "[" * DEEP + "]" * DEEP + ";\n  return 1;\n}\n")
    result = cli("validate", "--format", "json")
    assert result.exit_code == 1
    assert [(d["code"], d["line"], d["column"], d["message"]) for d in result.json["diagnostics"]] == [
        ("CODE_VALIDATION_FAILED", 2, 13, "syntax error: Maximum call stack size exceeded — the code nests too "
         "deeply for V8's parser, from here on; flatten it")]


def test_a_valid_script_tree_sitter_dislikes_is_accepted():
    # tree-sitter reads `<` after `return` as JSX; V8 (the service's engine) is the judge of syntax.
    facts = analyze("async function execute(context) {\n  const a = 1, b = 2;\n  return a <b;\n}\n")
    assert facts.syntax is None


HOSTILE = [
    # Each would hang, exit or escape if it were ever executed while checking syntax.
    "while (true) {}\nconst x = ;\n",
    "}); while (true) {} (function () {\n",
    "*/ while (true) {} /*\nconst = ;",
    "`; while (true) {} `\n)",
    "process.exit(1); syntax error here",
]


@pytest.mark.parametrize("code", HOSTILE)
def test_syntax_checking_never_runs_the_code(code, tmp_path):
    """Run in a subprocess with a deadline: a hang or an exit would fail the test, not the suite."""
    probe = tmp_path / "probe.py"
    probe.write_text("import sys, json\nfrom actionctl.rules.jsparse import analyze\n"
                     "facts = analyze(sys.stdin.read())\nprint(json.dumps(facts.syntax is not None))\n")
    result = subprocess.run([sys.executable, str(probe)], input=code, capture_output=True, text=True,
                            timeout=HANG_LIMIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "true"


def test_script_errors_for_module_syntax_jsx_and_top_level_await():
    # Without V8 (a platform with no mini-racer wheel), tree-sitter applies the script rules itself.
    source = ("import x from 'y';\nexport const a = 1;\nconst el = <div/>;\nawait go();\n"
              "async function execute(context) { await go(); }\n")
    facts = analyze(source, verdict=v8syntax.Unavailable)
    messages = [(p.span.line, p.message.split(" —")[0]) for p in facts.script_errors]
    assert messages == [
        (3, "JSX is not JavaScript the service can run; build the markup as a string"),
        (1, "syntax error: Cannot use import statement outside a module"),
        (2, "syntax error: Cannot use export statement outside a module"),
        (4, "syntax error: await is only valid in async functions"),
    ]


def test_handlebars_found_in_strings_and_templates_only():
    facts = analyze("// {{ comment }}\nconst a = 'x {{ y }}';\nconst b = `\n  {{ z }}`;\n"
                    "async function execute(context) { return {}; }\n")
    assert [(s.line, s.column, s.length) for s in facts.handlebars] == [(2, 14, 7), (4, 3, 7)]


def test_without_v8_tree_sitter_reports_syntax_errors():
    facts = analyze("async function execute(context) {\n  const x = ;\n}\n", verdict=v8syntax.Unavailable)
    # tree-sitter's recovery starts at `=`, a column before V8's `;`: close, and only a fallback
    assert facts.syntax.message == "syntax error: unexpected `=`"
    assert (facts.syntax.span.line, facts.syntax.span.column) == (2, 11)


@pytest.mark.parametrize(("code", "message"), [
    ("import x from 'y';\nasync function execute(context) {}\n",
     "syntax error: Cannot use import statement outside a module — action code is a script; list libraries in "
     "dependencies instead"),
    ("const el = <div/>;\nasync function execute(context) {}\n",
     "syntax error: Unexpected token '<' — JSX is not JavaScript the service can run; build the markup as a string"),
    ("function helper() {\n  return await go();\n}\n",
     "syntax error: await is only valid in async functions and the top level bodies of modules — only inside an "
     "async function such as execute()"),
])
def test_v8_messages_carry_a_hint(code, message):
    assert analyze(code).syntax.message == message
