"""Broadcasts (journeys entered by a segment snapshot, ``definition.BroadcastEntry``): how far
the sending of their current version has come, and cancelling one.

Progress is counted, never kept: three grouped queries for any number of broadcasts (their
runs by status and whether they wait for a later local time, their messages by status, the
test's rest still waiting for the winner), all on the journeys' current versions, since each
version takes its own snapshot.

Cancelling archives the journey (its runs stop for good, its test never decides, so its
rest never enters) and cancels its messages not yet handed over (queued, or deferred by the
sending rules): they are never sent. A message being handed over right now is left to
finish, as when a shop uninstalls the app (``outbox.messages_cancel``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.journeys.models import BroadcastRest, Journey, JourneyRun
from saleor_mautomation.journeys.services import journey_status_set
from saleor_mautomation.messages.models import Message

CANCELLED = "the broadcast was cancelled"
_SENT = {
    Message.Status.SENT,
    Message.Status.DELIVERED,
    Message.Status.BOUNCED,
    Message.Status.COMPLAINED,
}
_QUEUED = {Message.Status.QUEUED, Message.Status.SENDING}


@dataclass
class Progress:
    """One broadcast's current version: its runs and messages by state."""

    journey: Journey
    snapshot_at: datetime | None = None
    runs: int = 0  # recipients entered so far
    runs_due: int = 0  # runs waiting whose time has come (not yet past their send)
    runs_local_time: int = 0  # runs waiting for their own local send time
    runs_failed: int = 0  # a step kept failing
    test_rest: int = 0  # the snapshot's rest, waiting for the test's winner
    messages: dict[str, int] = field(default_factory=dict)

    def count(self, *statuses: str) -> int:
        return sum(self.messages.get(status, 0) for status in statuses)

    @property
    def queued(self) -> int:
        return self.count(*_QUEUED)

    @property
    def sent(self) -> int:
        return self.count(*_SENT)


class NotABroadcast(PermanentError):
    code = "not_a_broadcast"


def broadcast_journeys(installation_id: int) -> QuerySet[Journey]:
    """The installation's broadcasts, archived (cancelled) ones too, newest first: journeys
    whose published version, or for one never published its draft, enters by broadcast."""
    return (
        Journey.objects.filter(installation_id=installation_id)
        .filter(
            Q(current_version__definition__entry__type="broadcast")
            | Q(current_version__isnull=True, draft__entry__type="broadcast")
        )
        .select_related("current_version")
        .order_by("-created_at", "-pk")
    )


def broadcasts_progress(
    *, installation_id: int, journeys: list[Journey], now: datetime
) -> list[Progress]:
    """The progress of each journey's current version (empty for one never published)."""
    found = {
        j.current_version.pk: Progress(
            journey=j, snapshot_at=j.current_version.broadcast_enrolled_at
        )
        for j in journeys
        if j.current_version is not None
    }
    versions = list(found)
    if versions:
        for version_id, status, n, later in (
            JourneyRun.objects.filter(installation_id=installation_id, version_id__in=versions)
            .values("version_id", "status")
            .annotate(n=Count("pk"), later=Count("pk", filter=Q(wake_at__gt=now)))
            .values_list("version_id", "status", "n", "later")
        ):
            progress = found[version_id]
            progress.runs += n
            if status == JourneyRun.Status.WAITING:
                progress.runs_local_time += later
                progress.runs_due += n - later
            elif status == JourneyRun.Status.FAILED:
                progress.runs_failed += n
        for version_id, status, n in (
            Message.objects.filter(installation_id=installation_id, journey_version_id__in=versions)
            .values("journey_version_id", "status")
            .annotate(n=Count("pk"))
            .values_list("journey_version_id", "status", "n")
        ):
            found[version_id].messages[status] = n
        for version_id, n in (
            BroadcastRest.objects.filter(
                version__journey__installation_id=installation_id, version_id__in=versions
            )
            .values("version_id")
            .annotate(n=Count("pk"))
            .values_list("version_id", "n")
        ):
            found[version_id].test_rest = n
    by_journey = {p.journey.pk: p for p in found.values()}
    return [by_journey.get(j.pk) or Progress(journey=j) for j in journeys]


def broadcast_cancel(*, journey: Journey) -> int:
    """Archive the broadcast and cancel its messages not yet handed over; returns how many
    were cancelled. An archived one cannot be cancelled again (``invalid_status``)."""
    if not broadcast_journeys(journey.installation_id).filter(pk=journey.pk).exists():
        raise NotABroadcast("This journey is not a broadcast")
    with transaction.atomic():
        locked = Journey.objects.select_for_update().get(pk=journey.pk)
        journey_status_set(journey=locked, status=Journey.Status.ARCHIVED)
        # One statement, however many recipients: the sender claims with SKIP LOCKED, so a
        # message it holds now is left to it (and goes), and none is claimed after this.
        cancelled = Message.objects.filter(
            installation_id=journey.installation_id,
            journey_id=journey.pk,
            status__in=[Message.Status.QUEUED, Message.Status.DEFERRED],
        ).update(status=Message.Status.CANCELLED, status_reason=CANCELLED)
    journey.refresh_from_db()
    return cancelled
