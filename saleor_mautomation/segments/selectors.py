"""Reading segments: counts, the live preview of an unsaved definition, members, history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, DateField, QuerySet, Value
from django.db.models.functions import Greatest, TruncDate

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.csv_stream import csv_stream
from saleor_mautomation.segments import definition as d
from saleor_mautomation.segments.compiler import compile_definition
from saleor_mautomation.segments.driving import driven_ids, planner_estimate
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


def member_ids(segment: Segment) -> QuerySet[Membership, Any]:
    """The current members' contact ids, as a subquery (the contacts list's segment filter)."""
    return Membership.objects.filter(
        installation_id=segment.installation_id, segment=segment, exited_at__isnull=True
    ).values("contact_id")


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


MAX_TREND_DAYS = 366


def member_trends(
    *, installation_id: int, segment_ids: list[int], days: int, now: datetime
) -> dict[int, list[int]]:
    """Members of each segment at the end of each of the last ``days`` UTC days, oldest
    first (today's end is now: nothing has happened after it yet).

    Two grouped queries for all the segments together, not one per day: the entries and the
    exits counted per day, every one before the window in the bucket of the day before it.
    A contact is a member at a day's end when it entered before and has not exited before,
    so the count is the running sum of entries minus the running sum of exits.
    """
    days = max(1, min(days, MAX_TREND_DAYS))
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    before = first - timedelta(days=1)
    end = datetime.combine(today + timedelta(days=1), time(), tzinfo=UTC)
    rows = Membership.objects.filter(installation_id=installation_id, segment_id__in=segment_ids)
    changes = {pk: [0] * (days + 1) for pk in segment_ids}
    for column, sign in (("entered_at", 1), ("exited_at", -1)):
        bucket = Greatest(TruncDate(column, tzinfo=UTC), Value(before, output_field=DateField()))
        grouped = (
            rows.filter(**{f"{column}__lt": end})
            .annotate(day=bucket)
            .values("segment_id", "day")
            .annotate(n=Count("pk"))
        )
        for row in grouped:
            index = (_as_date(row["day"]) - before).days
            changes[row["segment_id"]][index] += sign * row["n"]
    trends = {}
    for pk, deltas in changes.items():
        running, counts = 0, []
        for delta in deltas:
            running += delta
            counts.append(running)
        trends[pk] = counts[1:]
    return trends


def _as_date(value: date | str) -> date:
    """SQLite returns the greatest of two dates as text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


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
    contacts = Contact.objects.filter(installation_id=installation_id)
    # From the most selective condition's rows where that is the better start (driving.py).
    ids = driven_ids(parsed, installation_id=installation_id, now=now, estimate=planner_estimate)
    if ids is None:
        contacts = contacts.filter(
            compile_definition(parsed, installation_id=installation_id, now=now)
        )
    else:
        contacts = contacts.filter(pk__in=ids)
    sample = list(contacts.order_by("-pk")[:sample_size])
    if len(sample) < sample_size:
        count = len(sample)
    else:
        count = ids.count() if ids is not None else contacts.count()
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
    """The members as CSV text (``EXPORT_COLUMNS``), read in keyset pages (never all in
    memory)."""
    return csv_stream(EXPORT_COLUMNS, _member_rows(segment))


def _member_rows(segment: Segment) -> Iterator[list[object]]:
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
            yield [
                contact.email or "",
                contact.saleor_user_id or "",
                contact.first_name,
                contact.last_name,
                contact.country,
                contact.lifecycle_stage,
                contact.orders_count,
                membership.entered_at.isoformat(),
            ]
        after = page[-1].pk
