"""Broadcasts (journeys entered by a segment snapshot, ``definition.BroadcastEntry``): how far
the sending of their current version has come (per minute too), pausing, resuming and
cancelling one.

Progress is counted, never kept: three grouped queries for any number of broadcasts (their
runs by status and whether they wait for a later local time, their messages by status, the
test's rest still waiting for the winner), all on the journeys' current versions, since each
version takes its own snapshot.

Pausing pauses the journey (its runs wait: the scheduler wakes only an active journey's) and
holds its messages not yet handed over: their send time is moved to ``HELD_UNTIL``, a moment
no sender reaches, so every sender passes them by as it passes by any message not yet due,
while erasure, an uninstall and the backlog metric still see them as the unsent messages they
are. Resuming makes them due at once (the sending rules decide again for each, as for any
message they deferred) and the runs go on where they stopped: each run's step queues its
message once (the outbox's key per run step), so nothing is sent twice. The journey row is
the lock: a batch of broadcast runs holds its journey FOR SHARE while it advances them
(``runner.runs_wake``), so a pause waits for the batches already queueing messages and holds
theirs too. A message a sender claimed before the pause (``sending``) is in its hands and
goes, as on a cancel.

Cancelling archives the journey (its runs stop for good, its test never decides, so its
rest never enters) and cancels its messages not yet handed over (queued, or deferred by the
sending rules): they are never sent. A message being handed over right now is left to
finish, as when a shop uninstalls the app (``outbox.messages_cancel``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMinute

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.journeys.models import BroadcastRest, Journey, JourneyRun
from saleor_mautomation.journeys.services import journey_status_set
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.sending import BROADCAST_CANCELLED, HELD_UNTIL

CANCELLED = BROADCAST_CANCELLED
_SENT = {
    Message.Status.SENT,
    Message.Status.DELIVERED,
    Message.Status.BOUNCED,
    Message.Status.COMPLAINED,
}
_QUEUED = {Message.Status.QUEUED, Message.Status.SENDING}
_HOLDABLE = [Message.Status.QUEUED, Message.Status.DEFERRED]


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
    held: int = 0  # messages held while it is paused (queued or deferred, not yet due)
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
        for version_id, status, n, held in (
            Message.objects.filter(installation_id=installation_id, journey_version_id__in=versions)
            .values("journey_version_id", "status")
            .annotate(n=Count("pk"), held=Count("pk", filter=Q(send_after=HELD_UNTIL)))
            .values_list("journey_version_id", "status", "n", "held")
        ):
            found[version_id].messages[status] = n
            if status in _HOLDABLE:
                found[version_id].held += held
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


@dataclass(frozen=True)
class Minute:
    """What the senders decided in one minute (UTC) about a broadcast's messages."""

    at: datetime
    sent: int = 0
    deferred: int = 0
    suppressed: int = 0
    failed: int = 0


SERIES_MINUTES = 60  # the per-minute series' default length
SERIES_LIMIT = 24 * 60


def broadcast_minutes(
    *, installation_id: int, journey: Journey, now: datetime, minutes: int = SERIES_MINUTES
) -> list[Minute]:
    """The last ``minutes`` whole minutes up to now's (the oldest first, every minute present,
    0 where nothing happened): messages sent in each (their ``sent_at``: sent, delivered,
    bounced, complained), and those deferred, suppressed or failed at the sender's claim in
    each (``claimed_at``: the senders decide as they claim). Two grouped queries; a message
    is counted in its current state only (a deferred one sent since counts as sent)."""
    version = journey.current_version
    end = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    start = end - timedelta(minutes=max(1, min(minutes, SERIES_LIMIT)))
    series = {
        start + timedelta(minutes=i): Minute(at=start + timedelta(minutes=i))
        for i in range((end - start) // timedelta(minutes=1))
    }
    if version is None:
        return list(series.values())
    messages = Message.objects.filter(installation_id=installation_id, journey_version=version)
    counts: dict[datetime, dict[str, int]] = {}
    for at, n in (
        messages.filter(status__in=_SENT, sent_at__gte=start, sent_at__lt=end)
        .annotate(at=TruncMinute("sent_at", tzinfo=UTC))
        .values("at")
        .annotate(n=Count("pk"))
        .values_list("at", "n")
    ):
        counts.setdefault(at, {})["sent"] = n
    decided: dict[str, str] = {
        Message.Status.DEFERRED: "deferred",
        Message.Status.SUPPRESSED: "suppressed",
        Message.Status.FAILED: "failed",
    }
    for at, status, n in (
        messages.filter(status__in=list(decided), claimed_at__gte=start, claimed_at__lt=end)
        .annotate(at=TruncMinute("claimed_at", tzinfo=UTC))
        .values("at", "status")
        .annotate(n=Count("pk"))
        .values_list("at", "status", "n")
    ):
        counts.setdefault(at, {})[decided[status]] = n
    for at, figures in counts.items():
        minute = at.astimezone(UTC)
        if minute in series:
            series[minute] = Minute(at=minute, **figures)
    return list(series.values())


def _broadcast_locked(journey: Journey) -> Journey:
    if not broadcast_journeys(journey.installation_id).filter(pk=journey.pk).exists():
        raise NotABroadcast("This journey is not a broadcast")
    # Waits for the batches advancing its runs (they hold it FOR SHARE: ``runner``).
    return Journey.objects.select_for_update().get(pk=journey.pk)


def broadcast_pause(*, journey: Journey) -> int:
    """Pause an active broadcast: its runs wait and its messages not yet handed over are
    held; returns how many were held. ``invalid_status`` unless it is active."""
    with transaction.atomic():
        locked = _broadcast_locked(journey)
        journey_status_set(journey=locked, status=Journey.Status.PAUSED)
        held = Message.objects.filter(
            installation_id=journey.installation_id,
            journey_id=journey.pk,
            status__in=_HOLDABLE,
        ).update(send_after=HELD_UNTIL)
    journey.refresh_from_db()
    return held


def broadcast_resume(*, journey: Journey, now: datetime) -> int:
    """Resume a paused broadcast: its runs go on and its held messages are due now; returns
    how many were released. ``invalid_status`` unless it is paused."""
    with transaction.atomic():
        locked = _broadcast_locked(journey)
        journey_status_set(journey=locked, status=Journey.Status.ACTIVE)
        released = Message.objects.filter(
            installation_id=journey.installation_id,
            journey_id=journey.pk,
            status__in=_HOLDABLE,
            send_after=HELD_UNTIL,
        ).update(send_after=now)
    journey.refresh_from_db()
    return released


def broadcast_status_set(*, journey: Journey, status: str, now: datetime) -> bool:
    """A broadcast's status set from the journeys list as its own buttons set it: paused
    holds its unsent messages, active again releases them, archived cancels them (a plain
    status change would stop its runs and let its queued messages go). False, and nothing
    done, for a journey that is not a broadcast; True when the broadcast's senders should be
    woken (it resumed)."""
    if not broadcast_journeys(journey.installation_id).filter(pk=journey.pk).exists():
        return False
    if status == Journey.Status.PAUSED:
        broadcast_pause(journey=journey)
    elif status == Journey.Status.ACTIVE:
        broadcast_resume(journey=journey, now=now)
    elif status == Journey.Status.ARCHIVED:
        broadcast_cancel(journey=journey)
    else:
        raise PermanentError(f"A broadcast cannot be set to {status!r}", code="invalid_status")
    return True


def broadcast_cancel(*, journey: Journey) -> int:
    """Archive the broadcast and cancel its messages not yet handed over (held ones too);
    returns how many were cancelled. An archived one cannot be cancelled again
    (``invalid_status``)."""
    with transaction.atomic():
        locked = _broadcast_locked(journey)
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
