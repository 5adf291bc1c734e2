"""Dashboard GraphQL of broadcasts: ``broadcasts`` (every broadcast journey with its progress)
and ``broadcastProgress(journeyId)`` (one, polled while it sends, with ``perMinute``: what the
senders decided minute by minute). Counted by ``journeys.broadcasts`` on the journeys' current
versions."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.contacts import from_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.journeys import JourneyType
from saleor_mautomation.journeys.broadcasts import (
    SERIES_LIMIT,
    SERIES_MINUTES,
    Minute,
    Progress,
    broadcast_journeys,
    broadcast_minutes,
    broadcasts_progress,
)
from saleor_mautomation.messages.models import Message

Status = Message.Status


class BroadcastMinute(graphene.ObjectType):
    """One minute (UTC) of a broadcast's sending."""

    at = graphene.DateTime(required=True, description="The minute's start.")
    sent = graphene.Int(required=True, description="Messages sent in that minute.")
    deferred = graphene.Int(
        required=True, description="Messages deferred by the sending rules in that minute."
    )
    suppressed = graphene.Int(required=True, description="Messages suppressed in that minute.")
    failed = graphene.Int(required=True, description="Messages refused in that minute.")

    @staticmethod
    def of(minute: Minute) -> BroadcastMinute:
        return BroadcastMinute(
            at=minute.at,
            sent=minute.sent,
            deferred=minute.deferred,
            suppressed=minute.suppressed,
            failed=minute.failed,
        )


class BroadcastProgress(graphene.ObjectType):
    """Where the sending of a broadcast's current version stands. Before its snapshot (and
    for a broadcast never published) every figure is 0."""

    journey = graphene.Field(JourneyType, required=True)
    snapshot_at = graphene.DateTime(
        description="When its segment's members were taken; null before."
    )
    recipients = graphene.Int(
        required=True, description="The snapshot: runs entered and the test's rest."
    )
    runs_due = graphene.Int(
        required=True, description="Runs waiting whose time has come (their send is next)."
    )
    runs_local_time = graphene.Int(
        required=True, description="Runs waiting for the send time in their own time zone."
    )
    test_rest = graphene.Int(
        required=True, description="Contacts waiting for the test's winner before they enter."
    )
    runs_failed = graphene.Int(required=True, description="Runs whose step kept failing.")
    queued = graphene.Int(required=True, description="Messages queued or being handed over.")
    deferred = graphene.Int(
        required=True, description="Messages held by the sending rules (quiet hours, caps)."
    )
    sent = graphene.Int(
        required=True,
        description="Messages the provider accepted (sent, delivered, bounced, complained).",
    )
    suppressed = graphene.Int(
        required=True, description="Messages not sent: no consent, or a suppressed address."
    )
    failed = graphene.Int(required=True, description="Messages the provider refused.")
    unknown = graphene.Int(
        required=True, description="Messages whose hand-over was interrupted (maybe sent)."
    )
    cancelled = graphene.Int(required=True, description="Messages cancelled before sending.")
    held = graphene.Int(
        required=True,
        description="Messages held while it is paused (counted in queued or deferred too).",
    )
    per_minute = graphene.List(
        graphene.NonNull(BroadcastMinute),
        required=True,
        minutes=graphene.Int(
            default_value=SERIES_MINUTES,
            description=f"How many minutes, up to the current one (1 to {SERIES_LIMIT}).",
        ),
        description="What the senders decided in each of the last minutes, oldest first.",
    )

    @staticmethod
    def resolve_per_minute(
        root: BroadcastProgress, info: graphene.ResolveInfo, minutes: int
    ) -> list[BroadcastMinute]:
        series = broadcast_minutes(
            installation_id=dashboard_installation_id(info),
            journey=root.journey,
            now=clock.now(),
            minutes=minutes,
        )
        return [BroadcastMinute.of(minute) for minute in series]

    @staticmethod
    def of(progress: Progress) -> BroadcastProgress:
        return BroadcastProgress(
            journey=progress.journey,
            snapshot_at=progress.snapshot_at,
            recipients=progress.runs + progress.test_rest,
            runs_due=progress.runs_due,
            runs_local_time=progress.runs_local_time,
            test_rest=progress.test_rest,
            runs_failed=progress.runs_failed,
            queued=progress.queued,
            deferred=progress.count(Status.DEFERRED),
            sent=progress.sent,
            suppressed=progress.count(Status.SUPPRESSED),
            failed=progress.count(Status.FAILED),
            unknown=progress.count(Status.UNKNOWN),
            cancelled=progress.count(Status.CANCELLED),
            held=progress.held,
        )


class BroadcastsQuery(graphene.ObjectType):
    broadcasts = graphene.List(
        graphene.NonNull(BroadcastProgress),
        required=True,
        description="Every broadcast, cancelled (archived) ones too, newest first.",
    )
    broadcast_progress = graphene.Field(
        BroadcastProgress,
        journey_id=graphene.ID(required=True),
        description="Null: no such journey, or it is not a broadcast.",
    )

    @staticmethod
    def resolve_broadcasts(root: Any, info: graphene.ResolveInfo) -> list[BroadcastProgress]:
        installation_id = dashboard_installation_id(info)
        journeys = list(broadcast_journeys(installation_id))
        found = broadcasts_progress(
            installation_id=installation_id, journeys=journeys, now=clock.now()
        )
        return [BroadcastProgress.of(p) for p in found]

    @staticmethod
    def resolve_broadcast_progress(
        root: Any, info: graphene.ResolveInfo, journey_id: str
    ) -> BroadcastProgress | None:
        installation_id = dashboard_installation_id(info)
        journeys = list(
            broadcast_journeys(installation_id).filter(pk=from_global_id("Journey", journey_id))
        )
        if not journeys:
            return None
        (progress,) = broadcasts_progress(
            installation_id=installation_id, journeys=journeys, now=clock.now()
        )
        return BroadcastProgress.of(progress)
