from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pydantic

from saleor_mautomation.core.errors import PermanentError


@dataclass(frozen=True)
class FieldError:
    """One problem, at the path of the definition field it is about (``root.conditions.0.op``)."""

    field: str
    message: str


class DefinitionInvalid(PermanentError):
    code = "invalid_definition"

    def __init__(self, errors: list[FieldError], *, what: str = "segment") -> None:
        summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        super().__init__(f"The {what} definition is invalid: {summary}")
        self.errors = errors


class SegmentNotFound(PermanentError):
    code = "not_found"


class SegmentInUse(PermanentError):
    """Archiving a segment that other active segments refer to."""

    code = "segment_in_use"


def field_errors(exc: pydantic.ValidationError, tags: Iterable[str]) -> list[FieldError]:
    """Pydantic's errors at the paths the client wrote: without the union tags pydantic puts
    in its locations (``root.and.conditions.0`` -> ``root.conditions.0``)."""
    skipped = set(tags)
    return [
        FieldError(
            ".".join(str(p) for p in error["loc"] if not (isinstance(p, str) and p in skipped))
            or "definition",
            str(error["msg"]).removeprefix("Value error, "),
        )
        for error in exc.errors(include_url=False)
    ]
