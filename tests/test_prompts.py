"""Asking before a destructive step, in a real terminal: a "no" says that nothing was changed, and Ctrl-C at
the prompt ends the command as Ctrl-C does anywhere else (`interrupted`, exit 130), not with Click's `Aborted!`.

The terminal is a pseudo-terminal the command owns as its controlling terminal, so the Ctrl-C typed into it is
turned into SIGINT by the terminal itself, as it is for a user; the test waits for the prompt and for the
command to sleep reading the answer (read in /proc), not for time."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import subprocess
import termios
import time
from pathlib import Path

import pytest
from support import ACTIONCTL, HANG_LIMIT

from actionctl.envvars import Env

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs a pseudo-terminal and /proc")

PROMPT = b"[y/N]: "
CTRL_C = b"\x03"


def _own_terminal() -> None:
    """For `preexec_fn`: the pseudo-terminal on fd 0 becomes the command's controlling terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Terminal:
    """A command run in a pseudo-terminal: read what it shows, type into it."""

    def __init__(self, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = {**{k: v for k, v in os.environ.items() if k != Env.CI}, "NO_COLOR": "1"}
        self.process = subprocess.Popen([*ACTIONCTL, *args], stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True, preexec_fn=_own_terminal)
        os.close(slave)
        self.shown = b""

    def wait_for(self, text: bytes) -> None:
        deadline = time.monotonic() + HANG_LIMIT
        while text not in self.shown:
            assert time.monotonic() < deadline, self.shown
            if not self._read():
                raise AssertionError(f"the command ended before showing {text!r}: {self.shown!r}")

    def wait_reading(self) -> None:
        """Until the command sleeps on the terminal: a Ctrl-C that lands between the prompt and the read is
        seen by Python only at the next key (a race of CPython's input(), not of the command)."""
        deadline = time.monotonic() + HANG_LIMIT
        stat = Path(f"/proc/{self.process.pid}/stat")
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "S":
            assert time.monotonic() < deadline, self.shown
            time.sleep(0.01)

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def finish(self) -> tuple[int, str]:
        while self._read():
            pass
        status = self.process.wait(timeout=HANG_LIMIT)
        os.close(self.master)
        shown = self.shown.decode("utf-8", "replace").replace("\r\n", "\n")
        return status, re.sub(r"\x1b\[[0-9;]*m", "", shown)  # bold and dim stay on under NO_COLOR

    def _read(self) -> bool:
        ready, _, _ = select.select([self.master], [], [], HANG_LIMIT)
        try:
            chunk = os.read(self.master, 4096) if ready else b""
        except OSError:  # EIO: the command closed the terminal
            chunk = b""
        self.shown += chunk
        return bool(chunk)


@pytest.fixture
def stray(api):
    return api.create_action({"name": "stray", "code": "async function execute(context) { return 1; }"})


def test_ctrl_c_at_a_prompt_is_interrupted_and_exit_130(remote, project, api, stray):
    terminal = Terminal("remote", "delete", "stray")
    terminal.wait_for(PROMPT)
    terminal.wait_reading()
    terminal.type(CTRL_C)
    status, shown = terminal.finish()
    assert (status, shown.split(PROMPT.decode())[1].removeprefix("^C").strip()) == (130, "interrupted"), shown
    assert "Aborted" not in shown and "Traceback" not in shown
    assert api.find_action("stray") is not None


def test_no_at_a_prompt_says_that_nothing_was_changed(remote, project, api, stray):
    terminal = Terminal("remote", "delete", "stray")
    terminal.wait_for(PROMPT)
    terminal.type(b"n\n")
    status, shown = terminal.finish()
    assert status == 1, shown
    assert shown.splitlines()[-1] == ("error: answered no — nothing was changed (--yes confirms without asking) "
                                      "[NOT_CONFIRMED]")
    assert api.find_action("stray") is not None
