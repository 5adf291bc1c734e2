"""``pauseBroadcast(id)``: its runs wait and its messages not yet handed over are held
(``journeys.broadcasts.broadcast_pause``); ``resumeBroadcast`` goes on where it stopped."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.journeys import JourneyType, journey_of
from saleor_mautomation.journeys.broadcasts import broadcast_pause


class PauseBroadcast(graphene.Mutation):
    """Nothing more of it is sent until it is resumed: runs not yet at their send wait, and
    messages queued or deferred are held; one a sender has already taken still goes.
    ``NOT_A_BROADCAST`` for another journey, ``INVALID_STATUS`` unless it is active."""

    class Arguments:
        id = graphene.ID(required=True)

    journey = graphene.Field(JourneyType, required=True)
    held_messages = graphene.Int(required=True, description="Messages held until it resumes.")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> PauseBroadcast:
        journey = journey_of(info, id)
        with domain_errors():
            held = broadcast_pause(journey=journey)
        return PauseBroadcast(journey=journey, held_messages=held)


class BroadcastPauseMutation(graphene.ObjectType):
    pause_broadcast = PauseBroadcast.Field()
