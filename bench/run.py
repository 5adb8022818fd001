"""How fast local execution is, next to Node.js doing the same trivial execute().

Prints, side by side:
- per-execution overhead in a warm worker (fresh V8 context, the whole platform installed, host round trip);
- `actionctl run hello` end to end (a new process: CLI, validation, worker start, run);
- `actionctl test` over 1,000 cases (one worker per core);
- the same execute() through `node -e` (a process per run) and through one node process with `vm`
  (a fresh context per run), when node is on the PATH.
Targets on the 2-core machine: ≤ 10 ms per warm execution, `run` ≤ 0.5 s, 1,000 cases ≤ 10 s.
Run: python bench/run.py
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODE = "async function execute(context) {\n  return { message: 'Hello World', n: context.payload.n };\n}\n"
MANIFEST = "name: hello\nactive: true\ntriggers: [{trigger: manual}]\n"
NODE_VM = r"""
const vm = require('vm');
const code = %s;
const runs = %d;
(async () => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const context = vm.createContext({ console });
    vm.runInContext(code, context);
    const value = await vm.runInContext('execute({payload: {n: ' + i + '}})', context);
    JSON.stringify(value);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(times[Math.floor(times.length / 2)]);
})();
"""


def median_wall(command: list[str], cwd: Path, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")
    return statistics.median(samples)


def warm_worker(runs: int) -> tuple[float, float]:
    """Median host-side round trip and the worker's own measure, in ms."""
    from actionctl.runtime import job as jobs
    from actionctl.runtime.fixtures import Fixtures
    from actionctl.runtime.host import Worker, execute

    worker = Worker(256)
    worker.start()
    round_trips, inside = [], []
    try:
        for i in range(runs + 20):
            job = jobs.build(CODE, "actions/hello.js", {}, {"n": i}, Fixtures(), [])  # as every run's is built
            start = time.perf_counter()
            outcome = execute(worker, job, 10.0, 6_000_000)
            if i >= 20:  # the first runs warm V8's caches
                round_trips.append((time.perf_counter() - start) * 1000)
                inside.append(outcome.duration_ms)
            assert outcome.ok and outcome.result["n"] == i, outcome.error
    finally:
        worker.close()
    return statistics.median(round_trips), statistics.median(inside)


def make_project(root: Path, cases: int) -> None:
    (root / "actionctl.yaml").write_text("region: eu\n")
    (root / "actions").mkdir()
    (root / "actions" / "hello.yaml").write_text(MANIFEST)
    (root / "actions" / "hello.js").write_text(CODE)
    (root / "tests").mkdir()
    lines = ["action: hello", "cases:"]
    for n in range(cases):
        lines += [f"  - name: case {n}", f"    payload: {{n: {n}}}",
                  f"    expect: {{result: {{message: Hello World, n: {n}}}}}"]
    (root / "tests" / "hello.test.yaml").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="warm executions to time")
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    exe = shutil.which("actionctl")
    base = [exe] if exe else [sys.executable, "-m", "actionctl"]
    warm, inside = warm_worker(args.runs)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_project(root, args.cases)
        run_wall = median_wall([*base, "run", "hello", "--payload", '{"n": 1}'], root, 7)
        test_wall = median_wall([*base, "test", "--format", "json"], root, 3)
        node = shutil.which("node")
        node_e = node_vm = None
        if node:
            script = CODE + "execute({payload: {n: 1}}).then(v => console.log(JSON.stringify(v)));"
            node_e = median_wall([node, "-e", script], root, 7)
            out = subprocess.run([node, "-e", NODE_VM % (json.dumps(CODE), args.runs)], capture_output=True,
                                 text=True, check=True)
            node_vm = float(out.stdout.strip())
    print(f"warm worker, per execution (host round trip): {warm:7.2f} ms   target 10 ms ({warm / 10:.2f}× target)")
    print(f"  of which inside the worker (context + run):   {inside:7.2f} ms")
    if node_vm is not None:
        print(f"node, one process with vm (fresh context):    {node_vm:7.2f} ms   "
              f"actionctl/node = {warm / node_vm:.1f}×")
    print(f"actionctl run hello, end to end:              {run_wall * 1000:7.0f} ms   target 500 ms "
          f"({run_wall / 0.5:.2f}× target)")
    if node_e is not None:
        print(f"node -e, a process per run:                   {node_e * 1000:7.0f} ms   actionctl/node = "
              f"{run_wall / node_e:.1f}×")
    print(f"actionctl test, {args.cases} cases:                    {test_wall:7.2f} s    target 10 s "
          f"({test_wall / 10:.2f}× target), {test_wall / args.cases * 1000:.2f} ms per case")


if __name__ == "__main__":
    main()
