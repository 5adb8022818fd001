"""Schedules that fire in the emulator, on its clock (clock.py), as the service fires them.

What runs: a production copy (scheduled actions run only the published version, app-actions-v3.md
"Master vs production") that is `active`, has a `frequency`, a `schedule` trigger and a server side
(`server` or `any`) — the four things the page says a scheduled action needs. Its own fields decide,
never its master's: a change to the master, `active: false` included, takes effect when it is
published again (inferred: the page says both "update active: false to disable the scheduling" and
"republish if needed"; following the copy is the reading under which what stops here stops there too).
The times are `actionctl.schedule.next_runs`, the one home of schedules: the action's zone, or UTC for
`timezone: null` (the service's default zone is not published; `actionctl schedule` assumes UTC too),
and daylight-saving changes as that module says.

Each run gets the payload {} and leaves a log whose `createdAt` is its tick plus its duration — the
moment it would have ended had it started on time — so that a run started late (the clock jumped, or
raced ahead of the worker) still says when it belonged; `lastRunAt` is the tick.

When the clock moves on, every tick it passed runs once, in order: time went by in the emulator, and
the service runs its schedules while time goes by. Only a jump so long that more than MAX_DUE ticks of
one action fell due at once (a `*/2` schedule over a week, say) runs the first MAX_DUE and skips the
rest, counted as `skipped` (up to SKIPS_COUNTED a look): the runs take real time, one after another.
A clock set back lives that time again: ticks after the new moment run as the clock reaches them,
again. A production copy's ticks count from when it was published (its `updatedAt`, on the same
clock), so publishing late never runs a tick from before; a copy the clock was set back past counts
from the moment it was set to.

Exactly once: a tick is started only by `catch_up`, which holds a lock and moves its cursor past every
tick it starts. The thread looks every POLL seconds (real) and whenever the clock is changed; the
control endpoint calls `catch_up` itself after moving the clock, so a test knows which runs a move
started without waiting for the thread.
"""

from __future__ import annotations

import datetime as dt
import threading
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from actionctl import schedule
from actionctl.emulator import errors as api
from actionctl.emulator.clock import MAX_SPEED, Clock, check_advance, check_moment, check_speed, iso
from actionctl.emulator.errors import ApiError
from actionctl.manifest import trigger_kinds
from actionctl.schedule import parse_moment

if TYPE_CHECKING:
    from actionctl.emulator.service import Service
    from actionctl.emulator.store import StoredAction

SERVER_SIDES = ("server", "any")  # where the schedule trigger is allowed, and so runs
MAX_DUE = 100  # ticks of one action started by one look; more are skipped (see above)
SKIPS_COUNTED = 10_000  # skipped ticks counted per action and look, at most (counting takes time too)
POLL = 0.25  # seconds (real) between looks: how late a tick may start; its log is stamped on time anyway
CLOCK_KEYS = ("now", "advance", "speed")


@dataclass(frozen=True, slots=True)
class Tick:
    copy: StoredAction
    due: dt.datetime

    def summary(self) -> dict:
        return {"taskId": self.copy.id, "appId": self.copy.app_id, "name": self.copy.fields.get("name"),
                "at": iso(self.due)}


def scheduled(fields: dict) -> bool:
    """Whether an action with these fields runs on its schedule (when it is a production copy)."""
    return (fields.get("active") is True and isinstance(fields.get("frequency"), str)
            and "schedule" in trigger_kinds(fields) and fields.get("environment") in SERVER_SIDES)


class Scheduler:
    def __init__(self, service: Service, clock: Clock) -> None:
        self.service = service
        self.clock = clock
        # Re-entrant: a move holds it across setting the clock (whose listener takes it again) and its catch-up,
        # so the thread the move wakes cannot start those ticks first and leave them out of the move's answer.
        self._lock = threading.RLock()
        self._cursor = clock.now()  # every tick up to here has been started (or was before the emulator)
        self._since: dict[tuple, dt.datetime] = {}  # a copy as published (_key): when its ticks count from
        self._upcoming: dict[tuple, dt.datetime | None] = {}  # its first tick not yet due
        self.started = 0
        self.skipped = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        clock.on_change(self._clock_changed)
        self._thread = threading.Thread(target=self._loop, name="emulator-schedules", daemon=True)
        self._thread.start()

    def catch_up(self) -> tuple[list[Tick], int]:
        """Start every run that fell due since the last look, each once, oldest first; those and how many
        were skipped."""
        with self._lock:
            now = self.clock.now()
            due, skipped = [], 0
            copies = [c for c in self.service.store.production_copies() if scheduled(c.fields)]
            self._forget_except({_key(c) for c in copies})
            for copy in copies:
                ticks, passed = self._due(copy, now)
                due += ticks
                skipped += passed
            due.sort(key=lambda tick: (tick.due, tick.copy.id))
            for tick in due:
                self._start(tick)
            self._cursor = max(self._cursor, now)
            self.started += len(due)
            self.skipped += skipped
            return due, skipped

    def move(self, changes: Any) -> dict:
        """Apply a control request (`now`, `advance`, `speed`), start what fell due, and say what happened."""
        now, advance, speed = _clock_changes(changes)
        with self._lock:
            if advance is not None:  # first: an advance past the clock's end is refused before anything changes
                try:
                    self.clock.advance(advance)
                except ValueError as exc:
                    raise ApiError(api.BAD_REQUEST, str(exc)) from None
            if now is not None or speed is not None:
                self.clock.set(now=now, speed=speed)
            ticks, skipped = self.catch_up()
            return {**self.state(), "runs": [t.summary() for t in ticks], "runsSkipped": skipped}

    def state(self) -> dict:
        return {"clock": self.clock.state(), "started": self.started, "skipped": self.skipped}

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join()

    # --- inside ------------------------------------------------------------------------------------

    def _due(self, copy: StoredAction, now: dt.datetime) -> tuple[list[Tick], int]:
        key = _key(copy)
        upcoming = self._upcoming.get(key, dt.datetime.min.replace(tzinfo=dt.timezone.utc))
        if upcoming is None or upcoming > now:  # nothing due: the common case, without asking croniter
            return [], 0
        since = max(self._cursor, self._counted_from(key, copy, now))
        frequency, zone = copy.fields["frequency"], copy.fields.get("timezone")
        try:
            runs = [r.utc for r in schedule.next_runs(frequency, zone, since, MAX_DUE + 1) if r.utc <= now]
            passed = 0
            if len(runs) > MAX_DUE:
                runs = runs[:MAX_DUE]
                passed = _count_due(frequency, zone, runs[-1], now)
            following = schedule.next_runs(frequency, zone, now, 1)
        except Exception:  # a frequency or zone the service would have refused (a database from elsewhere)
            self._upcoming[key] = None
            return [], 0
        self._upcoming[key] = following[0].utc if following else None
        return [Tick(copy, due) for due in runs], passed

    def _counted_from(self, key: tuple, copy: StoredAction, now: dt.datetime) -> dt.datetime:
        if key not in self._since:
            self._since[key] = min(parse_moment(copy.updated_at), now)
        return self._since[key]

    def _forget_except(self, keys: set) -> None:
        for table in (self._since, self._upcoming):
            for key in [k for k in table if k not in keys]:
                del table[key]

    def _start(self, tick: Tick) -> None:
        task = self.service.scheduled_task(tick.copy, tick.due)
        self.service.runner.submit(self.service.run_and_log, task, tick.due)

    def _clock_changed(self, before: dt.datetime, after: dt.datetime) -> None:
        with self._lock:
            if after < self._cursor:  # set back: that time is lived again, by the copies there are now
                self._cursor = after
                self._since.clear()
                self._upcoming.clear()
        self._wake.set()  # forward, or faster: the next tick may be due sooner than the thread thought

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.catch_up()
            except Exception:
                if self._stop.is_set():  # the store closed under the last look
                    return
                traceback.print_exc()  # a bug in the emulator: show where, and keep the schedules going
            self._wake.wait(POLL)
            self._wake.clear()


def _count_due(frequency: str, zone: str | None, after: dt.datetime, now: dt.datetime) -> int:
    """The ticks after `after` up to `now`, SKIPS_COUNTED at most; asked for MAX_DUE at a time, so that a rare
    schedule (yearly, say) is never followed thousands of runs past `now`, beyond the last year there is."""
    counted = 0
    while counted < SKIPS_COUNTED:
        runs = [r.utc for r in schedule.next_runs(frequency, zone, after, MAX_DUE)]
        counted += len([r for r in runs if r <= now])
        if len(runs) < MAX_DUE or runs[-1] > now:
            break
        after = runs[-1]
    return min(counted, SKIPS_COUNTED)


def _key(copy: StoredAction) -> tuple:
    """A production copy as published: a copy published again, even at the same moment of a stopped clock,
    with another schedule, is another key."""
    return copy.id, copy.updated_at, copy.fields.get("frequency"), copy.fields.get("timezone")


def _clock_changes(changes: Any) -> tuple[dt.datetime | None, float | None, float | None]:
    """The moment, the seconds to advance by and the speed a control request asks for (400 otherwise)."""
    def refuse(message: str) -> ApiError:
        return ApiError(api.BAD_REQUEST, message)

    if not isinstance(changes, dict) or any(key not in CLOCK_KEYS for key in changes):
        raise refuse(f"the body is a JSON object with any of {', '.join(CLOCK_KEYS)}")
    if "now" in changes and "advance" in changes:
        raise refuse("give now (a moment) or advance (seconds), not both")
    now = changes.get("now")
    if now is not None:
        try:
            now = parse_moment(now) if isinstance(now, str) else None
        except ValueError:
            now = None
        if now is None:
            raise refuse('now is an ISO date or time, e.g. "2026-10-12T00:00:00Z" (no offset: UTC)')
        try:
            check_moment(now)
        except ValueError as exc:
            raise refuse(f"now: {exc}") from None
    advance, speed = changes.get("advance"), changes.get("speed")
    for value, check, says in ((advance, check_advance, "advance is a number of seconds of at least 0"),
                               (speed, check_speed, f"speed is a number from 0 (stopped) to {MAX_SPEED:g} "
                                                    "(emulated seconds per second)")):
        try:
            if value is not None:
                check(value)
        except ValueError:
            raise refuse(says) from None
    return now, advance, speed
