"""How many requests `push` sends and how long `diff` takes, for a project of 500 actions on the emulator.

Prints, each next to its goal:
- the first `push` (creates every action), as context: wall time and requests;
- requests sent by `push` when nothing changed (goal: the paginated listing only, 10 pages of 50);
- requests sent by `push` when one action's code changed (goal: the listing + 1 write);
- `diff` for the 500 actions (goal ≤ 2 s on loopback): the median wall time of `python -m actionctl diff
  --format json` run as a user runs it (Python start-up included), and the median in-process time of
  `sync.compare`, the core of it.
Request counts come from the client's own stats (`push --format json`) and are cross-checked against the
emulator's counter (`/_emulator/stats`). Everything runs in temporary folders against a temporary emulator.
Run: python bench/sync.py [--actions N] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOKEN = "bench-token"
PAGE = 50
MANIFEST = "name: {name}\nactive: true\nenvironment: server\ntriggers:\n  - trigger: manual\n"
CODE = "async function execute(context) {{\n  return {{ n: {n} }};\n}}\n"
CONFIG = ("app: 1\napi_url: {url}\n"
          "rate_limits: {{crud: 1000000000, run: 1000000000, publish: 1000000000}}\n")


def make_project(root: Path, url: str, count: int) -> None:
    (root / "actionctl.yaml").write_text(CONFIG.format(url=url))
    actions = root / "actions"
    actions.mkdir()
    for n in range(count):
        name = f"action-{n:03d}"
        (actions / f"{name}.yaml").write_text(MANIFEST.format(name=name))
        (actions / f"{name}.js").write_text(CODE.format(n=n))


def run_cli(args: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, dict]:
    """Run `python -m actionctl ARGS` in the project: wall time and the JSON it printed."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "actionctl", *args], cwd=cwd, capture_output=True, text=True,
                            env=os.environ.copy())
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        raise SystemExit(f"actionctl {' '.join(args)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return elapsed, json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5, help="runs of `diff` to take the median of")
    args = parser.parse_args()

    import httpx

    from actionctl import sync
    from actionctl.emulator import EmulatorOptions, serve
    from actionctl.project import open_project
    from actionctl.remote.target import client_for, resolve

    pages = -(-args.actions // PAGE)  # the listing of N actions, a page of 50 at a time (ceiling)
    unlimited = {"crud": 10**9, "run": 10**9, "publish": 10**9}
    with tempfile.TemporaryDirectory() as folder, \
            serve(EmulatorOptions(db=Path(folder) / "bench.sqlite3", token=TOKEN, rate_limits=unlimited)) as server:
        base = Path(folder)
        project_dir, config_dir = base / "project", base / "config"
        project_dir.mkdir()
        config_dir.mkdir()
        os.environ["ACTIONCTL_TOKEN"] = TOKEN
        os.environ["ACTIONCTL_CONFIG_DIR"] = str(config_dir)
        make_project(project_dir, server.url, args.actions)
        stats_url = server.url.rstrip("/") + "/_emulator/stats"
        auth = {"Auth-token": TOKEN}  # the control endpoints ask for the token too

        def push() -> tuple[float, dict, int]:
            """One `push --yes`: wall time, its JSON, and the requests the emulator saw meanwhile."""
            before = httpx.get(stats_url, headers=auth).json()["requests"]
            elapsed, output = run_cli(["push", "--yes", "--format", "json"], project_dir)
            return elapsed, output, httpx.get(stats_url, headers=auth).json()["requests"] - before

        first = push()
        unchanged = push()
        edited = project_dir / "actions" / "action-250.js"
        if not edited.exists():
            edited = project_dir / "actions" / "action-000.js"
        edited.write_text("// edited by bench/sync.py\n" + edited.read_text())
        one_changed = push()

        # `diff` now has nothing to report: exit 0 and "changes": false.
        diff_times = []
        for _ in range(args.runs):
            elapsed, output = run_cli(["diff", "--format", "json"], project_dir)
            if output.get("changes") is not False:
                raise SystemExit(f"diff found changes after the push: {json.dumps(output)[:500]}")
            diff_times.append(elapsed)

        project = open_project(project_dir)
        target = resolve(project)
        core_times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            with client_for(target) as client:
                plan, _state = sync.compare(project, client, None)
            core_times.append(time.perf_counter() - start)
            if plan.has_changes:
                raise SystemExit("sync.compare found changes after the push")

    def requests(figures: tuple[float, dict, int]) -> str:
        _elapsed, output, seen = figures
        counted = output["requests"]
        methods = ", ".join(f"{method} {n}" for method, n in sorted(counted["byMethod"].items()) if n)
        summary = ", ".join(f"{kind} {n}" for kind, n in output["plan"]["summary"].items() if n)
        extra = "" if not counted["retries"] and not counted["rateLimited"] else \
            f", {counted['retries']} retries, {counted['rateLimited']} rate-limited"
        return (f"{counted['requests']} requests ({methods or 'none'}{extra}); the emulator saw {seen}; "
                f"plan: {summary or 'nothing to do'}")

    print(f"project of {args.actions} actions, emulator on loopback ({server.url})")
    print(f"push, first (creates all):  {first[0]:.2f} s, {requests(first)}")
    print(f"push, nothing changed:      {requests(unchanged)}  "
          f"(goal: the listing only, {pages} GETs)")
    print(f"push, one code changed:     {requests(one_changed)}  "
          f"(goal: the listing + 1 write, {pages + 1} requests)")
    print(f"diff, end to end:           median {statistics.median(diff_times):.2f} s of {args.runs} "
          f"(min {min(diff_times):.2f}, max {max(diff_times):.2f})  (goal: ≤ 2 s)")
    print(f"diff, core (sync.compare):  median {statistics.median(core_times) * 1000:.0f} ms of {args.runs} "
          f"(min {min(core_times) * 1000:.0f}, max {max(core_times) * 1000:.0f})")


if __name__ == "__main__":
    sys.exit(main())
