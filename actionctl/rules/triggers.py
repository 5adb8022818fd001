"""Triggers: a list of `{trigger, where}` mappings, each a known type allowed in the action's environment."""

from __future__ import annotations

from collections.abc import Iterator

from actionctl.diagnostics import Diagnostic
from actionctl.manifest import ALLOWED_TRIGGERS, TRIGGER_KEYS, TRIGGER_TYPES
from actionctl.rules.context import ActionCheck
from actionctl.rules.values import kind
from actionctl.suggest import did_you_mean

# What `where` filters on, per trigger (platform notes: log on type and dataSourceId, analytics on type and data).
WHERE_KEYS = {"log": ("type", "dataSourceId"), "analytics": ("type", "data")}
ANALYTICS_TYPES = ("analytics.pageView", "analytics.event")


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    triggers = a.data.get("triggers")
    if triggers is None or triggers == []:
        where = ("triggers",) if "triggers" in a.data else ()
        yield a.warn("TRIGGERS_EMPTY", "no triggers, so nothing starts this action — add "
                     "`triggers: [{trigger: manual}]` to run it on demand", where, key=bool(where))
        return
    if not isinstance(triggers, list):
        yield a.at("TRIGGERS_INVALID", f"triggers must be a list, not {kind(triggers)} — write "
                   "`triggers:` followed by `- trigger: manual` lines", ("triggers",))
        return
    seen: list[object] = []
    for index, item in enumerate(triggers):
        path = ("triggers", index)
        if not isinstance(item, dict):
            yield a.at("TRIGGERS_INVALID", f"each trigger must be a mapping like `{{trigger: manual}}`, not "
                       f"{kind(item)}", path)
            continue
        yield from _check_one(a, item, path)
        if item in seen:
            yield a.warn("TRIGGER_DUPLICATE", f"this trigger is listed twice ({item.get('trigger')})", path)
        seen.append(item)


def _check_one(a: ActionCheck, item: dict, path: tuple) -> Iterator[Diagnostic]:
    for key in item:
        if key not in TRIGGER_KEYS:
            yield a.at("UNKNOWN_KEY", f'unknown trigger field "{key}"{did_you_mean(str(key), TRIGGER_KEYS)}',
                       (*path, key), key=True)
    trigger = item.get("trigger")
    if trigger is None:
        yield a.at("TRIGGER_TYPE_INVALID", "the trigger has no type — add `trigger: manual|schedule|log|analytics`",
                   path)
        return
    if not isinstance(trigger, str) or trigger not in TRIGGER_TYPES:
        hint = did_you_mean(trigger, TRIGGER_TYPES) if isinstance(trigger, str) else ""
        shown = repr(trigger) if isinstance(trigger, str) else kind(trigger)
        yield a.at("TRIGGER_TYPE_INVALID", f"unknown trigger {shown}; use manual, schedule, log or analytics{hint}",
                   (*path, "trigger"))
        return
    allowed = ALLOWED_TRIGGERS.get(a.environment) if isinstance(a.environment, str) else None
    if allowed is not None and trigger not in allowed:
        environments = " or ".join(env for env, triggers in ALLOWED_TRIGGERS.items() if trigger in triggers)
        yield a.at("TRIGGER_NOT_ALLOWED", f"the {trigger} trigger runs only on {environments} actions; this "
                   f"action's environment is {a.environment}", (*path, "trigger"))
    yield from _check_where(a, item, trigger, path)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _check_where(a: ActionCheck, item: dict, trigger: str, path: tuple) -> Iterator[Diagnostic]:
    where = item.get("where")
    expected = WHERE_KEYS.get(trigger)
    if where is None or where == {}:
        if expected:
            yield a.warn("TRIGGER_WHERE_MISSING", f"{_article(trigger)} {trigger} trigger without a `where` filter "
                         f"matches every {trigger} event; filter on {' and '.join(expected)}",
                         path if where is None else (*path, "where"))
        return
    if not isinstance(where, dict):
        yield a.at("TRIGGERS_INVALID", f"where must be a mapping, not {kind(where)}", (*path, "where"))
        return
    if not expected:
        yield a.warn("TRIGGER_WHERE_UNUSED", f"the {trigger} trigger does not use `where`; it is ignored",
                     (*path, "where"), key=True)
        return
    for key in where:
        if key not in expected:
            yield a.warn("TRIGGER_WHERE_UNKNOWN_KEY", f'{trigger} triggers filter on {" and ".join(expected)}, '
                         f'not "{key}"{did_you_mean(str(key), expected)}', (*path, "where", key), key=True)
    kind_of_event = where.get("type")
    if trigger == "analytics" and kind_of_event is not None and kind_of_event not in ANALYTICS_TYPES:
        yield a.warn("TRIGGER_WHERE_INVALID", f"analytics events are of type {' or '.join(ANALYTICS_TYPES)}, "
                     f"not {kind_of_event!r}{did_you_mean(str(kind_of_event), ANALYTICS_TYPES)}",
                     (*path, "where", "type"))
    if trigger == "analytics" and "data" in where and not isinstance(where["data"], dict):
        yield a.at("TRIGGERS_INVALID", f"where.data must be a mapping of event fields, not {kind(where['data'])}",
                   (*path, "where", "data"))
    data_source = where.get("dataSourceId")
    if trigger == "log" and data_source is not None and (isinstance(data_source, bool)
                                                         or not isinstance(data_source, int)):
        yield a.warn("TRIGGER_WHERE_INVALID", f"dataSourceId is a number, not {kind(data_source)}",
                     (*path, "where", "dataSourceId"))
