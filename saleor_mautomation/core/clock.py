"""The one source of "now": tests move it with time-machine."""

import time
from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(tz=UTC)


def monotonic() -> float:
    return time.monotonic()
