"""One lookup of an action: every command given a name that is not there says so the same way."""

from __future__ import annotations

import pytest

HELLO = {"actions/hello.yaml": "name: hello\nactive: true\ntriggers: [{trigger: schedule}]\nfrequency: '0 8 * * 1'\n"
                               "timezone: Europe/Rome\n",
         "actions/hello.js": "async function execute(context) { return 1; }\n"}
LOCAL = 'error: no action named "helo" in the repository — did you mean "hello"? [ACTION_NOT_FOUND]\n'
BOTH = 'error: no action named "helo" in the repository or on the service — did you mean "hello"? [ACTION_NOT_FOUND]\n'
REMOTE = 'error: no action named "helo" in app 1 on the service — did you mean "hello"? [ACTION_NOT_FOUND]\n'
ONLY_HERE = 'error: no action named "hello" in app 1 on the service — it is only in the repository [ACTION_NOT_FOUND]\n'


@pytest.mark.parametrize(("args", "message"), [
    (("run", "helo"), LOCAL),
    (("schedule", "helo"), LOCAL),
    (("trigger", "schedule", "helo"), LOCAL),
    (("diff", "helo"), BOTH),
    (("push", "helo", "--yes"), BOTH),
    (("pull", "helo"), REMOTE),
    (("remote", "show", "helo"), REMOTE),
    (("remote", "run", "helo"), REMOTE),
    (("remote", "delete", "helo", "--yes"), REMOTE),
    (("publish", "helo"), REMOTE),
    (("unpublish", "helo"), REMOTE),
    (("logs", "helo"), REMOTE),
    (("versions", "helo"), REMOTE),
    (("rollback", "helo", "1"), REMOTE),
])
def test_an_unknown_name_is_action_not_found_with_exit_2_everywhere(cli, tree, remote, args, message):
    tree(HELLO)
    assert cli("push", "--yes").exit_code == 0
    result = cli(*args)
    assert (result.exit_code, result.stderr) == (2, message)


def test_an_unknown_id_on_the_service_is_not_found_too(cli, tree, remote):
    tree(HELLO)
    assert cli("push", "--yes").exit_code == 0
    result = cli("remote", "show", "424242")
    assert (result.exit_code, result.stderr) == (
        2, 'error: no action named "424242" in app 1 on the service — see `actionctl remote list` [ACTION_NOT_FOUND]\n')


def test_pull_names_an_action_only_the_repository_has(cli, tree, remote):
    tree(HELLO)
    result = cli("pull", "hello")
    assert (result.exit_code, result.stderr) == (2, ONLY_HERE)


def test_a_code_file_no_manifest_uses_is_not_found(cli, tree):
    tree({**HELLO, "actions/stray.js": "async function execute() {}\n"})
    for args in (("run", "actions/stray.js"), ("validate", "actions/stray.js")):
        result = cli(*args)
        assert (result.exit_code, result.stderr) == (
            2, "error: no manifest in the project uses actions/stray.js as its code [ACTION_NOT_FOUND]\n")
