"""`actionctl test`: test-case files → runs on warm workers → assertions → a report.

A test file (`tests/<anything>.test.yaml`) names its action and lists cases:

    action: confirm-booking
    fixtures: {datasources: {158: {name: Bookings, entries: [...]}}}   # optional, for every case
    cases:
      - name: confirms a pending booking
        payload: {entryId: 1, name: Nick}          # or trigger: log|analytics + event: {...}
        now: 2026-01-05T08:00:00Z                  # optional: now, seed, timeout, fixtures
        expect:
          result: {success: true}                  # exact; or result_contains: {...}
          datasources: {158: {updated: [1]}}       # ids (or a count) inserted / updated / removed
          emails: 1                                # a count, or a list of subsets in order (also sms,
                                                   # pushes, notifications, requests, media, settings, actions,
                                                   # appLogs)
          logs: ["confirmed"]                      # substrings (or {level, message}) that must appear
          error: PAYLOAD_TOO_LARGE                 # or {code, message: substring}
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import functools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl import sourcefile, yamldoc
from actionctl.diagnostics import Report
from actionctl.errors import ActionctlError, FixtureError, TestsNotFoundError
from actionctl.execution import prepare
from actionctl.project import MAX_SECONDS, Project, number_problem
from actionctl.runtime import fixtures as fixture_files
from actionctl.runtime.host import EFFECT_KINDS, Execution, WorkerPool
from actionctl.suggest import did_you_mean
from actionctl.yamldoc import YamlLoadError

CASE_FIXTURES = ("datasources", "http", "settings")
CASE_KEYS = ("name", "payload", "trigger", "event", "now", "seed", "timeout", "fixtures", "expect")
# Effects a case may expect, each a count or a list of subsets in order (see the harness's `effects`).
COUNTED_EFFECTS = tuple(kind for kind in EFFECT_KINDS if kind != "datasources")
EXPECT_KEYS = ("result", "result_contains", "error", *COUNTED_EFFECTS, "datasources", "logs")
_MISSING = object()
_UNREADABLE = object()  # what a test file that cannot be read tests


@dataclass
class Case:
    file: Path
    action: str
    name: str
    spec: dict
    problem: str | None = None  # the case (or its file) cannot be run as written

    @property
    def id(self) -> str:
        return f"{self.file.name}::{self.name}"


@dataclass
class CaseResult:
    case: Case
    failures: list[str] = field(default_factory=list)
    execution: Execution | None = None
    prepared: prepare.Prepared | None = None  # how it was run (its deadline); None when it could not be

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class TestReport:
    root: Path
    results: list[CaseResult]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0


# --- collecting ---------------------------------------------------------------------------------

def test_files(project: Project, targets: list[str]) -> list[Path]:
    """Test files named directly, or all of the project's; action names select the files testing them."""
    folder = project.root / "tests"
    every = sorted(folder.rglob("*.test.yaml")) + sorted(folder.rglob("*.test.yml")) if folder.is_dir() else []
    if not targets:
        return every
    chosen: dict[Path, None] = {}
    for target in targets:
        path = Path(target)
        if path.suffix in (".yaml", ".yml") and path.is_file():
            chosen[path.resolve()] = None
            continue
        # A file that cannot be read may be testing it: kept, it fails with why (its line and column), where
        # leaving it out would say there is no test at all.
        matching = [f for f in every if _action_of(f, project.root) in (target, _UNREADABLE)]
        if not matching:
            raise TestsNotFoundError(f'no test file tests an action named "{target}" (looked in '
                                     f"{project.relpath(folder)}/)")
        chosen.update(dict.fromkeys(matching))
    return list(chosen)


def _action_of(path: Path, root: Path) -> Any:
    try:
        content = _read(path, root)
    except (OSError, sourcefile.Refused, YamlLoadError):
        return _UNREADABLE
    return content.get("action") if isinstance(content, dict) else None


def _read(path: Path, root: Path | None) -> Any:
    """A test file's content: a regular file inside `root`, of a bounded size, that expands to a bounded tree."""
    return fixture_files.plain(yamldoc.load_data(sourcefile.read(path, sourcefile.YAML_MAX_BYTES, root)))


def collect(paths: list[Path], keyword: str | None = None, root: Path | None = None) -> list[Case]:
    """The cases of the test files at `paths` (none read from outside `root`, the project's, when given)."""
    cases = []
    for path in paths:
        cases.extend(_cases_of(path, root))
    if keyword:
        pattern = keyword if any(c in keyword for c in "*?[") else f"*{keyword}*"
        cases = [c for c in cases if fnmatch.fnmatch(c.id.lower(), pattern.lower())]
    return cases


def _cases_of(path: Path, root: Path | None) -> list[Case]:
    try:
        content = _read(path, root)
    except OSError as exc:
        return [Case(path, "?", "(file)", {}, f"cannot read the test file: {exc.strerror}")]
    except (sourcefile.Refused, YamlLoadError) as exc:
        where = f" (line {exc.mark.line}, column {exc.mark.column})" if isinstance(exc, YamlLoadError) else ""
        return [Case(path, "?", "(file)", {}, f"cannot read the test file: {exc.message}{where} [{exc.code}]")]
    if not isinstance(content, dict) or not isinstance(content.get("action"), str):
        return [Case(path, "?", "(file)", {}, "a test file is a mapping with `action: NAME` and `cases: [...]`")]
    action, cases = content["action"], content.get("cases")
    if not isinstance(cases, list) or not cases:
        return [Case(path, action, "(file)", {}, "`cases` must be a non-empty list")]
    shared = content.get("fixtures") or {}
    found = []
    for index, spec in enumerate(cases):
        name = spec.get("name") if isinstance(spec, dict) and spec.get("name") else f"case {index + 1}"
        found.append(Case(path, action, str(name), spec if isinstance(spec, dict) else {}, _problem(spec, shared)))
        if isinstance(spec, dict) and shared and isinstance(spec.get("fixtures") or {}, dict):
            found[-1].spec = {**spec, "fixtures": _merge_fixtures(shared, spec.get("fixtures") or {})}
        if found[-1].problem is None:
            found[-1].problem = _fixtures_problem(found[-1].spec.get("fixtures"))
    return found


def _fixtures_problem(fixtures: Any) -> str | None:
    """A case's fixtures (the file's, with its own laid over them), checked as the fixture files are: a case
    written wrongly fails as that case, with the reason, never as a crash of the whole run."""
    if fixtures is None:
        return None
    if not isinstance(fixtures, dict):
        return "`fixtures` must be a mapping (datasources, http, settings)"
    unknown = [str(k) for k in fixtures if k not in CASE_FIXTURES]
    if unknown:
        return f"unknown fixture kind(s) {', '.join(unknown)}; a case may give {', '.join(CASE_FIXTURES)}"
    sources, settings = fixtures.get("datasources"), fixtures.get("settings")
    if sources is not None and not (isinstance(sources, dict) and all(isinstance(v, dict) for v in sources.values())):
        return "fixtures.datasources maps a data-source id to {name?, columns?, entries}"
    if settings is not None and not isinstance(settings, dict):
        return "fixtures.settings must be a mapping of keys to values"
    try:
        if fixtures.get("http") is not None:
            fixture_files.responses(fixtures["http"], "fixtures.http")
        for key, content in (sources or {}).items():
            fixture_files.datasource({"id": key, **content}, f"fixtures.datasources.{key}")
    except FixtureError as exc:
        return exc.message
    return None


def _problem(spec: Any, shared: Any) -> str | None:
    if not isinstance(spec, dict):
        return "a case is a mapping with `name`, a payload or event, and `expect`"
    unknown = [k for k in spec if k not in CASE_KEYS]
    if unknown:
        return (f"unknown case field(s) {', '.join(map(str, unknown))}{_suggested(unknown, CASE_KEYS)}; "
                f"known: {', '.join(CASE_KEYS)}")
    expect = spec.get("expect")
    if not isinstance(expect, dict) or not expect:
        return "the case has no `expect` — say what must happen"
    unknown = [k for k in expect if k not in EXPECT_KEYS]
    if unknown:
        return (f"unknown expectation(s) {', '.join(map(str, unknown))}{_suggested(unknown, EXPECT_KEYS)}; "
                f"known: {', '.join(EXPECT_KEYS)}")
    if not isinstance(shared, dict):
        return "the file's `fixtures` must be a mapping"
    timeout = spec.get("timeout")
    if timeout is not None and number_problem(timeout, MAX_SECONDS) is not None:
        return f"timeout must be {number_problem(timeout, MAX_SECONDS)} (seconds), not {timeout!r}"
    return None


def _suggested(unknown: list, known: tuple[str, ...]) -> str:
    """' — did you mean "x"?' for each misspelt key that is close to a known one."""
    return "".join(did_you_mean(str(key), known) for key in unknown)


def _merge_fixtures(shared: dict, own: dict) -> dict:
    merged = dict(shared)
    for key, value in own.items():
        merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) and key == "datasources" else value
    return merged


# --- running ------------------------------------------------------------------------------------

def run_cases(project: Project, cases: list[Case], workers: int | None = None,
              profile: str | None = None, pool: WorkerPool | None = None,
              validated: Report | None = None) -> TestReport:
    """Run `cases` and check each; on `pool` when given (kept warm by its owner, `dev`), else on workers
    started for this run and closed after it. `validated`: a validation of (at least) the cases' actions the
    caller made already, rather than a second one."""
    results = [CaseResult(case) for case in cases]
    runnable: list[tuple[CaseResult, prepare.Prepared]] = []
    actions = prepare.find_actions(project, [c.action for c in cases if not c.problem])
    refused = _refused_by_validation(project, actions, profile, validated)
    fixtures = fixture_files.load(project.root, profile)
    actions_of_project = functools.cache(lambda: prepare.project_actions(project, profile))  # read once, if at all
    for result in results:
        case = result.case
        if case.problem:
            result.failures.append(case.problem)
            continue
        manifest = actions[case.action]
        if isinstance(manifest, ActionctlError):
            result.failures.append(manifest.message)
            continue
        if refused.get(case.action):
            result.failures.append(f"the action has {refused[case.action]} validation error(s); "
                                   "`actionctl validate` shows them")
            continue
        try:
            prepared = prepare.prepare(project, manifest, _options(case, False, profile), fixtures,
                                       actions_of_project)
        except ActionctlError as exc:
            result.failures.append(exc.message)
            continue
        result.prepared = prepared
        runnable.append((result, prepared))
    _execute(runnable, workers, pool)
    return TestReport(project.root, results)


def _refused_by_validation(project: Project, actions: dict, profile: str | None,
                           report: Report | None = None) -> dict[str, int]:
    """How many validation errors each action has, from one validation of all of them: validating each on
    its own would check every other manifest's name once per action."""
    from actionctl.validation import validate_manifests

    found = {name: m for name, m in actions.items() if not isinstance(m, ActionctlError)}
    if not found:
        return {}
    report = report or validate_manifests(project, [m.path for m in found.values()], profile)
    errors: dict[Path, int] = {}
    for diagnostic in report.diagnostics:
        if diagnostic.is_error:
            errors[diagnostic.file] = errors.get(diagnostic.file, 0) + 1
    counts = {}
    for name, manifest in found.items():
        files = {manifest.path} | ({manifest.code.path} if manifest.code is not None else set())
        counts[name] = sum(errors.get(f, 0) for f in files)
    return counts


def _options(case: Case, validate: bool, profile: str | None = None) -> prepare.RunOptions:
    spec = case.spec
    own = spec.get("fixtures") or {}
    now = spec.get("now")
    return prepare.RunOptions(
        payload=spec.get("payload"), trigger=spec.get("trigger", "manual"), event=spec.get("event"),
        timeout=spec.get("timeout"), now=now if not isinstance(now, dt.datetime) else now.isoformat(),
        seed=spec.get("seed"), validate=validate, profile=profile, datasources=own.get("datasources"),
        http=own.get("http"), settings=own.get("settings"))


def _execute(runnable: list[tuple[CaseResult, prepare.Prepared]], workers: int | None,
             warm: WorkerPool | None = None) -> None:
    if not runnable:
        return
    size = min(workers or os.cpu_count() or 1, len(runnable))
    memory = max(p.memory_mb for _, p in runnable)
    # A warm pool whose workers were started with another memory limit would run the cases under it.
    pool = warm if warm is not None and warm.memory_mb == memory else WorkerPool(size, memory)
    try:
        jobs = [(p.job, p.timeout, p.result_limit) for _, p in runnable]
        refused = {i: p.refusal for i, (_, p) in enumerate(runnable) if p.refusal is not None}
        outcomes = pool.map([j for i, j in enumerate(jobs) if i not in refused])
    finally:
        if pool is not warm:
            pool.close()
    ran = iter(outcomes)
    for index, (result, _) in enumerate(runnable):
        result.execution = refused[index] if index in refused else next(ran)
        result.failures.extend(check(result.case.spec["expect"], result.execution))


# --- assertions ---------------------------------------------------------------------------------

def check(expect: dict, outcome: Execution) -> list[str]:
    """Every way `outcome` falls short of `expect`, as readable messages."""
    failures = []
    expected_error = expect.get("error")
    if expected_error is None and not outcome.ok:
        failures.append(f"unexpected error {outcome.error['code']}: {outcome.error['message']}")
        return failures
    if expected_error is not None:
        failures.extend(_check_error(expected_error, outcome))
    if "result" in expect and outcome.result != expect["result"]:
        failures.append("result differs:\n" + _diff(expect["result"], outcome.result))
    if "result_contains" in expect:
        mismatch = contains(outcome.result, expect["result_contains"], "result")
        if mismatch:
            failures.append(mismatch)
    for kind in COUNTED_EFFECTS:
        if kind in expect:
            failures.extend(_check_effects(kind, expect[kind], outcome.effects.get(kind, [])))
    if "datasources" in expect:
        failures.extend(_check_datasources(expect["datasources"], outcome.effects.get("datasources", [])))
    if "logs" in expect:
        failures.extend(_check_logs(expect["logs"], outcome.logs))
    return failures


def _check_error(expected: Any, outcome: Execution) -> list[str]:
    code = expected.get("code") if isinstance(expected, dict) else expected
    if outcome.ok:
        return [f"expected error {code}, but the run succeeded with {json.dumps(outcome.result)}"]
    if outcome.error["code"] != code:
        return [f"expected error {code}, got {outcome.error['code']}: {outcome.error['message']}"]
    wanted = expected.get("message") if isinstance(expected, dict) else None
    if wanted and wanted not in outcome.error["message"]:
        return [f"the error message {outcome.error['message']!r} does not contain {wanted!r}"]
    return []


def _check_effects(kind: str, expected: Any, actual: list) -> list[str]:
    if isinstance(expected, int) and not isinstance(expected, bool):
        return [] if len(actual) == expected else [f"expected {expected} {kind}, got {len(actual)}"]
    mismatch = contains(actual, expected, kind)
    return [mismatch] if mismatch else []


def _check_datasources(expected: Any, changes: list[dict]) -> list[str]:
    if not isinstance(expected, dict):
        return ["`datasources` expects {ID: {inserted|updated|removed: [ids] or a count}}"]
    failures = []
    names = {"inserted": "insert", "updated": "update", "removed": "remove"}
    for source, wanted in expected.items():
        if not isinstance(wanted, dict):
            failures.append(f"datasources.{source}: expected a mapping of inserted/updated/removed")
            continue
        for label, value in wanted.items():
            op = names.get(label)
            if op is None:
                failures.append(f"datasources.{source}.{label}: use inserted, updated or removed")
                continue
            ids = [c.get("id") for c in changes if str(c.get("dataSourceId")) == str(source) and c.get("op") == op]
            if isinstance(value, int) and not isinstance(value, bool):
                if len(ids) != value:
                    failures.append(f"data source {source}: expected {value} {label}, got {len(ids)} {ids}")
            elif sorted(map(str, ids)) != sorted(map(str, value or [])):
                failures.append(f"data source {source}: expected {label} {value}, got {ids}")
    return failures


def _check_logs(expected: Any, logs: list[dict]) -> list[str]:
    failures = []
    for item in expected if isinstance(expected, list) else [expected]:
        level = item.get("level") if isinstance(item, dict) else None
        text = item.get("message", "") if isinstance(item, dict) else str(item)
        if not any(text in entry.get("message", "") and (level is None or entry.get("level") == level)
                   for entry in logs):
            where = f" at level {level}" if level else ""
            failures.append(f"no console line{where} contains {text!r}")
    return failures


def contains(actual: Any, expected: Any, path: str) -> str | None:
    """None when `expected` is a subset of `actual`; otherwise where they part.

    Mappings: every expected key, recursively. Lists: each expected item matched by a later actual item,
    in order. Anything else: equal.
    """
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected a mapping, got {json.dumps(actual)}"
        for key, value in expected.items():
            inner = actual.get(key, _MISSING)
            if inner is _MISSING:
                return f"{path}.{key}: missing (have {', '.join(map(str, actual)) or 'nothing'})"
            mismatch = contains(inner, value, f"{path}.{key}")
            if mismatch:
                return mismatch
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected a list, got {json.dumps(actual)}"
        position = 0
        for index, value in enumerate(expected):
            while position < len(actual) and contains(actual[position], value, path) is not None:
                position += 1
            if position == len(actual):
                return f"{path}[{index}]: no item matches {json.dumps(value)} (in order)"
            position += 1
        return None
    if actual != expected:
        return f"{path}: expected {json.dumps(expected)}, got {json.dumps(actual)}"
    return None


def _diff(expected: Any, actual: Any) -> str:
    left = json.dumps(expected, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    right = json.dumps(actual, indent=2, sort_keys=True, ensure_ascii=False).splitlines()
    return "\n".join(difflib.unified_diff(left, right, "expected", "actual", lineterm="", n=2))
