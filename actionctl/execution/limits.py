"""The platform's limits on one run, and which of them a local run uses.

Documented (docs/API/core/app-actions-v3.md): execution stops after 120 s for a `server` action and 30 s
for a `client` one; the result of an on-demand run is limited to 6 MB; the payload has no fixed limit
(the first revision said 2,048 characters, the newest says the transport bounds it — in practice the
length of a URL, as the payload may travel in the query string).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEADLINES = {"server": 120, "client": 30}  # seconds
# "6MB" read as 6,000,000 bytes of UTF-8 JSON, the smaller of its two readings (6 MiB is 6,291,456): a
# result that fits here fits the platform whichever it means.
RESULT_BYTES = 6_000_000
# Past this a payload is warned about, not refused (unless `limits.payload` asks for a refusal).
PAYLOAD_WARNING = 2048  # characters of JSON, the first revision's figure
# Only the server runs schedule and log triggers, only the app (the client) analytics ones.
_SIDE_OF_TRIGGER = {"schedule": "server", "log": "server", "analytics": "client"}

PLATFORM, CONFIGURED, ASKED = "platform", "limits.timeout", "timeout"


@dataclass(frozen=True, slots=True)
class Deadline:
    """How long a run may take, the side of the platform it stands for, and what set the number."""

    seconds: float
    environment: str  # "server" or "client"
    set_by: str  # PLATFORM, CONFIGURED (actionctl.yaml) or ASKED (--timeout, a case's timeout)

    def as_json(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "environment": self.environment, "setBy": self.set_by}

    def describe(self) -> str:
        """E.g. "as a client action, 30 s (the platform's client limit)"."""
        why = {PLATFORM: f"the platform's {self.environment} limit", CONFIGURED: "limits.timeout in actionctl.yaml",
               ASKED: "the timeout asked for"}[self.set_by]
        return f"as a {self.environment} action, {self.seconds:g} s ({why})"


def side(environment: Any, trigger: str) -> str:
    """Where the platform runs an action of `environment` started by `trigger`.

    An `any` action runs wherever its trigger is served; a manual run of one may happen on either side
    (it runs where it is fired from), so it gets the client's shorter deadline: what finishes here in
    30 s finishes on both.
    """
    if environment in DEADLINES:
        return environment
    return _SIDE_OF_TRIGGER.get(trigger, "client") if environment == "any" else "server"


def deadline(environment: Any, trigger: str, configured: float | None, asked: float | None) -> Deadline:
    """The deadline of one run: the one asked for, else `limits.timeout` when set, else the platform's."""
    where = side(environment, trigger)
    if asked:
        return Deadline(float(asked), where, ASKED)
    if configured:
        return Deadline(float(configured), where, CONFIGURED)
    return Deadline(float(DEADLINES[where]), where, PLATFORM)
