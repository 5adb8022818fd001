"""`actionctl dev`: which test cases a batch of changed files touches, and one cycle of validate + test.

The command's watcher hands each debounced batch of changed paths to `Session.cycle`, which:

1. opens the project again (actionctl.yaml may be what changed) and indexes its files: each action's manifest
   and code, each test file's action (`index`, reading again only the files whose size or time changed, or
   that the batch names);
2. selects what the batch touches (`select`, a pure function of the paths and the index before and after);
3. validates the touched actions, and runs the cases that depend on them on a pool of workers kept warm across
   cycles (`cases.run_cases`, as `actionctl test` runs them);
4. runs the `--run` action, when one was asked for, on the same workers.

What depends on what, from how a run is put together (execution/prepare.py, runtime/fixtures.py):
- actionctl.yaml (settings, vars, limits, profiles) is read by every run: everything re-runs;
- every run is given all of the project's fixtures (fixtures/…): which of them an action reads is decided by
  ids its code may compute at run time, so a fixture's users are every case, and everything re-runs;
- an action's manifest or code → that manifest validated again, by its path (whatever its name, read or not,
  tested or not), and the cases of the test files naming it, and of the actions whose code uses
  Fliplet.App.V3.Actions (they are given every action of the project);
- a test file → its own cases.
A file that cannot be read is never an exception here: it is a diagnostic, or a case failing with why.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actionctl.diagnostics import Report
from actionctl.errors import ActionctlError
from actionctl.execution import cases, prepare
from actionctl.manifest import code_path_for, load_manifest
from actionctl.project import CONFIG_FILE, Project, open_project
from actionctl.runtime.host import Execution, WorkerPool

TEST_SUFFIXES = (".test.yaml", ".test.yml")
# A save is taken as finished once nothing more changed for STEP_MS (an editor's write, rename and chmod come
# within a few); a burst that goes on (a formatter rewriting many files) is gathered for at most DEBOUNCE_MS.
# Small, because the time from a save to its first result on screen is what the loop is for (bench/dev.py).
STEP_MS = 20
DEBOUNCE_MS = 300
# How often the watcher comes back when nothing changed: only for its first answer (that it is watching).
WAKE_MS = 250


@dataclass(frozen=True)
class ActionFiles:
    name: Any  # as the manifest says it (None when it cannot be read)
    manifest: Path
    code: Path | None
    sees_all: bool = False  # its code uses Fliplet.App.V3.Actions: a run is given every action of the project


@dataclass(frozen=True)
class Index:
    """The project's files that decide what a change touches."""

    root: Path
    actions_dir: Path
    actions: tuple[ActionFiles, ...] = ()
    tests: dict[Path, Any] = field(default_factory=dict)  # test file → the action it names (None: none readable)

    @property
    def config(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def fixtures_dir(self) -> Path:
        return self.root / "fixtures"

    @property
    def tests_dir(self) -> Path:
        return self.root / "tests"


@dataclass
class Selection:
    """What a batch of changes touches: everything, or these actions, manifests and test files."""

    everything: bool = False
    actions: set[str] = field(default_factory=set)  # validated again; the cases naming them run again
    # The manifests whose files changed, validated again by path: one that cannot be read has no name to select
    manifests: set[Path] = field(default_factory=set)
    tests: set[Path] = field(default_factory=set)  # test files changed: their cases run again

    def __bool__(self) -> bool:
        return self.everything or bool(self.actions or self.manifests or self.tests)


def select(changed: Iterable[Path], before: Index, after: Index) -> Selection:
    """What `changed` touches. An action's files are looked up before and after the change: a manifest deleted
    or renamed still touches the cases of the name it had. A path may be a folder's: a folder moved out or in
    is reported as its own path alone (watchfiles), and touches every file it held or holds."""
    selection = Selection()
    for path in changed:
        if path == after.config or path.is_relative_to(after.fixtures_dir):
            selection.everything = True
        elif path.is_relative_to(after.tests_dir):
            if path.name.endswith(TEST_SUFFIXES):
                selection.tests.add(path)
            selection.tests.update(test for test in (*before.tests, *after.tests) if test.is_relative_to(path))
        elif path.is_relative_to(after.actions_dir) or path.is_relative_to(before.actions_dir):
            selection.actions.update(_names_of(path, before) | _names_of(path, after))
            selection.manifests.update(a.manifest for a in _actions_at(path, after))
    if selection.actions:
        selection.actions.update(a.name for a in after.actions if a.sees_all and isinstance(a.name, str))
    return selection


def relevant(path: Path, index: Index) -> bool:
    """Whether a change to `path` may touch a case: actionctl.yaml, or a file under fixtures/, tests/ or the
    actions' folder (what else changes in the project, .actionctl/ or .git/, never does)."""
    return path == index.config or any(path.is_relative_to(folder) for folder in
                                       (index.fixtures_dir, index.tests_dir, index.actions_dir))


def _known(path: Path, index: Index) -> bool:
    """Whether a path now gone mattered: a file the project had (an editor's or a tool's passing temporary file,
    created and deleted within one batch, did not)."""
    return (path == index.config or path.is_relative_to(index.fixtures_dir)
            or any(test.is_relative_to(path) for test in index.tests) or bool(_names_of(path, index)))


def _names_of(path: Path, index: Index) -> set[str]:
    """The names of the actions whose manifest or code is `path`, or is in the folder `path`."""
    return {a.name for a in _actions_at(path, index) if isinstance(a.name, str)}


def _actions_at(path: Path, index: Index) -> list[ActionFiles]:
    """The actions whose manifest or code is `path`, or is in the folder `path`."""
    return [a for a in index.actions
            if any(file is not None and file.is_relative_to(path) for file in (a.manifest, a.code))]


def test_files_for(selection: Selection, index: Index) -> list[Path]:
    """The test files to run for `selection`: those changed (and still there), and those naming a touched
    action — or one that cannot be read, which may (it fails with why)."""
    if selection.everything:
        return sorted(index.tests)
    return sorted(path for path, action in index.tests.items()
                  if path in selection.tests or action is None or action in selection.actions)


@dataclass
class RunRequest:
    """`--run NAME --payload …`: one action run again on every cycle."""

    action: str
    options: prepare.RunOptions


@dataclass
class RunOutcome:
    action: str
    execution: Execution | None = None
    error: ActionctlError | None = None  # it could not be run: not found, invalid, unreadable


@dataclass
class Cycle:
    """One pass of the loop: what changed, what was checked and run, and how it went."""

    number: int
    changed: list[Path]
    report: Report | None = None  # the validation of the touched actions and of those whose cases ran
    results: list[cases.CaseResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what stopped part of the cycle (a broken actionctl.yaml)
    run: RunOutcome | None = None
    passed: int = 0  # over the latest result of every case seen so far
    failed: int = 0
    failing: list[cases.CaseResult] = field(default_factory=list)  # the latest results that fail, this cycle's or not
    took_ms: float = 0.0

    @property
    def ok(self) -> bool:
        errors = self.report.errors if self.report is not None else 0
        run_ok = self.run is None or (self.run.error is None and self.run.execution is not None
                                      and self.run.execution.ok)
        return not self.problems and not errors and self.failed == 0 and run_ok


def cycles(session: Session) -> Iterator[Cycle]:
    """The first cycle (everything), then one per batch of saves that touches something, until the caller stops
    or Ctrl-C (KeyboardInterrupt). The project's folder is watched whole (a folder created later, or a file
    an editor replaces by renaming another over it, is still seen); `Session.cycle` keeps what matters."""
    import watchfiles

    changes = watchfiles.watch(session.root, debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=WAKE_MS,
                               yield_on_timeout=True)
    try:
        next(changes)  # the watcher has answered, so it is watching: a save from here on is seen
        yield session.first()
        for batch in changes:
            cycle = session.cycle(Path(path) for _, path in batch) if batch else None
            if cycle is not None:
                yield cycle
    finally:
        changes.close()


class Session:
    """The loop's state between cycles: the index, the warm workers, and the latest result of every case."""

    def __init__(self, start: Path, names: list[str] | None = None, profile: str | None = None,
                 workers: int | None = None, run: RunRequest | None = None) -> None:
        self.start, self.names, self.profile, self.run_request = start, list(names or []), profile, run
        self.size = workers or os.cpu_count() or 1
        self.project = open_project(start, required=True)
        self.project.settings(profile)  # an unknown profile is a usage error at once, not on every cycle
        if self.names:  # each name must be tested by some file, as for `actionctl test NAME`
            cases.test_files(self.project, self.names)
        self._stat_cache: dict[Path, tuple[tuple[int, int], Any, Any]] = {}
        self.index = self._index(self.project)
        self.latest: dict[tuple[Path, str], cases.CaseResult] = {}
        self.count = 0
        self.pool: WorkerPool | None = None

    @property
    def root(self) -> Path:
        return self.project.root

    def first(self) -> Cycle:
        """Start the workers and run every selected case once: the summary's starting point."""
        # indexed again: what was saved before the watcher's first answer is never reported to `cycle`
        self.index = self._index(self.project)
        self._pool_for(self.project)
        return self._cycle([], Selection(everything=True), self.project)

    def cycle(self, changed: Iterable[Path]) -> Cycle | None:
        """Validate and test again what `changed` touches; None when it touches nothing of the project's."""
        changed = sorted(path for path in set(changed) if relevant(path, self.index)
                         and (path.exists() or _known(path, self.index)))
        if not changed:
            return None
        self._forget(changed)
        try:
            project = open_project(self.start, required=True)
            project.settings(self.profile)
        except ActionctlError as exc:  # actionctl.yaml half-written: said, and the loop goes on
            return self._finish(Cycle(self._next(), changed, problems=[f"{exc.message} [{exc.code}]"]), 0.0)
        before, self.index = self.index, self._index(project)
        selection = select(changed, before, self.index)
        if not selection:
            return None
        return self._cycle(changed, selection, project)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    # --- one cycle ------------------------------------------------------------------------------

    def _cycle(self, changed: list[Path], selection: Selection, project: Project) -> Cycle:
        started = time.perf_counter()
        self.project = project
        cycle = Cycle(self._next(), changed)
        try:
            pool = self._pool_for(project)
            files = test_files_for(selection, self.index)
            tested = [c for c in cases.collect(files, root=project.root) if self._in_scope(c.action) or c.action == "?"]
            cycle.report = self._validate(project, selection, {c.action for c in tested})
            cycle.results = self._test(project, selection, files, tested, pool, cycle.report)
        except ActionctlError as exc:  # a fixture that cannot be read, limits that make no sense
            cycle.problems.append(f"{exc.message} [{exc.code}]")
        if self.run_request is not None:
            cycle.run = self._run(project, self.run_request)
        return self._finish(cycle, started)

    def _validate(self, project: Project, selection: Selection, tested: set[str]) -> Report:
        """The touched actions, and those whose cases run (a case of an invalid action is not run). A manifest
        whose files changed is validated whatever it is named, or if it cannot be read: the save is the user's."""
        from actionctl.validation import validate_manifests

        wanted = [a for a in self.index.actions if a.manifest in selection.manifests or (self._in_scope(a.name)
                  and (selection.everything or a.name in selection.actions or a.name in tested))]
        return validate_manifests(project, [a.manifest for a in wanted], self.profile)

    def _test(self, project: Project, selection: Selection, files: list[Path], found: list[cases.Case],
              pool: WorkerPool, validated: Report) -> list[cases.CaseResult]:
        for key in [k for k in self.latest if selection.everything or k[0] in files or k[0] not in self.index.tests]:
            del self.latest[key]  # cases renamed, removed, or of a test file deleted are gone from the summary
        report = cases.run_cases(project, found, self.size, self.profile, pool, validated)
        for result in report.results:
            self.latest[(result.case.file, result.case.name)] = result
        return report.results

    def _run(self, project: Project, request: RunRequest) -> RunOutcome:
        outcome = RunOutcome(request.action)
        try:
            manifest = prepare.find_action(project, request.action)
            prepared = prepare.prepare(project, manifest, request.options)
            pool = self._pool_for(project)
            outcome.execution = prepare.run_prepared(prepared, pool.workers[0])
        except ActionctlError as exc:
            outcome.error = exc
        return outcome

    def _finish(self, cycle: Cycle, started: float) -> Cycle:
        cycle.failing = [r for r in self.latest.values() if not r.ok]
        cycle.failed = len(cycle.failing)
        cycle.passed = len(self.latest) - cycle.failed
        cycle.took_ms = (time.perf_counter() - started) * 1000 if started else 0.0
        return cycle

    def _next(self) -> int:
        self.count += 1
        return self.count - 1

    def _in_scope(self, name: Any) -> bool:
        return not self.names or name in self.names

    def _pool_for(self, project: Project) -> WorkerPool:
        """The warm pool, started again only when actionctl.yaml changed the memory a run may use."""
        memory = prepare.memory_mb(project.limits(self.profile))
        if self.pool is None or self.pool.memory_mb != memory:
            self.close()
            self.pool = WorkerPool(self.size, memory)
            self.pool.warm()
        return self.pool

    # --- the index ------------------------------------------------------------------------------

    def _index(self, project: Project) -> Index:
        root = project.root
        actions = tuple(self._cached(path, lambda p: _action_files(p, root)) for path in project.manifests())
        tests_dir = root / "tests"
        tests = {}
        if tests_dir.is_dir():
            for path in sorted(p for p in tests_dir.rglob("*") if p.name.endswith(TEST_SUFFIXES)):
                tests[path] = self._cached(path, lambda p: _named_action(p, root))
        return Index(root, project.actions_dir, actions, tests)

    def _forget(self, changed: list[Path]) -> None:
        """Drop from the stat cache what `changed` names (a file, its action's code, or a folder's files): an
        edit within one tick of the file system's clock that kept the size keeps the stamp too, but the watcher
        said it changed."""
        named = set(changed)
        for path, (_, value, _) in list(self._stat_cache.items()):
            code = value.code if isinstance(value, ActionFiles) else None
            if any(file is not None and (file in named or not named.isdisjoint(file.parents)) for file in (path, code)):
                del self._stat_cache[path]

    def _cached(self, path: Path, read):
        """What `read` says of `path`, read again only when its size or modification time changed (a code
        file is part of its action's entry: its stamp is in the key)."""
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            return read(path)
        held = self._stat_cache.get(path)
        if held is not None and held[0] == stamp:
            value = held[1]
            if not isinstance(value, ActionFiles) or _code_stamp(value) == held[2]:
                return value
        value = read(path)
        self._stat_cache[path] = (stamp, value, _code_stamp(value) if isinstance(value, ActionFiles) else None)
        return value


def _code_stamp(action: ActionFiles) -> tuple[int, int] | None:
    try:
        stat = action.code.stat() if action.code is not None else None
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size) if stat else None


def _action_files(path: Path, root: Path) -> ActionFiles:
    manifest = load_manifest(path, root)
    readable = manifest.doc is not None and isinstance(manifest.doc.data, dict)
    code = code_path_for(path, manifest.code_setting) if readable else path.with_suffix(".js")
    text = manifest.code.text if manifest.code is not None else None
    return ActionFiles(manifest.name if readable else None, path, code, prepare.uses_other_actions(text))


def _named_action(path: Path, root: Path) -> Any:
    cases_ = cases.collect([path], root=root)
    action = cases_[0].action if cases_ else None
    return None if action == "?" else action
