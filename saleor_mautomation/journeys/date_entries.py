"""Date entries and recurring entries: who is due, found set-based, entered once per occurrence.

A date entry reads one date per contact: a profile field or a custom attribute (an ISO date in
the contact's metadata). Per journey, one query reads the contacts whose date may fall on one
of the occurrences due now (in any zone, over the catch-up window: a handful of month-days or
days), the exact match in each contact's zone is made on those few rows, and one query per
occurrence leaves out who entered for it already. A recurring entry enrols its segment's
members per occurrence of the series, one query per occurrence due in some zone.

Runs are keyed ``date:<occurrence>`` and ``every:<occurrence>`` (the occurrence's date, not
the day it fires: a reminder moved from 14 to 7 days before does not remind twice), and the
journey row is locked while it is swept, so concurrent sweeps enter nobody twice.
Calendar rules and the catch-up window: ``journeys/occurrences.py``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from saleor_mautomation.contacts.engagement import local_zone
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.entries import _chunks, _eligible, _running
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion
from saleor_mautomation.journeys.occurrences import (
    date_of,
    due_days,
    latest_occurrence,
    month_days,
    occurs_on,
)
from saleor_mautomation.journeys.runner import runs_advance
from saleor_mautomation.journeys.services import runs_create
from saleor_mautomation.segments.models import Membership

# Anniversaries of these start the year after (the sign-up day itself is no anniversary).
FROM_NEXT_YEAR = ("date_joined", "created_at")
VALUE = "entry_date"


def calendar_entries_sweep(*, installation_id: int, now: datetime) -> int:
    """Enter the contacts whose date entry or series occurrence is due (today once the entry's
    hour has come where they live, or missed on one of the last days); returns the runs."""
    started = 0
    for journey, definition in _running(installation_id):
        entry = definition.entry
        if isinstance(entry, d.DateEntry | d.RecurringEntry):
            with transaction.atomic():
                Journey.objects.select_for_update().filter(pk=journey.pk).first()  # one sweeper
                if isinstance(entry, d.DateEntry):
                    started += _dates(journey, definition, entry, now)
                else:
                    started += _series(journey, definition, entry, now)
    return started


def _since(journey: Journey) -> datetime:
    """When the journey was first published: no occurrence before it is caught up."""
    first = JourneyVersion.objects.filter(journey=journey).aggregate(at=Min("published_at"))["at"]
    return first or journey.created_at


def _zones(contacts: QuerySet[Any], field: str = "time_zone") -> list[str]:
    return list(contacts.order_by().values_list(field, flat=True).distinct())


def _enter(
    journey: Journey, ids: list[int], now: datetime, key: str, context: dict[str, Any]
) -> int:
    started = 0
    for chunk in _chunks(ids):
        runs = runs_create(
            journey=journey,
            contacts=list(Contact.objects.filter(pk__in=chunk)),
            now=now,
            entry_key=key,
            context=context,
        )
        runs_advance(runs, now=now)
        started += len(runs)
    return started


# -- dates ------------------------------------------------------------------------------------


def _dates(
    journey: Journey, definition: d.JourneyDefinition, entry: d.DateEntry, now: datetime
) -> int:
    contacts = Contact.objects.filter(installation_id=journey.installation_id)
    since = _since(journey)
    # Per zone, the (fire day, occurrence) pairs due now.
    plan: dict[str, list[tuple[date, date]]] = {}
    for zone in _zones(contacts):
        tz = local_zone(zone)
        days = due_days(now.astimezone(tz), entry.at_hour, since=since.astimezone(tz).date())
        if days:
            plan[zone] = [(day, day - timedelta(days=entry.days_offset)) for day in days]
    if not plan:
        return 0
    occurrences = sorted({o for pairs in plan.values() for _, o in pairs})
    rows = (
        contacts.filter(time_zone__in=list(plan))
        .annotate(**{VALUE: _value(entry)})
        .filter(_candidates(entry, occurrences))
        .values_list("pk", "time_zone", VALUE)
    )
    due: dict[tuple[date, date], list[int]] = defaultdict(list)
    for pk, zone, value in rows:
        day_value = _local_date(value, zone)
        if day_value is None:
            continue
        for fire, when in plan[zone]:
            if occurs_on(
                day_value,
                when,
                yearly=entry.yearly,
                same_year=entry.field not in FROM_NEXT_YEAR,
            ):
                due[fire, when].append(pk)
    started = 0
    for (fire, when), ids in sorted(due.items()):
        key = f"date:{when.isoformat()}"
        eligible = _eligible(
            journey, definition.reentry, Contact.objects.filter(pk__in=ids), key, now
        )
        if fire != when:  # a run of the same occurrence keyed by its day (before occurrences)
            legacy = JourneyRun.objects.filter(
                journey=journey,
                contact=OuterRef("pk"),
                entry_key=f"date:{fire.isoformat()}",
                context__date__occurrence__isnull=True,
            )
            eligible = eligible.exclude(Exists(legacy))
        started += _enter(
            journey,
            sorted(eligible.values_list("pk", flat=True)),
            now,
            key,
            {
                "date": {
                    "field": entry.attribute or entry.field,
                    "on": fire.isoformat(),
                    "occurrence": when.isoformat(),
                }
            },
        )
    return started


def _value(entry: d.DateEntry) -> Any:
    if entry.field == "attribute":
        assert entry.attribute is not None
        return KeyTextTransform(entry.attribute, "metadata")
    return F(entry.field)


def _candidates(entry: d.DateEntry, occurrences: list[date]) -> Q:
    """A superset of the contacts whose date falls on one of ``occurrences`` in their zone
    (datetimes are compared a day either side: the exact local date is checked after)."""
    if entry.field == "attribute":
        if entry.yearly:
            pairs = {p for o in occurrences for p in month_days(o)}
            alternatives = "|".join(f"{m:02d}-{day:02d}" for m, day in sorted(pairs))
            return Q(**{f"{VALUE}__regex": rf"^[0-9]{{4}}-({alternatives})"})
        dates = "|".join(o.isoformat() for o in occurrences)
        return Q(**{f"{VALUE}__regex": rf"^({dates})"})
    if entry.field == "birthday":
        if not entry.yearly:
            return Q(birthday__in=occurrences)
        pairs = {p for o in occurrences for p in month_days(o)}
        return _month_days("birthday", pairs)
    if not entry.yearly:
        start = datetime.combine(occurrences[0] - timedelta(days=1), time(), tzinfo=UTC)
        end = datetime.combine(occurrences[-1] + timedelta(days=2), time(), tzinfo=UTC)
        return Q(**{f"{entry.field}__gte": start, f"{entry.field}__lt": end})
    around = {o + timedelta(days=n) for o in occurrences for n in (-1, 0, 1)}
    return _month_days(entry.field, {p for o in around for p in month_days(o)})


def _month_days(field: str, pairs: set[tuple[int, int]]) -> Q:
    condition = Q(pk__in=[])
    for month, day in sorted(pairs):
        condition |= Q(**{f"{field}__month": month, f"{field}__day": day})
    return condition


def _local_date(value: object, zone: str) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(local_zone(zone)).date()
    if isinstance(value, date):
        return value
    return date_of(value)


# -- recurring --------------------------------------------------------------------------------


def _series(
    journey: Journey, definition: d.JourneyDefinition, entry: d.RecurringEntry, now: datetime
) -> int:
    """The segment's current members, per occurrence due in their zone: the latest
    occurrence on a due day (a series sends no backlog after missed days)."""
    members = Membership.objects.filter(segment_id=entry.segment_id, exited_at__isnull=True)
    since = _since(journey)
    zones_of: dict[tuple[int, date], list[str]] = defaultdict(list)
    for zone in _zones(members, "contact__time_zone"):
        tz = local_zone(zone)
        days = due_days(now.astimezone(tz), entry.at_hour, since=since.astimezone(tz).date())
        if not days:
            continue
        latest = latest_occurrence(entry.start, entry.every, entry.unit, days[-1])
        if latest is not None and latest[1] >= days[0]:
            zones_of[latest].append(zone)
    started = 0
    for (n, when), zones in sorted(zones_of.items()):
        key = f"every:{when.isoformat()}"
        eligible = _eligible(
            journey,
            definition.reentry,
            members.filter(contact__time_zone__in=zones),
            key,
            now,
            contact="contact_id",
        )
        started += _enter(
            journey,
            sorted(eligible.values_list("contact_id", flat=True)),
            now,
            key,
            {"series": {"n": n + 1, "on": when.isoformat()}},
        )
    return started
