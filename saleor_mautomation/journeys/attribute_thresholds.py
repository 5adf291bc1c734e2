"""``attribute.threshold_crossed``: a numeric custom attribute crossed a line, up or down.

A custom attribute is a key of the contact's metadata (from Saleor's customer metadata, an
import, or the trigger endpoint's ``attributes``), its value text; a number is read where the
text is one (``-12``, ``1200``, ``2.5``). The lines watched are those the shop's active
journeys wait for: an entry (or a wait-for-event step) on this event filtered on
``attribute`` = a key and ``threshold`` = a number (the journey editor writes exactly that).

The rule, per contact, attribute and line: a value at or above the line after a reading below
it (or none: a first sweep counts too, as spend's does) records "up"; a value below the line
after an "up" records "down", which re-arms "up". A value missing or not a number is no reading:
nothing is recorded and the last direction stands (Saleor's metadata replacing an attribute
set by another system is not a crossing). Each crossing is numbered per contact, attribute and
line in its dedupe key, so a sweep repeated or run twice at once records it once; the side a
contact was last seen on is read from the events themselves (an odd number of crossings: above),
no other state is kept. A sweep sees the value
as it is then: a dip and a return between two sweeps (a minute apart) is not seen.

The event's properties: ``attribute``, ``threshold`` and ``value`` (numbers), ``direction``
("up" or "down"); journeys enter on it and segments' event conditions read it like any event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DecimalField, OuterRef, Q, Subquery, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Mod

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.entries import _running
from saleor_mautomation.journeys.triggers import BATCH, Unit, _pages, _record_all

ATTRIBUTE_THRESHOLD_CROSSED = "attribute.threshold_crossed"
UP, DOWN = "up", "down"
# A number as a custom attribute may hold it (what the SQL cast can always take).
NUMBER = r"^-?[0-9]{1,18}(\.[0-9]{1,10})?$"


@dataclass(frozen=True, order=True)
class Line:
    attribute: str
    threshold: Decimal


def json_number(value: Decimal) -> int | float:
    """A number as the event stores it (an integer where it is whole: ``1000``, not 1000.0)."""
    return int(value) if value == value.to_integral_value() else float(value)


def lines_of(definitions: Iterable[d.JourneyDefinition]) -> set[Line]:
    """The lines named by entries and wait-for-event steps on the event."""
    lines: set[Line] = set()
    for definition in definitions:
        waits: list[list[Any]] = [
            node.where
            for node in definition.nodes.values()
            if isinstance(node, d.WaitForEvent) and node.event_type == ATTRIBUTE_THRESHOLD_CROSSED
        ]
        entry = definition.entry
        if isinstance(entry, d.EventEntry) and entry.event_type == ATTRIBUTE_THRESHOLD_CROSSED:
            waits.append(entry.where)
        for where in waits:
            line = _line(where)
            if line is not None:
                lines.add(line)
    return lines


def _line(where: list[Any]) -> Line | None:
    named = {f.property: f.value for f in where if f.op == "eq"}
    attribute, threshold = named.get("attribute"), named.get("threshold")
    if not isinstance(attribute, str) or isinstance(threshold, bool):
        return None
    if not isinstance(threshold, int | float):
        return None
    return Line(attribute, Decimal(str(threshold)))


def watched_lines(installation_id: int) -> list[Line]:
    return sorted(lines_of(definition for _, definition in _running(installation_id)))


def attribute_thresholds_cross(
    *,
    installation_id: int,
    now: datetime,
    lines: list[Line] | None = None,
    batch_size: int = BATCH,
    unit: Unit = nullcontext,
) -> int:
    """Record every crossing of the watched lines (``lines``, by default those the shop's
    active journeys name) since the last sweep; returns the events recorded."""
    count = 0
    for line in watched_lines(installation_id) if lines is None else lines:
        for page in _pages(_crossing(installation_id, line), "pk", batch_size):
            count += _record_all(installation_id, now, list(_events(line, page, now)), unit)
    return count


def _crossing(installation_id: int, line: Line) -> Any:
    """The contacts whose value now stands on the other side of ``line`` than their last
    recorded crossing says. Crossings alternate (up, down, up), so the last one was up exactly
    when their number is odd: the contacts with an odd number are read once (a hashed subquery
    of the line's events), not per contact; the number itself only for the rows returned."""
    threshold = json_number(line.threshold)
    crossings = Event.objects.filter(
        installation_id=installation_id,
        contact__isnull=False,
        type=ATTRIBUTE_THRESHOLD_CROSSED,
        properties__attribute=line.attribute,
        properties__threshold=threshold,
    )
    above = (
        crossings.order_by()
        .values("contact_id")
        .annotate(parity=Mod(Count("*"), 2))
        .filter(parity=1)
        .values("contact_id")
    )
    counted = (
        crossings.filter(contact=OuterRef("pk")).order_by().values("contact").annotate(n=Count("*"))
    )
    number = DecimalField(max_digits=30, decimal_places=10)
    return (
        Contact.objects.filter(installation_id=installation_id)
        .annotate(raw=KeyTextTransform(line.attribute, "metadata"))
        .annotate(
            # CASE first: text that is no number is never cast (the cast would fail).
            level=Case(
                When(raw__regex=NUMBER, then=Cast("raw", number)),
                default=None,
                output_field=number,
            ),
        )
        .filter(
            (Q(level__gte=line.threshold) & ~Q(pk__in=above))
            | (Q(level__lt=line.threshold) & Q(pk__in=above))
        )
        .annotate(crossings=Coalesce(Subquery(counted.values("n")), 0))
        .values("pk", "level", "crossings")
    )


def _events(
    line: Line, page: list[dict[str, Any]], now: datetime
) -> Iterator[tuple[int, str, datetime, str, dict[str, Any]]]:
    threshold = json_number(line.threshold)
    for row in page:
        direction = UP if row["level"] >= line.threshold else DOWN
        yield (
            row["pk"],
            ATTRIBUTE_THRESHOLD_CROSSED,
            now,
            f"{ATTRIBUTE_THRESHOLD_CROSSED}:{row['pk']}:{line.attribute}:{threshold}:"
            f"{row['crossings'] + 1}",
            {
                "attribute": line.attribute,
                "threshold": threshold,
                "direction": direction,
                "value": json_number(row["level"].normalize()),
            },
        )
