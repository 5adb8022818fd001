"""The pieces under diff/push/pull: normalising, planning, state, manifest edits and variables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actionctl import sync, variables
from actionctl.manifest import FIELDS
from actionctl.sync import manifest_writer
from actionctl.sync.local import content_hash
from actionctl.sync.model import SYNCED_FIELDS, LocalAction
from actionctl.sync.state import State, state_path

CODE = "async function execute(context) {\n  return 1;\n}\n"


def remote(**fields) -> dict:
    base = {"id": 7, "name": "a", "description": None, "code": CODE, "active": True, "environment": "server",
            "triggers": [{"trigger": "manual"}], "dependencies": [], "frequency": None, "timezone": None,
            "updatedAt": "2026-01-01T00:00:00.000Z", "productionTaskId": None}
    return {**base, **fields}


def local(**fields) -> LocalAction:
    data = {k: v for k, v in remote(**fields).items() if k in SYNCED_FIELDS}
    return LocalAction(data["name"], Path("/p/actions/a.yaml"), "actions/a.yaml", data, Path("/p/actions/a.js"))


def state(tmp_path: Path) -> State:
    return State(tmp_path / "s.json", 1, "http://x/")


def test_sync_compares_every_field_a_manifest_has():
    assert set(SYNCED_FIELDS) == set(FIELDS)


@pytest.mark.parametrize(("mine", "theirs"), [
    ({"code": CODE}, {"code": CODE.rstrip("\n")}),                          # trailing newline
    ({"code": CODE}, {"code": CODE.replace("\n", "\r\n")}),                 # line endings
    ({"description": ""}, {"description": None}),
    ({"description": None}, {"description": ""}),
    ({"environment": None}, {"environment": "server"}),
    ({"timezone": None}, {"timezone": ""}),
    ({"triggers": [{"trigger": "manual"}, {"trigger": "log", "where": {"type": "x"}}]},
     {"triggers": [{"trigger": "log", "where": {"type": "x"}}, {"trigger": "manual"}]}),  # a set
    ({"triggers": [{"trigger": "manual", "where": None}]}, {"triggers": [{"trigger": "manual"}]}),
])
def test_differences_the_service_would_not_notice_are_not_changes(tmp_path, mine, theirs):
    plan = sync.plan([local(**mine)], [remote(**theirs)], state(tmp_path))
    assert [s.kind for s in plan.steps] == ["unchanged"]


def test_dependency_order_is_load_order_and_so_a_change(tmp_path):
    plan = sync.plan([local(dependencies=["fliplet-media", "fliplet-datasources"])],
                     [remote(dependencies=["fliplet-datasources", "fliplet-media"])], state(tmp_path))
    [step] = plan.steps
    assert step.kind == "update" and [c.field for c in step.changes] == ["dependencies"]
    assert step.payload() == {"dependencies": ["fliplet-media", "fliplet-datasources"]}  # only what changed


def test_a_plan_has_one_step_per_action_of_either_side(tmp_path):
    plan = sync.plan([local(name="new"), local(name="same")], [remote(name="same"), remote(name="gone", id=9)],
                     state(tmp_path))
    assert [(s.name, s.kind) for s in plan.steps] == [("gone", "remote-only"), ("new", "create"),
                                                       ("same", "unchanged")]
    pruned = sync.plan([local(name="same")], [remote(name="same"), remote(name="gone", id=9)], state(tmp_path),
                       prune=True)
    assert [s.kind for s in pruned.steps] == ["delete", "unchanged"]
    assert pruned.summary()["delete"] == 1 and pruned.has_changes


def test_state_turns_a_remote_edit_into_a_conflict(tmp_path):
    known = state(tmp_path)
    known.record("a", remote(), content_hash(remote()), "actions/a.yaml")
    edited = remote(description="browser")
    [mine_unchanged] = sync.plan([local()], [edited], known).steps
    assert mine_unchanged.kind == "conflict" and "service" in mine_unchanged.reason
    [both] = sync.plan([local(code=CODE + "// x\n")], [edited], known).steps
    assert both.kind == "conflict" and "both" in both.reason
    [only_mine] = sync.plan([local(code=CODE + "// x\n")], [remote()], known).steps
    assert only_mine.kind == "update"
    # Another action under the same name (deleted and recreated on the service) is not "ours" to compare.
    [other] = sync.plan([local()], [remote(id=99, description="browser")], known).steps
    assert other.kind == "update"


def test_state_of_another_app_or_unreadable_is_ignored(tmp_path):
    saved = State.load(tmp_path, 1, "http://x/")
    saved.record("a", remote(), "h", "actions/a.yaml")
    saved.save()
    assert State.load(tmp_path, 1, "http://x/").get("a").id == 7
    assert State.load(tmp_path, 2, "http://x/").get("a") is None
    state_path(tmp_path, 1, "http://x/").write_text("{not json")
    assert State.load(tmp_path, 1, "http://x/").entries == {}


def test_each_app_and_service_has_a_state_of_its_own(tmp_path):
    for app, url in [(1, "http://x/"), (2, "http://x/"), (1, "https://y.example:8443/api/")]:
        state = State.load(tmp_path, app, url)
        state.record("a", remote(id=app), f"hash-{app}-{url}", "actions/a.yaml")
        state.save()
    assert State.load(tmp_path, 1, "http://x/").get("a").hash == "hash-1-http://x/"
    assert State.load(tmp_path, 2, "http://x/").get("a").hash == "hash-2-http://x/"
    assert State.load(tmp_path, 1, "https://y.example:8443/api/").get("a").id == 1
    assert state_path(tmp_path, 1, "https://y.example:8443/api/").name == "1@y.example-8443-api.json"
    assert State.load(tmp_path, 1, "https://x/").entries == {}  # the file names the host, the file says the URL


class _FlakyClient:
    """Applies writes in memory; fails the ones named with the given status."""

    def __init__(self, failures: dict[str, int]) -> None:
        self.failures = failures
        self.calls: list[tuple[str, object]] = []

    def _maybe_fail(self, name: str) -> None:
        from actionctl.remote.errors import ServiceError

        if name in self.failures:
            raise ServiceError(f"no {name}", code="NOPE", status=self.failures[name])

    def create_action(self, fields):
        self._maybe_fail(fields["name"])
        self.calls.append(("create", fields["name"]))
        return {"id": len(self.calls), **fields}

    def update_action(self, action_id, fields):
        self.calls.append(("update", action_id))
        return {"id": action_id, **fields}


def test_apply_goes_on_after_one_action_is_refused_and_stops_when_everything_would_fail(tmp_path):
    plan = sync.plan([local(name="a"), local(name="b"), local(name="c")], [], state(tmp_path))
    outcome = sync.apply(plan, _FlakyClient({"a": 400}), state(tmp_path))
    assert [d.name for d in outcome.done] == ["b", "c"] and [f.name for f in outcome.failed] == ["a"]
    stopped = sync.apply(plan, _FlakyClient({"b": 503}), state(tmp_path))
    assert [d.name for d in stopped.done] == ["a"] and [s.name for s in stopped.not_attempted] == ["c"]


def test_apply_records_each_write_in_the_state_as_it_lands(tmp_path):
    known = state(tmp_path)
    plan = sync.plan([local(name="a"), local(name="b")], [], known)
    sync.apply(plan, _FlakyClient({"b": 400}), known)
    saved = yaml.safe_load((tmp_path / "s.json").read_text())
    assert list(saved["actions"]) == ["a"]  # b failed: nothing claims it landed
    assert saved["actions"]["a"]["hash"] == content_hash(plan.steps[0].local.fields)



def test_publishing_an_unchanged_action_is_a_step_of_its_own(tmp_path):
    mine = [local(name="fresh"), local(name="behind"), local(name="same")]
    theirs = [remote(name="fresh", id=1), remote(name="behind", id=2, productionTaskId=20),
              remote(name="same", id=3, productionTaskId=30)]
    productions = [remote(name="behind", id=20, masterTaskId=2, description="old"),
                   remote(name="same", id=30, masterTaskId=3)]
    plan = sync.plan(mine, theirs, state(tmp_path), publish=True, productions=productions)
    assert [(s.name, s.kind, s.reason) for s in plan.steps] == [
        ("behind", "publish", "the production copy is behind"), ("fresh", "publish", "not published"),
        ("same", "unchanged", "")]
    summary = plan.summary()
    assert (summary["publishOnly"], summary["publish"], summary["unchanged"]) == (2, 2, 1) and plan.has_changes
    assert plan.as_json()["actions"][0]["action"] == "publish"

    client = _FlakyClient({})
    client.publish_action = lambda action_id: client.calls.append(("publish", action_id))
    outcome = sync.apply(plan, client, state(tmp_path))
    assert client.calls == [("publish", 2), ("publish", 1)]
    assert [(d.name, d.kind, d.published) for d in outcome.done] == [("behind", "publish", True),
                                                                      ("fresh", "publish", True)]

# --- manifests written by pull --------------------------------------------------------------------


def test_a_new_manifest_is_written_as_actionctl_new_writes_it():
    text = manifest_writer.render({"name": "x", "description": None, "active": True, "environment": "server",
                                   "frequency": "0 8 * * 1", "timezone": "Europe/Rome",
                                   "triggers": [{"trigger": "schedule"}], "dependencies": []},
                                  "../schema.json")
    assert text == ("# yaml-language-server: $schema=../schema.json\nname: x\nactive: true\nenvironment: server\n"
                    'frequency: "0 8 * * 1"\ntimezone: Europe/Rome\ntriggers:\n  - trigger: schedule\n')


def test_editing_a_manifest_keeps_comments_and_untouched_fields():
    text = ("# my notes\nname: x   # the name\ndescription: old  # say what it does\nactive: true\n\n"
            "# when it runs\ntriggers:\n  - trigger: manual   # by hand\nenvironment: server\n")
    edited = manifest_writer.update(text, {"description": "new text", "triggers": [{"trigger": "log"}],
                                           "dependencies": ["fliplet-datasources"], "active": False})
    assert edited == ("# my notes\nname: x   # the name\ndescription: new text  # say what it does\nactive: false\n\n"
                      "# when it runs\ntriggers:\n  - trigger: log\nenvironment: server\n"
                      "dependencies:\n  - fliplet-datasources\n")  # after every field it follows in ORDER


def test_a_field_back_to_its_default_is_removed_from_the_manifest():
    text = "name: x\ndescription: |\n  two\n  lines\nactive: true\nfrequency: '0 8 * * *'\n"
    assert manifest_writer.update(text, {"description": None, "frequency": None}) == "name: x\nactive: true\n"


# --- variables ------------------------------------------------------------------------------------


def test_a_whole_placeholder_takes_the_value_and_its_type():
    values = {"DS": 158, "STAGE": "prod", "ON": True}
    filled = variables.fill_data({"a": "@@DS@@", "b": "id @@DS@@ in @@STAGE@@", "c": ["@@ON@@"]}, values)
    assert filled == {"a": 158, "b": "id 158 in prod", "c": [True]}
    assert variables.fill_text("x = @@DS@@; y = '@@STAGE@@'", values) == "x = 158; y = 'prod'"


def test_unknown_placeholders_are_reported_where_they_are():
    found: list[variables.Undefined] = []
    variables.fill_data({"where": {"id": "x @@NOPE@@"}}, {}, found)
    assert found == [variables.Undefined("NOPE", ("where", "id"), 2)]


def test_placeholders_cannot_be_javascript_or_handlebars():
    for text in ("a @ b", "{{ name }}", "${x}", "@decorator", "email@example.com", "@@ not a name @@"):
        assert variables.PLACEHOLDER.search(text) is None


def test_restoring_turns_values_back_only_where_they_stand_alone():
    values = {"DS": 158, "URL": "https://api.example.com", "HOST": "api.example.com"}
    code = "connect(158); limit(1580); fetch('https://api.example.com/x'); ping('api.example.com')"
    assert variables.restore_text(code, values) == (
        "connect(@@DS@@); limit(1580); fetch('@@URL@@/x'); ping('@@HOST@@')")
    assert variables.restore_data({"id": 158, "flag": True, "n": "158"}, values) == {
        "id": "@@DS@@", "flag": True, "n": "@@DS@@"}


def test_profile_variables_overlay_the_top_level_ones():
    config = {"vars": {"A": 1, "B": 2}, "profiles": {"dev": {"vars": {"B": 3, "C": 4}}, "prod": {"app": 2}}}
    assert variables.for_profile(config, "dev") == {"A": 1, "B": 3, "C": 4}
    assert variables.for_profile(config, "prod") == {"A": 1, "B": 2}
    assert variables.across_profiles(config) == {"A": 1, "B": 2, "C": 4}
    assert variables.missing_in_profiles(config, {"A", "C"}) == {"C": ["prod"]}
    assert variables.across_profiles({}) is None


def test_short_values_are_restored_inside_text_only_when_asked():
    values = {"RETRIES": 3, "BOOKINGS": 1580}
    code = "retry(3); connect(1580);"
    assert variables.restore_text(code, values) == "retry(@@RETRIES@@); connect(@@BOOKINGS@@);"
    assert variables.restore_text(code, values, min_length=4) == "retry(3); connect(@@BOOKINGS@@);"
    assert variables.restore_data({"id": 3, "note": "try 3 times"}, values, 4) == {"id": "@@RETRIES@@",
                                                                                    "note": "try 3 times"}


def test_deploying_without_a_profile_uses_only_the_top_level_variables():
    config = {"vars": {"A": 1}, "profiles": {"dev": {"vars": {"B": 2}}}}
    assert variables.top_level(config) == {"A": 1}
    assert variables.top_level({"profiles": {"dev": {"vars": {"B": 2}}}}) is None
    assert variables.for_deploy(config, None) == {"A": 1} and variables.for_local(config, None) == {"A": 1, "B": 2}
    assert variables.for_deploy(config, "dev") == variables.for_local(config, "dev") == {"A": 1, "B": 2}
