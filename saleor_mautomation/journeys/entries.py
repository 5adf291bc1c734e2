"""Entries that are not a single event (date and recurring entries: ``date_entries.py``):
broadcasts (a segment snapshot at a scheduled time, optionally local time; with a test share,
only that share at first, the rest kept until the winner is chosen) and bulk segment entries
(a segment rebuilt by the sweep: its new members enter the segment's journeys).

Large groups are enrolled in chunks, runs created in bulk; their first steps run when the
scheduler wakes them (at once, or at the broadcast's local time).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef, QuerySet

from saleor_mautomation.contacts.engagement import local_zone
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.fanout import broadcast_runs_insert
from saleor_mautomation.journeys.models import BroadcastRest, Journey, JourneyRun, JourneyVersion
from saleor_mautomation.journeys.origins import BROADCAST_KEY, FORCED_BRANCHES
from saleor_mautomation.journeys.runner import runs_advance, version_definition
from saleor_mautomation.journeys.services import reentry_blockers, runs_create
from saleor_mautomation.segments.models import Membership

logger = logging.getLogger(__name__)
_M = TypeVar("_M", bound=Model)

CHUNK = 2000
SNAPSHOT_PAGE = 2000  # a broadcast's recipients per keyset page and bulk insert
REST_CHUNK = 10_000  # rows of a broadcast's rest per insert
EARLIEST_OFFSET = timedelta(hours=14)  # UTC+14 (Kiribati) sees a wall-clock time first


def _running(installation_id: int | None = None) -> Iterator[tuple[Journey, d.JourneyDefinition]]:
    journeys = Journey.objects.filter(
        status=Journey.Status.ACTIVE, current_version__isnull=False
    ).select_related("current_version")
    if installation_id is not None:
        journeys = journeys.filter(installation_id=installation_id)
    for journey in journeys:
        assert journey.current_version is not None
        yield journey, version_definition(journey.current_version)


def _chunks(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    chunk: list[int] = []
    for contact_id in ids:
        chunk.append(contact_id)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _eligible(
    journey: Journey,
    rule: d.Reentry,
    contacts: QuerySet[_M],
    entry_key: str,
    now: datetime,
    *,
    contact: str = "pk",
) -> QuerySet[_M]:
    """Contacts the re-entry rule lets in, without an open run for ``entry_key``, and (for a
    keyed entry such as a date) without any run for that key. ``contacts`` is of contacts, or
    of rows naming one in the field ``contact`` (a segment's memberships)."""
    runs = JourneyRun.objects.filter(journey=journey, contact=OuterRef(contact))
    contacts = contacts.exclude(Exists(runs.filter(entry_key=entry_key)))
    blockers = reentry_blockers(rule, now)
    return contacts if blockers is None else contacts.exclude(Exists(runs.filter(blockers)))


# -- broadcasts -------------------------------------------------------------------------------


def _local_start(entry: d.BroadcastEntry, zone: str, now: datetime) -> datetime:
    if not entry.local_time:
        return entry.send_at
    wall = entry.send_at.replace(tzinfo=None)
    moment = wall.replace(tzinfo=local_zone(zone))
    return max(moment, now)


def broadcast_earliest(entry: d.BroadcastEntry) -> datetime:
    """When the snapshot is taken: the send time, or for local time when the first zone
    reaches the wall-clock time."""
    if not entry.local_time:
        return entry.send_at
    wall = entry.send_at.replace(tzinfo=None)
    return wall.replace(tzinfo=UTC) - EARLIEST_OFFSET


def broadcasts_due(*, now: datetime) -> int:
    """Snapshot every broadcast whose time has come (once per version): its segment's current
    members are enrolled, each run starting at the send time (theirs, for local time)."""
    started = 0
    for journey, definition in _running():
        entry = definition.entry
        version = journey.current_version
        assert version is not None
        if not isinstance(entry, d.BroadcastEntry) or version.broadcast_enrolled_at is not None:
            continue
        if now < broadcast_earliest(entry):
            continue
        started += _broadcast(journey, version, entry, definition, now)
    return started


def _members(
    journey: Journey, definition: d.JourneyDefinition, key: str, now: datetime
) -> Iterator[list[tuple[int, str]]]:
    """The snapshot in pages of ``SNAPSHOT_PAGE`` (contact id, time zone), in contact order,
    so memory stays one page whatever the segment's size.

    On PostgreSQL one query read through a server-side cursor opened before any run is
    inserted: it is planned once, while the statistics of the runs still describe them, and
    sees the runs as they were (the pages' inserts come after it in the transaction). Paged
    queries would each be planned anew against statistics that know nothing of the
    transaction's own inserts, and anti-join every page with every run inserted so far.
    Elsewhere (SQLite, the embedded default) keyset pages on the membership's (segment,
    contact) index."""
    entry = definition.entry
    assert isinstance(entry, d.BroadcastEntry)
    members = Membership.objects.filter(
        segment_id=entry.segment_id,
        exited_at__isnull=True,
        contact__installation_id=journey.installation_id,
    )
    eligible = _eligible(
        journey, definition.reentry, members, key, now, contact="contact_id"
    ).order_by("contact_id")
    columns = ("contact_id", "contact__time_zone")
    if connection.vendor == "postgresql":
        sql, params = eligible.values_list(*columns).query.sql_with_params()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while page := cursor.fetchmany(SNAPSHOT_PAGE):
                yield [(int(contact_id), str(zone)) for contact_id, zone in page]
        return
    after = 0
    while True:
        page = list(eligible.filter(contact_id__gt=after).values_list(*columns)[:SNAPSHOT_PAGE])
        if page:
            yield page
        if len(page) < SNAPSHOT_PAGE:
            return
        after = page[-1][0]


def _broadcast(
    journey: Journey,
    version: JourneyVersion,
    entry: d.BroadcastEntry,
    definition: d.JourneyDefinition,
    now: datetime,
) -> int:
    """Take the snapshot and enrol it, page by page, in one transaction holding the version:
    a crash enrols nobody (the next call takes it again), a second worker skips it. With a
    test share, the share is chosen as ``share_sample`` chooses it, in two passes of
    bounded memory (``_ShareBorder``)."""
    key = f"{BROADCAST_KEY}{version.pk}"
    started = rested = 0
    with transaction.atomic():
        locked = (
            JourneyVersion.objects.select_for_update(skip_locked=True)
            .filter(pk=version.pk, broadcast_enrolled_at__isnull=True)
            .first()
        )
        if locked is None:
            return 0  # another worker takes (or took) this snapshot

        def enrol(page: list[tuple[int, str]]) -> None:
            broadcast_runs_insert(
                journey=journey,
                version=version,
                page=[(contact_id, _local_start(entry, zone, now)) for contact_id, zone in page],
                now=now,
                entry_key=key,
                context={"broadcast": {"version": version.number}},
            )

        def rest(contact_ids: list[int]) -> None:
            BroadcastRest.objects.bulk_create(
                [BroadcastRest(version=locked, contact_id=contact_id) for contact_id in contact_ids]
            )

        if entry.test is None:
            for page in _members(journey, definition, key, now):
                enrol(page)
                started += len(page)
        else:
            border = _ShareBorder(version_id=version.pk, percent=entry.test.share_percent)
            for page in _members(journey, definition, key, now):
                border.count(contact_id for contact_id, _ in page)
            border.settle()
            for page in _members(journey, definition, key, now):
                chosen, others = border.split(page)
                if chosen:
                    enrol(chosen)
                rest(others)
                started += len(chosen)
                rested += len(others)
            chosen, others = border.last()
            for part in _chunks(others, REST_CHUNK):
                rest(part)
            for start in range(0, len(chosen), SNAPSHOT_PAGE):
                enrol(chosen[start : start + SNAPSHOT_PAGE])
            started += len(chosen)
            rested += len(others)
            logger.info(
                "Broadcast %s v%s: %s wait for the test", journey.key, version.number, rested
            )
        locked.broadcast_enrolled_at = now
        locked.save(update_fields=["broadcast_enrolled_at"])
    logger.info("Broadcast %s v%s: %s recipients", journey.key, version.number, started)
    return started


def _share_rank(version_id: int, contact_id: int) -> bytes:
    return hashlib.blake2b(f"{version_id}:{contact_id}".encode(), digest_size=8).digest()


def share_sample(ids: list[int], *, version_id: int, percent: int) -> tuple[list[int], list[int]]:
    """A broadcast's test share and its rest: ``percent`` of the snapshot (rounded up), the
    contacts ranked first by a hash of the version and the contact; the same contacts
    whenever it is drawn again (a seeded sample, not the database's order). Both in the
    order of ``ids``."""
    size = -(-len(ids) * percent // 100)
    ranked = sorted(ids, key=lambda contact_id: (_share_rank(version_id, contact_id), contact_id))
    chosen = set(ranked[:size])
    return [c for c in ids if c in chosen], [c for c in ids if c not in chosen]


class _ShareBorder:
    """``share_sample``'s choice over a stream, in memory bounded by a histogram: the first
    pass counts the ranks' leading 16 bits; the bucket where the share ends is the border.
    In the second pass a contact below it is in the share, above it in the rest, and only
    the border's few contacts (about one in 65,536) wait to be ranked exactly at the end."""

    BITS = 16

    def __init__(self, *, version_id: int, percent: int) -> None:
        self.version_id, self.percent = version_id, percent
        self.histogram = [0] * (1 << self.BITS)
        self.border = -1  # the bucket the share ends in (-1: the share is empty)
        self.wanted = 0  # how many of the border bucket's contacts are in the share
        self.held: list[tuple[bytes, int, str]] = []

    def _bucket(self, rank: bytes) -> int:
        return int.from_bytes(rank[:2], "big")

    def count(self, contact_ids: Iterable[int]) -> None:
        for contact_id in contact_ids:
            self.histogram[self._bucket(_share_rank(self.version_id, contact_id))] += 1

    def settle(self) -> None:
        size = -(-sum(self.histogram) * self.percent // 100)
        if size == 0:
            return
        below = 0
        for bucket, n in enumerate(self.histogram):
            if size <= below + n:
                self.border, self.wanted = bucket, size - below
                return
            below += n

    def split(self, page: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[int]]:
        chosen: list[tuple[int, str]] = []
        others: list[int] = []
        for contact_id, zone in page:
            rank = _share_rank(self.version_id, contact_id)
            bucket = self._bucket(rank)
            if bucket < self.border:
                chosen.append((contact_id, zone))
            elif bucket > self.border:
                others.append(contact_id)
            else:
                self.held.append((rank, contact_id, zone))
        return chosen, others

    def last(self) -> tuple[list[tuple[int, str]], list[int]]:
        """The border bucket's contacts: the ``wanted`` first by rank, then the others."""
        self.held.sort()
        chosen = [(contact_id, zone) for _, contact_id, zone in self.held[: self.wanted]]
        return chosen, [contact_id for _, contact_id, _ in self.held[self.wanted :]]


def broadcast_rest_enter(*, version_id: int, now: datetime, limit: int = CHUNK) -> int:
    """Enrol up to ``limit`` of a decided test's rest (``BroadcastRest``) in the test's
    version, their split forced to the winner (``origins.FORCED_BRANCHES`` in the run's
    context), starting now; the rows go in the same transaction. Rows are claimed with SKIP
    LOCKED, so workers share the rest and nobody enters twice. Returns the rows taken (0:
    none left to take; the version is then marked done once no row is left at all)."""
    with transaction.atomic():
        version = JourneyVersion.objects.select_related("journey").get(pk=version_id)
        definition = version_definition(version)
        entry = definition.entry
        assert isinstance(entry, d.BroadcastEntry)
        assert entry.test is not None
        assert version.test_winner is not None, "the rest enters once the winner is chosen"
        rows = list(
            BroadcastRest.objects.select_for_update(skip_locked=True)
            .filter(version_id=version_id)
            .order_by("pk")
            .values_list("pk", "contact_id")[:limit]
        )
        if not rows:
            if not BroadcastRest.objects.filter(version_id=version_id).exists():
                JourneyVersion.objects.filter(
                    pk=version_id, test_rest_entered_at__isnull=True
                ).update(test_rest_entered_at=now)
            return 0
        journey = version.journey
        key = f"{BROADCAST_KEY}{version.pk}"
        contacts = Contact.objects.filter(
            pk__in=[contact_id for _, contact_id in rows], installation_id=journey.installation_id
        )
        runs_create(
            journey=journey,
            version=version,
            contacts=list(
                _eligible(journey, definition.reentry, contacts, key, now).order_by("pk")
            ),
            now=now,
            entry_key=key,
            context={
                "broadcast": {"version": version.number},
                FORCED_BRANCHES: {entry.test.split: version.test_winner},
            },
        )
        BroadcastRest.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return len(rows)


# -- segment entries in bulk ------------------------------------------------------------------


def segment_members_entered(*, segment_id: int, contact_ids: list[int], now: datetime) -> int:
    """A bulk rebuild moved contacts into a segment: they enter the journeys entered by it
    (the per-event path enrols through ``journeys_on_changes`` instead)."""
    started = 0
    segment_journeys = [
        (journey, definition)
        for journey, definition in _running()
        if isinstance(definition.entry, d.SegmentEntry)
        and definition.entry.segment_id == segment_id
    ]
    for journey, definition in segment_journeys:
        for chunk in _chunks(contact_ids):
            with transaction.atomic():
                contacts = Contact.objects.filter(
                    pk__in=chunk, installation_id=journey.installation_id
                )
                eligible = list(_eligible(journey, definition.reentry, contacts, "", now))
                runs = runs_create(
                    journey=journey,
                    contacts=eligible,
                    now=now,
                    entry_key="",
                    context={"segment": {"id": segment_id}},
                )
                runs_advance(runs, now=now)
                started += len(runs)
    return started


def segment_entries_feed(
    *, now: datetime, segment_id: int | None = None, limit: int = 2_000
) -> int:
    """Feed the entries a bulk rebuild left pending (``Membership.entry_pending``) to the
    journeys they start, and mark them read in the same transaction: a worker that dies
    between the rebuild and this step leaves the rows pending for the next call. Returns the
    entries read (call again while it returns ``limit``)."""
    with transaction.atomic():
        pending = Membership.objects.select_for_update(skip_locked=True).filter(entry_pending=True)
        if segment_id is not None:
            pending = pending.filter(segment_id=segment_id)
        rows = list(pending.order_by("pk").values_list("pk", "segment_id", "contact_id")[:limit])
        by_segment: dict[int, list[int]] = {}
        for _, segment, contact_id in rows:
            by_segment.setdefault(segment, []).append(contact_id)
        for segment, contact_ids in by_segment.items():
            segment_members_entered(segment_id=segment, contact_ids=contact_ids, now=now)
        Membership.objects.filter(pk__in=[pk for pk, _, _ in rows]).update(entry_pending=False)
    return len(rows)
