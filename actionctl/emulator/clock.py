"""The emulator's clock: real time, or time moved to any moment and run at any speed.

Everything the emulator stamps (actions, versions, logs) and every schedule it fires reads this clock,
so a test can set it to a Monday morning, or run a week in seconds, and see what the service would do
then. Untouched it is the machine's clock (speed 1, not moved), and the emulator behaves as before.
Speed 0 stops it: time then moves only when told to (`set(now=…)`, `advance(…)`), which is how tests
drive schedules without depending on how fast the machine is.

The clock runs from an anchor — an emulated moment and the monotonic instant it was taken — so the
machine's own clock being adjusted does not move it once it has been moved.

It reads only moments from EARLIEST to LATEST: a move outside is refused (ValueError), and a running
clock that reaches LATEST stops there (speed 0) — reading it never fails. LATEST leaves a thousand
years below Python's last year (9999) so that a schedule's next runs after any moment the clock reads
are still representable.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable

UTC = dt.timezone.utc
MAX_SPEED = 10_000_000.0  # emulated seconds per real second: four months a second, past any useful test
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=UTC)  # the service's stamps are epoch milliseconds: none before
LATEST = dt.datetime(9000, 1, 1, tzinfo=UTC)


class Clock:
    def __init__(self, now: dt.datetime | None = None, speed: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._anchor: tuple[dt.datetime, float] | None = None  # None: the machine's clock
        self._speed = 1.0
        self._listeners: list[Callable[[dt.datetime, dt.datetime], None]] = []
        self.set(now=now, speed=speed)

    def now(self) -> dt.datetime:
        """The emulated moment, aware, in UTC."""
        with self._lock:
            return self._read()

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def moved(self) -> bool:
        """Whether the clock is other than the machine's (set to a moment, or sped up or stopped)."""
        return self._anchor is not None

    def set(self, *, now: dt.datetime | None = None, speed: float | None = None) -> dt.datetime:
        """Move the clock to `now` (aware) and/or run it at `speed`; the moment it reads after the change."""
        if speed is not None:
            check_speed(speed)
        if now is not None:
            check_moment(now)
        with self._lock:
            before = self._read()
            after = before if now is None else now.astimezone(UTC)
            speed = self._speed if speed is None else float(speed)
            self._speed = speed
            machine = now is None and speed == 1.0 and self._anchor is None
            self._anchor = None if machine else (after, self._monotonic())
            listeners = list(self._listeners)
        for listener in listeners:  # outside the lock: a listener may read the clock
            listener(before, after)
        return after

    def advance(self, seconds: float) -> dt.datetime:
        """Move the clock forward by `seconds` (≥ 0), to LATEST at most (ValueError past it)."""
        check_advance(seconds)
        with self._lock:
            now = self._read()
            # Compared as numbers first: a timedelta of 1e300 seconds does not exist.
            if seconds > (LATEST - now).total_seconds():
                raise ValueError(f"the clock reads at most {iso(LATEST)}: {iso(now)} cannot advance by {seconds:g} s")
            target = now + dt.timedelta(seconds=seconds)
        return self.set(now=target)

    def real_seconds_until(self, moment: dt.datetime) -> float | None:
        """Real seconds until the clock reads `moment` (0 when past); None when it never will (stopped)."""
        with self._lock:
            ahead = (moment - self._read()).total_seconds()
            if ahead <= 0:
                return 0.0
            return None if self._speed == 0 else ahead / self._speed

    def on_change(self, listener: Callable[[dt.datetime, dt.datetime], None]) -> None:
        """Call `listener(before, after)` after each set or advance."""
        with self._lock:
            self._listeners.append(listener)

    def state(self) -> dict:
        with self._lock:
            return {"now": iso(self._read()), "speed": _number(self._speed), "moved": self._anchor is not None}

    def _read(self) -> dt.datetime:
        if self._anchor is None:
            return dt.datetime.now(UTC)
        moment, since = self._anchor
        instant = self._monotonic()
        elapsed = (instant - since) * self._speed
        if elapsed >= (LATEST - moment).total_seconds():  # the end of what it reads: it stops there
            self._anchor, self._speed = (LATEST, instant), 0.0
            return LATEST
        return moment + dt.timedelta(seconds=elapsed)


def check_speed(speed: float) -> None:
    """ValueError unless `speed` is a speed the clock runs at."""
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not 0 <= speed <= MAX_SPEED:
        raise ValueError(f"the clock's speed is a number from 0 (stopped) to {MAX_SPEED:g}, not {speed!r}")


def check_moment(moment: dt.datetime) -> None:
    """ValueError unless the clock can read `moment` (aware): from EARLIEST to LATEST."""
    if not EARLIEST <= moment <= LATEST:  # compared without converting: converting may itself overflow
        raise ValueError(f"the clock reads moments from {iso(EARLIEST)} to {iso(LATEST)}")


def check_advance(seconds: float) -> None:
    """ValueError unless the clock may advance by `seconds`: a finite number, at least 0."""
    if isinstance(seconds, bool) or not (isinstance(seconds, (int, float)) and math.isfinite(seconds)
                                         and seconds >= 0):
        raise ValueError(f"the clock only advances by a number of seconds of at least 0, not {seconds!r}")


def iso(moment: dt.datetime) -> str:
    """A UTC moment as the service writes it: milliseconds and a Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
