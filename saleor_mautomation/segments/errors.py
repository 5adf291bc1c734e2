from __future__ import annotations

from dataclasses import dataclass

from saleor_mautomation.core.errors import PermanentError


@dataclass(frozen=True)
class FieldError:
    """One problem, at the path of the definition field it is about (``root.conditions.0.op``)."""

    field: str
    message: str


class DefinitionInvalid(PermanentError):
    code = "invalid_definition"

    def __init__(self, errors: list[FieldError]) -> None:
        summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
        super().__init__(f"The segment definition is invalid: {summary}")
        self.errors = errors


class SegmentNotFound(PermanentError):
    code = "not_found"


class SegmentInUse(PermanentError):
    """Archiving a segment that other active segments refer to."""

    code = "segment_in_use"
