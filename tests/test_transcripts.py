"""The whole text a user reads from diff, push, pull, test and run, pinned exactly.

Like the validate corpus pins every diagnostic, these pin every line of stdout and stderr for small,
realistic projects; `support.normalise` replaces only what differs from run to run (durations,
loopback ports, temporary paths, timestamps).
"""

from __future__ import annotations

from textwrap import dedent

import pytest
from support import normalise

GREET_YAML = "name: greet\nactive: true\ntriggers: [{trigger: manual}]\n"
GREET_JS = ("async function execute(context) {\n"
            "  console.log('greeting', context.payload.name);\n"
            "  return { greeting: 'Hello ' + context.payload.name };\n"
            "}\n")
NIGHTLY_YAML = ("name: nightly\nactive: true\nfrequency: '0 3 * * *'\ntimezone: Europe/London\n"
                "triggers: [{trigger: schedule}]\n")
NIGHTLY_JS = "async function execute(context) {\n  return { ok: true };\n}\n"


def transcript(cli, *args: str) -> str:
    """What the user sees of one command: its exit code, stdout and stderr, normalised."""
    result = cli(*args)
    return normalise(f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}")


def expect(text: str) -> str:
    return dedent(text).lstrip("\n")


@pytest.fixture
def pushed(cli, tree, remote):
    """A project of two actions, greet and nightly, pushed to the emulator as they are."""
    tree({"actions/greet.yaml": GREET_YAML, "actions/greet.js": GREET_JS,
          "actions/nightly.yaml": NIGHTLY_YAML, "actions/nightly.js": NIGHTLY_JS})
    assert cli("push", "--yes").exit_code == 0
    return remote


@pytest.fixture
def edited_on_the_service(pushed, api):
    """Then, on the service: greet's code and description edited, and a new action, cleanup."""
    greet = api.find_action("greet")
    api.update_action(greet["id"], {"code": GREET_JS.replace("'Hello '", "'Hey '"), "description": "says hey"})
    api.create_action({"name": "cleanup", "code": NIGHTLY_JS, "active": False, "environment": "server",
                       "triggers": [{"trigger": "manual"}]})


# --- diff and push ---------------------------------------------------------------------------------


def test_diff_and_push_of_a_new_project(cli, tree, remote):
    tree({"actions/greet.yaml": GREET_YAML, "actions/greet.js": GREET_JS,
          "actions/nightly.yaml": NIGHTLY_YAML, "actions/nightly.js": NIGHTLY_JS})
    plan = expect("""
        Plan for app 1 at http://127.0.0.1:<port>/
        + create      greet
            name: "greet"
            active: true
            triggers: [{"trigger": "manual"}]
            code: 4 lines (greet.js)
        + create      nightly
            name: "nightly"
            active: true
            triggers: [{"trigger": "schedule"}]
            frequency: "0 3 * * *"
            timezone: "Europe/London"
            code: 3 lines (nightly.js)
        Plan: 2 to create, 0 to update, 0 to delete, 0 unchanged.
        """)
    assert transcript(cli, "diff") == f"exit 0\n--- stdout\n{plan}--- stderr\n"
    assert transcript(cli, "push", "--yes") == f"exit 0\n--- stdout\n{plan}--- stderr\n" + expect("""
        [1/2] create greet: done
        [2/2] create nightly: done
        ✓ pushed: 2 created, 0 updated, 0 deleted, 0 published
        """)


def test_diff_and_push_with_nothing_to_do(cli, pushed):
    unchanged = expect("""
        exit 0
        --- stdout
        Plan for app 1 at http://127.0.0.1:<port>/
        No changes: 0 to create, 0 to update, 0 to delete, 2 unchanged.
        --- stderr
        """)
    assert transcript(cli, "diff") == unchanged
    assert transcript(cli, "push", "--yes") == unchanged
    assert transcript(cli, "diff", "--exit-code") == unchanged


def test_diff_and_push_of_a_code_change_and_a_field_change(cli, pushed, project):
    (project / "actions/greet.js").write_text(GREET_JS.replace("'Hello '", "'Hi '"))
    (project / "actions/nightly.yaml").write_text(NIGHTLY_YAML.replace("active: true", "active: false"))
    plan = expect("""
        Plan for app 1 at http://127.0.0.1:<port>/
        ~ update      greet  (id 1, not published)
            code:
              --- remote: greet
              +++ local: actions/greet.js
              @@ -1,4 +1,4 @@
               async function execute(context) {
                 console.log('greeting', context.payload.name);
              -  return { greeting: 'Hello ' + context.payload.name };
              +  return { greeting: 'Hi ' + context.payload.name };
               }
        ~ update      nightly  (id 2, not published)
            active: true → false
        Plan: 0 to create, 2 to update, 0 to delete, 0 unchanged.
        """)
    assert transcript(cli, "diff") == f"exit 0\n--- stdout\n{plan}--- stderr\n"
    assert transcript(cli, "diff", "--exit-code") == f"exit 4\n--- stdout\n{plan}--- stderr\n"
    assert transcript(cli, "push", "--yes") == f"exit 0\n--- stdout\n{plan}--- stderr\n" + expect("""
        [1/2] update greet: done
        [2/2] update nightly: done
        ✓ pushed: 0 created, 2 updated, 0 deleted, 0 published
        """)


def test_diff_of_an_edit_made_on_the_service_and_an_action_only_there(cli, edited_on_the_service):
    assert transcript(cli, "diff") == expect("""
        exit 0
        --- stdout
        Plan for app 1 at http://127.0.0.1:<port>/
        ? remote-only cleanup  (id 3, not published)
            not in the repository: --prune deletes it
        ! conflict    greet  (id 1, not published)
            edited on the service since the last sync (this push would undo that edit)
            description: "says hey" → null
            code:
              --- remote: greet
              +++ local: actions/greet.js
              @@ -1,4 +1,4 @@
               async function execute(context) {
                 console.log('greeting', context.payload.name);
              -  return { greeting: 'Hey ' + context.payload.name };
              +  return { greeting: 'Hello ' + context.payload.name };
               }
        Plan: 0 to create, 0 to update, 0 to delete, 1 in conflict, 1 unchanged, 1 only on the service.
        --- stderr
        """)


# --- pull ------------------------------------------------------------------------------------------


def test_pull_writes_the_services_edits_and_new_actions(cli, edited_on_the_service, project):
    assert transcript(cli, "pull") == expect("""
        exit 0
        --- stdout
        + created cleanup: actions/cleanup.yaml, actions/cleanup.js
        ~ updated greet: actions/greet.yaml, actions/greet.js
        --- stderr
        2 written, 1 unchanged, 0 kept
        """)
    assert (project / "actions/greet.yaml").read_text() == GREET_YAML.replace(
        "name: greet\n", "name: greet\ndescription: says hey\n")
    assert (project / "actions/greet.js").read_text() == GREET_JS.replace("'Hello '", "'Hey '")
    assert (project / "actions/cleanup.yaml").read_text() == expect("""
        # yaml-language-server: $schema=../.actionctl/manifest.schema.json
        name: cleanup
        active: false
        environment: server
        triggers:
          - trigger: manual
        """)
    assert transcript(cli, "pull") == "exit 0\n--- stdout\n--- stderr\n0 written, 3 unchanged, 0 kept\n"


# --- test and run ------------------------------------------------------------------------------------

SENDER_YAML = ("name: greet\nactive: true\ntriggers: [{trigger: manual}]\n"
               "dependencies: [fliplet-communicate, fliplet-datasources]\n")
SENDER_JS = """\
async function execute(context) {
  const name = context.payload.name;
  if (!name) throw new Error('name is required');
  console.log('greeting ' + name);
  console.warn('no template for ' + name);
  await Fliplet.Communicate.sendEmail({to: [{email: name + '@example.com'}], subject: 'Hello ' + name, html: 'hi'});
  const people = await Fliplet.DataSources.connect(7);
  await people.insert({Name: name});
  return { greeting: 'Hello ' + name, people: (await people.find()).length };
}
"""
SENDER_TESTS = """\
action: greet
cases:
  - name: greets by name
    payload: {name: Ann}
    expect:
      result: {greeting: Hello Ann, people: 2}
      emails: [{subject: Hello Ann}]
  - name: needs a name
    expect:
      error: {code: EXECUTION_FAILED, message: name is required}
  - name: says hi
    payload: {name: Bob}
    expect:
      result_contains: {greeting: Hi Bob}
      emails: 2
"""


@pytest.fixture
def sender(tree):
    """An action that logs, sends an email and adds a row to data source 7, with three test cases."""
    return tree({"actions/greet.yaml": SENDER_YAML, "actions/greet.js": SENDER_JS,
                 "tests/greet.test.yaml": SENDER_TESTS,
                 "fixtures/datasources/7.yaml": "name: People\nentries:\n  - data: {Name: Ada}\n"})


def test_test_reports_each_case_and_why_one_failed(cli, sender):
    assert transcript(cli, "test") == expect("""
        exit 1
        --- stdout
        ✓ tests/greet.test.yaml::greets by name  <ms>
        ✓ tests/greet.test.yaml::needs a name  <ms>
        ✗ tests/greet.test.yaml::says hi  <ms>
            result.greeting: expected "Hi Bob", got "Hello Bob"
            expected 2 emails, got 1
        2 passed, 1 failed
        --- stderr
        """)


def test_run_shows_the_logs_the_effects_and_the_result(cli, sender):
    assert transcript(cli, "run", "greet", "--payload", '{"name": "Ann"}') == expect("""
        exit 0
        --- stdout
        ✓ greet  <ms>
        console
          log   greeting Ann
          warn  no template for Ann
        effects
          email → Ann@example.com: 'Hello Ann'
          + data source 7 #2 {"Name": "Ann"}
        result
        {
          "greeting": "Hello Ann",
          "people": 2
        }
        --- stderr
        """)


def test_run_of_code_that_throws_points_at_the_line(cli, sender):
    assert transcript(cli, "run", "greet") == expect("""
        exit 1
        --- stdout
        ✗ greet  EXECUTION_FAILED  <ms>
        Error: name is required
            at execute (actions/greet.js:3:20)
          2 │   const name = context.payload.name;
          3 │   if (!name) throw new Error('name is required');
            │                    ^
        --- stderr
        """)


def test_run_stopped_at_its_deadline(cli, action):
    action("async function execute(context) {\n  console.log('starting');\n  while (true) {}\n}\n")
    assert transcript(cli, "run", "a", "--timeout", "1") == expect("""
        exit 1
        --- stdout
        ✗ a  EXECUTION_TIMEOUT  <ms>
        the action ran longer than 1 s and was stopped (console output of a stopped run is lost)
        --- stderr
        """)
