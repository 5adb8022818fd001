"""Fuzzing `validate --format json` with mutated projects: never a traceback, never exit 70, always one JSON
document on stdout, each project done within a bound no machine comes near.

Seeded, so every run meets the same few hundred projects: the examples and the templates, each mutated one
to three times (bytes flipped, files cut short, YAML values of another type, deep nesting, alias bombs,
huge and non-finite numbers, odd Unicode, control characters, invalid UTF-8, `code:` and `actions:` paths
leading anywhere). The projects are checked in-process, a batch per process of its own, so that a hang
fails the test instead of stopping the suite.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from support import EXAMPLES, HANG_LIMIT, REPO

SEED = 11
CASES = 300
BATCHES = 3
CASE_BOUND = 30  # seconds: a bound for a hang, not a measure of speed
TEMPLATES = ("on-demand", "scheduled", "log", "analytics", "blank")


class Link(str):
    """A file that is a symlink to this target."""


# --- the projects mutated -----------------------------------------------------------------------------


def seeds() -> list[dict[str, bytes | Link]]:
    projects = [{path.relative_to(EXAMPLES).as_posix(): path.read_bytes()
                 for path in sorted(EXAMPLES.rglob("*")) if path.is_file()}]
    for name in TEMPLATES:
        folder = REPO / "templates" / name
        manifest = (folder / "action.yaml").read_text().replace("__NAME__", "t").replace("__SCHEMA__", "schema.json")
        projects.append({"actionctl.yaml": b"region: eu\n", "actions/t.yaml": manifest.encode(),
                         "actions/t.js": (folder / "action.js").read_bytes()})
    return projects


# --- mutations: each changes one file of the project in place -------------------------------------------

ODD_TEXT = ["\u202e", "\ud800", "\x00", "\x1b[31m", "::stop-commands::x", "\u0000\u0001\u0007", "é" * 300,
            "𝕏" * 10, "\ufeff", "\r", "\u2028", "a" * 5000]
ODD_VALUES = [".inf", "-.inf", ".nan", "1e400", "-0", "0x7fffffffffffffff", "99999999999999999999999999",
              "!!int nope", "!!timestamp x", '!!binary "@@@"', "!!float x", "~", "[]", "{}", "''", "yes", "&a x",
              "*undefined", "!!python/name:os.system x", "'@@X@@'", "2026-13-45"]
PATHS = ["../../etc/passwd", "/proc/self/environ", "/dev/zero", "a\\0b.js", "x" * 300, "", ".", "..", "actions",
         "~/.netrc", "../" * 20 + "etc/hosts", "/", "fixtures", "actionctl.yaml", "loop.js", "t.js/"]


def _pick(rng: random.Random, files: dict, suffixes: tuple[str, ...]) -> str | None:
    names = sorted(n for n, v in files.items() if n.endswith(suffixes) and not isinstance(v, Link))
    return rng.choice(names) if names else None


def flip_bytes(rng, files):
    name = _pick(rng, files, (".yaml", ".js", ".json"))
    data = bytearray(files[name])
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    files[name] = bytes(data)


def truncate(rng, files):
    name = _pick(rng, files, (".yaml", ".js", ".json"))
    files[name] = files[name][: rng.randrange(len(files[name]) + 1)]


def swap_value(rng, files):
    name = _pick(rng, files, (".yaml",))
    lines = files[name].decode("utf-8", "replace").splitlines()
    keyed = [i for i, line in enumerate(lines) if ":" in line and not line.lstrip().startswith("#")]
    if keyed:
        i = rng.choice(keyed)
        lines[i] = lines[i].split(":", 1)[0] + ": " + rng.choice(ODD_VALUES)
    files[name] = "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"


def deep_nesting(rng, files):
    depth = rng.choice([50, 101, 400, 999, 5000])
    opener, closer = rng.choice([("[", "]"), ("{a: ", "}")])
    name = _pick(rng, files, (".yaml",))
    files[name] += f"deep: {opener * depth}1{closer * depth}\n".encode()


def alias_bomb(rng, files):
    levels = rng.randint(3, 10)
    text = "b0: &b0 ['@@X@@', x, x, x, x, x, x, x, x]\n"
    text += "".join(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, levels))
    name = _pick(rng, files, (".yaml",))
    files[name] += text.encode()


def huge_number(rng, files):
    section = rng.choice(["limits: {timeout: %s}", "limits: {memory: %s}", "rate_limits: {crud: %s}",
                          "rate_limits: {window: %s}", "app: %s", "limits: {payload: %s}"])
    value = rng.choice([".inf", ".nan", "-1", "0", "1e400", "9" * 400, "0.0001", "'12'"])
    files["actionctl.yaml"] = files.get("actionctl.yaml", b"") + (section % value).encode() + b"\n"


def odd_unicode(rng, files):
    name = _pick(rng, files, (".yaml", ".js"))
    text = files[name].decode("utf-8", "replace")
    at = rng.randrange(len(text) + 1)
    files[name] = (text[:at] + rng.choice(ODD_TEXT) + text[at:]).encode("utf-8", "surrogatepass")


def invalid_utf8(rng, files):
    name = _pick(rng, files, (".yaml", ".js"))
    data = files[name]
    at = rng.randrange(len(data) + 1)
    files[name] = data[:at] + rng.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00"]) + data[at:]


def code_path(rng, files):
    name = _pick(rng, files, (".yaml",))
    if name is None or name == "actionctl.yaml" or not name.startswith("actions/"):
        name = "actions/t.yaml" if "actions/t.yaml" in files else name
    files[name] = files.get(name, b"name: t\n") + f'\ncode: "{rng.choice(PATHS)}"\n'.encode()


def actions_path(rng, files):
    files["actionctl.yaml"] = files.get("actionctl.yaml", b"") + f'\nactions: "{rng.choice(PATHS)}"\n'.encode()


def symlink(rng, files):
    target = rng.choice(["/etc/hostname", "/proc/self/environ", "/dev/zero", "../actionctl.yaml", "loop.js",
                         "../../outside", "."])
    files[rng.choice(["actions/t.js", "actions/link.yaml", "actions/loop.js", "actions/sub"])] = Link(target)


def duplicate_key(rng, files):
    name = _pick(rng, files, (".yaml",))
    files[name] += b"\nname: again\nname: and-again\n"


MUTATIONS = [flip_bytes, truncate, swap_value, deep_nesting, alias_bomb, huge_number, odd_unicode, invalid_utf8,
             code_path, actions_path, symlink, duplicate_key]


def build(root: Path, files: dict[str, bytes | Link]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            if not path.exists() and not path.is_symlink():
                path.symlink_to(str(content))
        else:
            path.write_bytes(content)


def projects(tmp_path: Path) -> list[Path]:
    rng = random.Random(SEED)
    bases = seeds()
    made = []
    for index in range(CASES):
        files = dict(rng.choice(bases))
        for mutation in rng.sample(MUTATIONS, rng.randint(1, 3)):
            mutation(rng, files)
        root = tmp_path / f"case{index:03d}"
        build(root, files)
        made.append(root)
    return made


# --- the driver: validate each project in-process, one line of facts per project -----------------------

DRIVER = """
import json, os, sys, time
from typer.testing import CliRunner
from actionctl.cli import app

runner = CliRunner()
for folder in sys.argv[1:]:
    os.chdir(folder)
    started = time.monotonic()
    result = runner.invoke(app, ["validate", "--format", "json"])
    seconds = time.monotonic() - started
    try:
        json.loads(result.stdout)
        valid = True
    except ValueError:
        valid = False
    crash = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        crash = repr(result.exception)[:300]
    output = result.stdout + result.stderr
    print(json.dumps({"case": os.path.basename(folder), "exit": result.exit_code, "json": valid, "crash": crash,
                      "traceback": "Traceback" in output or "INTERNAL_ERROR" in output,
                      "slow": seconds > float(os.environ["CASE_BOUND"])}), flush=True)
"""


def test_validate_survives_mutated_projects(tmp_path, monkeypatch):
    made = projects(tmp_path)
    monkeypatch.setenv("CASE_BOUND", str(CASE_BOUND))
    facts = []
    for batch in range(BATCHES):
        chunk = made[batch::BATCHES]
        done = subprocess.run([sys.executable, "-c", DRIVER, *map(str, chunk)], capture_output=True, text=True,
                              timeout=HANG_LIMIT + CASE_BOUND * len(chunk) // 10, cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        facts += [json.loads(line) for line in done.stdout.splitlines()]
    assert len(facts) == CASES
    assert [f["case"] for f in facts if f["crash"] or f["traceback"]] == []
    assert [f["case"] for f in facts if f["exit"] not in (0, 1, 2)] == []
    assert [f["case"] for f in facts if not f["json"]] == []
    assert [f["case"] for f in facts if f["slow"]] == []


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_every_mutation_changes_something(mutation):
    rng = random.Random(SEED)
    base = seeds()[1]
    files = dict(base)
    mutation(rng, files)
    assert files != base or mutation is truncate
