"""Validate a project's actions exactly as the service would, and a little more carefully."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from actionctl import variables
from actionctl.diagnostics import Diagnostic, Report, Severity, collapse
from actionctl.errors import ActionCodeNotFoundError, PathNotFoundError
from actionctl.manifest import ManifestFile, load_manifest, manifests_using
from actionctl.project import Project, inspect_project, require_config, select_manifests
from actionctl.rules import ActionCheck, check_action, v8syntax
from actionctl.rules import name as name_rules
from actionctl.rules.jsparse import ASK_V8
from actionctl.rules.placeholders import undefined
from actionctl.sourcefile import resolved


def validate_paths(paths: list[Path] | None = None, profile: str | None = None) -> Report:
    """Validate the manifests under `paths` (default: the whole project of the working directory).

    What is wrong with actionctl.yaml is reported with the rest. Paths given outside any project are a project
    of their own, with default settings; without paths, the working directory must be in a project.
    """
    paths = list(paths or [])
    project = inspect_project(paths[0] if paths else None)
    if not paths:
        require_config(project)
    project.settings(profile)  # an unknown profile is a usage error, not "no variables"
    code_files = [p for p in paths if p.suffix == ".js"]
    manifest_args = [p for p in paths if p.suffix != ".js"]
    selected = select_manifests(project, manifest_args) if manifest_args or not paths else []
    selected += _manifests_for_code(project, code_files)
    # A manifest named with its own code (`git diff --name-only | xargs actionctl validate`) is one action:
    # validated twice, it would clash with itself over its name.
    once: dict[Path, Path] = {}
    for path in selected:
        once.setdefault(resolved(path), path)
    return validate_manifests(project, list(once.values()), profile)


def validate_manifests(project: Project, paths: list[Path], profile: str | None = None, *,
                       deploying: bool = False) -> Report:
    diagnostics: list[Diagnostic] = []
    manifests = []
    for path in paths:
        manifest, unknown_variables = load_action(project, path, profile, deploying=deploying)
        manifests.append(manifest)
        diagnostics.extend(unknown_variables)
    verdicts = _syntax_verdicts(manifests)
    checks: list[ActionCheck] = []
    for manifest in manifests:
        if manifest.problem is not None:
            diagnostics.append(_load_problem(manifest))
            continue
        check = ActionCheck(manifest, verdicts.get(id(manifest), ASK_V8))
        checks.append(check)
        diagnostics.extend(check_action(check))
    diagnostics.extend(_unique_names(project, paths, checks))
    diagnostics.extend(project.problems)  # last: listing the project's folders can add some
    diagnostics.sort(key=lambda d: (d.file.as_posix(), d.line, d.column, d.code))
    return Report(project.root, len(manifests), collapse(diagnostics))


def load_action(project: Project, path: Path, profile: str | None = None, *, with_code: bool = True,
                deploying: bool = False) -> tuple[ManifestFile, list[Diagnostic]]:
    """A copy of a manifest and its code with the variables filled in, and a diagnostic per unknown variable.

    Without a profile, every deploy actionctl.yaml describes is judged — each profile with its variables, and
    the top level with its own `vars:` when it names an `app:` (or there are no profiles) — so that `validate`
    and the deploy gate of diff, push and ci give one verdict. `deploying`: filled in as a push without a
    profile sends it (the top-level variables only).
    """
    manifest = load_manifest(path, project.root, with_code=with_code)
    if manifest.problem is not None:
        return manifest, []
    used = variables.used_in(manifest.data) | variables.used_in(manifest.code.text if manifest.code else None)
    if not used:  # no placeholder anywhere: nothing to fill in, nothing undefined
        return manifest, []
    values = (variables.for_deploy if deploying else variables.for_local)(project.config, profile)
    filled = variables.fill(manifest, values)
    where = f'profile "{profile}"' if profile else "actionctl.yaml"
    found = _placed(project, manifest, filled, where, hint=not profile)
    if not profile and variables.top_level_deploys(project.config):  # where a push without --profile goes
        top = variables.fill(manifest, variables.top_level(project.config) or {})
        found += _placed(project, manifest, top, where, hint=True, only=set(values))
    if not profile:  # each profile must define what it will be asked to fill in
        for missing, profiles in variables.missing_in_profiles(project.config, used & set(values)).items():
            mark = manifest.doc.value_mark(())
            found.append(undefined(missing, "profile(s) " + ", ".join(profiles), path, mark.line, mark.column,
                                   filled.manifest.name))
    if filled.in_code:  # the placeholder is the error: the syntax check must not report it a second time
        code = dataclasses.replace(filled.manifest.code, text=variables.as_identifiers(filled.manifest.code.text))
        return dataclasses.replace(filled.manifest, code=code), found
    return filled.manifest, found


def _placed(project: Project, manifest: ManifestFile, filled: variables.Filled, where: str, *, hint: bool,
            only: set[str] | None = None) -> list[Diagnostic]:
    """VAR_UNDEFINED where each placeholder `filled` left stands (of the names in `only`, when given); with
    `hint`, naming the profiles that define it."""
    def wanted(item: variables.Undefined) -> bool:
        return only is None or item.name in only

    def problem(item: variables.Undefined, file: Path, line: int, column: int) -> Diagnostic:
        profiles = variables.profiles_defining(project.config, item.name) if hint else []
        return undefined(item.name, where, file, line, column, filled.manifest.name, profiles)

    found = []
    for item in filter(wanted, filled.in_data):  # positions in the manifest as written, where the placeholder is
        mark = manifest.doc.char_mark(item.path, item.offset)
        found.append(problem(item, manifest.path, mark.line, mark.column))
    for item in filter(wanted, filled.in_code):
        found.append(problem(item, manifest.code.path, *_line_column(manifest.code.text, item.offset)))
    return found


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _syntax_verdicts(manifests: list[ManifestFile]) -> dict[int, object]:
    """V8's verdict on every code file, asked in one batch rather than one round trip per file."""
    with_code = [m for m in manifests if m.code is not None and m.code.text and m.code.text.strip()]
    try:
        verdicts = v8syntax.check_many([m.code.text for m in with_code])
    except v8syntax.Unavailable:
        verdicts = [v8syntax.Unavailable] * len(with_code)
    return {id(m): verdict for m, verdict in zip(with_code, verdicts, strict=True)}


def _unique_names(project: Project, selected: list[Path], checks: list[ActionCheck]) -> list[Diagnostic]:
    """Names must be unique across the project, even when only some manifests are being validated."""
    given = set(selected)  # resolving is a system call per path component: only for paths not given as is
    rest = [path for path in project.manifests() if path not in given]
    chosen = {resolved(path) for path in selected} if rest else set()
    rest = [path for path in rest if resolved(path) not in chosen]
    loaded = (load_manifest(path, project.root, with_code=False) for path in rest)
    others = [ActionCheck(m) for m in loaded if m.problem is None]
    if not others:
        return list(name_rules.check_unique(checks))
    return [d for d in name_rules.check_unique(checks + others) if resolved(d.file) in chosen]


def _manifests_for_code(project: Project, code_files: list[Path]) -> list[Path]:
    """The manifests whose `code:` points at one of `code_files`."""
    if not code_files:
        return []
    wanted = set()
    for path in code_files:
        if not path.exists():
            raise PathNotFoundError(str(path), "file")
        wanted.add(path.resolve())
    found = manifests_using(project.manifests(), wanted, project.root)
    if len(found) < len(wanted):
        missing = ", ".join(sorted(project.relpath(p) for p in wanted - set(found)))
        raise ActionCodeNotFoundError(missing)
    return list(dict.fromkeys(found.values()))


def _load_problem(manifest: ManifestFile) -> Diagnostic:
    problem = manifest.problem
    return Diagnostic(problem.code, problem.message, problem.file, problem.mark.line, problem.mark.column,
                      Severity.ERROR, manifest.name)
