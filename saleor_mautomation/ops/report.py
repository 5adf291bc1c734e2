"""A doctor's finding: one line per check, its status and, when it is not OK, what to do."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from typing import Any


class Status(enum.StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Line:
    check: str  # what was checked: "SECRET_KEY", "database", "installation 3 webhooks", ...
    status: Status
    message: str  # what was found
    fix: str = ""  # what to do about it (empty when there is nothing to do)

    def text(self) -> str:
        line = f"{self.status:<5}{self.check}: {self.message}"
        return f"{line} Fix: {self.fix}" if self.fix else line

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": str(self.status)}


def ok(check: str, message: str) -> Line:
    return Line(check, Status.OK, message)


def warn(check: str, message: str, fix: str = "") -> Line:
    return Line(check, Status.WARN, message, fix)


def fail(check: str, message: str, fix: str) -> Line:
    return Line(check, Status.FAIL, message, fix)
