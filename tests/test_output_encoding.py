"""What a JavaScript string may hold and UTF-8 cannot — a lone surrogate — reaches every output escaped.

The commands run as processes of their own, as a user starts them: their streams are the real ones,
which refused such text (exit 70) before.
"""

from __future__ import annotations

import json
import subprocess
from xml.etree import ElementTree as ET

import pytest
from support import ACTIONCTL, HANG_LIMIT

LONE = ("async function execute(context) {\n  console.log('half \\ud800 pair');\n"
        "  return { s: '\\ud800', [String.fromCharCode(0xdc00)]: 1 };\n}\n")
RESULT = {"s": "\ud800", "\udc00": 1}


def actionctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*ACTIONCTL, *args], capture_output=True, timeout=HANG_LIMIT)


def test_run_shows_a_lone_surrogate_escaped(action):
    action(LONE)
    as_json = actionctl("run", "a", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    body = json.loads(as_json.stdout)
    assert body["result"] == RESULT and body["logs"] == [{"level": "log", "message": "half \ud800 pair"}]
    assert b'"s": "\\ud800"' in as_json.stdout
    as_text = actionctl("run", "a")
    assert as_text.returncode == 0, as_text.stderr
    assert b"log   half \\ud800 pair\n" in as_text.stdout and b'"s": "\\ud800",\n' in as_text.stdout


def test_test_reports_a_lone_surrogate_escaped(action, tree, project):
    action(LONE)
    tree({"tests/a.test.yaml": "action: a\ncases:\n  - {name: lone, expect: {result: {s: x}}}\n"})
    as_json = actionctl("test", "--format", "json")
    assert as_json.returncode == 1, as_json.stderr
    assert json.loads(as_json.stdout)["cases"][0]["execution"]["result"] == RESULT
    as_text = actionctl("test", "--junit", "report.xml")
    assert as_text.returncode == 1, as_text.stderr
    assert b'+  "s": "\\ud800",\n' in as_text.stdout
    failure = ET.parse(project / "report.xml").find(".//failure")
    assert '"s": "\\ud800"' in failure.text  # XML cannot hold the surrogate itself, even as a reference


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_remote_run_shows_a_lone_surrogate_escaped(api, fmt):
    api.create_action({"name": "lone", "code": LONE, "active": True, "triggers": [{"trigger": "manual"}]})
    result = actionctl("remote", "run", "lone", "--format", fmt)
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        assert json.loads(result.stdout)["result"] == RESULT
    else:
        assert b'"s": "\\ud800"' in result.stdout
