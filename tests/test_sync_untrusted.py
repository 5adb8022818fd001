"""Sync against what it cannot trust: a service that lists entries no file can hold or no terminal should
print, a disk that fills or refuses mid-pull, a pull killed between an action's two files, two pushes
saving one state file."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import threading
from pathlib import Path

import pytest
from support import listing_service

from actionctl.sync.state import State, state_path

CODE = "async function execute(context) {\n  return 1;\n}\n"


def entry(id_: int, name, **fields) -> dict:
    return {"id": id_, "name": name, "code": CODE, "active": True, "environment": "server", "triggers": [],
            "dependencies": [], **fields}


@pytest.fixture
def served(project: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the project at a service listing the given entries: `with served([...]):`."""
    from contextlib import contextmanager

    @contextmanager
    def serve(actions: list):
        with listing_service(actions) as url:
            (project / "actionctl.yaml").write_text(f"region: eu\napp: 1\napi_url: {url}\n")
            monkeypatch.setenv("ACTIONCTL_TOKEN", "listing-service-token")
            yield url

    return serve


HOSTILE = [
    entry(1, "good"),
    entry(3, None),
    entry(4, 12),
    entry(5, ["a"]),
    "not an action",
    entry(7, "surrogate", description="caf\ud800"),
    entry(8, "numeric-code", code=42),
    entry(9, "x" * 252),  # x….yaml is 257 bytes: no file system here names a file that long
]


# --- item 5: entries of the listing that cannot be used ------------------------------------------------


def test_pull_sets_aside_unusable_entries_one_coded_line_each_and_pulls_the_rest(cli, served, project):
    with served(HOSTILE):
        result = cli("pull")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:7] == [
        "! set aside id 3 of the listing: its name is null, not text [REMOTE_ACTION_UNUSABLE]",
        "! set aside id 4 of the listing: its name is a number, not text [REMOTE_ACTION_UNUSABLE]",
        "! set aside id 5 of the listing: its name is a list, not text [REMOTE_ACTION_UNUSABLE]",
        "! set aside entry 5 of the listing: the entry is text, not an action [REMOTE_ACTION_UNUSABLE]",
        '! set aside "surrogate": its description holds a character that cannot be written as UTF-8 (a lone '
        "surrogate) [REMOTE_ACTION_UNUSABLE]",
        '! set aside "numeric-code": its code is a number, where the service keeps text or null '
        "[REMOTE_ACTION_UNUSABLE]",
        f'! set aside "{"x" * 252}": the name is 252 characters long: its manifest\'s file name would be 257 '
        "bytes, and a file name can have 255 here — rename it on the service [REMOTE_ACTION_UNUSABLE]",
    ]
    assert lines[-2] == "1 written, 0 unchanged, 0 kept, 7 set aside"
    assert lines[-1].startswith("error: 7 actions on the service cannot be used here: ")
    assert lines[-1].endswith("[REMOTE_ACTION_UNUSABLE]")
    assert sorted(p.name for p in (project / "actions").iterdir()) == ["good.js", "good.yaml"]
    assert cli("validate").exit_code == 0  # what was written reads back


def test_diff_and_remote_list_set_aside_the_same_entries(cli, served):
    with served(HOSTILE):
        diff = cli("diff", "--format", "json")
        listed = cli("remote", "list", "--format", "json")
    assert diff.exit_code == listed.exit_code == 1
    assert [a["name"] for a in diff.json["actions"]] == ["good", "x" * 252]  # a long name is fine off disk
    unusable = [u["entry"] for u in diff.json["unusable"]]
    assert unusable == ["id 3 of the listing", "id 4 of the listing", "id 5 of the listing", "entry 5 of the listing",
                        '"surrogate"', '"numeric-code"']
    assert [u["entry"] for u in listed.json["unusable"]] == unusable
    assert [a["name"] for a in listed.json["actions"]] == ["good", "x" * 252]
    assert diff.stderr.splitlines()[-1].endswith("[REMOTE_ACTION_UNUSABLE]")


def test_push_sends_nothing_for_an_action_whose_copy_on_the_service_is_unusable(cli, served, action):
    action(CODE, name="numeric-code")
    with served(HOSTILE):  # it answers GET only: a create or an update would fail with 501
        result = cli("push", "--yes", "--format", "json")
    assert result.exit_code == 1
    assert result.json["plan"]["summary"]["create"] == 0
    assert [a["name"] for a in result.json["plan"]["actions"]] == ["good", "x" * 252]
    assert result.stderr.endswith("[REMOTE_ACTION_UNUSABLE]\n")


def test_ci_fails_as_diff_does_when_the_service_lists_unusable_entries(cli, served):
    with served(HOSTILE):
        result = cli("ci", "--format", "json")
    assert result.exit_code == 1
    assert result.json["ok"] is False
    assert len(result.json["diff"]["unusable"]) == 6
    assert result.json["error"]["code"] == "REMOTE_ACTION_UNUSABLE"
    assert result.stderr.splitlines()[-1].endswith("[REMOTE_ACTION_UNUSABLE]")


def test_an_action_too_large_to_read_back_is_set_aside_not_pulled(cli, served, project):
    huge = entry(2, "huge", code="// x\n" * (6 * 1024 * 1024 // 5))
    with served([entry(1, "good"), huge]):
        pulled = cli("pull")
        again = cli("diff", "--format", "json")
    assert pulled.exit_code == 1
    assert '! set aside "huge": its code is larger than the 5 MB actionctl reads from a file' in pulled.stderr
    assert sorted(p.name for p in (project / "actions").iterdir()) == ["good.js", "good.yaml"]
    assert again.exit_code == 1 and [a["name"] for a in again.json["actions"]] == ["good"]  # not stopped by it


def test_remote_show_of_an_unusable_entry_says_why_and_of_a_usable_one_works(cli, served):
    with served(HOSTILE):
        bad = cli("remote", "show", "numeric-code")
        good = cli("remote", "show", "good")
    assert (bad.exit_code, bad.stdout) == (1, "")
    assert bad.stderr == ('error: "numeric-code" on the service cannot be used here: its code is a number, where '
                          "the service keeps text or null — fix it on the service (nothing else was held back by it) "
                          "[REMOTE_ACTION_UNUSABLE]\n")
    assert good.exit_code == 0
    assert "name: good" in good.stdout


def test_a_name_that_fits_a_file_with_room_to_spare_is_pulled(cli, served, project):
    name = "y" * 245  # its temporary file's name would have been 264 bytes
    with served([entry(1, name)]):
        result = cli("pull")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (project / "actions").iterdir()) == [f"{name}.js", f"{name}.yaml"]


ESCAPING = "esc\x1b[2J\rred\n::error file=x::forged\n::stop-commands::halt"


def test_names_from_the_service_are_printed_escaped(cli, served):
    with served([entry(1, ESCAPING)]):
        diff = cli("diff")
        pulled = cli("pull")
        listed = cli("remote", "list")
    for output in (diff.stdout, diff.stderr, pulled.stdout, pulled.stderr, listed.stdout, listed.stderr):
        assert "\x1b" not in output and "\r" not in output
        assert not [line for line in output.splitlines() if line.lstrip().startswith("::")]
    assert ("? remote-only esc\\x1b[2J\\rred\\n\\x3a:error file=x\\x3a:forged\\n\\x3a:stop-commands\\x3a:halt"
            in diff.stdout)
    assert pulled.exit_code == 1  # not a file name: set aside, the reason printed escaped too
    assert '! set aside "esc\\x1b[2J\\rred\\n\\x3a:error' in pulled.stderr


def test_a_name_wrapped_in_a_table_starts_no_workflow_command(cli, served):
    name = "v" * 20 + " ::error title=WRAP::x " + "u" * 20 + " ::warning::W3"
    with served([entry(1, name)]):
        listed = cli("remote", "list")
    assert listed.exit_code == 0
    assert not [line for line in listed.stdout.splitlines() if line.lstrip().startswith("::")]
    assert "::" not in listed.stdout


def test_printable_escapes_what_could_act_on_a_terminal_or_a_ci_log():
    from actionctl.render.printable import printable, printable_lines

    assert printable("plain-name_1 é") == "plain-name_1 é"
    assert printable("a\x1b[31mb\x07\x7f\x9b") == "a\\x1b[31mb\\x07\\x7f\\x9b"
    assert printable("one\ntwo\rthree\tfour") == "one\\ntwo\\rthree\tfour"
    assert printable("::stop-commands::x") == "\\x3a:stop-commands\\x3a:x"
    assert printable("  ::error::x") == "  \\x3a:error\\x3a:x"
    assert printable("a ::b") == "a \\x3a:b"  # wrapped in a table at the space, it would start a line
    assert printable("a:b") == "a:b"
    assert printable("http://[::1]:8686/") == "http://[::1]:8686/"
    assert printable("x ##[error]y") == "x \\x23#[error]y"
    assert printable("lone \ud800 and \u202e") == "lone \\ud800 and \\u202e"
    assert printable_lines("ok\n::warning::w\n\x1b") == "ok\n\\x3a:warning\\x3a:w\n\\x1b"


# --- item 6: an action written as a pair or not at all -----------------------------------------------


@pytest.fixture
def one_action_on_the_service(api):
    api.create_action({"name": "a", "code": CODE, "active": True, "triggers": [{"trigger": "manual"}]})
    return api


def _failing(monkeypatch, name: str, project: Path, when, exc: BaseException) -> None:
    """Make os.<name> raise `exc` for a file of the project's actions folder once `when(dst)` says so."""
    real = getattr(os, name)
    actions = str(project / "actions")

    def fake(src, dst, *args, **kwargs):
        if str(dst).startswith(actions) and when(str(dst)):
            raise exc
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, name, fake)


def _actions_folder(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "actions").iterdir())


def test_a_full_disk_mid_pull_is_disk_full_and_leaves_no_half_action(cli, one_action_on_the_service, project,
                                                                        monkeypatch):
    real_fsync, calls = os.fsync, []

    def fsync(fd):  # the second file of the pair finds the disk full
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(project / "actions")):
            calls.append(fd)
            if len(calls) == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = cli("pull")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write ")
    assert result.stderr.endswith("No space left on device — free some space and run the command again; nothing "
                                  "was left half-written [DISK_FULL]\n")
    assert _actions_folder(project) == []  # neither file, and no temporary file
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert cli("pull").exit_code == 0
    assert _actions_folder(project) == ["a.js", "a.yaml"]


def test_a_refused_write_is_permission_denied(cli, one_action_on_the_service, project, monkeypatch):
    _failing(monkeypatch, "replace", project, lambda dst: True, PermissionError(errno.EACCES, "Permission denied"))
    _failing(monkeypatch, "link", project, lambda dst: True, PermissionError(errno.EACCES, "Permission denied"))
    result = cli("pull")
    assert result.exit_code == 1
    assert result.stderr.endswith(": Permission denied — make the folder writable and run the command again "
                                  "[PERMISSION_DENIED]\n")
    assert _actions_folder(project) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_pull_into_a_read_only_folder_is_permission_denied(cli, one_action_on_the_service, project):
    (project / "actions").chmod(0o555)
    try:
        result = cli("pull")
    finally:
        (project / "actions").chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr.endswith("[PERMISSION_DENIED]\n")


def test_a_pull_killed_between_a_new_actions_two_files_is_finished_by_the_next(cli, one_action_on_the_service,
                                                                                 project):
    with pytest.MonkeyPatch.context() as patch:  # the manifest (renamed last) never lands: the process is gone
        for name in ("replace", "link"):
            _failing(patch, name, project, lambda dst: dst.endswith(".yaml"), KeyboardInterrupt())
        assert cli("pull").exit_code == 130
    assert _actions_folder(project) == ["a.js"]
    result = cli("pull")
    assert (result.exit_code, result.stdout) == (0, "+ created a: actions/a.yaml, actions/a.js\n")
    assert _actions_folder(project) == ["a.js", "a.yaml"]


def test_a_pull_killed_between_an_updates_two_files_is_finished_by_the_next(cli, one_action_on_the_service,
                                                                              project):
    assert cli("pull").exit_code == 0
    one_action_on_the_service.update_action(one_action_on_the_service.list_actions()[0]["id"],
                                            {"code": CODE.replace("1", "2"), "description": "two"})
    renames = []
    with pytest.MonkeyPatch.context() as patch:
        _failing(patch, "replace", project, lambda dst: renames.append(dst) or len(renames) == 2,
                 KeyboardInterrupt())
        assert cli("pull").exit_code == 130  # one file of the pair is new, the other old
    result = cli("pull")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (0, "1 written, 0 unchanged, 0 kept")
    assert "return 2" in (project / "actions/a.js").read_text()
    assert "description: two" in (project / "actions/a.yaml").read_text()
    assert cli("diff", "--exit-code").exit_code == 0


def test_a_pull_killed_after_some_actions_is_finished_by_the_next(cli, api, project):
    for name in ("a", "b"):
        api.create_action({"name": name, "code": CODE, "active": True, "triggers": [{"trigger": "manual"}]})
    assert cli("pull").exit_code == 0
    for remote in api.list_actions():
        api.update_action(remote["id"], {"code": CODE.replace("1", "2")})
    with pytest.MonkeyPatch.context() as patch:  # a's code lands, then the process is gone
        _failing(patch, "replace", project, lambda dst: dst.endswith("b.js"), KeyboardInterrupt())
        assert cli("pull").exit_code == 130
    assert "return 2" in (project / "actions/a.js").read_text()
    result = cli("pull")
    assert (result.exit_code, result.stderr) == (0, "1 written, 1 unchanged, 0 kept\n")  # a landed whole
    assert cli("diff", "--exit-code").exit_code == 0


def test_pull_removes_temporary_files_a_killed_pull_left(cli, one_action_on_the_service, project):
    stale = [project / "actions/.a.yaml.k3j4h5g6.tmp", project / ".actionctl/state/.default.json.abcd_123.tmp"]
    kept = project / "actions/.notes.tmp"  # not of our naming: not ours to remove
    for path in [*stale, kept]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    assert cli("pull").exit_code == 0
    assert [p.exists() for p in stale] == [False, False]
    assert kept.exists()


def test_pulled_files_have_the_usual_permissions(cli, one_action_on_the_service, project):
    os.umask(old := os.umask(0o022))
    try:
        assert cli("pull").exit_code == 0
    finally:
        os.umask(old)
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in (project / "actions").iterdir()}
    assert modes == {"a.js": "0o644", "a.yaml": "0o644"}


# --- item 11: two pushes from one folder -------------------------------------------------------------


def _state(project: Path) -> State:
    return State.load(project, 1, "http://service/")


def test_two_pushes_saving_one_state_both_keep_their_entries(project):
    first, second = _state(project), _state(project)  # both loaded before either saved
    first.record("a", {"id": 1}, "hash-a", "actions/a.yaml")
    second.record("b", {"id": 2}, "hash-b", "actions/b.yaml")
    first.save()
    second.save()
    saved = json.loads(state_path(project, 1, "http://service/").read_text())
    assert sorted(saved["actions"]) == ["a", "b"]
    assert sorted(_state(project).entries) == ["a", "b"]


def test_a_state_save_waits_for_the_lock_and_merges_what_was_saved_meanwhile(project):
    waiting = _state(project)
    waiting.record("a", {"id": 1}, "hash-a", "actions/a.yaml")
    lock_path = project / ".actionctl/state/1@service.json.lock"
    lock_path.parent.mkdir(parents=True)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another push is saving
        saver = threading.Thread(target=waiting.save)
        saver.start()
        saver.join(0.5)
        assert saver.is_alive()  # held back: it cannot read a state that is being written
        other = _state(project)
        other.record("b", {"id": 2}, "hash-b", "actions/b.yaml")
        other.entries  # noqa: B018
        body = {"format": 1, "app": 1, "apiUrl": "http://service/",
                "actions": {"b": {"id": 2, "updatedAt": None, "hash": "hash-b", "file": "actions/b.yaml"}}}
        state_path(project, 1, "http://service/").write_text(json.dumps(body))
    saver.join(10)
    assert not saver.is_alive()
    assert sorted(_state(project).entries) == ["a", "b"]


def test_a_forgotten_entry_stays_forgotten_and_others_stay(project):
    base = _state(project)
    base.record("a", {"id": 1}, "hash-a", None)
    base.record("b", {"id": 2}, "hash-b", None)
    base.save()
    deleting, adding = _state(project), _state(project)
    deleting.forget("a")
    adding.record("c", {"id": 3}, "hash-c", None)
    deleting.save()
    adding.save()
    assert sorted(_state(project).entries) == ["b", "c"]


def test_the_job_summary_keeps_a_hostile_name_inside_its_cell():
    from types import SimpleNamespace

    from actionctl.render.ci_report import job_summary
    from actionctl.sync.model import Plan, Step

    plan = Plan([Step("remote-only", "a|b\n::error::x", reason="not in the repository")])
    summary = job_summary(SimpleNamespace(plan=plan, target=SimpleNamespace(app=1)), "Plan: …")
    assert summary.splitlines()[-1] == "| remote-only | `a\\|b\\n\\x3a:error\\x3a:x` | not in the repository |"


def test_a_github_annotation_stays_one_command_whatever_its_text():
    from actionctl.render.diagnostic_formats import github_command

    line = github_command("error", "bad\r\n::stop-commands::x 100%", file=None, title="a:b,c\n::x")
    assert line == "::error title=a%3Ab%2Cc%0A%3A%3Ax::bad%0D%0A::stop-commands::x 100%25"
