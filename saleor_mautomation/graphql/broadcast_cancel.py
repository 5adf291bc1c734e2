"""``cancelBroadcast(id)``: archive a broadcast and cancel its messages not yet handed over
(``journeys.broadcasts.broadcast_cancel``); pausing is ``pauseBroadcast``."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.journeys import JourneyType, journey_of
from saleor_mautomation.journeys.broadcasts import broadcast_cancel


class CancelBroadcast(graphene.Mutation):
    """Runs not yet at their send never send, the test's rest never enters, and messages
    queued or deferred by the sending rules are cancelled; one being handed over right now
    still goes. ``NOT_A_BROADCAST`` for another journey, ``INVALID_STATUS`` once archived."""

    class Arguments:
        id = graphene.ID(required=True)

    journey = graphene.Field(JourneyType, required=True)
    cancelled_messages = graphene.Int(
        required=True, description="Messages that will never be sent."
    )

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> CancelBroadcast:
        journey = journey_of(info, id)
        with domain_errors():
            cancelled = broadcast_cancel(journey=journey)
        return CancelBroadcast(journey=journey, cancelled_messages=cancelled)


class BroadcastCancelMutation(graphene.ObjectType):
    cancel_broadcast = CancelBroadcast.Field()
