"""How fast `actionctl validate` is on a 1,000-action project, and how fast the CLI starts.

Prints median wall times of whole processes (what a user or CI waits for) next to the targets:
validate 1,000 actions ≤ 1.5 s, `--version` ≤ 0.15 s, `--help` ≤ 0.3 s. Measured in the same run, one
process of each in turn per round (so a busy machine slows them alike), and compared as ratios:
- the floor (bench/floor.py): a bare Python process that reads the same files, YAML-loads each manifest
  with PyYAML's C loader and parses each code file with tree-sitter — validate ÷ floor ≤ 2×;
- `node -e 0`: a JavaScript CLI's start-up — `--version` ≤ 1.5× and `--help` ≤ 2.5× of it.
Every process may cache its bytecode (PYTHONDONTWRITEBYTECODE is dropped), as an installed copy has it.
Run: python bench/validate.py
"""

from __future__ import annotations

import argparse
import json
import os
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
# Each with a member its documentation shows, so the project is clean (no FLIPLET_API_UNKNOWN).
PACKAGES = [("fliplet-datasources", "DataSources.connect"), ("fliplet-communicate", "Communicate.sendEmail"),
            ("fliplet-media", "Media.Folders"), ("fliplet-csv", "CSV.encode")]


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
        body = "\n".join(f"  const r{i} = await Fliplet.{member} ? 1 : 0;" for i, (_, member) in enumerate(packages))
        (actions / f"action-{n:04d}.js").write_text(
            "// generated for the benchmark\n"
            "async function execute(context) {\n"
            "  const payload = context.payload || {};\n"
            f"{body}\n"
            "  const items = [1, 2, 3].map((x) => x * 2);\n"
            f"  return {{ ok: true, n: {n}, items, payload }};\n"
            "}\n")


FLOOR = Path(__file__).with_name("floor.py")
# Not PYTHONDONTWRITEBYTECODE: a user's copy of actionctl (or PyYAML) does not recompile itself on every run.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def interleaved(commands: dict[str, tuple[list[str], int]], cwd: Path, rounds: int) -> dict[str, list[float]]:
    """Wall times of whole processes: each round runs every command (`per_round` times) before the next round."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, (command, per_round) in commands.items():
            for _ in range(per_round):
                start = time.perf_counter()
                result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
                samples[name].append(time.perf_counter() - start)
                if result.returncode != 0:
                    raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]}")
    return samples


def ratio_line(label: str, value: float, base: float, target: float) -> str:
    ratio = value / base
    verdict = "met" if ratio <= target else "NOT met"
    return f"{label:<34}{ratio:6.2f}×  target ≤ {target:g}×  {verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=11, help="rounds; start-up commands run 3 times a round")
    args = parser.parse_args()
    exe = shutil.which("actionctl")
    base = [exe] if exe else [sys.executable, "-m", "actionctl"]
    node = shutil.which("node")
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        make_project(root, args.actions)
        # Warm the file cache and write the .pyc files of everything validate and the floor import.
        result = subprocess.run([*base, "validate", "--format", "json"], cwd=root, env=ENV, capture_output=True,
                                text=True)
        report = json.loads(result.stdout)
        floor = subprocess.run([sys.executable, str(FLOOR), "actions"], cwd=root, env=ENV, capture_output=True,
                               text=True)
        assert floor.stdout.strip() == str(args.actions), floor.stdout + floor.stderr
        commands = {
            "validate": ([*base, "validate", "--format", "json"], 1),
            "floor": ([sys.executable, str(FLOOR), "actions"], 1),
            # What an editor's on-save check waits for: one manifest (names still checked project-wide).
            "single": ([*base, "validate", "--format", "json", "actions/action-0007.yaml"], 1),
            "version": ([*base, "--version"], 3),
            "help": ([*base, "--help"], 3),
            "python": ([sys.executable, "-c", "pass"], 3),
        }
        if node:
            commands["node"] = ([node, "-e", "0"], 3)
        samples = interleaved(commands, root, args.runs)
    load_after = os.getloadavg()[0]
    t = {name: statistics.median(values) for name, values in samples.items()}
    assert report["actions"] == args.actions and report["ok"], report["diagnostics"][:3]
    validate, version, helptext = t["validate"], t["version"], t["help"]
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after, on {os.cpu_count()} cores; "
          f"medians of {args.runs} interleaved rounds")
    print(f"validate {args.actions} actions (json):  {validate:6.3f} s   target 1.5 s  ({validate / 1.5:.2f}× target)"
          f"   {validate / args.actions * 1000:.2f} ms per action, {len(report['diagnostics'])} diagnostics")
    print(f"validate one action (json):       {t['single']:6.3f} s")
    print(f"floor (read, C YAML, tree-sitter):{t['floor']:6.3f} s")
    print(f"actionctl --version:              {version:6.3f} s   target 0.15 s ({version / 0.15:.2f}× target)")
    print(f"actionctl --help:                 {helptext:6.3f} s   target 0.3 s  ({helptext / 0.3:.2f}× target)")
    print(f"python -c pass:                   {t['python']:6.3f} s")
    print(ratio_line("validate ÷ floor:", validate, t["floor"], 2))
    if node:
        print(f"node -e 0:                        {t['node']:6.3f} s")
        print(ratio_line("--version ÷ node -e 0:", version, t["node"], 1.5))
        print(ratio_line("--help ÷ node -e 0:", helptext, t["node"], 2.5))
    else:
        print("node -e 0:                        node is not on the PATH; no ratios to Node.js")


if __name__ == "__main__":
    main()
