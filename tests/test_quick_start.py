"""The README's quick start, followed literally in a fresh folder, works end to end.

Each command of its code block runs as a user types it, in a terminal (a pty), one after the other. The only
change is where the service is: a test reaches no account, so each command that talks to the service is sent to
an emulator on loopback (`--api-url`, which wins over the `--region` the README gives), and the browser of
`login` is a small program that follows the sign-in link as a signed-in browser would.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from support import ACTIONCTL, HANG_LIMIT, start_emulator

README = Path(__file__).resolve().parent.parent / "README.md"
REMOTE = ("login", "diff", "push", "pull", "whoami")
FOLLOWING = "import sys, urllib.request\nurllib.request.urlopen(sys.argv[1], timeout=60).read()\n"


def quick_start() -> list[list[str]]:
    """The commands of the README's quick start, comments dropped, as argument lists."""
    section = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [shlex.split(line.split("#", 1)[0]) for line in block.splitlines() if line.split("#", 1)[0].strip()]


def in_a_terminal(args: list[str], cwd: Path, env: dict, answer: str = "") -> tuple[int, str]:
    """Run `args` with a pty as its terminal (stdin, stdout and stderr), typing `answer`; its status and output."""
    main, side = pty.openpty()
    try:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdin=side, stdout=side, stderr=side)
        os.close(side)
        if answer:
            os.write(main, answer.encode())
        output = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other side closed: the command ended
                break
            if not chunk:
                break
            output += chunk
        return process.wait(timeout=HANG_LIMIT), output.decode("utf-8", "replace")
    finally:
        os.close(main)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_the_quick_start_works_as_written(tmp_path, monkeypatch):
    commands = quick_start()
    assert [c[:2] for c in commands] == [["actionctl", "init"], ["cd", "my-actions"], ["actionctl", "new"],
                                         ["actionctl", "validate"], ["actionctl", "test"], ["actionctl", "login"],
                                         ["actionctl", "diff"], ["actionctl", "push"]], commands
    browser = tmp_path / "browser"
    browser.write_text(f"#!{sys.executable}\n{FOLLOWING}")
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": str(browser), "COLUMNS": "120", "NO_COLOR": "1"}
    env.pop("ACTIONCTL_TOKEN", None)
    folder = tmp_path
    with start_emulator() as emulator:
        for command in commands:
            if command[0] == "cd":
                folder = folder / command[1]
                continue
            args = [*ACTIONCTL, *command[1:]]
            if command[1] in REMOTE:
                args += ["--api-url", emulator.url]
            code, output = in_a_terminal(args, folder, env, answer="y\n" if command[1] == "push" else "")
            assert code == 0, f"{shlex.join(command)} → {code}\n{output}"
        with_names = subprocess.run([*ACTIONCTL, "remote", "list", "--api-url", emulator.url, "--format", "json"],
                                    cwd=folder, env=env, capture_output=True, text=True, timeout=HANG_LIMIT)
    assert with_names.returncode == 0, with_names.stderr
    assert [a["name"] for a in json.loads(with_names.stdout)["actions"]] == ["confirm-booking"]
