"""How fast `actionctl validate` is on a 1,000-action project, and how fast the CLI starts.

Prints median wall times of whole processes (what a user or CI waits for) next to the targets:
validate 1,000 actions ≤ 1.5 s, `--version` ≤ 0.15 s, `--help` ≤ 0.3 s. Run: python bench/validate.py
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

TRIGGERS = [
    ("server", "  - trigger: manual\n"),
    ("server", "  - trigger: log\n    where:\n      type: dataSource.entry.create\n      dataSourceId: {n}\n"),
    ("client", "  - trigger: analytics\n    where:\n      type: analytics.pageView\n"
               "      data:\n        _pageId: {n}\n"),
    ("any", "  - trigger: manual\n  - trigger: schedule\n"),
]
FREQUENCIES = ["0 8 * * 1", "*/5 1 * * *", "0 0 1 * *", "45 23 * * 6", "*/15 9-17 * * 1-5", "30 2 * * *"]
ZONES = ["Europe/Rome", "Europe/London", "America/New_York", "Asia/Tokyo", "UTC"]
PACKAGES = [("fliplet-datasources", "DataSources"), ("fliplet-communicate", "Communicate"),
            ("fliplet-media", "Media"), ("fliplet-csv", "CSV")]


def make_project(root: Path, count: int) -> None:
    (root / "actionctl.yaml").write_text("region: eu\nactions: actions\n")
    actions = root / "actions"
    actions.mkdir()
    for n in range(count):
        environment, triggers = TRIGGERS[n % len(TRIGGERS)]
        scheduled = "schedule" in triggers
        packages = PACKAGES[: n % 3]
        lines = [f"name: action-{n:04d}", f"description: Generated action number {n}", "active: true",
                 f"environment: {environment}", "triggers:", triggers.format(n=n).rstrip("\n")]
        if scheduled:
            lines += [f'frequency: "{FREQUENCIES[n % len(FREQUENCIES)]}"', f"timezone: {ZONES[n % len(ZONES)]}"]
        if packages:
            lines += ["dependencies:", *(f"  - {p}" for p, _ in packages)]
        (actions / f"action-{n:04d}.yaml").write_text("\n".join(lines) + "\n")
        body = "\n".join(f"  const r{i} = await Fliplet.{ns}.connect ? 1 : 0;" for i, (_, ns) in enumerate(packages))
        (actions / f"action-{n:04d}.js").write_text(
            "// generated for the benchmark\n"
            "async function execute(context) {\n"
            "  const payload = context.payload || {};\n"
            f"{body}\n"
            "  const items = [1, 2, 3].map((x) => x * 2);\n"
            f"  return {{ ok: true, n: {n}, items, payload }};\n"
            "}\n")


def timed(command: list[str], cwd: Path, runs: int) -> tuple[float, subprocess.CompletedProcess]:
    samples, last = [], None
    for _ in range(runs):
        start = time.perf_counter()
        last = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("actionctl")
    base = [exe] if exe else [sys.executable, "-m", "actionctl"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_project(root, args.actions)
        subprocess.run([*base, "--version"], capture_output=True)  # warm the file cache and .pyc files
        validate, result = timed([*base, "validate", "--format", "json"], root, args.runs)
        report = json.loads(result.stdout)
        # What an editor's on-save check waits for: one manifest (names still checked project-wide).
        single, _ = timed([*base, "validate", "--format", "json", "actions/action-0007.yaml"], root, args.runs)
        version, _ = timed([*base, "--version"], root, args.runs * 3)
        helptext, _ = timed([*base, "--help"], root, args.runs * 3)
        python, _ = timed([sys.executable, "-c", "pass"], root, args.runs * 3)
    assert report["actions"] == args.actions and report["ok"], report["diagnostics"][:3]
    print(f"validate {args.actions} actions (json):  {validate:6.3f} s   target 1.5 s  ({validate / 1.5:.2f}× target)"
          f"   {validate / args.actions * 1000:.2f} ms per action, {len(report['diagnostics'])} diagnostics")
    print(f"validate one action (json):       {single:6.3f} s")
    print(f"actionctl --version:              {version:6.3f} s   target 0.15 s ({version / 0.15:.2f}× target)")
    print(f"actionctl --help:                 {helptext:6.3f} s   target 0.3 s  ({helptext / 0.3:.2f}× target)")
    print(f"python -c pass (floor):           {python:6.3f} s")


if __name__ == "__main__":
    main()
