"""The action manifest: its fields, and a manifest file on disk loaded with its code file.

A manifest uses the service's own field names, so it maps 1:1 onto the API object — except `code`,
which is a path to a `.js` file relative to the manifest (default: the manifest's stem + `.js`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actionctl import sourcefile, yamldoc

# Fliplet packages and the namespace each one installs on `Fliplet`: from the one description of the surface.
from actionctl.surface import NAMESPACE_PACKAGES, PACKAGES  # noqa: F401 (re-exported)
from actionctl.yamldoc import Mark, YamlDoc, YamlLoadError

ENVIRONMENTS = ("server", "client", "any")
DEFAULT_ENVIRONMENT = "server"
TRIGGER_TYPES = ("manual", "schedule", "log", "analytics")
# Which triggers each environment accepts (the reference's "Execution environments" table).
ALLOWED_TRIGGERS = {
    "server": ("manual", "schedule", "log"),
    "client": ("manual", "analytics"),
    "any": TRIGGER_TYPES,
}
TRIGGER_KEYS = ("trigger", "where")


def trigger_kinds(data: dict) -> list:
    """The `trigger:` of each trigger the manifest lists as a mapping, in order (what starts the action)."""
    triggers = data.get("triggers")
    return [t.get("trigger") for t in triggers if isinstance(t, dict)] if isinstance(triggers, list) else []


NAME_MAX = 255
DESCRIPTION_MAX = 1000


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    summary: str
    json_type: str | tuple[str, ...]  # JSON Schema type(s)
    required: bool = False


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("name", "Unique name in the app: letters, digits, - and _, at most 255 characters.", "string", True),
        Field("description", "What the action does, at most 1000 characters.", ("string", "null")),
        Field("code", "Path of the .js file defining `async function execute(context)`, relative to this "
                      "manifest. Default: the manifest's name with .js.", "string"),
        Field("active", "Whether the action runs at all. The service's default is false.", "boolean"),
        Field("environment", "Where it runs: server, client or any. Default: server.", ("string", "null")),
        Field("triggers", "What starts it: manual, schedule, log or analytics.", ("array", "null")),
        Field("dependencies", "Fliplet packages (fliplet-datasources, …) or http(s) URLs of scripts.",
              ("array", "null")),
        Field("frequency", "Five-field cron expression for scheduled runs, e.g. \"0 8 * * 1\".",
              ("string", "null")),
        Field("timezone", "IANA time zone the frequency is read in, e.g. Europe/Rome. Default: the server's, "
              "which is not published.",
              ("string", "null")),
    )
}
# Keys an earlier actionctl offered that no public source of the platform has: a manifest holding one
# is warned (FIELD_NOT_ON_PLATFORM) and the key is never sent, compared or written by a pull.
NOT_PLATFORM_FIELDS = ("integrationOrigins",)
# Set by the service on its copy; a manifest cannot set them.
READ_ONLY_FIELDS = ("id", "appId", "actionVersion", "assets", "lastRunAt", "createdAt", "updatedAt")


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Why a manifest or code file could not be read: a diagnostic code, a message and a place."""

    code: str
    message: str
    file: Path
    mark: Mark


@dataclass
class CodeFile:
    path: Path
    text: str | None = None  # None when the file could not be read
    problem: LoadProblem | None = None
    missing: bool = False


@dataclass
class ManifestFile:
    """A manifest on disk: its document (or why it has none) and its code file."""

    path: Path
    doc: YamlDoc | None
    problem: LoadProblem | None = None
    code: CodeFile | None = None

    @property
    def data(self) -> dict[str, Any]:
        if self.doc is not None and isinstance(self.doc.data, dict):
            return self.doc.data
        return {}

    @property
    def name(self) -> str | None:
        name = self.data.get("name")
        return name if isinstance(name, str) else None

    @property
    def code_setting(self) -> Any:
        return self.data.get("code")


def load_manifest(path: Path, root: Path, *, with_code: bool = True) -> ManifestFile:
    """Read a manifest and (unless told not to) its code file. Never raises for what is in the files.

    `root` is the project's (resolved) folder: neither file is read from outside it.
    """
    try:
        raw = sourcefile.read(path, sourcefile.YAML_MAX_BYTES, root)
    except sourcefile.Refused as exc:
        return ManifestFile(path, None, LoadProblem(exc.code, exc.message, path, Mark(1, 1)))
    except OSError as exc:
        return ManifestFile(path, None, LoadProblem("FILE_UNREADABLE", f"cannot read: {exc.strerror}", path,
                                                    Mark(1, 1)))
    try:
        doc = yamldoc.load(raw)
    except YamlLoadError as exc:
        return ManifestFile(path, None, LoadProblem(exc.code, exc.message, path, exc.mark))
    if not isinstance(doc.data, dict):
        kind = type(doc.data).__name__ if doc.data is not None else "null"
        return ManifestFile(path, doc, LoadProblem(
            "MANIFEST_NOT_MAPPING",
            f"a manifest must be a mapping of fields (name: …, code: …), not a {_yaml_kind(kind)}",
            path, doc.value_mark(())))
    manifest = ManifestFile(path, doc)
    code_path = code_path_for(path, manifest.code_setting)
    if code_path is not None and with_code:
        manifest.code = load_code(code_path, root)
    return manifest


def code_path_for(manifest_path: Path, setting: Any) -> Path | None:
    """The code file a manifest points at; None when `code:` is set to something that is not a path."""
    if setting is None:
        return manifest_path.with_suffix(".js")
    if not isinstance(setting, str) or not setting.strip():
        return None
    return manifest_path.parent / setting


def manifests_using(manifest_paths: list[Path], code_files: set[Path], root: Path) -> dict[Path, Path]:
    """For each of `code_files` (resolved) that some manifest uses as its code: code file → manifest."""
    found: dict[Path, Path] = {}
    for manifest_path in manifest_paths:
        code = code_path_for(manifest_path, load_manifest(manifest_path, root, with_code=False).code_setting)
        if code is None or "\0" in str(code):
            continue
        resolved = sourcefile.resolved(code)
        if resolved in code_files and resolved not in found:
            found[resolved] = manifest_path
    return found


def load_code(path: Path, root: Path) -> CodeFile:
    """The code file at `path`; its `problem` says why it was not read (outside `root`, not a regular file…)."""
    try:
        raw = sourcefile.read(path, sourcefile.CODE_MAX_BYTES, root)
    except sourcefile.Refused as exc:
        return CodeFile(path, problem=LoadProblem(exc.code, exc.message, path, Mark(1, 1)))
    except FileNotFoundError:
        return CodeFile(path, missing=True)
    except IsADirectoryError:
        return CodeFile(path, problem=LoadProblem("CODE_REQUIRED", "the code path is a directory, not a .js file",
                                                  path, Mark(1, 1)))
    except OSError as exc:
        return CodeFile(path, problem=LoadProblem("FILE_UNREADABLE", f"cannot read: {exc.strerror}", path,
                                                  Mark(1, 1)))
    try:
        return CodeFile(path, yamldoc.decode(raw))
    except YamlLoadError as exc:
        return CodeFile(path, problem=LoadProblem(exc.code, exc.message, path, exc.mark))


def _yaml_kind(python_type: str) -> str:
    return {"list": "list", "str": "plain string", "int": "number", "float": "number", "bool": "boolean",
            "null": "null value"}.get(python_type, python_type)
