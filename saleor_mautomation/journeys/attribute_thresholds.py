"""``attribute.threshold_crossed``: a numeric custom attribute crossed a line, up or down.

A custom attribute is a key of the contact's metadata (from Saleor's customer metadata, an
import, the trigger endpoint's or the attributes endpoint's ``attributes``), its value text; a
number is read where the text is one (``-12``, ``1200``, ``2.5``). The lines are those the
shop's active journeys wait for: an entry (or a wait-for-event step) on this event filtered on
``attribute`` = a key and ``threshold`` = a number (the journey editor writes exactly that).

State (ADR 0050): a ``ThresholdLine`` per line ever watched, ``watched`` while an active journey
names it, and a ``ThresholdSide`` per contact at or above it (no row: below) with the crossings
recorded so far. When a line becomes watched (a journey naming it is published or resumed), the
sides are read from the values as they are, recording nothing: a journey reacts to crossings
from the moment it is active, and whoever is already above is not "crossing". An entry's
``enter_already_above`` enrols those, once, when the journey is published with it.

The rule, per contact and line: a value at or above the line on the below side records "up";
a value below it on the above side records "down", which re-arms "up". A value missing or not
a number is no reading: nothing is recorded and the side stands (Saleor's metadata replacing an
attribute set by another system is not a crossing). Crossings are numbered per side in the
dedupe key (with the line's id), so an evaluation repeated or run twice at once records each
once, and a side is only ever moved forward (its count grows).

When it is read: at write time, for the contacts whose metadata a unit of work changed (the
writers note ``events.changes.ATTRIBUTES``; ``attribute_crossings_on_changes``, called by the
unit), so the cost is per changed contact; and by the derived-triggers sweep every minute as a
safety net over the contacts whose row changed since its last run (``Contact.updated_at``
after the line's ``swept_at`` less ``SWEEP_OVERLAP``): imports and backfill pages write outside
a unit, and a write racing a line's baseline is read again. A dip and a return between two
readings is not seen.

The event's properties: ``attribute``, ``threshold`` and ``value`` (numbers), ``direction``
("up" or "down"); journeys enter on it and segments' event conditions read it like any event.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, DecimalField, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.changes import ANY_CHANGE, ATTRIBUTES
from saleor_mautomation.events.services import event_add, events_batched
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.entries import _eligible, _running
from saleor_mautomation.journeys.models import Journey, JourneyRun, ThresholdLine, ThresholdSide
from saleor_mautomation.journeys.runner import version_definition
from saleor_mautomation.journeys.services import runs_create
from saleor_mautomation.journeys.triggers import BATCH, Unit, _pages

ATTRIBUTE_THRESHOLD_CROSSED = "attribute.threshold_crossed"
SOURCE = "attribute_thresholds"
UP, DOWN = "up", "down"
# A number as a custom attribute may hold it (what the SQL cast can always take).
NUMBER = r"^-?[0-9]{1,18}(\.[0-9]{1,10})?$"
_NUMBER = re.compile(NUMBER)
# The sweep reads again the contacts changed this long before its last run: a write committed
# after the sweep began but stamped before it (a long backfill page) is not missed.
SWEEP_OVERLAP = timedelta(minutes=5)
ENROL_PAGE = 2000
SIDES_PER_STATEMENT = 2000  # 8,000 parameters


@dataclass(frozen=True, order=True)
class Line:
    attribute: str
    threshold: Decimal


def json_number(value: Decimal) -> int | float:
    """A number as the event stores it (an integer where it is whole: ``1000``, not 1000.0)."""
    return int(value) if value == value.to_integral_value() else float(value)


def number_of(text: object) -> Decimal | None:
    """The number an attribute's text holds, None for no reading."""
    return Decimal(text) if isinstance(text, str) and _NUMBER.match(text) else None


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
            line = line_of(where)
            if line is not None:
                lines.add(line)
    return lines


def line_of(where: Sequence[Any]) -> Line | None:
    named = {f.property: f.value for f in where if f.op == "eq"}
    attribute, threshold = named.get("attribute"), named.get("threshold")
    if not isinstance(attribute, str) or isinstance(threshold, bool):
        return None
    if not isinstance(threshold, int | float):
        return None
    return Line(attribute, Decimal(str(threshold)))


def watched_lines(installation_id: int) -> list[Line]:
    return sorted(lines_of(definition for _, definition in _running(installation_id)))


# -- lines and their baseline -------------------------------------------------------------------


def _levels(installation_id: int, attribute: str) -> Any:  # annotated: no plain QuerySet type
    """The installation's contacts with ``level``: the attribute as a number, NULL if none."""
    number = DecimalField(max_digits=30, decimal_places=10)
    return (
        Contact.objects.filter(installation_id=installation_id)
        .annotate(raw=KeyTextTransform(attribute, "metadata"))
        .annotate(
            # CASE first: text that is no number is never cast (the cast would fail).
            level=Case(
                When(raw__regex=NUMBER, then=Cast("raw", number)), default=None, output_field=number
            ),
        )
    )


def _baseline(row: ThresholdLine) -> None:
    """Each contact's side as its value says now, recording nothing: sides whose value moved
    across are turned, contacts above without a side get one; a contact with no reading keeps
    its side (and its count, so numbering goes on)."""
    levels = _levels(row.installation_id, row.attribute)
    above = levels.filter(level__gte=row.threshold).values("pk")  # selected AS "pk"
    below = levels.filter(level__lt=row.threshold).values("pk")
    ThresholdSide.objects.filter(line=row, above=True, contact_id__in=below).update(above=False)
    ThresholdSide.objects.filter(line=row, above=False, contact_id__in=above).update(above=True)
    select, params = above.query.sql_with_params()
    table = ThresholdSide._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (line_id, contact_id, above, crossings) "  # noqa: S608
            f"SELECT %s, q.pk, %s, 0 FROM ({select}) q WHERE TRUE "
            "ON CONFLICT (line_id, contact_id) DO NOTHING",
            [row.pk, True, *params],
        )


def threshold_lines_sync(*, installation_id: int) -> list[ThresholdLine]:
    """The installation's watched lines after making them those its active journeys name: a
    line newly named is created (or watched again) with its baseline, one no longer named is
    no longer watched (its sides stay, read afresh if it is watched again). Two calls at once
    baseline a line once (the unique line, the watched flag's update)."""
    wanted = set(watched_lines(installation_id))
    rows = {
        Line(row.attribute, row.threshold): row
        for row in ThresholdLine.objects.filter(installation_id=installation_id)
    }
    stamp = timezone.now()  # the clock ``Contact.updated_at`` is stamped with
    for line in sorted(wanted):
        row = rows.get(line)
        with transaction.atomic():
            if row is None:
                try:
                    with transaction.atomic():
                        row = ThresholdLine.objects.create(
                            installation_id=installation_id,
                            attribute=line.attribute,
                            threshold=line.threshold,
                            baselined_at=stamp,
                            swept_at=stamp,
                        )
                except IntegrityError:
                    continue  # another call is creating it and baselines it
            elif row.watched or not ThresholdLine.objects.filter(pk=row.pk, watched=False).update(
                watched=True, baselined_at=stamp, swept_at=stamp
            ):
                continue
            _baseline(row)
    gone = [row.pk for line, row in rows.items() if line not in wanted and row.watched]
    if gone:
        ThresholdLine.objects.filter(pk__in=gone).update(watched=False)
    return list(
        ThresholdLine.objects.filter(installation_id=installation_id, watched=True).order_by("pk")
    )


def thresholds_activated(
    *, journey: Journey, previous: d.JourneyDefinition | None, now: datetime
) -> int:
    """After a journey is published, resumed, paused or archived: the installation's lines
    follow its active journeys (a new one baselined), and a published entry whose
    ``enter_already_above`` is newly on (or on a new line) enrols the contacts above its line.
    Returns the runs created (their first steps run when the scheduler wakes them)."""
    version = journey.current_version
    definition = version_definition(version) if version is not None else None
    named = lines_of([x for x in (definition, previous) if x is not None])
    if not named:
        return 0
    rows = threshold_lines_sync(installation_id=journey.installation_id)
    if journey.status != Journey.Status.ACTIVE or definition is None:
        return 0
    entry = definition.entry
    if not isinstance(entry, d.EventEntry) or not entry.enter_already_above:
        return 0
    line = line_of(entry.where)
    before = previous.entry if previous is not None else None
    if line is None or (
        isinstance(before, d.EventEntry)
        and before.enter_already_above
        and line_of(before.where) == line
    ):
        return 0
    row = next(r for r in rows if Line(r.attribute, r.threshold) == line)
    return _enter_above(journey, definition, row, now)


def _enter_above(
    journey: Journey, definition: d.JourneyDefinition, row: ThresholdLine, now: datetime
) -> int:
    """Enrol the contacts above ``row`` the re-entry rule lets in and who never entered the
    journey: runs in bulk, each with the event it would have had (direction up, its value)."""
    sides = ThresholdSide.objects.filter(line=row, above=True).values("contact_id")
    contacts = _levels(journey.installation_id, row.attribute).filter(pk__in=sides)
    eligible = _eligible(journey, definition.reentry, contacts, "", now)
    threshold = json_number(row.threshold)
    started = 0
    for page in _pages(eligible, "pk", ENROL_PAGE):
        with transaction.atomic():
            runs = runs_create(journey=journey, contacts=page, now=now, entry_key="")
            for run, contact in zip(runs, page, strict=True):
                level = contact.level
                run.context = {
                    "event": {
                        "attribute": row.attribute,
                        "threshold": threshold,
                        "direction": UP,
                        "value": json_number(level.normalize()) if level is not None else None,
                        "already_above": True,
                    }
                }
            JourneyRun.objects.bulk_update(runs, ["context"])
        started += len(runs)
    return started


# -- crossings ----------------------------------------------------------------------------------

Crossing = tuple[int, int, bool, int, dict[str, Any]]  # line, contact, above, number, properties


def crossings_of(
    lines: Sequence[ThresholdLine], values: Mapping[int, Mapping[str, object]]
) -> list[Crossing]:
    """The crossings of ``lines`` by the contacts whose attributes are ``values`` (contact id
    to its metadata, or just the lines' keys of it), their sides read in one query."""
    if not lines or not values:
        return []
    sides = {
        (line_id, contact_id): (above, crossings)
        for line_id, contact_id, above, crossings in ThresholdSide.objects.filter(
            line__in=lines, contact_id__in=list(values)
        ).values_list("line_id", "contact_id", "above", "crossings")
    }
    found: list[Crossing] = []
    for contact_id, attributes in values.items():
        for line in lines:
            level = number_of(attributes.get(line.attribute))
            if level is None:
                continue  # no reading: the side stands
            above, count = sides.get((line.pk, contact_id), (False, 0))
            if (level >= line.threshold) == above:
                continue
            properties = {
                "attribute": line.attribute,
                "threshold": json_number(line.threshold),
                "direction": DOWN if above else UP,
                "value": json_number(level.normalize()),
            }
            found.append((line.pk, contact_id, not above, count + 1, properties))
    return found


def _apply(installation_id: int, crossings: Sequence[Crossing], now: datetime) -> int:
    """Record the crossings' events (one statement for them all) and move their sides forward
    (never back: a side already moved as far by another evaluation stays); returns the
    crossings (one found by two evaluations at once is written once, by its dedupe key)."""
    if not crossings:
        return 0
    with events_batched():
        for line_id, contact_id, _above, number, properties in crossings:
            event_add(
                installation_id=installation_id,
                contact_id=contact_id,
                type=ATTRIBUTE_THRESHOLD_CROSSED,
                occurred_at=now,
                source=SOURCE,
                dedupe_key=f"{ATTRIBUTE_THRESHOLD_CROSSED}:{contact_id}:"
                f"{properties['attribute']}:{properties['threshold']}:line{line_id}:{number}",
                properties=properties,
            )
    table = ThresholdSide._meta.db_table
    for start in range(0, len(crossings), SIDES_PER_STATEMENT):
        chunk = crossings[start : start + SIDES_PER_STATEMENT]
        marks = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (line_id, contact_id, above, crossings) "  # noqa: S608
                f"VALUES {marks} ON CONFLICT (line_id, contact_id) DO UPDATE "
                f"SET above = excluded.above, crossings = excluded.crossings "
                f"WHERE {table}.crossings < excluded.crossings",
                [value for crossing in chunk for value in crossing[:4]],
            )
    return len(crossings)


def attribute_crossings_on_changes(*, changes: Mapping[int, set[str]], now: datetime) -> int:
    """A unit of work's step: the crossings of the contacts whose attributes it changed, read
    at once (a few statements for the unit, whatever the shop's size)."""
    changed = [c for c, facts in changes.items() if ATTRIBUTES in facts or ANY_CHANGE in facts]
    if not changed:
        return 0
    by_installation: dict[int, dict[int, dict[str, object]]] = defaultdict(dict)
    for pk, installation_id, metadata in Contact.objects.filter(pk__in=changed).values_list(
        "pk", "installation_id", "metadata"
    ):
        by_installation[installation_id][pk] = metadata or {}
    lines: dict[int, list[ThresholdLine]] = defaultdict(list)
    for line in ThresholdLine.objects.filter(
        installation_id__in=list(by_installation), watched=True
    ).order_by("pk"):
        lines[line.installation_id].append(line)
    recorded = 0
    for installation_id, values in by_installation.items():
        found = crossings_of(lines[installation_id], values)
        recorded += _apply(installation_id, found, now)
    return recorded


def attribute_thresholds_cross(
    *,
    installation_id: int,
    now: datetime,
    batch_size: int = BATCH,
    unit: Unit = nullcontext,
) -> int:
    """The safety net (the derived-triggers sweep, every minute): the lines follow the
    active journeys, then the contacts changed since the last sweep (less the overlap) are
    read against every watched line, a page per unit of work; returns the crossings."""
    started = timezone.now()
    lines = threshold_lines_sync(installation_id=installation_id)
    if not lines:
        return 0
    since = min(line.swept_at for line in lines) - SWEEP_OVERLAP
    attributes = sorted({line.attribute for line in lines})
    names = {f"a{n}": attribute for n, attribute in enumerate(attributes)}
    changed = (
        Contact.objects.filter(installation_id=installation_id, updated_at__gte=since)
        .annotate(**{name: KeyTextTransform(key, "metadata") for name, key in names.items()})
        .values("pk", *names)
    )
    recorded = 0
    for page in _pages(changed, "pk", batch_size):
        values = {row["pk"]: {key: row[name] for name, key in names.items()} for row in page}
        with transaction.atomic(), unit():
            recorded += _apply(installation_id, crossings_of(lines, values), now)
    ThresholdLine.objects.filter(pk__in=[line.pk for line in lines]).update(swept_at=started)
    return recorded
