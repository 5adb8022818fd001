"""What `doctor` finds: checks, each with a status, a sentence and the facts behind it, gathered in a report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass
class Check:
    """One thing looked at: `id` is stable (scripts and bug reports name it), `detail` says what was found and,
    when it is not ok, what to do; `facts` are the figures and names behind it — never a token, never data."""

    id: str
    title: str
    status: Status
    detail: str
    facts: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"id": self.id, "title": self.title, "status": self.status, "detail": self.detail,
                "facts": self.facts}


@dataclass
class Report:
    version: str
    live: bool
    checks: list[Check] = field(default_factory=list)
    routes: list[dict] = field(default_factory=list)  # paths.Routes.rows(), each with what its probe saw

    @property
    def failed(self) -> bool:
        return any(check.status == "fail" for check in self.checks)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def as_json(self) -> dict:
        return {"version": self.version, "live": self.live, "checks": [check.as_json() for check in self.checks],
                "routes": self.routes}
