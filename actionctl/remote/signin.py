"""Signing in to the service, three ways, each ending in a token that `GET v1/user` accepted.

- **browser** — as the platform's own CLI does (platform-notes, "Signing in"): a one-shot HTTP server on
  127.0.0.1 (a free port) waits for the browser to come back; the browser opens
  `{api}v1/auth/third-party?redirect=<callback>&responseType=code&source=CLI&title=actionctl`, the user
  signs in there, and the service sends the browser to the callback with `auth_token=…` in its query.
  The callback's path holds a random `state`: a page that does not know it (another local program, a
  site the browser visits) cannot plant a token of its own.
- **email** — `POST v1/auth/login` with the form fields `email` and `password` (`lib/auth.js`); 428
  means "send the two-factor code", asked of the caller and posted once more with `twofactor`. A
  sign-in is never sent again on its own: a second attempt may count against the account's lockout,
  and a code is used up.
- **token** — one the user pasted or piped (CI; an app's API token, which does not reach the
  working-draft apps V3 actions live on: docs/REST-API/authenticate.md).

No Typer or Rich here: the CLI asks the questions and prints; this module talks and decides.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from actionctl.remote import paths
from actionctl.remote.credentials import usable_token
from actionctl.remote.errors import (
    ApiUrlInvalidError,
    NetworkError,
    NotAuthorisedError,
    ServiceAnswerError,
    ServiceError,
    SignInRefusedError,
    SignInTimeoutError,
    TokenInvalidError,
    TwoFactorInvalidError,
)

WAYS = ("browser", "email", "token")
TITLE = "actionctl"  # what the service's sign-in page says is asking
_REFUSALS = (400, 401, 403)
# The documented token example is `eu--abcdefg123456789` (docs/REST-API/authenticate.md): its region first.
_REGION_PREFIX = re.compile(r"(eu|us|ca)--")
_CLOSE_PAGE = ("<!doctype html><meta charset=utf-8><title>actionctl</title>"
               "<p>Signed in — you can close this tab and go back to the terminal.</p>")


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A checked token and what is known about it."""

    token: str
    user: dict
    how: str          # WAYS: how the token was obtained
    kind: str         # "user", "api token" or "unknown"
    region: str | None
    region_from: str  # "token" (its prefix), "user" (v1/user said) or "host" (the host it is for)

    def facts(self) -> dict[str, Any]:
        return {"kind": self.kind, "how": self.how, "region": self.region, "regionFrom": self.region_from}


# --- the check every token goes through --------------------------------------------------------------


def check(api_url: str, token: str, how: str, *, routes: paths.Routes | None = None,
          log: Callable[[str], None] | None = None) -> SignedIn:
    """The token, once `GET v1/user` accepted it; NOT_AUTHORISED, saying nothing was saved, when refused."""
    from actionctl.remote.client import Client

    with Client(api_url, token, routes=routes, log=log) as client:
        try:
            user = client.whoami()
        except NotAuthorisedError as exc:
            raise NotAuthorisedError(f"{api_url} refused this token, so it was not saved ({exc.message})",
                                     status=401) from None
    return described(token, user, how, api_url)


def described(token: str, user: dict, how: str, api_url: str) -> SignedIn:
    region, region_from = region_of(token, user, api_url)
    return SignedIn(token, user, how, kind_of(user, how), region, region_from)


def kind_of(user: dict, how: str) -> str:
    """Whose token: a person's ("user"), an app's ("api token"), or "unknown" — only as far as we can tell.

    A browser or password sign-in hands out the person's own token. For a pasted token nothing public says
    how `v1/user` answers an API token: an answer that names nobody (no id, email or name) is taken for an
    app's token — an inference, said so in the README — and anything else is "unknown" rather than a guess.
    """
    if how in ("browser", "email"):
        return "user"
    if not any(user.get(key) for key in ("id", "email", "fullName")):
        return "api token"
    return "unknown"


def region_of(token: str, user: dict, api_url: str) -> tuple[str | None, str]:
    """The token's region and where that was read: its documented prefix, else the user's `region` or
    `host` in `v1/user`, else the host it is for (None when that is no region's, as the emulator's)."""
    if token_region(token):
        return token_region(token), "token"
    said = user.get("region")
    if isinstance(said, str) and said.lower() in paths.REGION_HOSTS:
        return said.lower(), "user"
    host = user.get("host")
    if isinstance(host, str) and host_region(host):
        return host_region(host), "user"
    return host_region(api_url), "host"


def token_region(token: str) -> str | None:
    """The region a token's documented prefix names (`eu--…`), or None."""
    prefix = _REGION_PREFIX.match(token)
    return prefix.group(1) if prefix else None


def host_region(url: str) -> str | None:
    """The region whose host `url` is on, or None (another host: the emulator, a proxy)."""
    netloc = urlsplit(url if "//" in url else "https://" + url).netloc.lower()
    return next((region for region, base in paths.REGION_HOSTS.items() if urlsplit(base).netloc == netloc), None)


# --- email and password -----------------------------------------------------------------------------


def password(api_url: str, email: str, secret: str, *, ask_code: Callable[[], str], code: str | None = None,
             routes: paths.Routes | None = None) -> str:
    """The token the service hands out for `email` and `secret` (the password, never shown in a message).

    A `code` given up front is sent with the first attempt, as the official CLI's `--code` is; without
    one, a 428 asks `ask_code()` for it and posts once more.
    """
    routes = routes or paths.DEFAULT
    _refuse_plain_http(api_url)
    answer = _post(api_url, routes, email, secret, code)
    if answer.status_code == 428 and code is None:
        answer = _post(api_url, routes, email, secret, ask_code())
        return _token(answer, api_url, secret, after_428=True)
    return _token(answer, api_url, secret, code_sent=code is not None)


def _refuse_plain_http(api_url: str) -> None:
    """A password goes only over https, or to this machine (the emulator): plain http to another host
    would hand it to every network between."""
    parts = urlsplit(api_url)
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ApiUrlInvalidError(f"{api_url} is not https: a password is sent only over https (or to this "
                                 "machine) — use the https URL, or sign in through the browser")


def _post(api_url: str, routes: paths.Routes, email: str, secret: str, code: str | None):
    import httpx

    from actionctl import __version__

    route = routes.build("login")
    form = {"email": email, "password": secret, **({"twofactor": code} if code is not None else {})}
    try:
        with httpx.Client(base_url=api_url, timeout=30.0, headers={
                "Accept": "application/json", "User-Agent": f"actionctl/{__version__}"}) as http:
            return http.request(route.method, route.path, data=form)
    except httpx.HTTPError as exc:
        raise NetworkError(f"{route.method} {route.path}: no answer from {api_url} ({type(exc).__name__}) — "
                           "nothing was stored; a sign-in is not sent again on its own, run `actionctl login` "
                           "again") from None


def _token(answer, api_url: str, secret: str, *, after_428: bool = False, code_sent: bool = False) -> str:
    status = answer.status_code
    # The password as typed, where the service echoes it: not its pieces in any case, which would hide the
    # words of the message itself ("Wrong email or password." for a password "wrong").
    said = _said(answer).replace(secret, "***") if secret else _said(answer)
    if status == 200:
        return _handed_out(answer, api_url)
    if after_428 and (status == 428 or status in _REFUSALS):
        raise TwoFactorInvalidError(f"{api_url} refused the two-factor code ({said}) — nothing was stored; run "
                                    "`actionctl login --email …` again with a new code", status=status)
    if status == 428:  # a code went with the first attempt, and the service asks for one still
        raise TwoFactorInvalidError(f"{api_url} asked for a two-factor code again ({said}) — the --code given "
                                    "was not taken; nothing was stored", status=status)
    if status in _REFUSALS:
        what = "the email, password or two-factor code" if code_sent else "the email or password"
        raise SignInRefusedError(f"{api_url} refused {what} ({said}) — nothing was stored", status=status)
    raise ServiceError(f"{api_url} answered the sign-in with HTTP {status} ({said}) — nothing was stored",
                       code=f"HTTP_{status}", status=status)


def _handed_out(answer, api_url: str) -> str:
    try:
        body = answer.json()
    except ValueError:
        body = None
    token = body.get("auth_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token.strip():
        raise ServiceAnswerError(f"{api_url} accepted the sign-in but its answer holds no auth_token — nothing "
                                 "was stored")
    return usable_token(token, "the service's sign-in answer")


def _said(answer) -> str:
    """What the service said, in a few words: its `message` or `error`, else the status."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    body = body if isinstance(body, dict) else {}
    for key in ("message", "error"):
        if isinstance(body.get(key), str) and body[key].strip():
            return body[key].strip()[:200]
    return f"HTTP {answer.status_code}"


# --- the browser -------------------------------------------------------------------------------------


def browser(api_url: str, show: Callable[[str], None], *, timeout: float,
            routes: paths.Routes | None = None) -> str:
    """The token the browser brings back to a one-shot callback server; `show(url)` opens the sign-in
    page (or prints it). SIGNIN_TIMEOUT after `timeout` seconds; Ctrl-C goes through. Either way the
    server is closed and nothing was kept."""
    with Callback() as callback:
        deadline = time.monotonic() + timeout  # from now: however long `show` takes counts too
        show(sign_in_url(api_url, callback.url, routes or paths.DEFAULT))
        return callback.wait(max(0.0, deadline - time.monotonic()), timeout, api_url)


def sign_in_url(api_url: str, callback: str, routes: paths.Routes) -> str:
    route = routes.build("third_party")
    query = urlencode({"redirect": callback, "responseType": "code", "source": "CLI", "title": TITLE})
    return f"{paths.base_url(api_url, 'the service URL')}{route.path}?{query}"


class Callback:
    """A loopback server that takes one token, at its secret path, and answers everything else 404/400."""

    def __init__(self) -> None:
        self.path = f"/actionctl/{secrets.token_urlsafe(24)}"
        self.token: str | None = None
        self._arrived = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _CallbackHandler)
        self._httpd.daemon_threads = True
        self._httpd.callback = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}{self.path}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="signin-callback",
                                        daemon=True)
        self._thread.start()

    def take(self, path: str, query: dict[str, str]) -> tuple[int, str]:
        """The answer to the browser; the token is kept when the path is ours and it carries one."""
        if not hmac.compare_digest(path.encode("utf-8", "surrogateescape"), self.path.encode()):
            return 404, "Not found."
        try:
            token = usable_token(query.get("auth_token", ""), "the browser")
        except TokenInvalidError:
            token = ""
        if not token:
            return 400, "This sign-in link carried no usable token: go back to the terminal and try again."
        with self._lock:  # two requests at once: the first token is the one kept
            if not self._arrived.is_set():
                self.token = token
                self._arrived.set()
        return 200, _CLOSE_PAGE

    def wait(self, remaining: float, timeout: float, api_url: str) -> str:
        if not self._arrived.wait(remaining):
            raise SignInTimeoutError(f"the browser did not come back from {api_url} within {timeout:g} s — nothing "
                                     "was stored; run `actionctl login` again (--no-browser prints the link to "
                                     "open elsewhere; --email signs in with a password)")
        return self.token or ""

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> Callback:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _CallbackHandler(BaseHTTPRequestHandler):
    server_version = "actionctl-signin"
    server: ThreadingHTTPServer

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        status, page = self.server.callback.take(url.path, dict(parse_qsl(url.query)))  # type: ignore[attr-defined]
        data = page.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        # The address held the token: no page it links to may learn it, and no cache may keep it.
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request line holds the token."""
