"""`actionctl schedule` and the cron facts behind it: next runs across daylight-saving changes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from actionctl import schedule

SCHEDULED = ("name: {name}\nactive: true\nfrequency: \"{cron}\"\ntimezone: {zone}\n"
             "triggers:\n  - trigger: schedule\n")


@pytest.fixture
def scheduled(action):
    """Write an action that runs on `cron` in `zone`."""

    def make(name: str, cron: str, zone: str = "Europe/Rome") -> None:
        action("async function execute(context) { return {}; }\n", name, SCHEDULED.format(name=name, cron=cron,
                                                                                         zone=zone))

    return make


def _runs(cli, *args):
    result = cli("schedule", *args, "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.json["schedules"]


def test_weekly_reminder_in_rome_crosses_spring_forward(cli, scheduled):
    scheduled("weekly", "0 8 * * 1")
    [item] = _runs(cli, "--from", "2026-03-23T00:00:00Z", "--count", "3")
    assert item["description"] == "At 08:00, only on Monday"
    assert [(r["local"], r["utc"]) for r in item["runs"]] == [
        ("2026-03-23T08:00:00+01:00", "2026-03-23T07:00:00Z"),
        ("2026-03-30T08:00:00+02:00", "2026-03-30T06:00:00Z"),  # summer time: one hour less to UTC
        ("2026-04-06T08:00:00+02:00", "2026-04-06T06:00:00Z"),
    ]


def test_a_daily_run_in_the_skipped_hour_runs_when_clocks_jump(cli, scheduled):
    scheduled("night", "30 2 * * *")
    [item] = _runs(cli, "--from", "2026-03-28T12:00:00Z", "--count", "3")
    runs = item["runs"]
    assert [r["local"] for r in runs] == ["2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00",
                                          "2026-03-31T02:30:00+02:00"]
    assert "does not exist" in runs[0]["note"] and runs[1]["note"] is None


def test_a_daily_run_in_the_repeated_hour_runs_once(cli, scheduled):
    scheduled("night", "30 2 * * *")
    [item] = _runs(cli, "--from", "2026-10-24T12:00:00Z", "--count", "2")
    assert [r["utc"] for r in item["runs"]] == ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]
    assert "happens twice" in item["runs"][0]["note"]


def test_an_hourly_schedule_follows_real_time_through_both_changes(cli, scheduled):
    scheduled("hourly", "30 * * * *")
    [autumn] = _runs(cli, "--from", "2026-10-25T00:00:00+02:00", "--count", "4")
    utc = [r["utc"] for r in autumn["runs"]]
    assert utc == ["2026-10-24T22:30:00Z", "2026-10-24T23:30:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z"]
    [spring] = _runs(cli, "--from", "2026-03-29T01:00:00+01:00", "--count", "2")
    assert [r["utc"] for r in spring["runs"]] == ["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z"]


def test_runs_are_strictly_after_from_and_unique(cli, scheduled):
    scheduled("every-ten", "*/10 * * * *", zone="America/New_York")
    [item] = _runs(cli, "--from", "2026-11-01T05:50:00Z", "--count", "20")
    utc = [r["utc"] for r in item["runs"]]
    assert utc[0] == "2026-11-01T06:00:00Z"
    assert len(set(utc)) == 20 and utc == sorted(utc)
    moments = [dt.datetime.fromisoformat(u[:-1]) for u in utc]
    steps = {b - a for a, b in itertools.pairwise(moments)}
    assert steps == {dt.timedelta(minutes=10)}  # New York falls back at 06:00Z; every ten minutes stays ten


def test_without_timezone_runs_are_the_server_default_previewed_in_utc(cli, tree):
    tree({"actions/a.yaml": 'name: a\nactive: true\nfrequency: "0 0 1 1 *"\ntriggers: [{trigger: schedule}]\n',
          "actions/a.js": "async function execute(context) { return 1 }\n"})
    [item] = _runs(cli, "--from", "2026-06-01T00:00:00Z", "--count", "1")
    assert item["timezone"] is None  # the service's default zone, which nobody has published
    text = cli("schedule", "--from", "2026-06-01T00:00:00Z", "--count", "1")
    assert "0 0 1 1 *  server default, assumed UTC here" in text.stdout and "local (UTC)" in text.stdout
    assert item["runs"] == [{"local": "2027-01-01T00:00:00+00:00", "utc": "2027-01-01T00:00:00Z", "note": None}]


def test_naming_an_action_shows_only_it_and_unknown_names_suggest(cli, scheduled):
    scheduled("weekly", "0 8 * * 1")
    scheduled("daily", "0 6 * * *")
    assert [s["name"] for s in _runs(cli, "daily", "--from", "2026-01-01")] == ["daily"]
    result = cli("schedule", "dayly")
    assert result.exit_code == 2
    assert 'no action named "dayly" in the repository — did you mean "daily"?' in result.stderr


def test_an_action_without_frequency_is_refused_by_name(cli, tree):
    tree({"actions/a.yaml": "name: a\nactive: true\ntriggers: [{trigger: manual}]\n",
          "actions/a.js": "async function execute(context) { return 1 }\n"})
    result = cli("schedule", "a")
    assert result.exit_code == 2
    assert "a has no frequency" in result.stderr


def test_bad_from_is_a_usage_error(cli, scheduled):
    scheduled("weekly", "0 8 * * 1")
    result = cli("schedule", "--from", "next tuesday")
    assert result.exit_code == 2
    assert "--from 'next tuesday' is not an ISO date" in result.stderr


def test_text_output_shows_both_clocks_and_the_description(cli, scheduled):
    scheduled("weekly", "0 8 * * 1")
    result = cli("schedule", "--from", "2026-03-23T00:00:00Z", "-n", "2")
    assert result.exit_code == 0
    assert "weekly  0 8 * * 1  Europe/Rome  At 08:00, only on Monday" in result.stdout
    assert "Mon 2026-03-30 08:00 CEST" in result.stdout and "2026-03-30 06:00Z" in result.stdout


@pytest.mark.parametrize(("cron", "zone", "code"), [("0 8 * *", "Europe/Rome", "FREQUENCY_INVALID"),
                                                   ("0 8 * * *", "Mars/Base", "TIMEZONE_INVALID")])
def test_an_invalid_frequency_or_timezone_is_reported_and_exits_1(cli, scheduled, cron, zone, code):
    scheduled("broken", cron, zone)
    scheduled("fine", "0 8 * * 1")
    result = cli("schedule", "--format", "json")
    assert result.exit_code == 1
    broken, fine = result.json["schedules"]
    assert broken["runs"] == [] and broken["error"].startswith(code) and fine["error"] is None
    text = cli("schedule")
    assert text.exit_code == 1 and f"  {code}: " in text.stdout


@pytest.mark.parametrize(("cron", "too_frequent"), [
    ("* * * * *", True), ("*/1 9 * * *", True), ("0-59 * * * *", True), ("* 9 * * 1", True),
    ("0,1 * * * *", True), ("0,59 * * * *", True), ("0,59 23 * * *", False), ("0,59 0,23 * * *", True),
    ("0,59 0,23 1 * *", False), ("0,59 0,23 1,2 * *", True), ("0,59 0,23 31 * *", False),
    ("0,59 0,23 * * 0,1", True), ("0,59 0,23 * * 1,3", False),
    ("*/2 * * * *", False), ("0 8 * * 1", False), ("*/5 1 * * *", False), ("58 * * * *", False),
])
def test_too_frequent_means_two_runs_can_be_one_minute_apart(cron, too_frequent):
    problem = schedule.check_frequency(cron)
    assert (problem is not None and problem.code == "FREQUENCY_TOO_FREQUENT") is too_frequent
    if not too_frequent:
        assert problem is None


def test_day_31_then_the_1st_counts_as_consecutive_days():
    # 31 Jan 23:59 and 1 Feb 00:00 are one minute apart.
    assert schedule.check_frequency("0,59 0,23 1,31 * *").code == "FREQUENCY_TOO_FREQUENT"


def test_timezone_suggestions():
    assert schedule.check_timezone("Europe/Rome") is None
    assert schedule.check_timezone("europe/rome") == "Europe/Rome"
    assert schedule.check_timezone("Europe/Rom") == "Europe/Rome"
    assert schedule.check_timezone("Mars/Olympus_Mons") == ""


def test_a_moment_without_an_offset_is_utc_and_one_with_keeps_it():
    utc = dt.timezone.utc
    assert schedule.parse_moment("2026-10-12") == dt.datetime(2026, 10, 12, tzinfo=utc)
    assert schedule.parse_moment(" 2026-10-12T08:30:00z ") == dt.datetime(2026, 10, 12, 8, 30, tzinfo=utc)
    rome = schedule.parse_moment("2026-10-12T08:30:00+02:00")
    assert rome.utcoffset() == dt.timedelta(hours=2) and rome == dt.datetime(2026, 10, 12, 6, 30, tzinfo=utc)
    with pytest.raises(ValueError):
        schedule.parse_moment("next tuesday")
