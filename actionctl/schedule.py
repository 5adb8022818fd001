"""Cron frequencies and time zones: what the service accepts, how often it fires, when it runs next.

The service takes five fields — minute (0-59), hour (0-23), day of month (1-31), month (1-12) and
day of week (0-6, Sunday is 0) — and refuses anything that can run twice in one minute's distance.
Field semantics (lists, ranges, steps, names, day-of-month OR day-of-week) are croniter's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import cache, lru_cache

# An action without a timezone runs on the service's default zone, which nobody has published: it is shown as
# that, never as UTC; only a local preview of next runs, which needs some zone, assumes UTC (and says so).
SERVER_DEFAULT_ZONE = "server default"
ASSUMED_SERVER_ZONE = "UTC"

FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 6),
)
_NAMES = {
    3: {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m},
    4: {d.lower(): (i + 1) % 7 for i, d in enumerate(calendar.day_abbr)},  # mon=1 … sun=0
}
_PART = re.compile(r"^(?P<base>\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:/(?P<step>[0-9]+))?$")
_MACRO_HINTS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}


@dataclass(frozen=True, slots=True)
class CronProblem:
    code: str  # FREQUENCY_INVALID | FREQUENCY_TOO_FREQUENT
    message: str
    offset: int  # character offset in the expression where the problem is
    length: int = 1


@dataclass(frozen=True, slots=True)
class Run:
    local: dt.datetime  # aware, in the action's time zone
    utc: dt.datetime  # aware, UTC
    note: str | None = None  # set when daylight-saving time moved or repeated this run


def parse_moment(text: str) -> dt.datetime:
    """An ISO date or time, aware; without an offset it is UTC. The one reading of a moment a user gives:
    `schedule --from`, the emulator's `--clock` and its `_emulator/clock` control. ValueError otherwise."""
    moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


# --- validation ---------------------------------------------------------------------------------

@lru_cache(maxsize=256)  # a project repeats a few schedules; each answer costs croniter's expansion
def check_frequency(expression: str) -> CronProblem | None:
    """The first reason the service would refuse `expression`, or None."""
    stripped = expression.strip()
    if stripped.startswith("@"):
        hint = _MACRO_HINTS.get(stripped.lower())
        suggestion = f' — write "{hint}" instead' if hint else ""
        return CronProblem("FREQUENCY_INVALID", f"cron macros such as {stripped} are not supported{suggestion}",
                           expression.find("@"), len(stripped))
    fields = [(m.group(), m.start()) for m in re.finditer(r"\S+", expression)]
    if len(fields) != 5:
        return CronProblem(
            "FREQUENCY_INVALID",
            f"a frequency has exactly five fields (minute hour day-of-month month day-of-week), not {len(fields)}",
            fields[0][1] if fields else 0, max(1, len(stripped)))
    for index, (text, offset) in enumerate(fields):
        problem = _check_field(index, text, offset)
        if problem is not None:
            return problem
    sets = expand(expression)
    if sets is None:
        return CronProblem("FREQUENCY_INVALID", "croniter cannot read this expression", 0, len(expression))
    if not _fires_on_some_day(sets):
        return CronProblem("FREQUENCY_INVALID", "this expression never fires: none of its months has that day "
                           "(e.g. 31 April or 30 February)",
                           fields[2][1], len(fields[2][0]))
    if _can_fire_one_minute_apart(sets):
        return CronProblem(
            "FREQUENCY_TOO_FREQUENT",
            "runs can be one minute apart; the service allows at most one run every two minutes "
            '(e.g. "*/2 * * * *")', fields[0][1], len(fields[0][0]))
    return None


def _check_field(index: int, text: str, offset: int) -> CronProblem | None:
    position = offset
    for part in text.split(","):
        problem = _check_part(index, part, position)
        if problem is not None:
            return problem
        position += len(part) + 1
    return None


def _check_part(index: int, part: str, offset: int) -> CronProblem | None:
    name, low, high = FIELDS[index]
    match = _PART.match(part)
    if match is None:
        return CronProblem("FREQUENCY_INVALID", f"{name}: cannot read {part!r} — use numbers, *, ranges (1-5), "
                           "lists (1,3) and steps (*/15)", offset, max(1, len(part)))
    step = match.group("step")
    if step is not None and int(step) == 0:
        return CronProblem("FREQUENCY_INVALID", f"{name}: a step of 0 never advances", offset, len(part))
    base = match.group("base")
    if base == "*":
        return None
    bounds = base.split("-")
    values = []
    for bound in bounds:
        value = _field_value(index, bound)
        if value is None:
            return CronProblem("FREQUENCY_INVALID", f"{name}: {bound!r} is not a number", offset, len(part))
        if not low <= value <= high:
            extra = " (Sunday is 0)" if index == 4 and value == 7 else ""
            return CronProblem("FREQUENCY_INVALID", f"{name} must be between {low} and {high}, not {value}{extra}",
                               offset, len(part))
        values.append(value)
    if len(values) == 2 and values[0] > values[1]:
        return CronProblem("FREQUENCY_INVALID", f"{name}: the range {base} runs backwards", offset, len(part))
    return None


def _field_value(index: int, text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return _NAMES.get(index, {}).get(text.lower())


def expand(expression: str) -> list[set[int] | None] | None:
    """The values each field allows, as croniter reads them; None stands for an unrestricted `*` day field."""
    from croniter import croniter

    try:
        expanded, _ = croniter.expand(expression)
    except Exception:  # croniter raises several unrelated types for bad input
        return None
    sets: list[set[int] | None] = []
    for index, values in enumerate(expanded):
        if values == ["*"]:
            low, high = FIELDS[index][1:]
            sets.append(None if index in (2, 4) else set(range(low, high + 1)))
        else:
            sets.append({int(v) % 7 if index == 4 else int(v) for v in values})
    return sets


def _fires_on_some_day(sets: list) -> bool:
    _, _, days, months, weekdays = sets
    if days is None or weekdays is not None:  # any day, or day-of-week ORs in more days
        return True
    return any(day <= _max_days(month) for month in months for day in days)


def _max_days(month: int) -> int:
    return 29 if month == 2 else calendar.monthrange(2023, month)[1]


def _can_fire_one_minute_apart(sets: list) -> bool:
    minutes, hours, *_ = sets
    if any(m + 1 in minutes for m in minutes):
        return True
    if not {0, 59} <= minutes:
        return False
    if any(h + 1 in hours for h in hours):  # hh:59 then (hh+1):00 on the same day
        return True
    return {0, 23} <= hours and _fires_on_consecutive_days(sets)


def _fires_on_consecutive_days(sets: list) -> bool:
    # Eight years hold a leap day and every (date, weekday) pairing of the days that matter here.
    day = dt.date(2024, 1, 1)
    previous = False
    for _ in range(366 * 8):
        today = _day_matches(sets, day)
        if today and previous:
            return True
        previous = today
        day += dt.timedelta(days=1)
    return False


def _day_matches(sets: list, day: dt.date) -> bool:
    _, _, days, months, weekdays = sets
    if day.month not in months:
        return False
    weekday = (day.weekday() + 1) % 7
    if days is None and weekdays is None:
        return True
    if days is None:
        return weekday in weekdays
    if weekdays is None:
        return day.day in days
    return day.day in days or weekday in weekdays  # cron's rule when both are restricted


# --- time zones ---------------------------------------------------------------------------------

@cache
def _zones() -> tuple[frozenset[str], dict[str, str]]:
    import pytz

    names = frozenset(pytz.all_timezones)
    return names, {name.lower(): name for name in names}


def check_timezone(name: str) -> str | None:
    """None when `name` is a time zone the service knows; otherwise a suggestion ("" when there is none)."""
    names, lowered = _zones()
    if name in names:
        return None
    if name.lower() in lowered:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name, sorted(names), n=1, cutoff=0.75)
    return close[0] if close else ""


# --- next runs ----------------------------------------------------------------------------------

def next_runs(expression: str, timezone: str | None, after: dt.datetime, count: int) -> list[Run]:
    """The next `count` runs strictly after `after` (aware), honouring daylight-saving changes.

    Vixie cron's rules, as the common cron daemons apply them: a schedule that fires every hour keeps
    following real time (a repeated hour runs twice, a skipped hour not at all); any other schedule runs
    once for a repeated wall-clock time (at its first occurrence) and runs a skipped time at the
    moment the clocks jump forward.
    """
    import pytz
    from croniter import croniter

    zone = pytz.timezone(timezone or ASSUMED_SERVER_ZONE)
    hourly = expand(expression)[1] == set(range(24))
    # Start early enough to see the second occurrence of a repeated hour just before `after`.
    start = after.astimezone(zone).replace(tzinfo=None) - dt.timedelta(hours=3)
    iterator = croniter(expression, start)
    runs: dict[dt.datetime, Run] = {}
    for _ in range(100_000):
        try:
            wall = iterator.get_next(dt.datetime)
        except Exception:  # croniter gives up on expressions that stop matching (e.g. Feb 30)
            break
        for run in _localize(zone, wall, hourly):
            if run.utc > after.astimezone(dt.timezone.utc):
                runs.setdefault(run.utc, run)
        if len(runs) >= count:
            horizon = sorted(runs)[count - 1].astimezone(zone).replace(tzinfo=None) + dt.timedelta(hours=3)
            if wall > horizon:
                break
    return [runs[key] for key in sorted(runs)[:count]]


def _localize(zone, wall: dt.datetime, hourly: bool) -> list[Run]:
    import pytz

    try:
        local = zone.localize(wall, is_dst=None)
        return [_run(local)]
    except pytz.AmbiguousTimeError:
        first = zone.localize(wall, is_dst=True)
        if not hourly:
            return [_run(first, f"{wall:%H:%M} happens twice on {wall:%Y-%m-%d} (clocks go back); runs once")]
        second = zone.localize(wall, is_dst=False)
        return [_run(first, "first of a repeated hour"), _run(second, "repeated hour (clocks went back)")]
    except pytz.NonExistentTimeError:
        if hourly:
            return []
        jump = wall
        while True:  # the first wall-clock minute after the gap
            jump += dt.timedelta(minutes=1)
            try:
                local = zone.localize(jump, is_dst=None)
                break
            except (pytz.NonExistentTimeError, pytz.AmbiguousTimeError):
                continue
        note = f"{wall:%H:%M} does not exist on {wall:%Y-%m-%d} (clocks go forward); runs at {jump:%H:%M}"
        return [_run(local, note)]


def _run(local: dt.datetime, note: str | None = None) -> Run:
    return Run(local, local.astimezone(dt.timezone.utc), note)


def describe(expression: str) -> str:
    """A readable English description, e.g. "At 08:00, only on Monday"."""
    try:
        from cron_descriptor import ExpressionDescriptor, Options

        options = Options()
        options.use_24hour_time_format = True
        options.day_of_week_start_index_zero = True
        return ExpressionDescriptor(expression, options).get_description()
    except Exception:  # a description is a nicety; never fail a command over it
        return expression
