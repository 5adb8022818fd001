"""`init` and `new`: lay out a project and add actions from templates, never replacing a file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from actionctl import yamldoc
from actionctl.atomicfile import write_new
from actionctl.errors import (
    NameRefusedError,
    NameTakenError,
    RefusedOverwriteError,
    UsageError,
)
from actionctl.manifest import load_manifest
from actionctl.project import CONFIG_FILE, REGIONS, Project, inspect_project, open_project
from actionctl.rules.name import name_problems
from actionctl.schema import SCHEMA_FILE, schema_text
from actionctl.suggest import did_you_mean

TEMPLATES = ("on-demand", "scheduled", "log", "analytics", "blank")
PROJECT_FOLDERS = ("actions", "fixtures/datasources", "fixtures/http", "tests")


@dataclass
class Scaffold:
    root: Path
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # already there, left untouched
    notes: list[str] = field(default_factory=list)  # what an option asked for that a kept file does not say
    updated: list[Path] = field(default_factory=list)  # generated files of ours brought up to date (editor types)

    def add(self, path: Path, text: str) -> None:
        (self.created if write_new(path, text) else self.kept).append(path)


def templates_dir() -> Path:
    """Templates ship inside the wheel; in a source checkout they sit beside the package."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def _template(*parts: str) -> str:
    return templates_dir().joinpath(*parts).read_text(encoding="utf-8")


def init_project(folder: Path, app: int | None = None, region: str = "eu", api_url: str | None = None) -> Scaffold:
    if region not in REGIONS:
        raise UsageError(f"region must be one of {', '.join(REGIONS)}, not {region!r}")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    scaffold = Scaffold(folder.resolve())
    app_line = f"app: {app}" if app is not None else "# app: 12345              # the id of the Fliplet app"
    if api_url:
        app_line += f"\napi_url: {api_url}"
    config = _template("project", "actionctl.yaml").replace("__APP__", app_line).replace("__REGION__", region)
    scaffold.add(folder / CONFIG_FILE, config)
    if app is not None and folder / CONFIG_FILE in scaffold.kept:
        scaffold.notes.extend(_not_written(folder / CONFIG_FILE, "app", app))
    scaffold.add(folder / ".gitignore", _template("project", "gitignore"))
    scaffold.add(folder / SCHEMA_FILE, schema_text())
    for sub in PROJECT_FOLDERS:
        # Git does not keep empty folders; a .gitkeep keeps the layout in the repository.
        target = folder / sub
        if target.is_dir() and any(target.iterdir()):
            scaffold.kept.append(target)
        else:
            scaffold.add(target / ".gitkeep", "")
    _add_editor_files(scaffold, inspect_project(folder), unchanged_as_kept=True)
    return scaffold


def _add_editor_files(scaffold: Scaffold, project: Project, unchanged_as_kept: bool = False) -> None:
    """The editor's types and jsconfig.json, written or refreshed; a fixture that cannot be read leaves its columns
    out rather than stopping the command (`actionctl types` reports it). `new` does not list them when they are
    already up to date: they are not what it was asked for."""
    from actionctl.errors import FixtureError
    from actionctl.surface.editor import fixture_sources, write_types

    try:
        sources = fixture_sources(project.root)
    except FixtureError as exc:
        sources = []
        scaffold.notes.append(f"the editor types give no data source columns: {exc}")
    files = write_types(project, sources)
    scaffold.created.extend(files.created)
    scaffold.updated.extend(files.updated)
    scaffold.kept.extend((files.unchanged if unchanged_as_kept else []) + files.kept)
    scaffold.notes.extend(files.notes)


def _not_written(config: Path, key: str, given: object) -> list[str]:
    """Why `--KEY given` changed nothing in a kept actionctl.yaml, unless it already says so."""
    try:
        data = yamldoc.load_data(config.read_bytes())
    except (OSError, yamldoc.YamlLoadError):
        data = None
    current = data.get(key) if isinstance(data, dict) else None
    if current == given:
        return []
    said = f"it says {key}: {current}" if current is not None else f"it sets no {key}"
    return [f"{CONFIG_FILE} is kept as it is ({said}): --{key} {given} was not written — edit {CONFIG_FILE} to "
            "change it"]


def new_action(name: str, template: str = "on-demand", start: Path | None = None) -> Scaffold:
    if template not in TEMPLATES:
        raise UsageError(f"unknown template {template!r}{did_you_mean(template, TEMPLATES)}; choose one of "
                         f"{', '.join(TEMPLATES)}")
    for code, message, *_ in name_problems(name):
        raise NameRefusedError(message, code)
    project = open_project(start, required=True)
    _refuse_taken_name(project, name)
    folder = project.actions_dir
    manifest, code = folder / f"{name}.yaml", folder / f"{name}.js"
    existing = [project.relpath(p) for p in (manifest, code) if p.exists()]
    if existing:
        raise RefusedOverwriteError(existing)
    scaffold = Scaffold(project.root)
    schema = project.root / SCHEMA_FILE
    if not schema.exists():
        scaffold.add(schema, schema_text())
    relative_schema = Path(os.path.relpath(schema, folder)).as_posix()
    text = _template(template, "action.yaml").replace("__NAME__", name).replace("__SCHEMA__", relative_schema)
    scaffold.add(manifest, text)
    scaffold.add(code, _template(template, "action.js").replace("__NAME__", name))
    # A first test case, so that `actionctl test` has something to run from the start (kept if one is there).
    scaffold.add(project.root / "tests" / f"{name}.test.yaml", _template(template, "action.test.yaml")
                 .replace("__NAME__", name))
    _add_editor_files(scaffold, project)
    return scaffold


def _refuse_taken_name(project: Project, name: str) -> None:
    for path in project.manifests():
        if load_manifest(path, project.root, with_code=False).name == name:
            raise NameTakenError(f'an action named "{name}" already exists in {project.relpath(path)}')
