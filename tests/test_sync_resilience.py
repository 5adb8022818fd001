"""Push converges: through injected faults and 429s, and after being killed part-way."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from actionctl.remote.client import Client
from actionctl.remote.pacing import Pacer
from tests.conftest import EMULATOR_TOKEN, UNLIMITED

CODE = "async function execute(context) {\n  return { n: %d };\n}\n"


def configure(emulator, **settings) -> None:
    httpx.post(emulator.url + "_emulator/config", json=settings).raise_for_status()


def stats(emulator) -> dict:
    return httpx.get(emulator.url + "_emulator/stats").json()


def make_actions(project: Path, count: int) -> list[str]:
    names = [f"action-{i:03d}" for i in range(count)]
    for i, name in enumerate(names):
        (project / "actions" / f"{name}.yaml").write_text(
            f"name: {name}\nactive: true\nenvironment: server\ntriggers:\n  - trigger: manual\n")
        (project / "actions" / f"{name}.js").write_text(CODE % i)
    return names


def remote_names(emulator) -> list[str]:
    with Client(emulator.url, EMULATOR_TOKEN, 1, pacer=Pacer(UNLIMITED)) as client:
        return [a["name"] for a in client.list_actions()]


@pytest.mark.slow
def test_push_of_120_actions_converges_through_faults_and_rate_limits(cli, remote, project):
    names = make_actions(project, 120)
    # The client believes there is no limit; the emulator allows 40 writes a second and fails 20% of requests.
    configure(remote, faults=0.2, rate_limits={"crud": 40}, rate_window=1.0)
    pushed = cli("push", "--yes", "--format", "json")
    assert pushed.exit_code == 0, pushed.stderr
    assert pushed.json["result"]["ok"] is True and len(pushed.json["result"]["done"]) == 120
    seen = stats(remote)
    configure(remote, faults=0.0)
    assert seen["rateLimited"] > 0 and sum(seen["faults"].values()) > 0  # both really happened
    assert seen["byBucket"]["crud"]["maxInWindow"] <= 40
    found = remote_names(remote)
    assert sorted(found) == names and not [n for n, c in Counter(found).items() if c > 1]
    assert cli("diff", "--exit-code").exit_code == 0

    # Edits through the same storm: one write each, and again nothing left to do.
    configure(remote, faults=0.2)
    for name in names[:30]:
        path = project / "actions" / f"{name}.js"
        path.write_text(path.read_text().replace("return", "// v2\n  return"))
    again = cli("push", "--yes", "--format", "json")
    configure(remote, faults=0.0)
    assert again.exit_code == 0, again.stderr
    assert again.json["plan"]["summary"]["update"] == 30
    assert cli("diff", "--exit-code").exit_code == 0


@pytest.mark.slow
def test_a_push_killed_part_way_converges_when_run_again(cli, remote, project):
    names = make_actions(project, 60)
    # A slow service (20 writes a second) so that the kill lands in the middle of the push.
    configure(remote, rate_limits={"crud": 20}, rate_window=1.0)
    (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {remote.url}\n"
                                            "rate_limits: {crud: 20, run: 10, publish: 10, window: 1}\n")
    env = {**os.environ, "ACTIONCTL_TOKEN": EMULATOR_TOKEN}
    process = subprocess.Popen([sys.executable, "-m", "actionctl", "push", "--yes"], cwd=project, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(remote_names(remote)) < 15 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    landed = len(remote_names(remote))
    assert 0 < landed < 60, "the kill was meant to land part-way"
    json.loads((project / ".actionctl/state/default.json").read_text())  # never half written

    rerun = cli("push", "--yes", "--format", "json")
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json["plan"]["summary"]["create"] == 60 - landed
    found = remote_names(remote)
    assert sorted(found) == names
    assert cli("diff", "--exit-code").exit_code == 0
