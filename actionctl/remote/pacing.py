"""Keeping under the service's rate limits instead of running into them.

The service allows, per app, so many requests of each kind in a sliding window (CRUD 60/min, run
30/min, publish/unpublish/restore 10/min). The pacer remembers when each request of a kind was sent
and, before the next one, waits until the oldest in the window has aged out — so a push of hundreds
of actions slows down smoothly rather than hitting 429s. When the service answers 429 anyway (another
client shares the app, or the limits changed) the pacer holds that kind until the moment the service
named.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

DEFAULT_LIMITS = {"crud": 60, "run": 30, "publish": 10}
DEFAULT_WINDOW = 60.0
# The service's clock and ours differ a little; a small margin avoids a 429 at the window's edge.
MARGIN = 0.05


class Pacer:
    def __init__(self, limits: Mapping[str, int] | None = None, window: float = DEFAULT_WINDOW, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.limits = {**DEFAULT_LIMITS, **(limits or {})}
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._sent: dict[str, deque[float]] = {}
        self._held_until: dict[str, float] = {}
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting, for --verbose and benchmarks

    def acquire(self, bucket: str) -> None:
        """Block until a request of kind `bucket` may be sent, and count it as sent."""
        limit = self.limits.get(bucket)
        if limit is None:
            return
        while True:
            with self._lock:
                delay = self._delay(bucket, limit)
                if delay <= 0:
                    self._sent.setdefault(bucket, deque()).append(self._clock())
                    return
            self.waited += delay
            self._sleep(delay)

    def _delay(self, bucket: str, limit: int) -> float:
        now = self._clock()
        sent = self._sent.setdefault(bucket, deque())
        span = self.window + MARGIN
        while sent and sent[0] + span <= now:  # the same sum as below, so rounding cannot disagree
            sent.popleft()
        delay = self._held_until.get(bucket, 0.0) - now
        if len(sent) >= limit:
            delay = max(delay, sent[0] + span - now)
        return delay

    def hold(self, bucket: str, seconds: float) -> None:
        """The service said 429: send nothing more of this kind for `seconds`."""
        with self._lock:
            until = self._clock() + max(0.0, seconds)
            self._held_until[bucket] = max(self._held_until.get(bucket, 0.0), until)


def retry_after(headers: Mapping[str, str], body: object, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait after a 429: `Retry-After` (seconds or an HTTP date), else `nextValidRequestDate`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    header = headers.get("retry-after") or headers.get("Retry-After")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
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
