"""`actionctl dev`: which cases a change touches, one cycle with explicit change sets (never the watcher's
timing), the JSON line of a cycle, and the command end to end in a process of its own (edit, next line, Ctrl-C)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
from support import ACTIONCTL, HANG_LIMIT, ctrl_c_as_in_a_terminal, workers

from actionctl.execution import devloop, prepare
from actionctl.render import dev_view

MANUAL = "name: {name}\nactive: true\ntriggers: [{{trigger: manual}}]\n"
DOUBLE = "async function execute(context) {\n  return { n: context.payload.n * 2 };\n}\n"
READER = "async function execute(context) {\n  return (await Fliplet.App.V3.Actions.get()).actions.length;\n}\n"


def doubling(name: str) -> dict[str, str]:
    return {f"actions/{name}.yaml": MANUAL.format(name=name), f"actions/{name}.js": DOUBLE,
            f"tests/{name}.test.yaml": f"action: {name}\ncases:\n"
                                       "  - name: one\n    payload: {n: 1}\n    expect: {result: {n: 2}}\n"
                                       "  - name: two\n    payload: {n: 2}\n    expect: {result: {n: 4}}\n"}


@pytest.fixture
def two_actions(tree) -> Path:
    return tree({**doubling("a"), **doubling("b"), "fixtures/datasources/1.yaml": "name: One\nentries: []\n"})


@pytest.fixture
def session(two_actions):
    opened = devloop.Session(two_actions, workers=1)
    yield opened
    opened.close()


def ran(cycle: devloop.Cycle) -> list[str]:
    return [result.case.id for result in cycle.results]


# --- which cases a change touches -----------------------------------------------------------------------

def index_of(root: Path, actions: tuple[devloop.ActionFiles, ...] = ()) -> devloop.Index:
    tests = {root / "tests/a.test.yaml": "a", root / "tests/b.test.yaml": "b", root / "tests/r.test.yaml": "r"}
    return devloop.Index(root, root / "actions", actions, tests)


def action_files(root: Path, name: str, sees_all: bool = False, stem: str | None = None) -> devloop.ActionFiles:
    stem = stem or name
    return devloop.ActionFiles(name, root / f"actions/{stem}.yaml", root / f"actions/{stem}.js", sees_all)


ROOT = Path("/p")
INDEX = index_of(ROOT, (action_files(ROOT, "a"), action_files(ROOT, "b"), action_files(ROOT, "r", sees_all=True)))


@pytest.mark.parametrize(("changed", "everything", "actions", "tests"), [
    ("actionctl.yaml", True, set(), set()),
    ("fixtures/datasources/1.yaml", True, set(), set()),
    ("fixtures/http/api.yaml", True, set(), set()),
    ("actions/a.js", False, {"a", "r"}, set()),  # r reads every action (Fliplet.App.V3.Actions)
    ("actions/b.yaml", False, {"b", "r"}, set()),
    ("tests/a.test.yaml", False, set(), {"tests/a.test.yaml"}),
    ("tests/notes.md", False, set(), set()),
    ("actions/README.md", False, set(), set()),
    ("README.md", False, set(), set()),
])
def test_a_change_selects_the_cases_that_depend_on_it(changed, everything, actions, tests):
    selection = devloop.select([ROOT / changed], INDEX, INDEX)
    assert (selection.everything, selection.actions, {p.relative_to(ROOT).as_posix() for p in selection.tests}) == (
        everything, actions, tests)


def test_a_renamed_action_touches_the_cases_of_the_name_it_had_and_of_the_new_one():
    after = index_of(ROOT, (action_files(ROOT, "c", stem="a"), action_files(ROOT, "b")))
    selection = devloop.select([ROOT / "actions/a.yaml"], INDEX, after)
    assert selection.actions == {"a", "c"}
    assert devloop.test_files_for(selection, after) == [ROOT / "tests/a.test.yaml"]


def test_the_cases_of_an_unreadable_test_file_run_with_any_action_it_may_test():
    index = devloop.Index(ROOT, ROOT / "actions", (action_files(ROOT, "a"),),
                          {ROOT / "tests/a.test.yaml": "a", ROOT / "tests/b.test.yaml": "b",
                           ROOT / "tests/broken.test.yaml": None})
    selection = devloop.select([ROOT / "actions/a.js"], index, index)
    assert devloop.test_files_for(selection, index) == [ROOT / "tests/a.test.yaml", ROOT / "tests/broken.test.yaml"]


# --- a cycle, with explicit change sets -------------------------------------------------------------------

def test_the_first_cycle_runs_everything_then_an_edit_runs_only_its_actions_cases(session, two_actions):
    first = session.first()
    assert (first.number, len(first.results), first.passed, first.failed, first.ok) == (0, 4, 4, 0, True)
    code = two_actions / "actions/a.js"
    code.write_text(DOUBLE.replace("* 2", "* 3"))
    cycle = session.cycle([code])
    assert ran(cycle) == ["a.test.yaml::one", "a.test.yaml::two"]
    assert (cycle.number, cycle.passed, cycle.failed, cycle.ok) == (1, 2, 2, False)
    assert [r.case.id for r in cycle.failing] == ["a.test.yaml::one", "a.test.yaml::two"]
    assert cycle.failing[0].failures == ['result differs:\n--- expected\n+++ actual\n@@ -1,3 +1,3 @@\n {\n-  "n": 2\n'
                                         '+  "n": 3\n }']


def test_a_change_to_a_fixture_or_to_actionctl_yaml_runs_everything(session, two_actions):
    session.first()
    fixture = two_actions / "fixtures/datasources/1.yaml"
    fixture.write_text("name: One\nentries: [{data: {x: 1}}]\n")
    assert len(session.cycle([fixture]).results) == 4
    config = two_actions / "actionctl.yaml"
    config.write_text("region: eu\nvars: {GREETING: hi}\n")
    assert len(session.cycle([config]).results) == 4


def test_a_file_outside_what_is_watched_starts_no_cycle(session, two_actions):
    session.first()
    (two_actions / ".actionctl").mkdir()
    (two_actions / ".actionctl/state.json").write_text("{}")
    (two_actions / "notes.md").write_text("x")
    assert session.cycle([two_actions / ".actionctl/state.json", two_actions / "notes.md"]) is None


def test_a_half_written_test_file_is_a_failing_case_and_the_loop_goes_on(session, two_actions):
    session.first()
    tests = two_actions / "tests/b.test.yaml"
    tests.write_text("action: b\ncases:\n  - name: one\n    payload: {n: 1\n")
    cycle = session.cycle([tests])
    assert [(r.case.id, r.ok) for r in cycle.results] == [("b.test.yaml::(file)", False)]
    assert cycle.results[0].failures[0].startswith("cannot read the test file: ")
    assert (cycle.passed, cycle.failed) == (2, 1)  # b's two cases left the summary with the file as it was
    tests.write_text(doubling("b")["tests/b.test.yaml"])
    assert (session.cycle([tests]).passed, session.cycle([tests]).failed) == (4, 0)


def test_invalid_javascript_is_a_diagnostic_and_its_cases_are_not_run(session, two_actions):
    session.first()
    code = two_actions / "actions/a.js"
    code.write_text("async function execute(context) {\n  return {\n")
    cycle = session.cycle([code])
    assert [(d.code, d.file.name) for d in cycle.report.diagnostics] == [("CODE_VALIDATION_FAILED", "a.js")]
    assert {r.failures[0] for r in cycle.results} == {
        "the action has 1 validation error(s); `actionctl validate` shows them"}


def test_a_broken_actionctl_yaml_is_a_problem_of_the_cycle_and_fixing_it_runs_everything(session, two_actions):
    session.first()
    config = two_actions / "actionctl.yaml"
    config.write_text("region: [eu\n")
    broken = session.cycle([config])
    assert broken.results == [] and len(broken.problems) == 1 and broken.problems[0].endswith("[YAML_SYNTAX_ERROR]")
    config.write_text("region: eu\n")
    fixed = session.cycle([config])
    assert (fixed.problems, len(fixed.results), fixed.ok) == ([], 4, True)


def test_a_deleted_test_file_leaves_the_summary_and_a_deleted_action_fails_its_cases(session, two_actions):
    session.first()
    (two_actions / "tests/b.test.yaml").unlink()
    gone = session.cycle([two_actions / "tests/b.test.yaml"])
    assert (gone.results, gone.passed, gone.failed) == ([], 2, 0)
    (two_actions / "actions/a.yaml").unlink()
    cycle = session.cycle([two_actions / "actions/a.yaml"])
    assert ran(cycle) == ["a.test.yaml::one", "a.test.yaml::two"]
    assert cycle.failing[0].failures == ['no action named "a" in the repository — see `actionctl list`']


def test_a_folder_moved_out_or_in_reruns_its_actions_cases_and_its_test_files_leave_or_join_the_summary(tree):
    # watchfiles reports a folder moved as the folder's path alone, never the files in it
    root = tree({**doubling("a"), **{k.replace("actions/", "actions/sub/").replace("tests/", "tests/sub/"): v
                                     for k, v in doubling("b").items()}})
    opened = devloop.Session(root, workers=1)
    try:
        assert opened.first().passed == 4
        (root / "actions/sub").rename(root / "elsewhere")
        out = opened.cycle([root / "actions/sub"])
        assert ran(out) == ["b.test.yaml::one", "b.test.yaml::two"]
        assert (out.passed, out.failed) == (2, 2)
        assert out.failing[0].failures == ['no action named "b" in the repository — see `actionctl list`']
        (root / "elsewhere").rename(root / "actions/sub")
        back = opened.cycle([root / "actions/sub"])
        assert (ran(back), back.passed, back.failed) == (["b.test.yaml::one", "b.test.yaml::two"], 4, 0)
        (root / "tests/sub").rename(root / "gone")
        left = opened.cycle([root / "tests/sub"])
        assert (left.results, left.passed, left.failed) == ([], 2, 0)
        (root / "gone").rename(root / "tests/sub")
        joined = opened.cycle([root / "tests/sub"])
        assert (ran(joined), joined.passed, joined.failed) == (["b.test.yaml::one", "b.test.yaml::two"], 4, 0)
    finally:
        opened.close()


def test_a_test_file_written_before_the_first_cycle_runs_in_it(session, two_actions):
    # what is saved between Session() and the watcher's first answer is never reported: the first cycle looks again
    (two_actions / "tests/late.test.yaml").write_text("action: a\ncases:\n  - name: late\n    payload: {n: 3}\n"
                                                      "    expect: {result: {n: 6}}\n")
    first = session.first()
    assert "late.test.yaml::late" in ran(first)
    assert (first.passed, first.failed) == (5, 0)


def same_stamp_edit(path: Path, text: str) -> None:
    """Write `text` (as long as what it replaces) and put the old modification time back: an edit within one
    tick of the file system's clock, forced."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_reported_edit_is_read_again_even_when_its_size_and_time_did_not_change(tree):
    root = tree({**doubling("a"), "tests/c.test.yaml": doubling("c")["tests/c.test.yaml"]})
    opened = devloop.Session(root, workers=1)
    try:
        first = opened.first()
        assert (first.passed, first.failed) == (2, 2)  # no action c yet
        same_stamp_edit(root / "actions/a.yaml", MANUAL.format(name="c"))
        cycle = opened.cycle([root / "actions/a.yaml"])
        assert ran(cycle) == ["a.test.yaml::one", "a.test.yaml::two", "c.test.yaml::one", "c.test.yaml::two"]
        assert (cycle.passed, cycle.failed) == (2, 2)  # c's cases pass; a's fail: the action is c now
        assert {r.case.action for r in cycle.failing} == {"a"}
    finally:
        opened.close()


def test_a_reported_code_edit_is_read_again_even_when_its_size_and_time_did_not_change(tree):
    reads_none = "async function execute(context) {\n  return 0; //".ljust(len(READER) - 3, "x") + "\n}\n"
    root = tree({**doubling("a"), "actions/r.yaml": MANUAL.format(name="r"), "actions/r.js": reads_none,
                 "tests/r.test.yaml": "action: r\ncases:\n  - name: counts\n    expect: {result: 2}\n"})
    opened = devloop.Session(root, workers=1)
    try:
        assert opened.first().failed == 1
        same_stamp_edit(root / "actions/r.js", READER)
        assert opened.cycle([root / "actions/r.js"]).ok
        (root / "actions/c.yaml").write_text(MANUAL.format(name="c"))
        (root / "actions/c.js").write_text(DOUBLE)
        cycle = opened.cycle([root / "actions/c.yaml", root / "actions/c.js"])  # r reads every action now
        assert ran(cycle) == ["r.test.yaml::counts"]
    finally:
        opened.close()


BROKEN = "name: broken\n  x: [\n"


@pytest.fixture
def from_new(cli, project) -> Path:
    """A project as `actionctl new` makes it: a, tested; sched, scheduled, with its test file removed."""
    for args in (("new", "a"), ("new", "sched", "--template", "scheduled")):
        assert cli(*args).exit_code == 0
    (project / "tests/sched.test.yaml").unlink()
    return project


def diagnosed(cycle: devloop.Cycle) -> set[tuple[str, str]]:
    return {(d.file.name, d.severity.value) for d in cycle.report.diagnostics}


def test_a_new_manifest_that_cannot_be_read_is_a_diagnostic_of_its_cycle(from_new):
    opened = devloop.Session(from_new, workers=1)
    try:
        assert opened.first().ok
        broken = from_new / "actions/broken.yaml"
        broken.write_text(BROKEN)
        cycle = opened.cycle([broken])
        assert cycle is not None and not cycle.ok
        assert (cycle.results, diagnosed(cycle)) == ([], {("broken.yaml", "error")})
    finally:
        opened.close()


def test_a_broken_manifest_of_an_action_without_tests_is_a_diagnostic_as_validate_says(cli, from_new):
    opened = devloop.Session(from_new, workers=1)
    try:
        opened.first()
        manifest = from_new / "actions/sched.yaml"
        manifest.write_text(BROKEN.replace("broken", "sched"))
        cycle = opened.cycle([manifest])
        assert not cycle.ok and diagnosed(cycle) == {("sched.yaml", "error")}
        validated = cli("validate", "--format", "json").json
        assert [d.code for d in cycle.report.diagnostics] == [d["code"] for d in validated["diagnostics"]]
    finally:
        opened.close()


def test_a_broken_manifest_of_a_named_action_is_a_diagnostic_beside_its_failing_cases(from_new):
    opened = devloop.Session(from_new, ["a"], workers=1)
    try:
        opened.first()
        manifest = from_new / "actions/a.yaml"
        manifest.write_text(BROKEN.replace("broken", "a"))
        cycle = opened.cycle([manifest])
        assert not cycle.ok and diagnosed(cycle) == {("a.yaml", "error")}
        assert ran(cycle) == ["a.test.yaml::answers with what it received"]
    finally:
        opened.close()


def test_an_edit_to_an_action_from_the_template_runs_only_its_own_cases(cli, from_new):
    # the template's comment names Fliplet.App.V3.Actions.runWithResult: a comment is not a use
    assert cli("new", "b").exit_code == 0
    opened = devloop.Session(from_new, workers=1)
    try:
        assert opened.first().ok
        code = from_new / "actions/a.js"
        code.write_text(code.read_text().replace("success: true", "success: false"))
        assert ran(opened.cycle([code])) == ["a.test.yaml::answers with what it received"]
    finally:
        opened.close()


@pytest.mark.parametrize(("code", "sees_all"), [
    (READER, True),
    ("// Fliplet.App.V3.Actions.get()\nasync function execute() {}\n", False),
    # A string may name the namespace (`Fliplet.App['V3']`): counted, as the run is handed the actions then.
    ("async function execute() { return 'Fliplet.App.V3.Actions'; }\n", True),
    ("async function execute() { const V3 = Fliplet.App.V3; return V3.Actions.get(); }\n", True),
    ("async function execute() { return Fliplet.App.V3.Actions.run('x', {}); }\n", True),
])
def test_an_action_reads_every_action_only_when_its_code_uses_the_namespace(tree, code, sees_all):
    root = tree({"actions/r.yaml": MANUAL.format(name="r"), "actions/r.js": code})
    assert devloop._action_files(root / "actions/r.yaml", root).sees_all is sees_all


def test_names_keep_the_loop_to_those_actions(two_actions):
    named = devloop.Session(two_actions, ["b"], workers=1)
    try:
        assert ran(named.first()) == ["b.test.yaml::one", "b.test.yaml::two"]
        code = two_actions / "actions/a.js"
        code.write_text(DOUBLE.replace("* 2", "* 3"))
        assert ran(named.cycle([code])) == []
    finally:
        named.close()


def test_an_action_reading_every_action_runs_again_when_another_changes(tree):
    root = tree({**doubling("a"), "actions/r.yaml": MANUAL.format(name="r"), "actions/r.js": READER,
                 "tests/r.test.yaml": "action: r\ncases:\n  - name: counts\n    expect: {result: 2}\n"})
    opened = devloop.Session(root, workers=1)
    try:
        assert opened.first().ok
        (root / "actions/c.yaml").write_text(MANUAL.format(name="c"))
        (root / "actions/c.js").write_text(DOUBLE)
        cycle = opened.cycle([root / "actions/c.yaml", root / "actions/c.js"])
        assert ran(cycle) == ["r.test.yaml::counts"]
        assert cycle.failing[0].failures == ["result differs:\n--- expected\n+++ actual\n@@ -1 +1 @@\n-2\n+3"]
    finally:
        opened.close()


def test_run_runs_the_action_again_on_every_cycle(two_actions):
    request = devloop.RunRequest("a", prepare.RunOptions(payload={"n": 5}))
    opened = devloop.Session(two_actions, workers=1, run=request)
    try:
        assert opened.first().run.execution.result == {"n": 10}
        code = two_actions / "actions/a.js"
        code.write_text(DOUBLE.replace("* 2", "* 3"))
        assert opened.cycle([code]).run.execution.result == {"n": 15}
    finally:
        opened.close()


def test_the_json_line_of_a_cycle(session, two_actions):
    session.first()
    code = two_actions / "actions/a.js"
    code.write_text(DOUBLE.replace("* 2", "* 3"))
    line = dev_view.to_json(session.cycle([code]), session.project.relpath)
    assert list(line) == ["event", "cycle", "ok", "changed", "diagnostics", "problems", "ran", "run", "passed",
                          "failed", "tookMs"]
    assert {k: line[k] for k in ("event", "cycle", "ok", "changed", "diagnostics", "problems", "run", "passed",
                                 "failed")} == {
        "event": "cycle", "cycle": 1, "ok": False, "changed": ["actions/a.js"], "diagnostics": [], "problems": [],
        "run": None, "passed": 2, "failed": 2}
    assert [(c["file"], c["action"], c["name"], c["ok"]) for c in line["ran"]] == [
        ("tests/a.test.yaml", "a", "one", False), ("tests/a.test.yaml", "a", "two", False)]
    assert list(line["ran"][0]) == ["file", "action", "name", "ok", "failures", "durationMs", "deadline", "execution"]


# --- the command -------------------------------------------------------------------------------------------

def test_payload_without_run_is_a_usage_error(cli, two_actions):
    result = cli("dev", "--payload", "{}")
    assert (result.exit_code, result.stderr) == (
        2, "error: --payload goes with --run NAME: the action to run on every save [USAGE]\n")


def test_a_name_no_test_file_tests_is_refused_at_once(cli, two_actions):
    result = cli("dev", "nope")
    assert (result.exit_code, result.stderr) == (
        2, 'error: no test file tests an action named "nope" (looked in tests/) [TESTS_NOT_FOUND]\n')


def lines_of(process: subprocess.Popen) -> queue.Queue:
    """The process's stdout, line by line, read on a thread so that a wait can have a deadline."""
    found: queue.Queue = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            found.put(line)

    threading.Thread(target=read, daemon=True).start()
    return found


def test_the_command_follows_an_edit_and_leaves_no_worker_on_ctrl_c(two_actions):
    marker = uuid.uuid4().hex
    process = subprocess.Popen([*ACTIONCTL, "dev", "--format", "json", "-j", "1"], cwd=two_actions,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "ACTIONCTL_TEST_MARK": marker},
                               preexec_fn=ctrl_c_as_in_a_terminal)
    try:
        lines = lines_of(process)
        ready = json.loads(lines.get(timeout=HANG_LIMIT))
        assert (ready["event"], ready["cycle"], ready["changed"], len(ready["ran"]), ready["ok"]) == (
            "ready", 0, [], 4, True)
        assert workers(marker)  # warm, waiting for the next save
        (two_actions / "actions/b.js").write_text(DOUBLE.replace("* 2", "* 3"))
        cycle = json.loads(lines.get(timeout=HANG_LIMIT))
        assert (cycle["event"], cycle["changed"], [c["name"] for c in cycle["ran"]], cycle["failed"]) == (
            "cycle", ["actions/b.js"], ["one", "two"], 2)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=HANG_LIMIT) == 130
        assert process.stderr.read() == "interrupted\n"
    finally:
        _stopped(process)
    _assert_no_worker_left(marker)


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_reader_that_stops_reading_ends_the_command_quietly_and_leaves_no_worker(two_actions, fmt):
    # `actionctl dev --format json | head -1`: the next line written meets a closed pipe
    marker = uuid.uuid4().hex
    process = subprocess.Popen([*ACTIONCTL, "dev", "--format", fmt, "-j", "1"], cwd=two_actions,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "ACTIONCTL_TEST_MARK": marker})
    try:
        first = process.stdout.readline()
        assert json.loads(first)["event"] == "ready" if fmt == "json" else first.startswith("cycle 0 · start")
        assert workers(marker)
        process.stdout.close()
        (two_actions / "actions/b.js").write_text(DOUBLE.replace("* 2", "* 3"))  # a cycle, so a line to write
        assert process.wait(timeout=HANG_LIMIT) == 0
        assert process.stderr.read() == ""
    finally:
        _stopped(process)
    _assert_no_worker_left(marker)


def test_the_summary_shows_the_totals_the_run_and_each_failure_with_its_diff(two_actions):
    from rich.console import Console

    request = devloop.RunRequest("a", prepare.RunOptions(payload={"n": 5}))
    opened = devloop.Session(two_actions, workers=1, run=request)
    try:
        opened.first()
        code = two_actions / "actions/a.js"
        code.write_text(DOUBLE.replace("* 2", "* 3"))
        cycle = opened.cycle([code])
        cycle.took_ms, cycle.run.execution.duration_ms = 42.0, 7.0  # what differs from run to run
        screen = Console(width=100, record=True, no_color=True, file=open(os.devnull, "w"))  # noqa: SIM115
        screen.print(dev_view.View(False, opened.project.relpath).summary(cycle))
        screen.file.close()
    finally:
        opened.close()
    assert screen.export_text() == (
        "cycle 1 · actions/a.js · ran 2 cases in 42 ms · watching, Ctrl-C stops\n"
        "2 passed, 2 failed\n"
        '✓ a  7.0 ms  → {"n": 15}\n'
        "✗ tests/a.test.yaml::one\n"
        "    result differs:\n    --- expected\n    +++ actual\n    @@ -1,3 +1,3 @@\n     {\n"
        '    -  "n": 2\n    +  "n": 3\n     }\n'
        "✗ tests/a.test.yaml::two\n"
        "    result differs:\n    --- expected\n    +++ actual\n    @@ -1,3 +1,3 @@\n     {\n"
        '    -  "n": 4\n    +  "n": 6\n     }\n')


def _stopped(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def _assert_no_worker_left(marker: str) -> None:
    """Workers end when their command does; a generous while for a busy machine to reap them."""
    deadline = time.monotonic() + 10
    while workers(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers(marker) == {}
