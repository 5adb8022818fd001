"""`fixtures pull|list` end to end: the emulator serves the documented Data Sources routes from the fixtures of
a project of its own (the "service's" data), and the CLI pulls them into the project under test."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from support import EMULATOR_TOKEN, HANG_LIMIT, UNLIMITED, configure, fake_service, start_emulator, stats

from actionctl.datasources.redaction import KEY_FILE, Redactor
from actionctl.runtime import fixtures as fixture_files

USERS = """name: Users
columns: [email, name, age]
entries:
  - data: {email: ada@example.org, name: Ada, age: 36, tags: [admin, ops], profile: {phone: "+44 1234"}}
    createdAt: "2026-02-01T10:00:00.000Z"
  - data: {email: bob@example.org, name: Bob, age: "17"}
  - data: {email: cy@example.org, name: Cy, age: 52, vip: true, score: 2.5, note: null}
"""
ORDERS = "name: Orders\nentries:\n  - data: {owner: ada@example.org, total: 12}\n  - data: {owner: cy@example.org}\n"
RAW = ("ada@example.org", "bob@example.org", "cy@example.org", "ada@", "example.org")


@pytest.fixture
def service(tmp_path_factory):
    """An emulator whose data sources are Users (158) and Orders (9)."""
    seed = tmp_path_factory.mktemp("service")
    (seed / "fixtures" / "datasources").mkdir(parents=True)
    (seed / "fixtures/datasources/158.yaml").write_text(USERS)
    (seed / "fixtures/datasources/9.yaml").write_text(ORDERS)
    server = start_emulator(token=EMULATOR_TOKEN, project=seed, timeout=HANG_LIMIT)
    yield server
    server.close()


@pytest.fixture
def pointed(project: Path, service, monkeypatch: pytest.MonkeyPatch) -> Path:
    (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {service.url}\nrate_limits: {json.dumps(UNLIMITED)}\n")
    monkeypatch.setenv("ACTIONCTL_TOKEN", EMULATOR_TOKEN)
    return project


def fixture_text(project: Path, source_id: int) -> str:
    return (project / f"fixtures/datasources/{source_id}.yaml").read_text(encoding="utf-8")


def test_pull_with_where_and_redact_writes_the_selected_entries_with_stand_ins(cli, pointed):
    pulled = cli("fixtures", "pull", "Users", "--where", '{"age": {"$gt": 20}}', "--redact", "email",
                 "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json == {"app": 1, "dataSources": [
        {"id": 158, "name": "Users", "file": "fixtures/datasources/158.yaml", "entries": 2,
         "columns": ["email", "name", "age", "tags", "profile", "vip", "score", "note"],
         "columnsFrom": "dataSource", "redacted": ["email"]}]}
    text = fixture_text(pointed, 158)
    assert text.startswith("# pulled by `actionctl fixtures pull` from data source 158 of app 1;")
    for raw in RAW:
        assert raw not in text
    source = fixture_files.load(pointed).datasources["158"]  # what runs will read
    assert source["name"] == "Users"
    assert [e["id"] for e in source["entries"]] == [1, 3]  # "17" is not above 20: Bob is left out
    ada, cy = (e["data"] for e in source["entries"])
    assert re.fullmatch(r"user-[0-9a-f]{16}@example\.com", ada["email"])
    assert ada["email"] != cy["email"]
    assert {k: v for k, v in ada.items() if k != "email"} == {"name": "Ada", "age": 36, "tags": ["admin", "ops"],
                                                              "profile": {"phone": "+44 1234"}}
    assert source["entries"][0]["createdAt"] == "2026-02-01T10:00:00.000Z"


def test_every_kind_of_value_gets_a_stand_in_of_its_kind_and_none_stays(cli, pointed, tree):
    tree({KEY_FILE: "a fixed key, so the stand-ins below are always the same\n"})
    columns = ("email", "name", "age", "tags", "profile", "vip", "score", "note")
    pulled = cli("fixtures", "pull", "158", *(a for c in columns for a in ("--redact", c)))
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.stdout == "wrote fixtures/datasources/158.yaml: Users (3 entries; " + ", ".join(columns) + \
        " redacted)\n"
    text = fixture_text(pointed, 158)
    for raw in (*RAW, "Ada", "Bob", "admin", "ops", "+44 1234"):  # text no digest can spell (not hex)
        assert raw not in text, raw
    ada, bob, cy = (e["data"] for e in fixture_files.load(pointed).datasources["158"]["entries"])
    assert ada["age"] != 36 and cy["age"] != 52 and cy["score"] != 2.5
    assert re.fullmatch(r"redacted-[0-9a-f]{16}", ada["name"])
    assert isinstance(ada["age"], int) and not isinstance(ada["age"], bool) and 0 <= ada["age"] < 2**53
    assert re.fullmatch(r"redacted-[0-9a-f]{16}", bob["age"])  # text stays text
    assert len(ada["tags"]) == 2 and all(t.startswith("redacted-") for t in ada["tags"])
    assert list(ada["profile"]) == ["phone"] and ada["profile"]["phone"].startswith("redacted-")
    assert isinstance(cy["vip"], bool) and isinstance(cy["score"], float)
    assert cy["note"] is None


def test_stand_ins_are_the_same_across_data_sources_and_pulls_so_joins_hold(cli, pointed):
    first = cli("fixtures", "pull", "Users", "Orders", "--redact", "email", "--redact", "owner")
    assert first.exit_code == 0, first.stderr
    users = fixture_files.load(pointed).datasources
    emails = [e["data"]["email"] for e in users["158"]["entries"]]
    owners = [e["data"].get("owner") for e in users["9"]["entries"]]
    assert owners == [emails[0], emails[2]]  # ada's orders still join ada, cy's cy
    before = (fixture_text(pointed, 158), fixture_text(pointed, 9))
    again = cli("fixtures", "pull", "Users", "Orders", "--redact", "email", "--redact", "owner")
    assert again.exit_code == 0, again.stderr  # an untouched pull is replaced without --force
    assert (fixture_text(pointed, 158), fixture_text(pointed, 9)) == before
    assert (pointed / KEY_FILE).is_file()


def test_the_redaction_key_is_its_owners_alone_and_the_fixture_is_an_ordinary_file(cli, pointed):
    # Whoever reads the key can test guesses ("ada@example.org"?) against the stand-ins committed in fixtures.
    old = os.umask(0o022)
    try:
        assert cli("fixtures", "pull", "Users", "--redact", "email").exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((pointed / ".actionctl/local/redaction.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((pointed / "fixtures/datasources/158.yaml").stat().st_mode) == 0o644


def test_stand_ins_of_numbers_are_wide_enough_that_joins_hold():
    # 10⁹ whole numbers met one another once in a hundred among 5,000 ids: a redacted key column joined
    # rows that do not belong together.
    redactor = Redactor(b"k" * 32)
    ids = [redactor.value(n) for n in range(20_000)]
    prices = [redactor.value(n + 0.5) for n in range(20_000)]
    assert len(set(ids)) == len(ids) and len(set(prices)) == len(prices)
    assert all(isinstance(i, int) and 0 <= i < 2**53 for i in ids) and max(ids) > 10**12


def test_a_redaction_key_cut_short_is_refused_and_nothing_is_written(cli, pointed):
    key = pointed / KEY_FILE
    key.parent.mkdir(parents=True, exist_ok=True)
    key.write_text("\n")
    refused = cli("fixtures", "pull", "Users", "--redact", "email")
    assert refused.exit_code == 1
    assert refused.stderr == ("error: .actionctl/local/redaction.key holds 0 characters, fewer than 32: stand-ins "
                              "keyed by it could be traced back — delete it for a new one (or copy the whole key from "
                              "the clone whose stand-ins you want) [REDACTION_KEY_INVALID]\n")
    assert not (pointed / "fixtures/datasources/158.yaml").exists()


def test_stand_ins_follow_the_key_alone():
    one, other = Redactor(b"k1"), Redactor(b"k2")
    assert one.value("ada@example.org") == Redactor(b"k1").value("ada@example.org")
    assert one.value("ada@example.org") != other.value("ada@example.org")
    assert one.value({"a": [1, "x@y.z"]}) == {"a": [one.value(1), one.value("x@y.z")]}
    # A key shaped like a field name is the data's shape; any other holds data, and is replaced.
    keyed = one.value({"ada@real.org": True, "Ada Lovelace": 1, "home_phone": "555"})
    assert "ada@real.org" not in json.dumps(keyed) and "Lovelace" not in json.dumps(keyed)
    assert "home_phone" in keyed and "555" not in json.dumps(keyed)
    assert isinstance(one.value(12), int) and re.fullmatch(r"redacted-[0-9a-f]{16}", one.value("12"))
    assert one.value(None) is None


def test_a_locally_edited_fixture_is_refused_and_kept_unless_forced(cli, pointed):
    assert cli("fixtures", "pull", "Users", "Orders").exit_code == 0
    path = pointed / "fixtures/datasources/158.yaml"
    edited = path.read_text(encoding="utf-8").replace("name: Ada", "name: Ada Lovelace")
    path.write_text(edited, encoding="utf-8")
    orders = fixture_text(pointed, 9)

    refused = cli("fixtures", "pull", "Orders", "Users", "--where", '{"name": "Bob"}')
    assert refused.exit_code == 1
    assert refused.stderr == ("error: fixtures/datasources/158.yaml was edited since it was pulled (or never "
                              "pulled) — nothing was written; --force replaces it [FIXTURE_EDITED]\n")
    assert path.read_text(encoding="utf-8") == edited and fixture_text(pointed, 9) == orders
    listed = cli("fixtures", "list", "--format", "json")
    assert listed.json == {"app": 1, "dataSources": [
        {"id": 158, "name": "Users", "columns": ["email", "name", "age"],
         "fixture": "fixtures/datasources/158.yaml", "edited": True},
        {"id": 9, "name": "Orders", "columns": None, "fixture": "fixtures/datasources/9.yaml", "edited": False}]}

    as_json = cli("fixtures", "pull", "Users", "--format", "json")
    assert as_json.exit_code == 1 and as_json.json["ok"] is False
    assert as_json.json["error"]["code"] == "FIXTURE_EDITED"

    forced = cli("fixtures", "pull", "Users", "--where", '{"name": "Bob"}', "--force")
    assert forced.exit_code == 0, forced.stderr
    assert [e["data"]["name"] for e in fixture_files.load(pointed).datasources["158"]["entries"]] == ["Bob"]
    assert cli("fixtures", "list", "--format", "json").json["dataSources"][0]["edited"] is False


def test_a_hand_written_fixture_is_the_users_and_a_json_one_is_never_replaced(cli, pointed, tree):
    tree({"fixtures/datasources/158.yaml": "name: Users\nentries: []\n", "fixtures/datasources/9.json": "{}"})
    hand = cli("fixtures", "pull", "Users")
    assert hand.exit_code == 1 and hand.stderr.endswith("--force replaces it [FIXTURE_EDITED]\n")
    beside = cli("fixtures", "pull", "9", "--force")
    assert beside.exit_code == 1
    assert beside.stderr == ("error: fixtures/datasources/9.json already holds data source 9 — remove it to pull "
                             "into fixtures/datasources/<id>.yaml; nothing was written [FIXTURE_EDITED]\n")
    assert not (pointed / "fixtures/datasources/9.yaml").exists()


def test_a_fixture_named_otherwise_is_found_by_its_id_and_never_doubled(cli, pointed, tree):
    tree({"fixtures/datasources/users.yaml": "id: 158\nname: Users\nentries: []\n"})
    for args in (("158",), ("158", "--force")):
        refused = cli("fixtures", "pull", *args)
        assert refused.exit_code == 1
        assert refused.stderr == ("error: fixtures/datasources/users.yaml already holds data source 158 — remove it "
                                  "to pull into fixtures/datasources/<id>.yaml; nothing was written "
                                  "[FIXTURE_EDITED]\n")
    assert not (pointed / "fixtures/datasources/158.yaml").exists()
    assert fixture_files.load(pointed).files["158"].name == "users.yaml"
    listed = cli("fixtures", "list", "--format", "json").json["dataSources"]
    assert listed[0] == {"id": 158, "name": "Users", "columns": ["email", "name", "age"],
                         "fixture": "fixtures/datasources/users.yaml", "edited": True}


def test_an_id_yaml_holding_another_source_is_never_replaced(cli, pointed, tree):
    tree({"fixtures/datasources/158.yaml": "id: 9\nname: Orders\nentries: []\n"})
    refused = cli("fixtures", "pull", "Users", "--force")
    assert refused.exit_code == 1
    assert refused.stderr == ("error: fixtures/datasources/158.yaml holds data source 9 (its `id:`) — remove it to "
                              "pull into fixtures/datasources/<id>.yaml; nothing was written [FIXTURE_EDITED]\n")
    assert fixture_text(pointed, 158) == "id: 9\nname: Orders\nentries: []\n"


def test_names_the_app_does_not_have_or_has_twice_are_refused(cli, pointed, service):
    unknown = cli("fixtures", "pull", "Userz")
    assert unknown.exit_code == 2
    assert unknown.stderr == ('error: no data source named "Userz" in app 1 on the service — did you mean "Users"? '
                              "[DATASOURCE_NOT_FOUND]\n")
    (service.options.project / "fixtures/datasources/7.yaml").write_text("name: Users\nentries: []\n")
    twice = cli("fixtures", "pull", "Users")
    assert twice.exit_code == 2
    assert twice.stderr == ('error: 2 data sources of app 1 are named "Users" (ids 158, 7) — pass the id instead '
                            "[DATASOURCE_AMBIGUOUS]\n")
    assert cli("fixtures", "pull", "7").exit_code == 0
    assert not (pointed / "fixtures/datasources/158.yaml").exists()


def test_a_misspelt_redact_column_writes_nothing(cli, pointed):
    refused = cli("fixtures", "pull", "Users", "Orders", "--redact", "emial")
    assert refused.exit_code == 2
    assert refused.stderr == ('error: --redact emial: no data source pulled has a column "emial", so nothing was '
                              'written — did you mean "email"? [REDACT_COLUMN_UNKNOWN]\n')
    assert not (pointed / "fixtures").exists()


def test_where_and_limit_reach_the_service(cli, pointed):
    limited = cli("fixtures", "pull", "Users", "--limit", "1", "--format", "json")
    assert limited.json["dataSources"][0]["entries"] == 1
    not_object = cli("fixtures", "pull", "Users", "--where", "[1]")
    assert not_object.exit_code == 2
    assert not_object.stderr == 'error: --where must be a JSON object, e.g. {"email": "ada@example.org"} [USAGE]\n'
    refused = cli("fixtures", "pull", "Users", "--where", '{"age": {"$nope": 1}}')
    assert refused.exit_code == 3 and refused.stderr.endswith("[BAD_REQUEST]\n"), refused.stderr


def test_pull_is_paced_and_waits_out_a_rate_limit(cli, pointed, service):
    configure(service, force_429={"crud": 2})
    pulled = cli("fixtures", "pull", "Users", "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json["dataSources"][0]["entries"] == 3
    assert stats(service)["rateLimited"] == 2


def test_list_shows_each_data_source_and_its_fixture(cli, pointed):
    assert cli("fixtures", "pull", "Orders").exit_code == 0
    listed = cli("fixtures", "list")
    assert listed.exit_code == 0, listed.stderr
    assert [line.split() for line in listed.stdout.splitlines()] == [
        ["id", "name", "fixture"], ["158", "Users", "—"], ["9", "Orders", "fixtures/datasources/9.yaml"]]


def test_an_emulator_without_a_project_has_no_data_sources(cli, remote):
    listed = cli("fixtures", "list", "--format", "json")
    assert listed.json == {"app": 1, "dataSources": []}
    assert cli("fixtures", "list").stderr == "the app has no data sources\n"


def test_an_answer_of_the_wrong_shape_is_the_services_fault_and_writes_nothing(cli, project, monkeypatch):
    def answer(method: str, target: str):
        if target.startswith("/v1/data-sources?"):
            return 200, {"dataSources": [{"id": 3, "name": "Users", "columns": None}]}
        return 200, {"entries": {"id": 1}}  # an object where the list of entries belongs

    with fake_service(answer) as url:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "a-token")
        pulled = cli("fixtures", "pull", "Users")
    assert pulled.exit_code == 3
    assert pulled.stderr == ("error: POST v1/data-sources/3/data/query: the service's entries are not a list of "
                             "objects [SERVICE_ANSWER_INVALID]\n")
    assert not (project / "fixtures").exists()


def test_a_service_that_ignores_the_limit_still_gives_no_more_than_asked(cli, project, monkeypatch):
    # `limit` in the query body is inferred: were the service to ignore it, --limit still holds.
    def answer(method: str, target: str):
        if target.startswith("/v1/data-sources?"):
            return 200, {"dataSources": [{"id": 3, "name": "Users", "columns": ["n"]}]}
        return 200, {"entries": [{"id": n, "data": {"n": n}} for n in range(1, 6)]}

    with fake_service(answer) as url:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "a-token")
        pulled = cli("fixtures", "pull", "Users", "--limit", "2", "--format", "json")
    assert pulled.exit_code == 0, pulled.stderr
    assert pulled.json["dataSources"][0]["entries"] == 2
    assert [e["id"] for e in fixture_files.load(project).datasources["3"]["entries"]] == [1, 2]


@pytest.mark.parametrize("query_answer", [(200, b"<html>Sign in</html>"), (200, {"data": []}),
                                          (200, {"entries": None})],
                         ids=["a web page", "another shape", "null entries"])
def test_an_answer_that_is_not_the_documented_one_writes_nothing(cli, project, monkeypatch, query_answer):
    def answer(method: str, target: str):
        if target.startswith("/v1/data-sources?"):
            return 200, {"dataSources": [{"id": 3, "name": "Users", "columns": ["n"]}]}
        return query_answer

    (project / "fixtures/datasources").mkdir(parents=True, exist_ok=True)
    with fake_service(answer) as url:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "a-token")
        pulled = cli("fixtures", "pull", "Users", "--force")
    assert pulled.exit_code == 3, pulled.stdout
    assert pulled.stderr.endswith("[SERVICE_ANSWER_INVALID]\n"), pulled.stderr
    assert list((project / "fixtures/datasources").iterdir()) == []


def test_a_listing_that_is_not_the_documented_one_is_not_an_app_without_data_sources(cli, project, monkeypatch):
    with fake_service(lambda method, target: (200, b"<html>Sign in</html>")) as url:
        (project / "actionctl.yaml").write_text(f"app: 1\napi_url: {url}\n")
        monkeypatch.setenv("ACTIONCTL_TOKEN", "a-token")
        listed = cli("fixtures", "list")
    assert listed.exit_code == 3
    assert listed.stderr.endswith("[SERVICE_ANSWER_INVALID]\n"), listed.stderr


def test_a_where_that_backtracks_for_ever_is_stopped_and_later_queries_still_answer(cli, pointed, service,
                                                                                   monkeypatch):
    # `^(a+)+$` over forty a's and a "!" never ends: it is stopped (at a limit lowered for the test, so the
    # outcome does not hang on the machine's speed) and holds no later query.
    monkeypatch.setattr("actionctl.emulator.datasources.QUERY_SECONDS", 0.2)
    (service.options.project / "fixtures/datasources/14.yaml").write_text(
        "name: Notes\nentries:\n  - data: {s: " + "a" * 40 + "!}\n")
    stuck = cli("fixtures", "pull", "Notes", "--where", '{"s": {"$regex": "^(a+)+$"}}')
    assert stuck.exit_code == 3
    assert stuck.stderr.endswith("where took longer than 0.2 s to evaluate [BAD_REQUEST]\n"), stuck.stderr
    after = cli("fixtures", "pull", "Users", "--where", '{"age": {"$gt": 40}}', "--format", "json")
    assert after.exit_code == 0, after.stderr
    assert after.json["dataSources"][0]["entries"] == 1


def test_an_unreadable_fixture_is_kept_unless_forced_and_stops_neither_pull_nor_list(cli, pointed):
    broken = pointed / "fixtures/datasources/9.yaml"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("name: Orders\nentries: [\n")
    listed = cli("fixtures", "list", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert {s["id"]: s["edited"] for s in listed.json["dataSources"]} == {158: False, 9: True}
    refused = cli("fixtures", "pull", "Orders")
    assert refused.exit_code == 1 and refused.stderr.endswith("[FIXTURE_EDITED]\n"), refused.stderr
    assert broken.read_text() == "name: Orders\nentries: [\n"
    assert cli("fixtures", "pull", "Orders", "--force").exit_code == 0
    assert fixture_files.load(pointed).datasources["9"]["name"] == "Orders"
