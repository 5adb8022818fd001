"""Variables fill a copy: the manifest as loaded stays as written through validate, run and push preparation."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionctl import validation, variables
from actionctl.execution import prepare as preparing
from actionctl.manifest import load_manifest
from actionctl.project import open_project
from actionctl.sync.local import local_actions

CONFIG = ("region: eu\nvars:\n  STAGE: top\n"
          "profiles:\n  dev:\n    app: 1\n    vars:\n      STAGE: dev\n      SOURCE: 158\n")
MANIFEST = ("name: bookings\ndescription: Bookings of @@STAGE@@\nactive: true\nenvironment: server\n"
            "triggers:\n  - trigger: manual\n")
CODE = "async function execute(context) {\n  return { source: @@SOURCE@@, stage: '@@STAGE@@' };\n}\n"


@pytest.fixture
def bookings(tree) -> Path:
    return tree({"actionctl.yaml": CONFIG, "actions/bookings.yaml": MANIFEST, "actions/bookings.js": CODE})


@pytest.fixture
def loaded(monkeypatch) -> list:
    """Every manifest validation loads, as it was loaded."""
    found = []

    def load(path, *args, **kwargs):
        manifest = load_manifest(path, *args, **kwargs)
        found.append(manifest)
        return manifest

    monkeypatch.setattr(validation, "load_manifest", load)
    return found


def as_written(manifest) -> bool:
    return (manifest.data["description"] == "Bookings of @@STAGE@@" and manifest.code.text == CODE
            and manifest.doc.text == MANIFEST)


def test_fill_returns_a_filled_copy_and_leaves_the_manifest_as_written(bookings):
    manifest = load_manifest(bookings / "actions/bookings.yaml", bookings.resolve())
    filled = variables.fill(manifest, {"STAGE": "dev"})
    assert filled.manifest.data["description"] == "Bookings of dev"
    assert filled.manifest.code.text == CODE.replace("'@@STAGE@@'", "'dev'")
    assert filled.in_code == [variables.Undefined("SOURCE", (), CODE.index("@@SOURCE@@"))]
    assert as_written(manifest) and filled.manifest.doc.values == manifest.doc.values


def test_validate_fills_a_copy(bookings, loaded):
    report = validation.validate_manifests(open_project(), [bookings / "actions/bookings.yaml"], "dev")
    assert report.ok, report.diagnostics
    assert loaded and all(as_written(m) for m in loaded)


def test_push_preparation_fills_a_copy(bookings, loaded):
    [local] = local_actions(open_project(), "dev")
    assert local.fields["description"] == "Bookings of dev" and "source: 158, stage: 'dev'" in local.fields["code"]
    assert loaded and all(as_written(m) for m in loaded)


def test_run_preparation_fills_a_copy(bookings, loaded):
    project = open_project()
    manifest = preparing.find_action(project, "bookings")
    prepared = preparing.prepare(project, manifest, preparing.RunOptions(profile="dev"))
    assert "source: 158, stage: 'dev'" in prepared.job["code"]
    assert prepared.manifest.data["description"] == "Bookings of dev"
    assert as_written(manifest) and loaded and all(as_written(m) for m in loaded)


def test_an_unknown_variable_after_a_known_one_is_placed_where_it_is_written(tree):
    tree({"actionctl.yaml": CONFIG, "actions/a.yaml": MANIFEST.replace("@@STAGE@@", "@@STAGE@@ @@NOPE@@"),
          "actions/a.js": "async function execute(context) { return 1; }\n"})
    report = validation.validate_manifests(open_project(), [Path("actions/a.yaml")], "dev")
    [problem] = report.diagnostics  # the value no longer matches its source once filled: where it is written
    column = len("description: Bookings of @@STAGE@@ ") + 1
    assert (problem.code, problem.line, problem.column) == ("VAR_UNDEFINED", 2, column)
