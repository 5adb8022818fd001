"""The remote client's part of the error catalogue: what can go wrong when talking to the service.

A refusal keeps the service's own code where it gave one; these classes are the codes actionctl
gives itself. `actionctl.errors.every_error()` lists them with the rest of the catalogue.
"""

from __future__ import annotations

from actionctl.errors import ActionctlError, UsageError
from actionctl.remote.publish_state import RELEASE_TYPES

SERVICE_ERROR_EXIT = 3
# The service's answer to publishing an action of an app that is not published: worth a hint of what to do.
APP_NOT_PUBLISHED = "APP_NOT_PUBLISHED"
PUBLISH_APP_FIRST = (f"publish the app first (`actionctl publish --app-release {'|'.join(RELEASE_TYPES)}`, or "
                     "Fliplet Studio → Publish)")


class ServiceError(ActionctlError):
    """The service answered with an error (its own code is kept), or could not be reached."""

    exit_code = SERVICE_ERROR_EXIT
    code = "SERVICE_ERROR"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 answer: dict | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.answer = answer or {}  # the error body as the service sent it (a failed run's details: its stack)
        if code:
            self.code = code


class NotAuthorisedError(ServiceError):
    """The service refused the token (401)."""

    code = "NOT_AUTHORISED"


class RateLimitedError(ServiceError):
    """The service kept answering 429 after the retries."""

    code = "RATE_LIMITED"


class NetworkError(ServiceError):
    """No answer at all: the host could not be reached, or kept dropping the connection."""

    code = "NETWORK_ERROR"


class ServiceAnswerError(ServiceError):
    """The service's answer cannot be followed: pages that never end, a page sent again, no list where one belongs."""

    code = "SERVICE_ANSWER_INVALID"


class ActionNotPublishedError(ServiceError):
    """The action has no production copy to show."""

    code = "ACTION_NOT_PUBLISHED"


class SignInRefusedError(ServiceError):
    """`login --email`: the service refused the email and password (or a two-factor code sent with them)."""

    code = "SIGNIN_REFUSED"


class TwoFactorInvalidError(ServiceError):
    """`login --email`: the service asked for a two-factor code and refused the one given."""

    code = "TWO_FACTOR_INVALID"


class SignInTimeoutError(ActionctlError):
    """`login` in the browser: the browser did not come back with a token in time; nothing was stored."""

    code = "SIGNIN_TIMEOUT"


class TwoFactorRequiredError(UsageError):
    """`login --email`: the service asks for a two-factor code, and nobody is at a terminal to type it (--code)."""

    code = "TWO_FACTOR_REQUIRED"


class NotLoggedInError(UsageError):
    """A remote command has no token: no --token, no ACTIONCTL_TOKEN, no stored login."""

    code = "NOT_LOGGED_IN"


class ApiUrlInvalidError(UsageError):
    """The service's base URL (--api-url, `api_url:`) is not an http(s) URL with a host, or is plain http to
    another machine for a password."""

    code = "API_URL_INVALID"


class TokenInvalidError(UsageError):
    """The token holds what an HTTP header cannot carry: a character outside printable ASCII, or a space."""

    code = "TOKEN_INVALID"


class NoAppError(UsageError):
    """A remote command does not know which app: no --app, no `app:` in actionctl.yaml."""

    code = "APP_REQUIRED"


class CredentialsError(ActionctlError):
    """The stored logins cannot be read or written."""

    code = "CREDENTIALS_UNREADABLE"


# Characters of a token that give away enough of it on their own: a prefix, a middle, a tail.
SECRET_PIECE = 8
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def redact(text: str, token: str | None) -> str:
    """`text` with the token, and every piece of it SECRET_PIECE characters long or more, in any case (a
    prefix echoed back, the token upper-cased by a proxy), replaced by `***`, for messages and logs."""
    if not token or len(token) < 4:
        return text
    size = min(SECRET_PIECE, len(token))
    folded_token = token.translate(_ASCII_LOWER)  # ASCII only, so that every index still matches `text`'s
    pieces = {folded_token[i:i + size] for i in range(len(token) - size + 1)}
    folded = text.translate(_ASCII_LOWER)
    hidden = [False] * len(text)
    for start in range(len(text) - size + 1):
        if folded[start:start + size] in pieces:
            hidden[start:start + size] = [True] * size
    return _hide(text, hidden)


def _hide(text: str, hidden: list[bool]) -> str:
    """`text` with each run of hidden characters replaced by one `***`."""
    out, start = [], 0
    while start < len(text):
        end = start
        while end < len(text) and hidden[end] == hidden[start]:
            end += 1
        out.append("***" if hidden[start] else text[start:end])
        start = end
    return "".join(out)
