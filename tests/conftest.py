"""Shared fixtures: an isolated environment, tree and action builders, a CLI runner that parses JSON
output, and an emulator with a project pointed at it. Plain helpers live in support.py."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import EMULATOR_TOKEN, HANG_LIMIT, UNLIMITED, service_client, start_emulator
from typer.testing import CliRunner

from actionctl.cli import app
from actionctl.runtime.host import Worker

os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")  # for the CLI processes tests start, too


@pytest.fixture(autouse=True)
def isolation(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No colour, a wide terminal, no user config and no token from the developer's shell."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("ACTIONCTL_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    for name in ("ACTIONCTL_TOKEN", "ACTIONCTL_PROFILE", "ACTIONCTL_DEBUG", "ACTIONCTL_EMULATOR_FAULTS", "CI",
                 "GITHUB_ACTIONS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (actionctl.yaml, actions/) that is the working directory."""
    (tmp_path / "actionctl.yaml").write_text("region: eu\n")
    (tmp_path / "actions").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def tree(project: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write files (text or bytes) below the project root."""

    def build(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            path = project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return project

    return build


MANUAL = "name: {name}\nactive: true\ntriggers: [{{trigger: manual}}]\n"


@pytest.fixture
def action(tree) -> Callable[..., str]:
    """Write an action (manifest + code, and any other files) and return its name; by default its
    manifest gives it a manual trigger."""

    def make(code: str, name: str = "a", manifest: str | None = None, **files: str) -> str:
        tree({f"actions/{name}.yaml": manifest or MANUAL.format(name=name), f"actions/{name}.js": code, **files})
        return name

    return make


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def cli() -> Callable[..., Outcome]:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Outcome:
        result = runner.invoke(app, list(args), catch_exceptions=False, input=input)
        stderr = result.stderr if _has_stderr(result) else ""
        return Outcome(result.exit_code, result.stdout, stderr)

    return invoke


@pytest.fixture
def emulator(tmp_path_factory: pytest.TempPathFactory):
    """A service emulator on a free loopback port, with its own database; stopped after the test.

    Runs may take as long as they need on a busy machine (the deadline only stops a hang). Its rate
    limits are out of reach so that tests arranging many actions do not wait out minutes of
    pacing; tests about the limits lower them, or force 429s, through `_emulator/config`. Its fault
    dice are seeded, so a test that turns faults on meets the same faults on every run (at 20%, six
    failures in a row — what the client's retries give up after — would otherwise strike about one run
    in a hundred).
    """
    folder = tmp_path_factory.mktemp("emulator")
    server = start_emulator(db=folder / "state.sqlite3", token=EMULATOR_TOKEN, timeout=HANG_LIMIT, fault_seed=2026)
    yield server
    server.close()


@pytest.fixture
def remote(project: Path, emulator, monkeypatch: pytest.MonkeyPatch):
    """A project whose actionctl.yaml points at the emulator (app 1), with the token in the environment."""
    # The client is told the emulator's out-of-reach limits too, or it would pace itself to 60 a minute.
    (project / "actionctl.yaml").write_text(f"region: eu\napp: 1\napi_url: {emulator.url}\n"
                                            f"rate_limits: {json.dumps(UNLIMITED)}\n")
    monkeypatch.setenv("ACTIONCTL_TOKEN", EMULATOR_TOKEN)
    return emulator


@pytest.fixture
def api(remote):
    """The core client on the emulator's app 1, for arranging what a test needs on the service."""
    with service_client(remote) as client:
        yield client


def _has_stderr(result) -> bool:
    try:
        result.stderr  # noqa: B018 - older Click raises when stderr is not captured separately
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def worker():
    """One warm worker for a test module's direct runs of the runtime (no CLI in between)."""
    warm = Worker(256)
    yield warm
    warm.close()
