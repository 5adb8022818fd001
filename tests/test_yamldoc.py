"""The positioned YAML loader: positions, duplicates, merges, aliases and unreadable input."""

from __future__ import annotations

import pytest

from actionctl import yamldoc
from actionctl.yamldoc import Mark, YamlLoadError


def test_positions_of_keys_and_values():
    doc = yamldoc.load("name: hello\ntriggers:\n  - trigger: manual\n    where: {type: x}\n")
    assert doc.key_mark(("name",)) == Mark(1, 1)
    assert doc.value_mark(("name",)) == Mark(1, 7)
    assert doc.value_mark(("triggers", 0, "trigger")) == Mark(3, 14)
    assert doc.value_mark(("triggers", 0, "where", "type")) == Mark(4, 19)
    assert doc.value_mark(("triggers", 5)) == Mark(3, 3)  # absent: the nearest written ancestor


def test_columns_count_characters_not_bytes():
    doc = yamldoc.load("description: ééé\nname: x\n")
    assert doc.value_mark(("name",)) == Mark(2, 7)
    doc = yamldoc.load("é: 1\nname: x y\n")
    assert doc.char_mark(("name",), 1) == Mark(2, 8)


def test_char_mark_inside_quoted_values_and_escapes():
    doc = yamldoc.load('name: "my action"\nother: "a\\tb c"\n')
    assert doc.char_mark(("name",), 2) == Mark(1, 10)  # the space: column 7 is the opening quote
    assert doc.char_mark(("other",), 3) == Mark(2, 8)  # escape changes the text: fall back to the start


def test_duplicate_keys_are_recorded_with_both_places():
    doc = yamldoc.load("name: a\ntriggers:\n  - {trigger: manual, trigger: log}\nname: b\n")
    assert doc.data["name"] == "b"
    assert sorted((d.path, d.first, d.again) for d in doc.duplicates) == [
        (("name",), Mark(1, 1), Mark(4, 1)),
        (("triggers", 0, "trigger"), Mark(3, 6), Mark(3, 23)),
    ]


def test_merge_keys_are_supported_and_explicit_keys_win():
    doc = yamldoc.load("base: &b {active: true, environment: client}\nname: x\n<<: *b\nenvironment: server\n")
    assert doc.data["active"] is True and doc.data["environment"] == "server"
    assert doc.duplicates == []


def test_an_alias_bomb_is_refused_not_expanded():
    # Built once and shared, the tree would still be walked as a tree by every reader after the loader.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(YamlLoadError) as caught:
        yamldoc.load("\n".join(lines) + "\n")
    assert caught.value.code == "YAML_TOO_COMPLEX"
    assert caught.value.message == ("the document expands to more than 200,000 values (aliases counted each "
                                    "time they are used) — actionctl refuses documents that large")


def test_aliases_used_a_few_times_still_load():
    doc = yamldoc.load("base: &b {active: true}\none: *b\ntwo: *b\n")
    assert doc.data["two"] == {"active": True}


def test_nesting_deeper_than_the_cap_is_refused_not_a_recursion_error():
    with pytest.raises(YamlLoadError) as caught:
        yamldoc.load("x: " + "[" * 400 + "]" * 400 + "\n")
    assert caught.value.code == "YAML_TOO_COMPLEX"
    assert caught.value.message.startswith("values are nested more than 100 deep")


@pytest.mark.parametrize("value", ["!!int nope", "!!timestamp x", "!!float x", "!!bool maybe", '!!binary "@@@"'])
def test_an_explicit_tag_on_a_value_it_cannot_hold_is_a_syntax_error(value):
    with pytest.raises(YamlLoadError) as caught:
        yamldoc.load(f"name: a\nactive: {value}\n")
    assert (caught.value.code, caught.value.mark) == ("YAML_SYNTAX_ERROR", Mark(2, 9))


def test_python_tags_never_construct_objects():
    with pytest.raises(YamlLoadError) as caught:
        yamldoc.load("a: !!python/name:os.system x\n")
    assert caught.value.code == "YAML_SYNTAX_ERROR"
    # On a list or mapping the tag is ignored: plain data, nothing called.
    assert yamldoc.load("a: !!python/object/apply:os.system [echo hi]\n").data == {"a": ["echo hi"]}


def test_recursive_alias_is_an_error():
    with pytest.raises(YamlLoadError) as caught:
        yamldoc.load("a: &a [*a]\n")
    assert caught.value.code == "YAML_SYNTAX_ERROR"


@pytest.mark.parametrize(("raw", "code", "mark"), [
    (b"name: [a\n", "YAML_SYNTAX_ERROR", Mark(2, 1)),
    (b"a: 1\n---\nb: 2\n", "YAML_SYNTAX_ERROR", Mark(2, 1)),
    (b"", "MANIFEST_EMPTY", Mark(1, 1)),
    (b"# only a comment\n", "MANIFEST_EMPTY", Mark(1, 1)),
    (b"name: ok\ndesc: caf\xe9\n", "FILE_ENCODING_INVALID", Mark(2, 10)),
    (b"name: \x07\n", "YAML_SYNTAX_ERROR", Mark(1, 7)),
    (b"a:\n\tb: 1\n", "YAML_SYNTAX_ERROR", Mark(2, 1)),
    (b"[1]: x\n", "YAML_SYNTAX_ERROR", Mark(1, 1)),
])
def test_unreadable_input_is_a_coded_error(raw, code, mark):
    with pytest.raises(YamlLoadError) as caught:
        yamldoc.load(raw)
    assert (caught.value.code, caught.value.mark) == (code, mark)


def test_a_bom_is_accepted():
    assert yamldoc.load("\ufeffname: x\n".encode()).data == {"name": "x"}


def test_yaml_types_are_kept():
    doc = yamldoc.load("a: yes\nb: 2024-01-01\nc: 0x10\nd: '5'\ne: null\n")
    assert doc.data["a"] is True and doc.data["c"] == 16 and doc.data["d"] == "5" and doc.data["e"] is None
    assert str(doc.data["b"]) == "2024-01-01"
