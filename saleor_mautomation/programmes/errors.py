"""What the programmes refuse, each with a stable code (the pages and the GraphQL API map them)."""

from __future__ import annotations

from saleor_mautomation.core.errors import PermanentError


class ProgrammeNotFound(PermanentError):
    code = "not_found"


class ProgrammeClosed(PermanentError):
    """A closed survey, or a draw already drawn or past its closing time."""

    code = "closed"


class ProgrammeInvalid(PermanentError):
    """A value the programme does not take (a rating off its scale, a key in use, ...);
    ``field`` names the input it is about (the GraphQL input's name), when there is one."""

    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str = "") -> None:
        super().__init__(message, code=code)
        self.field = field
