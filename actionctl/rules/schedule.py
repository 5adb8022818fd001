"""frequency and timezone, and the warnings for schedules that cannot work as written."""

from __future__ import annotations

from collections.abc import Iterator

from actionctl import schedule
from actionctl.diagnostics import Diagnostic
from actionctl.manifest import trigger_kinds
from actionctl.rules.context import ActionCheck
from actionctl.rules.values import kind


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    yield from _frequency(a)
    yield from _timezone(a)
    yield from _consistency(a)


def _frequency(a: ActionCheck) -> Iterator[Diagnostic]:
    value = a.data.get("frequency")
    if value is None:
        return
    if not isinstance(value, str):
        yield a.at("FREQUENCY_INVALID", f'frequency must be a cron expression in quotes, like "0 8 * * 1", '
                   f"not {kind(value)}", ("frequency",))
        return
    problem = schedule.check_frequency(value)
    if problem is not None:
        yield a.at(problem.code, problem.message, ("frequency",), char=problem.offset, length=problem.length)


def _timezone(a: ActionCheck) -> Iterator[Diagnostic]:
    value = a.data.get("timezone")
    if value is None:
        return
    if not isinstance(value, str):
        yield a.at("TIMEZONE_INVALID", f"timezone must be an IANA name like Europe/Rome, not {kind(value)}",
                   ("timezone",))
        return
    suggestion = schedule.check_timezone(value)
    if suggestion is not None:
        hint = f' — did you mean "{suggestion}"?' if suggestion else " — use an IANA name like Europe/Rome"
        yield a.at("TIMEZONE_INVALID", f"unknown time zone {value!r}{hint}", ("timezone",))


def _consistency(a: ActionCheck) -> Iterator[Diagnostic]:
    kinds = trigger_kinds(a.data)
    has_frequency = a.has("frequency")
    if "schedule" in kinds and not has_frequency:
        index = kinds.index("schedule")
        yield a.warn("SCHEDULE_WITHOUT_FREQUENCY", "a schedule trigger without a frequency never fires — add "
                     'e.g. `frequency: "0 8 * * 1"`', ("triggers", index))
    if has_frequency and "schedule" not in kinds:
        yield a.warn("FREQUENCY_WITHOUT_SCHEDULE", "frequency is set but there is no schedule trigger, so the "
                     "schedule is not used — add `- trigger: schedule` to triggers", ("frequency",), key=True)
    if has_frequency and not a.has("timezone"):
        yield a.warn("FREQUENCY_WITHOUT_TIMEZONE", "no timezone: the frequency is read in the service's default "
                     "time zone, which is not published — add e.g. `timezone: Europe/London`", ("frequency",), key=True)
    if a.has("timezone") and not has_frequency:
        yield a.warn("TIMEZONE_WITHOUT_FREQUENCY", "timezone only applies to frequency, which is not set",
                     ("timezone",), key=True)
