"""The emulator's part of the error catalogue: the refusals it answers with, as the service does.

An `ApiError` is the emulator's own exception — an HTTP status, the service's code, a message —
turned into the service's error body by the server. It is not the client's `ServiceError`, which is
what a client makes of such an answer. Each answer is (HTTP status, the service's code).
"""

from __future__ import annotations

Answer = tuple[int, str]

BAD_REQUEST: Answer = (400, "BAD_REQUEST")
ACTION_INACTIVE: Answer = (400, "ACTION_INACTIVE")
CLIENT_ACTION_NOT_RUNNABLE: Answer = (400, "CLIENT_ACTION_NOT_RUNNABLE")
PAYLOAD_TOO_LARGE: Answer = (400, "PAYLOAD_TOO_LARGE")
APP_NOT_PUBLISHED: Answer = (400, "APP_NOT_PUBLISHED")
ACTION_NOT_PUBLISHED: Answer = (400, "ACTION_NOT_PUBLISHED")
CANNOT_UPDATE_PRODUCTION: Answer = (403, "CANNOT_UPDATE_PRODUCTION")
CANNOT_DELETE_PRODUCTION: Answer = (403, "CANNOT_DELETE_PRODUCTION")
CANNOT_RESTORE_PRODUCTION: Answer = (403, "CANNOT_RESTORE_PRODUCTION")
ACTION_NOT_FOUND: Answer = (404, "ACTION_NOT_FOUND")
VERSION_NOT_FOUND: Answer = (404, "VERSION_NOT_FOUND")
NAME_ALREADY_EXISTS: Answer = (409, "NAME_ALREADY_EXISTS")
EXECUTION_FAILED: Answer = (500, "EXECUTION_FAILED")
SERVICE_UNAVAILABLE: Answer = (503, "SERVICE_UNAVAILABLE")


def invalid(code: str) -> Answer:
    """A 400 carrying a validation rule's code (the rules' catalogue holds those)."""
    return (400, code)


class ApiError(Exception):
    """A refusal: HTTP status, the service's code, a message, and any extra keys of the error body."""

    def __init__(self, answer: Answer, message: str, extra: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.code = answer
        self.message = message
        self.extra = extra or {}

    def body(self) -> dict:
        return {"status": self.code, "error": self.message, **self.extra}
