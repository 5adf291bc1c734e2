"""Keeping segment memberships current.

Three ways a membership changes, one truth (the compiled definition at ``now``):

- ``memberships_refresh``: after a unit of work (a drained batch, a storefront call), the
  contacts it changed are re-evaluated against only the segments those changes can affect,
  all such segments of a contact in one query, level by level (a segment that refers to another
  is evaluated after it);
- ``segment_rebuild``: the whole segment at once (on save, after a backfill, nightly);
- ``segments_sweep``: the segments whose conditions move with time alone (sliding windows,
  ages, birthdays), rebuilt periodically.

Each entry and exit is a ``Membership`` row change and a ``segment.entered`` /
``segment.exited`` event (journeys start on those), recorded once whatever the concurrency:
the open-membership unique constraint makes a second entry a no-op, and each event's dedupe
key is its membership row.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.events.changes import (
    ANY_CHANGE,
    Changes,
    change_note,
)
from saleor_mautomation.events.models import Event
from saleor_mautomation.segments import definition as d
from saleor_mautomation.segments.compiler import compile_definition
from saleor_mautomation.segments.driving import Estimate, driven_ids, planner_estimate
from saleor_mautomation.segments.models import (
    Membership,
    Segment,
)
from saleor_mautomation.segments.prepared import Prepared, Truth, prepare

logger = logging.getLogger(__name__)

CHUNK = 2_000
PREPARED_BATCH = 64
ANALYZE_AFTER = 10_000
ENTERED = "segment.entered"
EXITED = "segment.exited"


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@lru_cache(maxsize=4096)
def _parsed(segment_id: int, revision: int, raw: str) -> d.Definition:
    return d.definition_parse(raw)


def segment_definition(segment: Segment) -> d.Definition:
    """The parsed definition, cached per revision (parsing costs more than evaluating)."""
    return _parsed(segment.pk, segment.revision, json.dumps(segment.definition))


def segment_condition(segment: Segment, *, now: datetime, mode: str = "bulk") -> Q:
    return compile_definition(
        segment_definition(segment),
        installation_id=segment.installation_id,
        now=now,
        mode=mode,  # type: ignore[arg-type]
    )


def members_matching(
    segment: Segment, *, now: datetime, estimate: Estimate = planner_estimate
) -> Any:
    """The contacts the definition selects at ``now`` (a queryset, bulk shape), from the
    most selective condition's rows where that is the better start (``driving.py``)."""
    contacts = Contact.objects.filter(installation_id=segment.installation_id)
    ids = driven_ids(
        segment_definition(segment),
        installation_id=segment.installation_id,
        now=now,
        estimate=estimate,
    )
    if ids is not None:
        return contacts.filter(pk__in=ids)
    return contacts.filter(segment_condition(segment, now=now))


def members_count(segment: Segment, *, now: datetime, estimate: Estimate = planner_estimate) -> int:
    """How many contacts the definition selects at ``now``: a driven query counts its contact
    ids without reading the contacts."""
    ids = driven_ids(
        segment_definition(segment),
        installation_id=segment.installation_id,
        now=now,
        estimate=estimate,
    )
    if ids is not None:
        return int(ids.count())
    return int(members_matching(segment, now=now, estimate=_unknown).count())


def _unknown(queryset: Any) -> None:
    return None


# -- saving ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    entered: int = 0
    exited: int = 0

    def __iadd__(self, other: Outcome) -> Outcome:
        self.entered += other.entered
        self.exited += other.exited
        return self


def _enter(
    segment: Segment,
    contact_ids: Iterable[int],
    *,
    now: datetime,
    initial: bool,
    pending: bool = False,
) -> list[int]:
    """Open memberships (none where one is open already); record the entries. ``pending``
    marks them for the segment's journeys to read (a bulk rebuild's entries)."""
    ids = list(contact_ids)
    if not ids:
        return []
    table = Membership._meta.db_table
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(ids))
    adapt = connection.ops.adapt_datetimefield_value
    at = adapt(now)
    params: list[Any] = []
    for contact_id in ids:
        params += [segment.installation_id, segment.pk, contact_id, at, pending]
    sql = (
        f"INSERT INTO {table} (installation_id, segment_id, contact_id, entered_at, "  # noqa: S608
        "entry_pending) "
        f"VALUES {rows} ON CONFLICT (segment_id, contact_id) WHERE exited_at IS NULL "
        "DO NOTHING RETURNING id, contact_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        opened = cursor.fetchall()
    _events(segment, ENTERED, opened, now=now, initial=initial)
    return [contact_id for _, contact_id in opened]


def _exit(segment: Segment, memberships: list[tuple[int, int]], *, now: datetime) -> list[int]:
    """Close the given open memberships ``(id, contact_id)``; record the exits."""
    if not memberships:
        return []
    closed = Membership.objects.filter(
        pk__in=[pk for pk, _ in memberships], exited_at__isnull=True
    ).update(exited_at=now)
    if closed != len(memberships):  # some closed concurrently: record only ours
        still_open = set(
            Membership.objects.filter(
                pk__in=[pk for pk, _ in memberships], exited_at=now
            ).values_list("pk", flat=True)
        )
        memberships = [m for m in memberships if m[0] in still_open]
    _events(segment, EXITED, memberships, now=now, initial=False)
    return [contact_id for _, contact_id in memberships]


def _events(
    segment: Segment,
    type: str,
    memberships: list[tuple[int, int]],
    *,
    now: datetime,
    initial: bool,
) -> None:
    properties = {"segment_id": segment.pk, "segment": segment.key, "initial": initial}
    for _, contact_id in memberships:
        change_note(contact_id, f"event:{type}")  # journeys enter on these
    Event.objects.bulk_create(
        [
            Event(
                installation_id=segment.installation_id,
                contact_id=contact_id,
                type=type,
                occurred_at=now,
                source="segments",
                properties=properties,
                dedupe_key=f"{type}:{membership_id}",
            )
            for membership_id, contact_id in memberships
        ],
        ignore_conflicts=True,
    )


def contacts_segments_sync(contact_ids: Iterable[int], *, now: datetime) -> None:
    """Keep ``Contact.segments`` (the keys written back to Saleor) equal to the open
    memberships of active segments, and mark the write-back due where it changed."""
    for chunk in batched(sorted(set(contact_ids)), CHUNK):
        keys: dict[int, list[str]] = defaultdict(list)
        for contact_id, key in (
            Membership.objects.filter(
                contact_id__in=chunk,
                exited_at__isnull=True,
                segment__status=Segment.Status.ACTIVE,
            )
            .order_by("segment__key")
            .values_list("contact_id", "segment__key")
        ):
            keys[contact_id].append(key)
        # One UPDATE per distinct new key list (a rebuild moves many contacts the same way).
        by_keys: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for contact_id, current in Contact.objects.filter(pk__in=chunk).values_list(
            "pk", "segments"
        ):
            wanted = keys.get(contact_id, [])
            if current != wanted:
                by_keys[tuple(wanted)].append(contact_id)
        for wanted_keys, ids in by_keys.items():
            Contact.objects.filter(pk__in=ids).update(
                segments=list(wanted_keys),
                writeback_due_at=Case(
                    When(
                        saleor_user_id__isnull=False,
                        writeback_due_at__isnull=True,
                        then=Value(now),
                    ),
                    default=F("writeback_due_at"),
                ),
            )


# -- incremental ------------------------------------------------------------------------------


def _affected(segment: Segment, facts: set[str]) -> bool:
    return ANY_CHANGE in facts or not facts.isdisjoint(segment.facts)


def memberships_refresh(*, changes: Changes, now: datetime) -> Outcome:
    """Re-evaluate the changed contacts against the segments their changes can affect."""
    outcome = Outcome()
    if not changes:
        return outcome
    owners = _owners(list(changes))
    by_installation: dict[int, dict[int, set[str]]] = defaultdict(dict)
    for contact_id, installation_id in owners.items():
        by_installation[installation_id][contact_id] = set(changes[contact_id])
    for installation_id, facts in by_installation.items():
        outcome += _refresh_installation(installation_id, facts, now=now)
    return outcome


def _owners(contact_ids: list[int]) -> dict[int, int]:
    """Installation of each contact still there (raw SQL: on the per-event path the ORM's
    compilation would cost more than the query)."""
    marks = ", ".join(["%s"] * len(contact_ids))
    table = Contact._meta.db_table
    sql = f"SELECT id, installation_id FROM {table} WHERE id IN ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, contact_ids)
        return dict(cursor.fetchall())


def _active_segments(installation_id: int) -> list[Segment]:
    return list(
        Segment.objects.filter(
            installation_id=installation_id, status=Segment.Status.ACTIVE
        ).order_by("depth", "pk")
    )


# The per-event path reads an installation's segments from a short-lived process cache: a
# save clears it here at once; other processes see the change within SEGMENTS_TTL seconds
# (the rebuild a save enqueues settles the members either way).
SEGMENTS_TTL = 5.0
_segments_cache: dict[int, tuple[float, list[Segment]]] = {}


def _active_segments_cached(installation_id: int) -> list[Segment]:
    now = clock.monotonic()
    cached = _segments_cache.get(installation_id)
    if cached is None or now - cached[0] > SEGMENTS_TTL:
        cached = (now, _active_segments(installation_id))
        _segments_cache[installation_id] = cached
    return cached[1]


def segments_cache_clear() -> None:
    _segments_cache.clear()


def _refresh_installation(
    installation_id: int, facts: dict[int, set[str]], *, now: datetime
) -> Outcome:
    outcome = Outcome()
    segments = _active_segments_cached(installation_id)
    moved: set[int] = set()
    for depth in sorted({s.depth for s in segments}):
        level = [s for s in segments if s.depth == depth]
        wanted = {
            contact_id: [s for s in level if _affected(s, contact_facts)]
            for contact_id, contact_facts in facts.items()
        }
        wanted = {c: ss for c, ss in wanted.items() if ss}
        if not wanted:
            continue
        evaluated = {s.pk: s for ss in wanted.values() for s in ss}
        truth = _evaluate(installation_id, list(evaluated.values()), list(wanted), now=now)
        for segment in evaluated.values():
            entering: list[int] = []
            leaving: list[tuple[int, int]] = []
            for contact_id, affected in wanted.items():
                found = truth.get(contact_id, {}).get(segment.pk)
                if found is None or segment not in affected:
                    continue  # the contact is gone (erased) or this segment is not its concern
                if found.member and found.open_membership is None:
                    entering.append(contact_id)
                elif not found.member and found.open_membership is not None:
                    leaving.append((found.open_membership, contact_id))
            entered = _enter(segment, entering, now=now, initial=segment.evaluated_at is None)
            exited = _exit(segment, leaving, now=now)
            outcome.entered += len(entered)
            outcome.exited += len(exited)
            for contact_id in entered + exited:
                facts[contact_id].add(f"segment:{segment.pk}")
                moved.add(contact_id)
    contacts_segments_sync(moved, now=now)
    return outcome


_prepared: dict[tuple[Any, ...], Prepared] = {}
PREPARED_MAX = 256


def _evaluate(
    installation_id: int, segments: list[Segment], contact_ids: list[int], *, now: datetime
) -> dict[int, dict[int, Truth]]:
    """Every (contact, segment) truth and open membership, one query per batch of contacts
    (compiled once per set of segment revisions and batch size, see ``prepared.py``)."""
    found: dict[int, dict[int, Truth]] = {}
    for start in range(0, len(contact_ids), PREPARED_BATCH):
        batch = contact_ids[start : start + PREPARED_BATCH]
        size = 1 << (len(batch) - 1).bit_length()  # 1, 2, 4, ... : few shapes to compile
        key = (
            connection.vendor,
            installation_id,
            tuple((s.pk, s.revision) for s in segments),
            size,
        )
        prepared = _prepared.get(key)
        if prepared is None:
            if len(_prepared) >= PREPARED_MAX:
                _prepared.clear()
            prepared = _prepared[key] = prepare(
                installation_id=installation_id,
                definitions=[(s.pk, segment_definition(s)) for s in segments],
                size=size,
            )
        found.update(prepared.run(now=now, contact_ids=batch))
    return found


# -- bulk ---------------------------------------------------------------------------------------


def segment_rebuild(*, segment: Segment, now: datetime, initial: bool | None = None) -> Outcome:
    """Evaluate the whole segment and apply the difference in chunks: only the ids of the
    contacts entering and leaving are held (not rows), and writes go in chunks of CHUNK."""
    outcome = Outcome()
    with transaction.atomic():
        segment = Segment.objects.select_for_update().get(pk=segment.pk)
        if segment.status != Segment.Status.ACTIVE:
            return outcome
        first = segment.evaluated_at is None if initial is None else initial
        matching = members_matching(segment, now=now).values("pk")
        current = Membership.objects.filter(segment=segment, exited_at__isnull=True)
        entering = (
            matching.exclude(pk__in=current.values("contact_id"))
            .order_by()
            .values_list("pk", flat=True)
        )
        leaving = current.exclude(contact_id__in=matching).values_list("pk", "contact_id")
        moved: list[int] = []
        for chunk in batched(list(entering.iterator(chunk_size=CHUNK)), CHUNK):
            moved += _enter(segment, chunk, now=now, initial=first, pending=not first)
        outcome.entered = len(moved)
        for rows in batched(list(leaving.iterator(chunk_size=CHUNK)), CHUNK):
            left = _exit(segment, list(rows), now=now)
            outcome.exited += len(left)
            moved += left
        Segment.objects.filter(pk=segment.pk).update(evaluated_at=now)
        segments_cache_clear()
        contacts_segments_sync(moved, now=now)
        if len(moved) >= ANALYZE_AFTER and connection.vendor == "postgresql":
            # Fresh statistics at once, not at autovacuum's next round: the per-contact
            # query's membership lookups are planned on them (an empty-table estimate picks a
            # sequential scan that a large first build turns into milliseconds per event).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Membership._meta.db_table}")
    return outcome


def segments_rebuild(
    *, installation_id: int, now: datetime, time_dependent_only: bool = False
) -> Outcome:
    """Rebuild the installation's segments, those referred to before those referring."""
    outcome = Outcome()
    swept: set[int] = set()
    for segment in _active_segments(installation_id):  # by depth: references come first
        if time_dependent_only and not (
            segment.time_dependent or d.referenced_segments(segment_definition(segment)) & swept
        ):
            continue
        swept.add(segment.pk)
        outcome += segment_rebuild(segment=segment, now=now)
    return outcome
