"""The emulator's one account, and the sign-in routes that hand out the emulator's token without asking for one.

`POST v1/auth/login` takes the form fields the official CLI sends (`email`, `password`, then `twofactor`;
a JSON body is read too) and answers 200 `{email, auth_token}`; when the account has a two-factor code
and none came, 428 (the official CLI's cue to ask for it). The refusals are inferred — the CLI only
says "not 200 is a failure" and shows `error`: 400 when the form lacks the email or password, 401
`{"error", "message"}` for a wrong email, password or code (the shape of the service's own 401).

`GET v1/auth/third-party?redirect=…` stands for a browser already signed in to Studio: it sends the
browser straight back (302) to `redirect` with `auth_token` added. Only to a loopback address — a
redirect anywhere else would hand the token to whichever site asked for it.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from actionctl.emulator import errors as api
from actionctl.emulator.errors import ApiError
from actionctl.remote import paths

SIGN_IN_ROUTES = ("login", "third_party")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Account:
    """Who can sign in to the emulator (the defaults are public: `actionctl emulator` prints them)."""

    email: str = "emulator@localhost"
    password: str = "local-password"
    two_factor: str | None = None  # a code the sign-in then asks for (428), or None: none asked


def route(path: str) -> str | None:
    """The sign-in route `path` is, if any (these take no token: they are how a client gets one)."""
    return next((name for name in SIGN_IN_ROUTES if path == "/" + paths.TABLE[name].path), None)


def answer(name: str, account: Account, token: str, query: dict[str, str], raw: bytes,
           content_type: str) -> tuple[int, dict, dict[str, str]]:
    """The status, body and headers of a sign-in request."""
    try:
        if name == "login":
            return (*login(account, token, _fields(raw, content_type)), {})
        return third_party(token, query)
    except ApiError as exc:
        return exc.status, exc.body(), {}


def login(account: Account, token: str, fields: dict[str, Any]) -> tuple[int, dict]:
    email, password, code = (fields.get(key) for key in ("email", "password", "twofactor"))
    if not isinstance(email, str) or not email or not isinstance(password, str) or not password:
        raise ApiError(api.BAD_REQUEST, "send the email and password as form fields")
    if not (_same(email.strip().lower(), account.email.lower()) and _same(password, account.password)):
        return 401, {"error": "not authorised", "message": "Wrong email or password."}
    if account.two_factor is not None:
        if code in (None, ""):
            return 428, {"error": "Two-factor authentication code required."}
        code = str(code) if isinstance(code, int) and not isinstance(code, bool) else code  # JSON: 123456
        if not isinstance(code, str) or not _same(code.strip(), account.two_factor):
            return 401, {"error": "not authorised", "message": "The two-factor code is not valid."}
    return 200, {"email": account.email, "auth_token": token}


def third_party(token: str, query: dict[str, str]) -> tuple[int, dict, dict[str, str]]:
    redirect = query.get("redirect", "")
    problem = _redirect_problem(redirect)
    if problem:
        raise ApiError(api.BAD_REQUEST, f"redirect {redirect[:200]!r} {problem}")
    joined = f"{redirect}{'&' if urlsplit(redirect).query else '?'}auth_token={quote(token, safe='')}"
    return 302, {"redirect": "the browser goes on to the redirect URL"}, {"Location": joined}


# The whole callback URL, spelt so that every URL parser — Python's and a browser's (WHATWG) — reads the
# same loopback host: no user info, no backslash (`http://evil.com\\@127.0.0.1/` is evil.com to a browser),
# no fragment, nothing but a port after the host.
_LOOPBACK_URL = re.compile(r"http://(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{1,5})?(?:/[^\s#\\@]*)?")


def _redirect_problem(redirect: str) -> str | None:
    if not redirect:
        return "is missing: add ?redirect=<the callback URL>"
    if not _LOOPBACK_URL.fullmatch(redirect) or "%5c" in redirect.lower():
        return ("must be an http URL on this machine (127.0.0.1, localhost or [::1]), without user info, "
                "backslashes or a fragment")
    return None


def _fields(raw: bytes, content_type: str) -> dict[str, Any]:
    """The form (as the official CLI sends it) or a JSON object."""
    if content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise ApiError(api.BAD_REQUEST, "the form is not UTF-8") from None
    from actionctl.emulator.server import decode  # the server imports this module: read at call time

    body = decode(raw)
    if not isinstance(body, dict):
        raise ApiError(api.BAD_REQUEST, "send the email and password as form fields or a JSON object")
    return body


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))
