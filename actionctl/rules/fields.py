"""Simple fields: description, active, environment and integrationOrigins."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from actionctl.diagnostics import Diagnostic
from actionctl.manifest import DESCRIPTION_MAX, ENVIRONMENTS, INTEGRATION_ORIGINS_MAX
from actionctl.rules.context import ActionCheck
from actionctl.rules.values import kind, quote_hint
from actionctl.suggest import did_you_mean


def check(a: ActionCheck) -> Iterator[Diagnostic]:
    yield from _description(a)
    yield from _active(a)
    yield from _environment(a)
    yield from _integration_origins(a)


def _description(a: ActionCheck) -> Iterator[Diagnostic]:
    value = a.data.get("description")
    if value is None:
        return
    if not isinstance(value, str):
        yield a.at("TYPE_INVALID", f"description must be a string, not {kind(value)}{quote_hint(value)}",
                   ("description",))
    elif len(value) > DESCRIPTION_MAX:
        yield a.at("DESCRIPTION_TOO_LONG",
                   f"the description is {len(value)} characters long; the service allows {DESCRIPTION_MAX}",
                   ("description",))


def _active(a: ActionCheck) -> Iterator[Diagnostic]:
    if "active" not in a.data:
        yield a.warn("ACTIVE_NOT_SET", "active is not set, so the service creates the action inactive and it "
                     "never runs — add `active: true` (or `active: false` to say so)")
        return
    value = a.data["active"]
    if not isinstance(value, bool):
        yield a.at("TYPE_INVALID", f"active must be true or false, not {kind(value)}", ("active",))


def _environment(a: ActionCheck) -> Iterator[Diagnostic]:
    value = a.data.get("environment")
    if value is None:
        return
    if not isinstance(value, str) or value not in ENVIRONMENTS:
        hint = did_you_mean(value, ENVIRONMENTS) if isinstance(value, str) else ""
        shown = repr(value) if isinstance(value, str) else kind(value)
        yield a.at("ENVIRONMENT_INVALID", f"environment must be server, client or any, not {shown}{hint}",
                   ("environment",))


def _integration_origins(a: ActionCheck) -> Iterator[Diagnostic]:
    origins = a.data.get("integrationOrigins")
    if origins is None:
        return
    path = ("integrationOrigins",)
    if not isinstance(origins, list):
        yield a.at("INTEGRATION_ORIGINS_INVALID", f"integrationOrigins must be a list of HTTPS origins, not "
                   f"{kind(origins)}", path)
        return
    if origins and a.environment != "server":
        yield a.at("INTEGRATION_ORIGINS_INVALID", "integrationOrigins are only allowed on server actions "
                   f"(this one is {a.environment!r})", path, key=True)
    if len(origins) > INTEGRATION_ORIGINS_MAX:
        yield a.at("INTEGRATION_ORIGINS_INVALID", f"{len(origins)} origins; the service allows at most "
                   f"{INTEGRATION_ORIGINS_MAX}", (*path, INTEGRATION_ORIGINS_MAX))
    seen: set[str] = set()
    for index, origin in enumerate(origins):
        problem = origin_problem(origin)
        if problem:
            yield a.at("INTEGRATION_ORIGINS_INVALID", problem, (*path, index))
        elif origin.lower() in seen:
            yield a.warn("INTEGRATION_ORIGIN_DUPLICATE", f"{origin} is listed twice", (*path, index))
        else:
            seen.add(origin.lower())


def origin_problem(origin: object) -> str | None:
    """Why `origin` is not an HTTPS origin (scheme, host and optional port only), or None."""
    if not isinstance(origin, str):
        return f"an origin must be a string like https://api.example.com, not {kind(origin)}"
    if not origin.strip():
        return "an origin cannot be empty; write one like https://api.example.com"
    try:
        parts = urlsplit(origin)
        _check_port(parts.port)  # reading .port raises ValueError for a bad one
    except ValueError:
        return f"{origin!r} is not a valid URL"
    if parts.scheme != "https":
        return f"{origin!r} must use https://"
    if not parts.hostname:
        return f"{origin!r} has no host"
    if parts.username is not None or parts.password is not None:
        return f"{origin!r} must not carry credentials"
    if parts.path or parts.query or parts.fragment or origin.endswith(("?", "#")):
        base = f"https://{parts.netloc}"
        return f"{origin!r} is not an origin: drop the path, query and fragment (use {base!r})"
    if any(c.isspace() for c in origin):
        return f"{origin!r} contains white space"
    return None


def _check_port(port: int | None) -> None:
    if port is not None and not 0 < port < 65536:
        raise ValueError(port)
