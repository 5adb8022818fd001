"""Keeping under the service's rate limits instead of running into them.

The service allows, per app, so many requests of each kind in a sliding window (CRUD 60/min, run
30/min, publish/unpublish/restore 10/min). The pacer remembers when each request of a kind was sent
and, before the next one, waits until the oldest in the window has aged out — so a push of hundreds
of actions slows down smoothly rather than hitting 429s. When the service answers 429 anyway (another
client shares the app, or the limits changed) the pacer holds that kind until the moment the service
named.

Every actionctl process talking to one app shares that budget, so the pacer keeps its record in a
small file (see `Ledger`): three commands run back to back in a CI step pace as one client would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: processes pace alone rather than together
    fcntl = None

DEFAULT_LIMITS = {"crud": 60, "run": 30, "publish": 10}
DEFAULT_WINDOW = 60.0
# The service's clock and ours differ a little; a small margin avoids a 429 at the window's edge.
MARGIN = 0.05
# The longest hold a 429 can impose: a `Retry-After: 1e300` would otherwise overflow time.sleep.
MAX_HOLD = 3600.0
TICK = 1.0  # seconds between reports of a wait somebody watches


class Ledger:
    """The pacing record shared by every process that talks to one app on one host.

    A JSON file `{"sent": {bucket: [epoch seconds…]}, "held": {bucket: epoch seconds}}`, read and
    rewritten under an exclusive lock at each request. It holds at most a window's worth of stamps, so
    this costs a fraction of a millisecond next to an HTTP round trip. A damaged or unreadable file
    only means starting from an empty record: pacing is a courtesy, the 429 handling is the guarantee.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle = None  # opened at first use and kept: a command sends many requests
        self._unusable = False  # it could not be opened: the command paces alone rather than retry per request

    @classmethod
    def for_app(cls, folder: Path, api_url: str, app: object) -> Ledger:
        key = hashlib.sha256(f"{api_url}\n{app}".encode()).hexdigest()[:24]
        return cls(folder / f"{key}.json")

    @contextlib.contextmanager
    def open(self) -> Iterator[dict | None]:
        """The record, locked against other processes (None when the file cannot be used); changes
        made to it are saved on exit."""
        handle = self._file()
        if handle is None:
            yield None
            return
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            record = _record(handle.read())
            yield record
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(record, separators=(",", ":")))
                handle.flush()
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _file(self):
        if self._handle is None and not self._unusable:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - kept for the command
            except OSError:
                self._unusable = True
        return self._handle


def _record(text: str) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = {}
    sent = data.get("sent") if isinstance(data, dict) else None
    held = data.get("held") if isinstance(data, dict) else None
    return {"sent": {k: [t for t in v if isinstance(t, (int, float))] for k, v in sent.items() if isinstance(v, list)}
            if isinstance(sent, dict) else {},
            "held": {k: v for k, v in held.items() if isinstance(v, (int, float))} if isinstance(held, dict) else {}}


@dataclass(frozen=True)
class Wait:
    """A request held back: of which kind, why (the service's 429, or the pace of `limit` a `window`), how
    long it has waited so far and how much longer it will, as known now."""

    bucket: str
    held: bool  # the service answered 429 and named when to come back; else our own pacing
    limit: int
    window: float
    elapsed: float
    remaining: float

    def describe(self) -> str:
        why = "the service answered 429" if self.held else f"at most {self.limit} per {span(self.window)}"
        waited, left = math.floor(self.elapsed), math.ceil(self.remaining - 1e-9)  # the two add up to the whole
        return (f"waiting on the rate limit for {self.bucket} requests ({why}): {span(waited)} of "
                f"{span(waited + left)}, {span(left)} left")


def span(seconds: float) -> str:
    """A duration as people read it: whole seconds (rounded up: a wait of 0.2 s is not "0 s"), minutes past two."""
    whole = max(0, math.ceil(seconds - 1e-9))
    return f"{whole} s" if whole < 120 else f"{whole // 60} min {whole % 60:02d} s"


class Pacer:
    def __init__(self, limits: Mapping[str, int] | None = None, window: float = DEFAULT_WINDOW, *,
                 clock: Callable[[], float] | None = None, sleep: Callable[[float], None] = time.sleep,
                 ledger: Ledger | None = None) -> None:
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.window = window
        # A ledger outlives this process, so its stamps must be wall-clock time; alone, monotonic is safer.
        self._clock = clock or (time.time if ledger is not None else time.monotonic)
        self._sleep = sleep
        self._ledger = ledger
        self._sent: dict[str, deque[float]] = {}
        self._held_until: dict[str, float] = {}
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting, for --verbose and benchmarks
        # Told of a wait as it starts and every TICK of it (sleeping in slices only then), so that a
        # command can say what it waits for instead of seeming to hang.
        self.on_wait: Callable[[Wait], None] | None = None

    def acquire(self, bucket: str) -> None:
        """Block until a request of kind `bucket` may be sent, and count it as sent."""
        limit = self.limits.get(bucket)
        if limit is None:
            return
        started = None
        while True:
            with self._lock, self._shared():
                delay, held = self._delay(bucket, limit)
                if delay <= 0:
                    self._sent.setdefault(bucket, deque()).append(self._clock())
                    return
                now = self._clock()
            started = now if started is None else started
            if self.on_wait is not None:
                self.on_wait(Wait(bucket, held, limit, self.window, now - started, delay))
                delay = min(delay, TICK)
            self.waited += delay
            self._sleep(delay)

    @contextlib.contextmanager
    def _shared(self) -> Iterator[None]:
        """With a ledger: take up the record every process for this app keeps, then save ours into it.

        The record holds every stamp this pacer made too (each was saved as it was made), so it
        replaces what is in memory. Stamps from the future and holds beyond an hour are dropped: a
        damaged record, or a clock set back, must not stall a command.
        """
        with contextlib.ExitStack() as stack:
            record = stack.enter_context(self._ledger.open()) if self._ledger is not None else None
            if record is not None:
                now = self._clock()
                self._sent = {b: deque(sorted(t for t in stamps if t <= now)) for b, stamps in record["sent"].items()}
                self._held_until = {b: min(t, now + MAX_HOLD) for b, t in record["held"].items()}
            yield
            if record is not None:
                now = self._clock()
                span = self.window + MARGIN
                # Only the newest `limit` stamps of a kind can ever delay a request.
                record["sent"] = {b: [t for t in s if t + span > now][-self.limits.get(b, len(s)):]
                                  for b, s in self._sent.items() if s}
                record["held"] = {b: t for b, t in self._held_until.items() if t > now}

    def _delay(self, bucket: str, limit: int) -> tuple[float, bool]:
        """Seconds until a request of `bucket` may go, and whether a 429's hold is what keeps it."""
        now = self._clock()
        sent = self._sent.setdefault(bucket, deque())
        span = self.window + MARGIN
        while sent and sent[0] + span <= now:  # the same sum as below, so rounding cannot disagree
            sent.popleft()
        held = self._held_until.get(bucket, 0.0) - now
        paced = sent[0] + span - now if len(sent) >= limit else 0.0
        return max(held, paced), held >= paced and held > 0

    def close(self) -> None:
        """Let go of the ledger's file (it is opened again if the pacer is used again)."""
        if self._ledger is not None:
            self._ledger.close()

    def hold(self, bucket: str, seconds: float) -> None:
        """The service said 429: send nothing more of this kind for `seconds`."""
        with self._lock, self._shared():
            until = self._clock() + min(max(0.0, seconds), MAX_HOLD)  # NaN: max() keeps the 0.0
            self._held_until[bucket] = max(self._held_until.get(bucket, 0.0), until)


def retry_after(headers: Mapping[str, str], body: object, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait after a 429: `Retry-After` (seconds or an HTTP date), else `nextValidRequestDate`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    header = headers.get("retry-after") or headers.get("Retry-After")
    if header:
        try:
            seconds = float(header)
        except ValueError:
            seconds = None
        if seconds is not None and math.isfinite(seconds):
            return max(0.0, seconds)
        try:
            moment = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            moment = None
        if moment is not None:
            return max(0.0, (_aware(moment) - now).total_seconds())
    stamp = body.get("nextValidRequestDate") if isinstance(body, dict) else None
    if isinstance(stamp, str):
        try:
            moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        except ValueError:
            return None
        return max(0.0, (_aware(moment) - now).total_seconds())
    return None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
