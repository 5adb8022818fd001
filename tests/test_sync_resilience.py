"""Push converges: through injected faults and 429s, and after being killed part-way."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import (
    ACTIONCTL,
    EMULATOR_TOKEN,
    HANG_LIMIT,
    UNLIMITED,
    configure,
    ctrl_c_as_in_a_terminal,
    remote_names,
    stats,
)

from actionctl.sync.state import state_path

CODE = "async function execute(context) {\n  return { n: %d };\n}\n"


def make_actions(project: Path, count: int) -> list[str]:
    names = [f"action-{i:03d}" for i in range(count)]
    for i, name in enumerate(names):
        (project / "actions" / f"{name}.yaml").write_text(
            f"name: {name}\nactive: true\nenvironment: server\ntriggers:\n  - trigger: manual\n")
        (project / "actions" / f"{name}.js").write_text(CODE % i)
    return names


@pytest.mark.slow
def test_push_of_120_actions_converges_through_faults_and_rate_limits(cli, remote, project):
    names = make_actions(project, 120)
    # 20% of requests fail, and ten writes are answered 429 on top.
    configure(remote, faults=0.2, force_429={"crud": 10})
    pushed = cli("push", "--yes", "--format", "json")
    assert pushed.exit_code == 0, pushed.stderr
    assert pushed.json["result"]["ok"] is True and len(pushed.json["result"]["done"]) == 120
    seen = stats(remote)
    configure(remote, faults=0.0)
    assert seen["byBucket"]["crud"]["rateLimited"] == 10 and sum(seen["faults"].values()) > 0  # both happened
    found = remote_names(remote)
    assert sorted(found) == names and not [n for n, c in Counter(found).items() if c > 1]
    assert cli("diff", "--exit-code").exit_code == 0

    # Edits through the same storm: one write each, and again nothing left to do.
    configure(remote, faults=0.2, force_429={"crud": 5})
    for name in names[:30]:
        path = project / "actions" / f"{name}.js"
        path.write_text(path.read_text().replace("return", "// v2\n  return"))
    again = cli("push", "--yes", "--format", "json")
    configure(remote, faults=0.0)
    assert again.exit_code == 0, again.stderr
    assert again.json["plan"]["summary"]["update"] == 30
    assert stats(remote)["byBucket"]["crud"]["rateLimited"] == 15
    assert cli("diff", "--exit-code").exit_code == 0


@pytest.mark.slow
def test_a_push_killed_part_way_converges_when_run_again(cli, remote, project, tmp_path_factory):
    names = make_actions(project, 60)
    # The emulator serves 16 writes in an hour: the listing and 15 creates; the push then waits on a 429
    # that lasts the hour, and is killed there.
    configure(remote, rate_limits={"crud": 16}, rate_window=3600)
    # A pacing record of its own: the hour-long hold it is told of must not hold up the run after it.
    outside = tmp_path_factory.mktemp("killed-push")
    env = {**os.environ, "ACTIONCTL_TOKEN": EMULATOR_TOKEN, "ACTIONCTL_CONFIG_DIR": str(outside / "config")}
    with (outside / "push.log").open("w") as log:
        process = subprocess.Popen([*ACTIONCTL, "push", "--yes"], cwd=project, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + HANG_LIMIT
        while stats(remote)["byBucket"]["crud"]["rateLimited"] == 0 and process.poll() is None:
            assert time.monotonic() < deadline, "the push never reached the limit"
            time.sleep(0.05)
        assert process.poll() is None, (outside / "push.log").read_text()  # waiting, not ended
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    configure(remote, rate_limits=UNLIMITED)
    assert len(remote_names(remote)) == 15
    json.loads(state_path(project, 1, remote.url).read_text())  # never half written

    rerun = cli("push", "--yes", "--format", "json")
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json["plan"]["summary"]["create"] == 45
    assert sorted(remote_names(remote)) == names
    assert cli("diff", "--exit-code").exit_code == 0


def test_a_push_interrupted_part_way_says_what_landed_and_how_to_finish(cli, remote, project, tmp_path_factory):
    # The listing and three creates are served; the fourth create waits on a 429 that lasts the hour: Ctrl-C there.
    process = _push_held_at_the_limit(remote, project, tmp_path_factory, actions=6, crud=4)
    try:
        deadline = time.monotonic() + HANG_LIMIT
        while stats(remote)["byBucket"]["crud"]["rateLimited"] == 0 and process.poll() is None:
            assert time.monotonic() < deadline, "the push never reached the limit"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stderr = process.communicate(timeout=HANG_LIMIT)[1].decode()
    finally:
        process.kill()
        process.wait()
    configure(remote, rate_limits=UNLIMITED)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-2:] == [
        "push interrupted: 3 change(s) landed (action-000, action-001, action-002); create action-003 was being "
        "sent and may have landed; 2 not attempted — run push again to finish: it plans from what is on the "
        "service now",
        "interrupted"]
    assert cli("push", "--yes", "--format", "json").json["plan"]["summary"]["create"] == 3


def lines_until(process: subprocess.Popen, start: str) -> list[str]:
    """The lines of the process's stderr up to the first that starts with `start` (within HANG_LIMIT)."""
    deadline, shown = time.monotonic() + HANG_LIMIT, b""
    while not any(line.startswith(start.encode()) for line in shown.split(b"\n")[:-1]):
        assert time.monotonic() < deadline and process.poll() is None, shown.decode()
        if select.select([process.stderr], [], [], 0.1)[0]:
            shown += os.read(process.stderr.fileno(), 4096)
    lines = shown.decode().split("\n")
    return lines[:next(i for i, line in enumerate(lines) if line.startswith(start)) + 1]


def test_a_push_waiting_on_the_rate_limit_says_what_it_waits_for_how_long_and_what_is_left(remote, project,
                                                                                           tmp_path_factory):
    # The listing and one create are served; the next create is answered 429 for the rest of the hour.
    process = _push_held_at_the_limit(remote, project, tmp_path_factory, actions=3, crud=2)
    try:
        lines = lines_until(process, "waiting")
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=HANG_LIMIT)
    finally:
        process.kill()
        process.wait()
        configure(remote, rate_limits=UNLIMITED)
    assert lines[0] == "[1/3] create action-000: done"
    assert re.fullmatch(r"waiting on the rate limit for crud requests \(the service answered 429\): 0 s of "
                        r"(59|60) min \d\d s, (59|60) min \d\d s left", lines[1]), lines


def test_a_long_push_says_how_long_it_has_taken_and_how_much_longer_it_should(cli, remote, project, monkeypatch):
    make_actions(project, 3)
    ticks = iter(range(0, 1000, 25))  # each look at the clock finds 25 s more gone: the push is long
    monkeypatch.setattr("actionctl.cli.sync.time", SimpleNamespace(monotonic=lambda: next(ticks)))
    pushed = cli("push", "--yes")
    assert pushed.exit_code == 0, pushed.stderr
    assert [line for line in pushed.stderr.splitlines() if line.startswith("[")] == [
        "[1/3] create action-000: done",  # 25 s: not long yet
        "[2/3] create action-001: done (50 s elapsed, about 25 s left)",
        "[3/3] create action-002: done (75 s elapsed)",
    ]


def _push_held_at_the_limit(remote, project, tmp_path_factory, *, actions: int, crud: int) -> subprocess.Popen:
    """`push --yes` of `actions` new actions, as a process, against a service allowing `crud` requests an hour."""
    make_actions(project, actions)
    configure(remote, rate_limits={"crud": crud}, rate_window=3600)
    outside = tmp_path_factory.mktemp("held-push")
    env = {**os.environ, "ACTIONCTL_TOKEN": EMULATOR_TOKEN, "ACTIONCTL_CONFIG_DIR": str(outside / "config")}
    return subprocess.Popen([*ACTIONCTL, "push", "--yes"], cwd=project, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, preexec_fn=ctrl_c_as_in_a_terminal)
