"""What can go wrong when talking to the service, each with the service's own code where it gave one."""

from __future__ import annotations

from actionctl.errors import ActionctlError, UsageError

SERVICE_ERROR_EXIT = 3


class ServiceError(ActionctlError):
    """The service answered with an error (or could not be reached): exit status 3, its code kept."""

    exit_code = SERVICE_ERROR_EXIT
    code = "SERVICE_ERROR"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message, code=code)
        self.status = status


class NotAuthorisedError(ServiceError):
    code = "NOT_AUTHORISED"


class RateLimitedError(ServiceError):
    code = "RATE_LIMITED"


class NetworkError(ServiceError):
    """No answer at all: the host could not be reached, or kept dropping the connection."""

    code = "NETWORK_ERROR"


class NotLoggedInError(UsageError):
    code = "NOT_LOGGED_IN"


class NoAppError(UsageError):
    code = "APP_REQUIRED"


def redact(text: str, token: str | None) -> str:
    """`text` with the token (and any long enough piece of it) replaced, for messages and logs."""
    if token and len(token) >= 4:
        text = text.replace(token, "***")
    return text
