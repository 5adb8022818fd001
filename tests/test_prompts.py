"""Asking before a destructive step, in a real terminal: a "no" says that nothing was changed, and Ctrl-C at
the prompt ends the command as Ctrl-C does anywhere else (`interrupted`, exit 130), not with Click's `Aborted!`.

The terminal is a pseudo-terminal the command owns as its controlling terminal (support.Terminal), so the
Ctrl-C typed into it is turned into SIGINT by the terminal itself, as it is for a user; the test waits for the
prompt and for the command to sleep reading the answer (read in /proc), not for time."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import Terminal

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs a pseudo-terminal and /proc")

PROMPT = b"[y/N]: "
CTRL_C = b"\x03"


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
