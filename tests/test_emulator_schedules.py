"""Schedules that fire in the emulator, on a clock the tests set and advance (never on how fast the machine is).

Each test stops the emulator's clock (speed 0) at a moment of its choosing, so nothing fires unless the
test moves the clock; a move answers with the runs it started, and the runs' logs are waited for.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import subprocess
import threading
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import httpx
import pytest
from support import (
    ACTIONCTL,
    HANG_LIMIT,
    FakeClock,
    ctrl_c_as_in_a_terminal,
    service_client,
)

from actionctl.emulator.clock import Clock
from actionctl.remote import paths

ROME = ZoneInfo("Europe/Rome")
UTC = dt.timezone.utc
WEEKLY = {"frequency": "0 8 * * 1", "timezone": "Europe/Rome"}  # the platform's own example: Mondays at 08:00
CODE = "async function execute(context) {\n  return { at: new Date().toISOString() };\n}\n"
# Mondays from 12 October 2026 to 2 November 2026 at 08:00 in Rome: summer time (UTC+2) until Sunday 25
# October, winter time (UTC+1) after.
MONDAYS = ["2026-10-12T06:00:00.000Z", "2026-10-19T06:00:00.000Z", "2026-10-26T07:00:00.000Z",
           "2026-11-02T07:00:00.000Z"]
START, END = "2026-10-12T00:00:00Z", "2026-11-02T12:00:00Z"
LATEST = "9000-01-01T00:00:00Z"  # the last moment the emulator's clock reads


def scheduled(name: str = "weekly", **changes) -> dict:
    return {"name": name, "code": CODE, "active": True, "environment": "server",
            "triggers": [{"trigger": "schedule"}], **WEEKLY, **changes}


class Clocked:
    """A running emulator's clock, moved through its control endpoint, and the core client on app 1."""

    def __init__(self, server) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, headers={paths.TOKEN_HEADER: server.options.token},
                                 timeout=HANG_LIMIT)

    def move(self, **changes) -> dict:
        answer = self.http.post("_emulator/clock", json=changes)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def state(self) -> dict:
        return self.http.get("_emulator/clock").json()

    def logs(self, count: int, action_id: int | None = None) -> list[dict]:
        """The logs, oldest first, once there are `count` (a run logs when it ends, on the runner's thread)."""
        deadline = time.monotonic() + HANG_LIMIT
        with service_client(self.server) as client:
            while True:
                found = client.logs(action_id, limit=100)["logs"]
                if len(found) >= count or time.monotonic() > deadline:
                    return list(reversed(found))
                time.sleep(0.05)


@pytest.fixture
def clocked(emulator):
    """The test's emulator with its clock stopped at Monday 12 October 2026, 00:00 UTC."""
    control = Clocked(emulator)
    control.move(now=START, speed=0)
    yield control
    control.http.close()


def published(server, fields: dict) -> dict:
    """Create the action and publish it; its production copy."""
    with service_client(server) as client:
        master = client.create_action(fields)
        return client.publish_action(master["id"])


def at(run: dict) -> str:
    return run["at"]


def test_a_move_answers_every_run_it_started_even_when_the_woken_thread_looks_first(clocked):
    # Force the race: the moment the clock moves, another thread (as the scheduler's own, woken by the move)
    # looks for due ticks. It must wait for the move, whose answer names the run.
    published(clocked.server, scheduled())
    scheduler, clock = clocked.server.scheduler, clocked.server.clock
    found, threads = [], []

    def look_first(before, after):
        thread = threading.Thread(target=lambda: found.append(scheduler.catch_up()[0]))
        threads.append(thread)
        thread.start()
        thread.join(timeout=5)  # the old code let it run now, and start the tick itself

    clock.on_change(look_first)
    answer = clocked.move(now="2026-10-12T06:30:00Z")
    threads[0].join(timeout=HANG_LIMIT)
    assert [run["at"] for run in answer["runs"]] == ["2026-10-12T06:00:00.000Z"]
    assert found == [[]]  # it found nothing left to start


# --- the promise: Mondays at 08:00 in Rome across the October change ---------------------------------------


def test_a_weekly_monday_action_runs_once_a_week_at_eight_in_rome_across_the_october_change(clocked):
    copy = published(clocked.server, scheduled())
    started = []
    moment = dt.datetime(2026, 10, 12, tzinfo=UTC)
    while moment < dt.datetime(2026, 11, 2, 12, tzinfo=UTC):  # an hour at a time: three weeks and a half
        moment += dt.timedelta(hours=1)
        started += clocked.move(advance=3600)["runs"]
    assert [run["at"] for run in started] == MONDAYS
    assert {run["taskId"] for run in started} == {copy["id"]}  # the production copy, not the master
    for run in started:
        local = dt.datetime.fromisoformat(run["at"].replace("Z", "+00:00")).astimezone(ROME)
        assert (local.strftime("%A %H:%M:%S"), local.utcoffset()) == ("Monday 08:00:00", dt.timedelta(
            hours=2 if local.month == 10 and local.day < 25 else 1))
    logs = clocked.logs(4)
    assert len(logs) == 4
    for log, tick in zip(logs, MONDAYS, strict=True):
        data = log["data"]
        # As the documented scheduled entry: an empty payload, no result.
        assert log["type"] == "app.task.completed"
        assert data == {"mode": "scheduled", "runOn": "server", "taskId": copy["id"], "payload": {},
                        "duration": data["duration"], "actionVersion": "v3"}
        # Stamped when the run ended had it started on its tick, however late the worker ran it.
        ended = dt.datetime.fromisoformat(log["createdAt"].replace("Z", "+00:00"))
        assert ended - dt.timedelta(milliseconds=data["duration"]) == dt.datetime.fromisoformat(
            tick.replace("Z", "+00:00"))
    with service_client(clocked.server) as client:
        assert client.get_action(copy["id"])["lastRunAt"] == MONDAYS[-1]
    assert clocked.state() == {"clock": {"now": "2026-11-02T12:00:00.000Z", "speed": 0, "moved": True},
                               "started": 4, "skipped": 0}


def test_one_jump_over_three_weeks_runs_each_tick_once_in_order(clocked):
    published(clocked.server, scheduled())
    assert list(map(at, clocked.move(now=END)["runs"])) == MONDAYS
    assert clocked.move(now=END)["runs"] == []  # the same moment again: nothing runs twice
    assert clocked.move(advance=0)["runs"] == []
    assert len(clocked.logs(4)) == 4 and clocked.state()["started"] == 4


def test_a_jump_past_a_hundred_ticks_of_one_action_runs_the_first_hundred_and_counts_the_rest(clocked):
    published(clocked.server, scheduled(frequency="*/2 * * * *"))
    moved = clocked.move(advance=4 * 3600)  # 120 ticks, two minutes apart
    assert (len(moved["runs"]), moved["runsSkipped"]) == (100, 20)
    assert (moved["runs"][0]["at"], moved["runs"][-1]["at"]) == ("2026-10-12T00:02:00.000Z",
                                                                 "2026-10-12T03:20:00.000Z")
    assert (moved["started"], moved["skipped"]) == (100, 20)
    assert clocked.move(advance=120)["runs"][0]["at"] == "2026-10-12T04:02:00.000Z"  # on from the new moment


def test_a_clock_set_back_lives_that_time_again(clocked):
    published(clocked.server, scheduled())
    assert list(map(at, clocked.move(now=END)["runs"])) == MONDAYS
    assert clocked.move(now="2026-10-20T00:00:00Z")["runs"] == []  # going back runs nothing
    assert list(map(at, clocked.move(now=END)["runs"])) == MONDAYS[2:]


def test_a_clock_that_runs_fires_on_its_own(clocked):
    published(clocked.server, scheduled())
    # A minute before the first Monday's run, sixty times real time: the run is a second away.
    assert clocked.move(now="2026-10-12T05:59:00Z", speed=60)["runs"] == []
    [log] = clocked.logs(1)
    assert log["data"]["mode"] == "scheduled"
    ended = dt.datetime.fromisoformat(log["createdAt"].replace("Z", "+00:00"))
    assert ended - dt.timedelta(milliseconds=log["data"]["duration"]) == dt.datetime(2026, 10, 12, 6, tzinfo=UTC)


def test_a_failed_scheduled_run_is_logged_with_its_error_and_saw_the_clock_at_its_tick(clocked):
    code = "async function execute(context) {\n  throw new RangeError('ran at ' + new Date().toISOString());\n}\n"
    copy = published(clocked.server, scheduled(code=code))
    assert list(map(at, clocked.move(now="2026-10-13T00:00:00Z")["runs"])) == MONDAYS[:1]
    [log] = clocked.logs(1)
    assert log["type"] == "app.task.failed"
    error = log["data"].pop("error")
    assert (error["name"], error["message"]) == ("RangeError", "ran at 2026-10-12T06:00:00.000Z")
    assert log["data"] == {"mode": "scheduled", "runOn": "server", "taskId": copy["id"], "payload": {},
                           "duration": log["data"]["duration"], "actionVersion": "v3"}


# --- what runs: published, active, scheduled copies, as published ----------------------------------------


def test_only_published_active_scheduled_actions_fire(clocked):
    with service_client(clocked.server) as client:
        client.create_action(scheduled("never-published"))
    inactive = published(clocked.server, scheduled("inactive", active=False))
    no_trigger = published(clocked.server, scheduled("manual-only", triggers=[{"trigger": "manual"}]))
    no_frequency = published(clocked.server, scheduled("no-frequency", frequency=None, timezone=None))
    copy = published(clocked.server, scheduled("runs"))
    assert [(run["name"], run["at"]) for run in clocked.move(now=END)["runs"]] == [("runs", m) for m in MONDAYS]
    assert {log["data"]["taskId"] for log in clocked.logs(4)} == {copy["id"]}
    with service_client(clocked.server) as client:
        for quiet in (inactive, no_trigger, no_frequency):
            assert client.get_action(quiet["id"])["lastRunAt"] is None


def test_the_schedule_is_the_production_copys_until_published_again(clocked):
    copy = published(clocked.server, scheduled())
    with service_client(clocked.server) as client:
        # The master changes — to daily at 09:00, then inactive — but production still has Mondays at 08:00.
        client.update_action(copy["masterTaskId"], {"frequency": "0 9 * * *"})
        client.update_action(copy["masterTaskId"], {"active": False})
        assert list(map(at, clocked.move(now="2026-10-13T00:00:00Z")["runs"])) == MONDAYS[:1]
        client.update_action(copy["masterTaskId"], {"active": True})
        client.publish_action(copy["masterTaskId"])
        assert list(map(at, clocked.move(now="2026-10-15T00:00:00Z")["runs"])) == [
            "2026-10-13T07:00:00.000Z", "2026-10-14T07:00:00.000Z"]
        client.unpublish_action(copy["masterTaskId"])
    assert clocked.move(now=END)["runs"] == []


def test_a_schedule_published_again_at_the_same_moment_of_a_stopped_clock_takes_over(clocked):
    copy = published(clocked.server, scheduled())
    assert clocked.move(advance=0)["runs"] == []  # the scheduler has looked: Monday 08:00 is the next run
    with service_client(clocked.server) as client:
        client.update_action(copy["masterTaskId"], {"frequency": "0 7 * * *"})  # daily at 07:00, sooner
        assert client.publish_action(copy["masterTaskId"])["updatedAt"] == copy["updatedAt"]
    assert list(map(at, clocked.move(now="2026-10-12T05:30:00Z")["runs"])) == ["2026-10-12T05:00:00.000Z"]


def test_a_copy_published_after_its_tick_does_not_run_that_tick(clocked):
    clocked.move(now="2026-10-12T06:30:00Z")  # 08:30 in Rome, half an hour after Monday's tick
    published(clocked.server, scheduled())
    assert list(map(at, clocked.move(now=END)["runs"])) == MONDAYS[1:]


def test_every_app_schedules_on_the_one_clock(clocked):
    with service_client(clocked.server, app=2) as other:
        other.publish_action(other.create_action(scheduled("elsewhere", frequency="30 7 * * 1"))["id"])
    published(clocked.server, scheduled())
    runs = clocked.move(now="2026-10-13T00:00:00Z")["runs"]
    assert [(run["appId"], run["at"]) for run in runs] == [(2, "2026-10-12T05:30:00.000Z"), (1, MONDAYS[0])]


# --- the control endpoint and the command --------------------------------------------------------------


def test_the_clock_endpoint_refuses_what_it_cannot_do(clocked):
    before = clocked.state()
    for bad in ({"now": "next monday"}, {"now": 12}, {"now": START, "advance": 60}, {"advance": -1},
                {"advance": True}, {"speed": -1}, {"speed": 1e8}, {"when": START}, []):
        answer = clocked.http.post("_emulator/clock", json=bad)
        assert (answer.status_code, answer.json()["status"]) == (400, "BAD_REQUEST"), bad
    assert clocked.state() == before
    assert clocked.http.put("_emulator/clock", json={}).status_code == 405
    stranger = httpx.post(clocked.server.url + "_emulator/clock", json={"now": END})
    assert stranger.status_code == 401
    forged = clocked.http.post("_emulator/clock", content=json.dumps({"now": END}),
                               headers={"Content-Type": "text/plain"})
    assert forged.status_code == 415 and clocked.state() == before


def test_the_clock_endpoint_refuses_a_moment_the_clock_cannot_read(clocked):
    clocked.move(now="8999-12-31T23:59:00Z")
    before = clocked.state()
    for bad in ({"now": "9999-12-31T23:59:50Z", "speed": 1}, {"now": "0001-01-01T00:00:00+01:00"},
                {"now": "1969-12-31T23:59:59Z"}, {"advance": 1e300}, {"advance": 120}, {"advance": 120, "speed": 5}):
        answer = clocked.http.post("_emulator/clock", json=bad)
        assert (answer.status_code, answer.json()["status"]) == (400, "BAD_REQUEST"), bad
    assert answer.json()["error"] == ("the clock reads at most 9000-01-01T00:00:00.000Z: "
                                      "8999-12-31T23:59:00.000Z cannot advance by 120 s")
    assert clocked.state() == before
    assert clocked.move(advance=60)["clock"]["now"] == "9000-01-01T00:00:00.000Z"  # the very end is a moment


def test_a_running_clock_that_reaches_its_end_stops_there(clocked):
    # A millisecond before the end, at ten million seconds a second: the end passes within any real moment.
    clocked.move(now="8999-12-31T23:59:59.999Z", speed=10_000_000)
    assert clocked.state()["clock"] == {"now": "9000-01-01T00:00:00.000Z", "speed": 0, "moved": True}
    assert clocked.move(advance=0)["runs"] == []  # the schedules look at it too
    assert clocked.move(now=START)["clock"] == {"now": "2026-10-12T00:00:00.000Z", "speed": 0, "moved": True}


def test_a_jump_of_millennia_counts_a_yearly_schedules_skipped_ticks_without_passing_the_last_year(clocked):
    # 23:00 on 31 December in New York is 04:00 UTC on 1 January: ticks from 2027 to 8999, 6973 of them.
    # Counting the skipped ones must not follow the schedule past year 9999, where dates end.
    published(clocked.server, scheduled(frequency="0 23 31 12 *", timezone="America/New_York"))
    moved = clocked.move(now="8999-12-31T00:00:00Z")
    assert (len(moved["runs"]), moved["runs"][-1]["at"], moved["runsSkipped"]) == (
        100, "2126-01-01T04:00:00.000Z", 6873)
    assert clocked.move(now=LATEST)["runs"] == []  # the year's tick is at 04:00 UTC, past the clock's end


def test_stamps_read_the_emulators_clock(clocked):
    copy = published(clocked.server, scheduled())
    assert copy["createdAt"] == copy["updatedAt"] == "2026-10-12T00:00:00.000Z"


def test_the_clock_runs_from_where_it_was_set_at_its_speed():
    ticks = FakeClock(100.0)
    clock = Clock(dt.datetime(2026, 10, 12, tzinfo=UTC), speed=3600, monotonic=ticks)
    ticks.now += 2  # two real seconds: two emulated hours
    assert clock.now() == dt.datetime(2026, 10, 12, 2, tzinfo=UTC)
    assert clock.real_seconds_until(dt.datetime(2026, 10, 12, 3, tzinfo=UTC)) == 1.0
    clock.set(speed=0)
    ticks.now += 1000
    assert clock.now() == dt.datetime(2026, 10, 12, 2, tzinfo=UTC)
    assert clock.real_seconds_until(dt.datetime(2026, 10, 12, 3, tzinfo=UTC)) is None  # stopped: never
    assert clock.advance(90) == dt.datetime(2026, 10, 12, 2, 1, 30, tzinfo=UTC)
    assert Clock().moved is False and abs((Clock().now() - dt.datetime.now(UTC)).total_seconds()) < HANG_LIMIT


def test_the_clock_stops_at_the_end_of_what_it_reads_and_refuses_a_move_past_it():
    ticks = FakeClock(100.0)
    clock = Clock(dt.datetime(8999, 12, 31, 23, 59, 59, tzinfo=UTC), speed=10, monotonic=ticks)
    ticks.now += 1e6  # ten million emulated seconds: far past the end, and past year 9999
    assert (clock.now(), clock.speed) == (dt.datetime(9000, 1, 1, tzinfo=UTC), 0)
    assert clock.state() == {"now": "9000-01-01T00:00:00.000Z", "speed": 0, "moved": True}
    for bad in ({"now": dt.datetime(9000, 1, 1, 0, 0, 0, 1, tzinfo=UTC)},
                {"now": dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))},
                {"now": dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)}):
        with pytest.raises(ValueError) as refused:
            clock.set(**bad)
        assert str(refused.value) == "the clock reads moments from 1970-01-01T00:00:00.000Z to 9000-01-01T00:00:00.000Z"
    with pytest.raises(ValueError):
        clock.advance(1e300)
    assert clock.set(now=dt.datetime(2026, 10, 12, tzinfo=UTC)) == dt.datetime(2026, 10, 12, tzinfo=UTC)


def test_the_command_starts_its_clock_where_told(project):
    process = subprocess.Popen([*ACTIONCTL, "emulator", "--port", "0", "--clock", "2026-10-12T05:00",
                                "--clock-speed", "0"], cwd=project, stderr=subprocess.PIPE, text=True,
                               preexec_fn=ctrl_c_as_in_a_terminal)
    try:
        port = int(re.search(r":(\d+)/", process.stderr.readline()).group(1))
        process.stderr.readline()
        url = f"http://127.0.0.1:{port}/"
        assert process.stderr.readline() == (f"clock: 2026-10-12T05:00:00.000Z, stopped — set or advance it with "
                                             f"POST {url}_emulator/clock\n")
        answer = httpx.get(url + "_emulator/clock", headers={paths.TOKEN_HEADER: "local-token"})
        assert answer.json()["clock"] == {"now": "2026-10-12T05:00:00.000Z", "speed": 0, "moved": True}
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=HANG_LIMIT) == 0
    finally:
        process.kill()
        process.stderr.close()


def test_the_command_refuses_a_clock_it_cannot_read(cli, project):
    result = cli("emulator", "--port", "0", "--clock", "next monday")
    assert (result.exit_code, result.stderr.strip()) == (2, "error: --clock 'next monday' is not an ISO date or "
                                                            "time, e.g. 2026-10-12T00:00:00Z [USAGE]")
    result = cli("emulator", "--port", "0", "--clock", "0001-01-01T00:00:00+01:00")
    assert (result.exit_code, result.stderr.strip()) == (2, "error: --clock '0001-01-01T00:00:00+01:00': the clock "
                                                            "reads moments from 1970-01-01T00:00:00.000Z to "
                                                            "9000-01-01T00:00:00.000Z [USAGE]")


# --- logs --follow watches them arrive ---------------------------------------------------------------


def test_logs_follow_shows_the_scheduled_runs_arrive(cli, remote, monkeypatch):
    control = Clocked(remote)
    control.move(now=START, speed=0)
    copy = published(remote, scheduled())
    polls = []

    def between_polls(seconds: float) -> None:  # a week goes by between polls, and its run ends
        polls.append(seconds)
        control.move(advance=7 * 86400)
        control.logs(len(polls))

    monkeypatch.setattr("actionctl.cli.publishing.time", SimpleNamespace(sleep=between_polls))
    follow = cli("logs", "weekly", "--follow", "--polls", "3", "--format", "json")
    assert follow.exit_code == 0, follow.stderr
    shown = [json.loads(line) for line in follow.stdout.splitlines()]
    # Nothing yet at first; then, a week at a time, each Monday's run as it arrives.
    assert [(e["data"]["mode"], e["data"]["taskId"]) for e in shown] == [("scheduled", copy["id"])] * 3
    assert [e["createdAt"][:16] for e in shown] == [m[:16] for m in MONDAYS[:3]]
    text = cli("logs", "weekly")
    assert text.exit_code == 0, text.stderr
    lines = text.stdout.splitlines()
    assert len(lines) == 3 and all("✓ weekly (production)  scheduled" in line for line in lines), lines


def test_logs_follow_shows_a_run_stamped_earlier_than_one_it_has_shown(cli, remote, monkeypatch):
    # The clock set back lives a week again: its run is stamped before the newest log shown, and is new.
    control = Clocked(remote)
    control.move(now=START, speed=0)
    published(remote, scheduled())
    control.move(now="2026-10-13T00:00:00Z")  # Monday 12 October's run
    control.logs(1)
    moves = iter([{"now": "2026-10-20T12:00:00Z"}, {"now": "2026-10-12T00:00:00Z"}, {"now": "2026-10-13T00:00:00Z"}])
    arrived = iter([2, 2, 3])

    def between_polls(seconds: float) -> None:
        control.move(**next(moves))
        control.logs(next(arrived))

    monkeypatch.setattr("actionctl.cli.publishing.time", SimpleNamespace(sleep=between_polls))
    follow = cli("logs", "weekly", "--follow", "--polls", "3", "--format", "json")
    assert follow.exit_code == 0, follow.stderr
    shown = [json.loads(line)["createdAt"][:16] for line in follow.stdout.splitlines()]
    # Monday 19 October's run arrives, then — the clock set back to the 12th and on to the 13th — the 12th's
    # again, stamped a week before the one already shown.
    assert shown == ["2026-10-12T06:00", "2026-10-19T06:00", "2026-10-12T06:00"]


def test_logs_follow_of_a_master_and_its_copy_shows_the_copys_late_run_and_never_an_old_master_log(
        cli, remote, monkeypatch):
    # With --limit 1, cut across the master and its copy together, the copy's run stamped at an earlier
    # tick let the master's older log in as new, and the copy's run was never shown.
    control = Clocked(remote)
    control.move(now="2026-10-13T00:00:00Z", speed=0)
    copy = published(remote, scheduled())
    with service_client(remote) as client:
        master_id = copy.get("masterTaskId") or client.find_action("weekly")["id"]
        client.run_action(master_id, {})  # the master's log, stamped 13 October
    control.move(now="2026-10-20T00:00:00Z")  # the copy's run of Monday 19 October
    control.logs(2)

    def between_polls(seconds: float) -> None:  # the clock set back: the copy runs Monday 12 October again
        control.move(now="2026-10-12T00:00:00Z")
        control.move(now="2026-10-12T12:00:00Z")
        control.logs(3)

    monkeypatch.setattr("actionctl.cli.publishing.time", SimpleNamespace(sleep=between_polls))
    follow = cli("logs", "weekly", "--follow", "--polls", "1", "--limit", "1", "--format", "json")
    assert follow.exit_code == 0, follow.stderr
    shown = [(json.loads(line)["data"]["mode"], json.loads(line)["createdAt"][:10]) for line in
             follow.stdout.splitlines()]
    assert shown == [("scheduled", "2026-10-19"), ("scheduled", "2026-10-12")]
