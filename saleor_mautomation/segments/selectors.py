"""Reading segments: counts, the live preview of an unsaved definition, members, history."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.segments import definition as d
from saleor_mautomation.segments.compiler import compile_definition
from saleor_mautomation.segments.errors import DefinitionInvalid, FieldError
from saleor_mautomation.segments.models import Membership, Segment

EXPORT_CHUNK = 2_000


def segments_list(*, installation_id: int, include_archived: bool = False) -> list[Segment]:
    segments = Segment.objects.filter(installation_id=installation_id)
    if not include_archived:
        segments = segments.filter(status=Segment.Status.ACTIVE)
    return list(segments.order_by("-is_builtin", "name", "pk"))


def segment_get(*, installation_id: int, segment_id: int) -> Segment | None:
    return Segment.objects.filter(installation_id=installation_id, pk=segment_id).first()


def member_counts(segment_ids: list[int]) -> dict[int, int]:
    """Current members per segment (read from the open-membership index)."""
    rows = (
        Membership.objects.filter(segment_id__in=segment_ids, exited_at__isnull=True)
        .values("segment_id")
        .annotate(n=Count("pk"))
    )
    counts = {pk: 0 for pk in segment_ids}
    counts.update({row["segment_id"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class Preview:
    count: int
    sample: list[Contact]
    errors: list[FieldError]


def segment_preview(
    *, installation_id: int, definition: Any, now: datetime, sample_size: int = 10
) -> Preview:
    """What a definition would select right now, before it is saved: the count and a few
    contacts, or the field-level errors that keep it from being evaluated."""
    try:
        parsed = d.definition_parse(definition)
    except DefinitionInvalid as exc:
        return Preview(count=0, sample=[], errors=exc.errors)
    referenced = d.referenced_segments(parsed)
    known = set(
        Segment.objects.filter(
            installation_id=installation_id, pk__in=referenced, status=Segment.Status.ACTIVE
        ).values_list("pk", flat=True)
    )
    if referenced - known:
        missing = sorted(referenced - known)
        errors = [
            FieldError("root", f"segment {pk} does not exist or is archived") for pk in missing
        ]
        return Preview(count=0, sample=[], errors=errors)
    condition = compile_definition(parsed, installation_id=installation_id, now=now)
    contacts = Contact.objects.filter(installation_id=installation_id).filter(condition)
    sample = list(contacts.order_by("-pk")[:sample_size])
    count = len(sample) if len(sample) < sample_size else contacts.count()
    return Preview(count=count, sample=sample, errors=[])


def membership_history(
    *, segment: Segment, contact_id: int | None = None, first: int = 50, before: int | None = None
) -> list[Membership]:
    """Entries and exits, newest first, paged by membership id (keyset)."""
    rows = Membership.objects.filter(segment=segment).select_related("contact")
    if contact_id is not None:
        rows = rows.filter(contact_id=contact_id)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    return list(rows.order_by("-pk")[: max(1, min(first, 500))])


def contact_memberships(*, contact_id: int) -> list[Membership]:
    return list(
        Membership.objects.filter(contact_id=contact_id)
        .select_related("segment")
        .order_by("-entered_at", "-pk")
    )


EXPORT_COLUMNS = [
    "email",
    "saleor_user_id",
    "first_name",
    "last_name",
    "country",
    "lifecycle_stage",
    "orders_count",
    "entered_at",
]


def members_csv(segment: Segment) -> Iterator[str]:
    """The members as CSV lines, streamed in keyset pages (never all in memory)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_COLUMNS)
    yield flush()
    after = 0
    while True:
        page = list(
            Membership.objects.filter(segment=segment, exited_at__isnull=True, pk__gt=after)
            .select_related("contact")
            .order_by("pk")[:EXPORT_CHUNK]
        )
        if not page:
            return
        for membership in page:
            contact = membership.contact
            writer.writerow(
                [
                    _safe(contact.email or ""),
                    contact.saleor_user_id or "",
                    _safe(contact.first_name),
                    _safe(contact.last_name),
                    contact.country,
                    contact.lifecycle_stage,
                    contact.orders_count,
                    membership.entered_at.isoformat(),
                ]
            )
        after = page[-1].pk
        yield flush()


def _safe(value: str) -> str:
    """No spreadsheet formula injection: a cell starting with = + - @ is read as text."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
