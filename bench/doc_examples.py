"""How much of the platform documentation's own example code runs locally.

Builds a project from tests/doc_examples/corpus.yaml (an action per server-side example), runs it in one
`actionctl test`, and prints a line per example — page, fence, title, the corpus's outcome, what happened
(ok, API gap, fixture, other, or why it is excluded) — then the share per page and overall, e.g.
`42 / 45 server-side examples run (93%)`. Target: ≥ 90% of the server-side examples.
Run: python bench/doc_examples.py [--page TEXT] [--failures]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from doc_examples import corpus  # noqa: E402  (the corpus's one reader, shared with the tests)


def run(examples: list[corpus.Example], shared: dict) -> dict[str, dict]:
    """Each server-side example's case from one `actionctl test --format json`, by action name."""
    if not any(example.server_side for example in examples):
        return {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        corpus.build(root, shared, examples)
        done = subprocess.run([sys.executable, "-m", "actionctl", "test", "--format", "json"], cwd=root,
                              capture_output=True, text=True)
        if done.returncode not in (0, 1) or not done.stdout.startswith("{"):
            raise SystemExit(f"actionctl test failed: {done.stderr}")
        return {case["action"]: case for case in json.loads(done.stdout)["cases"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", help="only pages whose path contains this")
    parser.add_argument("--failures", action="store_true", help="only server-side examples that did not run")
    args = parser.parse_args()
    whole, examples = corpus.load()
    examples = [e for e in examples if not args.page or args.page in e.spec["page"]]
    cases = run(examples, whole)
    ran: dict[str, Counter] = defaultdict(Counter)
    print(f"{'page':40} {'fence':>5}  {'outcome':8} {'happened':8}  title — what happened")
    for example in examples:
        page = example.spec["page"].removeprefix("docs/API/")
        if example.server_side:
            kind, what = corpus.classify(cases.get(example.id))
            ran[page]["server-side"] += 1
            ran[page]["run"] += kind == "ok"
        else:
            kind, what = "-", example.spec["reason"]
        if args.failures and kind in ("ok", "-"):
            continue
        print(f"{page:40} {example.spec['fence']:>5}  {example.outcome:8} {kind:8}  "
              f"{example.spec['title']} — {what.splitlines()[0][:160]}")
    print()
    for page, counts in ran.items():
        print(f"{page:40} {counts['run']:>3} / {counts['server-side']:<3} run")
    total = sum(c["server-side"] for c in ran.values())
    done = sum(c["run"] for c in ran.values())
    print(f"\n{done} / {total} server-side examples run ({round(100 * done / max(total, 1))}%); "
          f"{len(examples) - total} excluded as not server-side")


if __name__ == "__main__":
    main()
