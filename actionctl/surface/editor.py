"""The files that let an editor complete and check action code: the platform's types and a jsconfig.json.

`.actionctl/types/fliplet.d.ts` is generated (surface/typescript.py) and ours: it is rewritten whenever it is
out of date, unless someone replaced it with a file of their own. `jsconfig.json` is the user's: written when
absent, left alone once it says anything else than what we would write.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from actionctl.atomicfile import write_atomic, write_new
from actionctl.project import Project

TYPES_FILE = ".actionctl/types/fliplet.d.ts"
JSCONFIG_FILE = "jsconfig.json"


@dataclass
class EditorFiles:
    root: Path
    created: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)    # ours, brought up to date
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)       # a user's file, left as it is
    notes: list[str] = field(default_factory=list)
    datasources: list[dict] = field(default_factory=list)  # {id, name, columns} the types give columns for


def write_types(project: Project, sources: list[dict] | None = None) -> EditorFiles:
    """Write or refresh the types and jsconfig.json of `project`. `sources` are the data sources whose columns
    the types give (default: the project's fixtures; FIXTURE_INVALID when one cannot be read)."""
    from actionctl.surface.typescript import declaration

    if sources is None:
        sources = fixture_sources(project.root)
    files = EditorFiles(project.root, datasources=[_summary(s) for s in sources])
    _write_ours(files, project.root / TYPES_FILE, declaration(sources))
    _write_jsconfig(files, project)
    return files


def fixture_sources(root: Path) -> list[dict]:
    from actionctl.runtime import fixtures

    return list(fixtures.load(root).datasources.values())


def jsconfig_text(project: Project) -> str:
    """What `jsconfig.json` says: check every action's .js file against the platform's types. Each file is its
    own module (`moduleDetection`), as each action runs alone: two actions both defining `execute` are not a
    redeclaration. DOM: a server action runs in a headless browser page (`fetch`, `console`)."""
    actions = Path(os.path.relpath(project.actions_dir, project.root)).as_posix()
    config = {
        "compilerOptions": {"checkJs": True, "allowJs": True, "noEmit": True, "target": "ES2022",
                            "lib": ["ES2022", "DOM"], "moduleDetection": "force", "types": []},
        "include": [f"{actions}/**/*.js", ".actionctl/types/*.d.ts"],
    }
    return json.dumps(config, indent=2) + "\n"


def _write_ours(files: EditorFiles, path: Path, text: str) -> None:
    from actionctl.surface.typescript import MARKER, untouched

    current = _read(path)
    if current is None:
        (files.created if write_new(path, text) else files.kept).append(path)
    elif current == text:
        files.unchanged.append(path)
    elif untouched(current):
        write_atomic(path, text)
        files.updated.append(path)
    else:
        files.kept.append(path)
        whose = "was edited since actionctl wrote it" if current.startswith(MARKER) else "was not written by actionctl"
        files.notes.append(f"{TYPES_FILE} {whose}, so it is left as it is — remove it and run `actionctl types` to "
                           "have the platform's types there")


def _write_jsconfig(files: EditorFiles, project: Project) -> None:
    path, text = project.root / JSCONFIG_FILE, jsconfig_text(project)
    current = _read(path)
    if current is None:
        (files.created if write_new(path, text) else files.kept).append(path)
    elif current == text:
        files.unchanged.append(path)
    else:
        files.kept.append(path)
        if not ('"checkJs": true' in current and ".actionctl/types" in current):
            files.notes.append(f'{JSCONFIG_FILE} is yours and left as it is: for the types to apply, it needs '
                               f'"checkJs": true and ".actionctl/types/*.d.ts" in "include" (see the README, '
                               '"Editor set-up")')


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""  # unreadable: not ours to replace


def _summary(source: dict) -> dict:
    from actionctl.surface.typescript import column_names

    return {"id": source["id"], "name": source["name"], "columns": column_names(source)}
