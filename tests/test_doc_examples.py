"""The platform documentation's own code examples (tests/doc_examples/corpus.yaml) run locally, all in one
`actionctl test` through the CLI: each server-side example the corpus says `runs` completes (or rejects
only as the docs expect) with no API gap; each it records as a `gap` still meets one, so the corpus is
corrected when the gap is filled. `python bench/doc_examples.py` prints the table and the share."""

from __future__ import annotations

import json
import subprocess

import pytest
from doc_examples import corpus
from support import ACTIONCTL, HANG_LIMIT

CORPUS, EXAMPLES = corpus.load()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every server-side example, run once in one `actionctl test`: its case in the JSON report, by action."""
    root = tmp_path_factory.mktemp("doc-examples")
    corpus.build(root, CORPUS, EXAMPLES)
    # A hang bound only: ~145 actions are prepared and run (13 s on an idle 2-core machine, 26 s at load 5).
    done = subprocess.run([*ACTIONCTL, "test", "--format", "json"], cwd=root, capture_output=True, text=True,
                          timeout=3 * HANG_LIMIT)
    assert done.returncode in (0, 1), done.stderr
    return {case["action"]: case for case in json.loads(done.stdout)["cases"]}


def _param(example: corpus.Example):
    return pytest.param(example, id=example.id)


@pytest.mark.parametrize("example", [_param(e) for e in EXAMPLES if e.outcome == corpus.RUNS])
def test_example_runs_without_an_api_gap(report, example):
    kind, what = corpus.classify(report.get(example.id))
    assert kind == "ok", f"{example.place} ({example.spec['title']}): {kind}: {what}"


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.outcome == corpus.GAP], ids=lambda e: e.id)
def test_recorded_gap_is_still_a_gap(report, example):
    kind, what = corpus.classify(report.get(example.id))
    assert kind == "API gap", f"{example.place}: now {kind} ({what}) — update its outcome in corpus.yaml"


KEYS = {"id", "page", "fence", "section", "title", "outcome", "reason", "code", "edit", "wrap", "given", "returns",
        "answer", "error", "fixtures", "dependencies", "payload", "environment"}


def test_every_example_is_placed_and_decided():
    ids = [e.id for e in EXAMPLES]
    assert len(ids) == len(set(ids))
    places = [(e.spec["page"], e.spec["fence"]) for e in EXAMPLES]
    assert len(places) == len(set(places))
    for example in EXAMPLES:
        spec = example.spec
        assert set(spec) <= KEYS, (example.id, set(spec) - KEYS)
        assert spec["page"] in CORPUS["pages"], example.id
        assert spec["outcome"] in (corpus.RUNS, corpus.GAP, corpus.EXCLUDED), example.id
        assert ("reason" in spec) == (spec["outcome"] != corpus.RUNS), example.id
        assert spec["outcome"] == corpus.EXCLUDED or "code" in spec, example.id
