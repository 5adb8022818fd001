"""`doctor --live`: read-only probes of the service, through the client's routes (so `api:` corrections apply).

Each probe is one GET, sent once (`Client.probe`): what the service answers — status, time, the names of
the fields of the answer and of one item, the rate-limit headers — is reported, never the values of the
data. A route set to anything but GET (by an `api:` correction) is not sent: doctor never writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from actionctl.doctor.model import Check
from actionctl.doctor.shapes import keys, masked_email, nested
from actionctl.errors import ActionctlError
from actionctl.remote import publish_state

# Which fields tell an action's publish state, documented or observed; which of them the service sends is
# what a user needs to know when `publish` or `diff` gets the state wrong.
# Every field remote/publish_state reads, in its order.
PUBLISH_FIELDS = (*publish_state.PRODUCTION_KEYS, publish_state.FLAG_KEY, *publish_state.MASTER_KEYS)
_RATE_LIMIT_HEADER = re.compile(r"ratelimit|rate-limit|retry-after", re.IGNORECASE)
_FIX_ROUTE = "correct the route under `api:` in actionctl.yaml (README, Doctor)"


@dataclass
class Seen:
    """What the probes learned that is reported elsewhere: the service's clock, who the token is, and what each
    route answered."""

    date: str | None = None
    received: dt.datetime | None = None
    user: dict = field(default_factory=dict)
    answered: dict[str, dict] = field(default_factory=dict)  # route name → {status, elapsedMs}


@dataclass
class _Probe:
    name: str
    facts: dict
    status: int | None = None
    body: Any = None
    problem: str | None = None  # why there is no answer


def run(client, app: int | str | None) -> tuple[list[Check], Seen]:
    """Every probe, in order; a probe that cannot mean anything after an earlier one failed is skipped."""
    seen = Seen()
    user = _send(client, seen, "current_user")
    checks = [_user(user, seen)]
    if user.status in (401, 403):
        return checks + [_skipped(name, "the token was refused") for name in _APP_PROBES], seen
    if app is None:
        return checks + [_skipped(name, "no app: set `app:` in actionctl.yaml or pass --app")
                         for name in _APP_PROBES], seen
    listing = _send(client, seen, "list_actions", {"limit": 1, "offset": 0}, app=app)
    checks.append(_listing(listing, app))
    first = _first(listing.body, "actions") if listing.status == 200 else None
    action_id = first.get("id") if isinstance(first, dict) else None
    if action_id is None:
        why = "the app has no actions" if listing.status == 200 else "the app's actions could not be listed"
        checks += [_skipped("get_action", why), _skipped("list_versions", why)]
    else:
        checks.append(_action(_send(client, seen, "get_action", app=app, id=action_id)))
        checks.append(_versions(_send(client, seen, "list_versions", {"limit": 1, "offset": 0}, app=app,
                                      id=action_id)))
    checks.append(_logs(_send(client, seen, "app_logs", {"limit": 1, "offset": 0}, app=app)))
    return checks, seen


_APP_PROBES = ("list_actions", "get_action", "list_versions", "app_logs")
_TITLES = {"current_user": "the token (whose it is)", "list_actions": "the app (one page of actions)",
           "get_action": "one action's fields", "list_versions": "its versions (one page)",
           "app_logs": "the app's logs (one page)"}


def _send(client, seen: Seen, name: str, params: dict | None = None, **values: Any) -> _Probe:
    from actionctl.remote.paths import PLACEHOLDERS

    spec = client.routes.specs[name]
    probe = _Probe(name, {"route": name, "method": spec.method, "path": spec.path})
    if spec.method != "GET":
        probe.problem = (f"{name} is set to {spec.method} under `api:` in actionctl.yaml; doctor only reads, so it "
                         "was not sent")
        return probe
    route = client.routes.build(name, **{p: values.get(p) for p in PLACEHOLDERS})
    try:
        answer = client.probe(route, params)
    except ActionctlError as exc:
        probe.problem = exc.message
        return probe
    if seen.date is None and answer.headers.get("date"):
        seen.date, seen.received = answer.headers["date"], dt.datetime.now(dt.timezone.utc)
    probe.status, probe.body = answer.status, answer.body
    probe.facts.update(status=answer.status, elapsedMs=round(answer.elapsed_ms), answerKeys=keys(answer.body),
                       rateLimit={k: v for k, v in answer.headers.items() if _RATE_LIMIT_HEADER.search(k)})
    seen.answered[name] = {"status": answer.status, "elapsedMs": round(answer.elapsed_ms)}
    return probe


def _check(probe: _Probe, status: str, detail: str) -> Check:
    return Check(f"live.{probe.name}", _TITLES[probe.name], status, detail, probe.facts)


def _skipped(name: str, why: str) -> Check:
    return Check(f"live.{name}", _TITLES[name], "skip", f"not probed: {why}", {"route": name})


def _failure(probe: _Probe, not_found: str) -> Check | None:
    """The check for a probe that got no usable answer, or None when it got a 2xx."""
    said = f"{probe.facts['method']} {probe.facts['path']}"
    if probe.problem is not None:
        return _check(probe, "fail", probe.problem)
    if 200 <= probe.status < 300:
        return None
    if probe.status in (401, 403):
        return _check(probe, "fail", f"{said} → {probe.status}: the token was refused ({_message(probe.body)}) — "
                      "`actionctl login` again; an app token does not reach the working-draft apps V3 actions "
                      "live on")
    if probe.status == 404:
        return _check(probe, "fail", f"{said} → 404: {not_found}")
    if probe.status == 429:
        return _check(probe, "warn", f"{said} → 429: rate limited, so not seen this time — run doctor again later")
    return _check(probe, "fail", f"{said} → {probe.status}: {_message(probe.body)}")


def _message(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("message", "error", "status"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key][:200]
    return "no message"


def _first(body: Any, key: str) -> Any:
    items = body.get(key) if isinstance(body, dict) else None
    return items[0] if isinstance(items, list) and items else None


def _user(probe: _Probe, seen: Seen) -> Check:
    failed = _failure(probe, "the host has no v1/user: is the URL the service's base URL?")
    if failed is not None:
        return failed
    if not isinstance(probe.body, dict):  # a web page, say: the URL is a site's, not the service's
        return _check(probe, "fail", f"GET {probe.facts['path']} → {probe.status} but not with a JSON object: is the "
                      "URL the service's base URL (e.g. https://api.fliplet.com/)?")
    user = probe.body.get("user", probe.body)
    seen.user = user if isinstance(user, dict) else {}
    email = masked_email(seen.user.get("email"))
    probe.facts.update(user={"email": email, "keys": keys(seen.user)})
    who = f"{email}'s" if email else "valid; the service names no e-mail for it"
    return _check(probe, "ok", f"the token is {who}")


def _listing(probe: _Probe, app: int | str) -> Check:
    failed = _failure(probe, f"no app {app} there, or the token cannot see it (an app token does not reach the "
                             f"working draft: sign in with `actionctl login`), or the route differs — {_FIX_ROUTE}")
    if failed is not None:
        return failed
    items = _listed(probe, "actions", ": remote commands cannot read it")
    if isinstance(items, Check):
        return items
    first = items[0] if items else None
    probe.facts.update(onPage=len(items), pagination=keys(probe.body.get("pagination")), itemKeys=keys(first),
                       publishFields=_publish_fields(first))
    return _check(probe, "ok", f"app {app} answered with a page of {_count(len(items), 'action')}")


def _action(probe: _Probe) -> Check:
    failed = _failure(probe, f"the action the listing named is not found there — {_FIX_ROUTE}")
    if failed is not None:
        return failed
    body = probe.body if isinstance(probe.body, dict) else {}
    action = body["action"] if isinstance(body.get("action"), dict) else body
    fields = _publish_fields(action)
    probe.facts.update(itemKeys=keys(action), itemNested=nested(action), publishFields=fields)
    if not fields:
        return _check(probe, "warn", f"the action carries none of {', '.join(PUBLISH_FIELDS)}: `publish` and `diff` "
                      "cannot tell whether it is published — please report these fields")
    return _check(probe, "ok", f"publish state read from {', '.join(fields)}")


def _versions(probe: _Probe) -> Check:
    failed = _failure(probe, f"no versions route there — {_FIX_ROUTE}")
    if failed is not None:
        return failed
    items = _listed(probe, "versions")
    if isinstance(items, Check):
        return items
    first = items[0] if items else None
    probe.facts.update(itemKeys=keys(first), itemNested=nested(first))
    return _check(probe, "ok", f"a page of {_count(len(items), 'version')}")


def _logs(probe: _Probe) -> Check:
    failed = _failure(probe, f"no logs route there — {_FIX_ROUTE}")
    if failed is not None:
        return failed
    items = _listed(probe, "logs")
    if isinstance(items, Check):
        return items
    first = items[0] if items else None
    probe.facts.update(itemKeys=keys(first), itemNested=nested(first))
    data = first.get("data") if isinstance(first, dict) else None
    if first is not None and not (isinstance(data, dict) and "taskId" in data):
        return _check(probe, "warn", "a log entry carries no data.taskId: `actionctl logs NAME` cannot tell which "
                      "action it is about")
    return _check(probe, "ok", f"a page of {_count(len(items), 'log entry', 'log entries')}")


def _listed(probe: _Probe, key: str, consequence: str = "") -> list | Check:
    """The answer's list under `key`, or the failed check saying the answer holds none."""
    items = probe.body.get(key) if isinstance(probe.body, dict) else None
    if not isinstance(items, list):
        return _check(probe, "fail", f"the answer holds no `{key}` list (fields: {_names(probe.body)}){consequence} "
                      f"— {_FIX_ROUTE}")
    return items


def _publish_fields(action: Any) -> list[str]:
    return [name for name in PUBLISH_FIELDS if isinstance(action, dict) and name in action]


def _names(body: Any) -> str:
    names = keys(body)
    return ", ".join(names) if names else "none"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"
