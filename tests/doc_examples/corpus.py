"""Our record of the platform documentation's code examples (corpus.yaml), turned into an actionctl project
that runs them all in one `actionctl test`, and the reading of what happened to each.

Each example is kept as the docs print it. What it assumes and does not show comes from the corpus, never
from an edit of the code: `given` declares its free variables (`appId`, a `connection`), `fixtures` names
the data sources, HTTP answers, settings and media it reads, `payload` is its `context.payload`. Only code
that is not JavaScript as printed (pseudo-code, a missing comma) carries an `edit`, the code that runs.

How an example becomes an action (`wrap`):
- `action`: it is a whole action file (it defines `execute`);
- `body`: its statements are the body of `async function execute(context)` (the docs' await style);
- `return`: the same, and its last statement (the last line that starts at column 0) is returned, so a
  `.then` chain's rejection fails the run instead of being dropped.
An await-style example can name the variable holding its answer (`returns`), and where the docs print the
answer, `answer` is what it must contain (an option the local platform ignored would pass unnoticed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actionctl.sync.state import state_path

CORPUS = Path(__file__).with_name("corpus.yaml")
RUNS, GAP, EXCLUDED = "runs", "gap", "excluded"
# The API the EU service answers `Fliplet.API.request('v1/…')` from; a fixture is written for both forms.
API_HOST = "https://api.fliplet.com/"
APP = 1  # the app the corpus's project belongs to (`appId` in the examples)
# A run error is an API gap when the local platform lacks what the example calls.
_GAP_SIGNS = ("is not a function", "undefined is not", "Cannot read properties of undefined", "is not defined",
              "NOT_EMULATED", "not emulated", "UNSUPPORTED", "unsupported", "QUERY_INVALID", "WHERE_INVALID")
_FIXTURE_SIGNS = ("DATA_SOURCE_NOT_FOUND", "ENTRY_NOT_FOUND", "no recorded response", "fixture")
_STATEMENT_START = re.compile(r"^[A-Za-z_$(\[]")


@dataclass(frozen=True)
class Example:
    spec: dict

    @property
    def id(self) -> str:
        return self.spec["id"]

    @property
    def outcome(self) -> str:
        return self.spec["outcome"]

    @property
    def server_side(self) -> bool:
        return self.outcome != EXCLUDED

    @property
    def place(self) -> str:
        return f"{self.spec['page']} js#{self.spec['fence']}"


def load(path: Path = CORPUS) -> tuple[dict, list[Example]]:
    corpus = yaml.safe_load(path.read_text())
    return corpus, [Example(spec) for spec in corpus["examples"]]


def source(example: Example, shared: dict) -> str:
    """The action file that runs `example`."""
    spec = example.spec
    code = spec.get("edit", spec.get("code", ""))
    if spec.get("wrap", "body") == "action":
        return code
    given = "".join(shared["given"][name] + "\n" for name in spec.get("given", []))
    if spec.get("wrap") == "return":
        code = _return_last(code)
    if "returns" in spec:
        code = f"{code.rstrip()}\nreturn {spec['returns']};"
    return f"async function execute(context) {{\n{given}{code}\n}}\n"


def _return_last(code: str) -> str:
    lines = code.rstrip().split("\n")
    last = max(i for i, line in enumerate(lines) if _STATEMENT_START.match(line))
    lines[last] = "return " + lines[last]
    return "\n".join(lines)


def build(root: Path, corpus: dict, examples: list[Example]) -> None:
    """An actionctl project in `root`: an action and a test file per server-side example, the corpus's
    helper actions, and the media fixture they share."""
    shared = corpus["shared"]
    (root / "actions").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "fixtures").mkdir()
    (root / "actionctl.yaml").write_text(f"app: {APP}\nregion: eu\nactions: actions\n")
    (root / "fixtures" / "media.yaml").write_text(yaml.safe_dump(shared["media"], sort_keys=False))
    helpers = shared.get("actions", {})
    for name, helper in helpers.items():
        _write_action(root, name, helper["code"], helper.get("dependencies", []), helper.get("environment"))
    _write_ids(root, {name: helper["id"] for name, helper in helpers.items() if "id" in helper})
    for example in examples:
        if example.server_side:
            _write_example(root, example, shared)


def _write_ids(root: Path, ids: dict[str, int]) -> None:
    """The helper actions' ids on the service, as a push would have left them (examples run one by id)."""
    state = {"format": 1, "app": APP, "apiUrl": API_HOST,
             "actions": {name: {"id": id_, "hash": "", "file": f"actions/{name}.yaml"} for name, id_ in ids.items()}}
    path = state_path(root, APP, API_HOST)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(state, indent=2) + "\n")


def _write_example(root: Path, example: Example, shared: dict) -> None:
    spec = example.spec
    _write_action(root, example.id, source(example, shared), spec.get("dependencies", []),
                  spec.get("environment"))
    case: dict[str, Any] = {"name": "example", "fixtures": _fixtures(spec.get("fixtures", {}), shared),
                            "expect": _expect(spec)}
    if "payload" in spec:
        case["payload"] = spec["payload"]
    test = {"action": example.id, "cases": [case]}
    (root / "tests" / f"{example.id}.test.yaml").write_text(yaml.safe_dump(test, sort_keys=False))


def _write_action(root: Path, name: str, code: str, dependencies: list, environment: str | None) -> None:
    manifest = {"name": name, "active": True, "environment": environment or "server",
                "triggers": [{"trigger": "manual"}], "dependencies": dependencies}
    (root / "actions" / f"{name}.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    (root / "actions" / f"{name}.js").write_text(code)


def _fixtures(wanted: dict, shared: dict) -> dict:
    fixtures: dict[str, Any] = {}
    if wanted.get("datasources"):
        fixtures["datasources"] = {k: v for name in wanted["datasources"]
                                   for k, v in shared["datasources"][name].items()}
    if wanted.get("http"):
        fixtures["http"] = [answer for name in wanted["http"] for answer in _http(shared["http"][name])]
    if wanted.get("settings"):
        fixtures["settings"] = shared["settings"]
    return fixtures


def _http(answer: dict) -> list[dict]:
    """A recorded answer; one given as a Fliplet API path (`v1/user`) is also recorded at the API host."""
    if answer["url"].startswith("http"):
        return [answer]
    return [answer, {**answer, "url": API_HOST + answer["url"]}]


def _expect(spec: dict) -> dict:
    if "error" in spec:  # the example provokes a rejection (a missing record, a query the engine refuses)
        return {"error": {"code": "EXECUTION_FAILED", "message": spec["error"]}}
    if "answer" in spec:  # what the docs print as the answer
        return {"result_contains": spec["answer"]}
    return {"logs": []}  # completes: no run error (`logs: []` asks nothing more)


def classify(case: dict | None) -> tuple[str, str]:
    """(`ok` | `API gap` | `fixture` | `other`, what happened) for one case of the JSON report."""
    if case is None:
        return "other", "no case in the report"
    if case["ok"]:
        return "ok", "completed" if (case["execution"] or {}).get("ok") else "rejected as the docs expect"
    failures = "; ".join(case["failures"])
    error = ((case.get("execution") or {}).get("error") or {})
    text = f"{error.get('message', '')} {failures}"
    if any(sign in text for sign in _GAP_SIGNS):
        return "API gap", error.get("message") or failures
    if failures.startswith("result"):  # ran, but not as the docs show: an option the platform has is ignored
        return "API gap", "answers other than the docs show: " + failures
    if any(sign in text for sign in _FIXTURE_SIGNS):
        return "fixture", error.get("message") or failures
    return "other", failures
