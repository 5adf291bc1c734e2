"""``resumeBroadcast(id)``: a paused broadcast goes on where it stopped: its runs wake and its
held messages are due at once (``journeys.broadcasts.broadcast_resume``); the broadcast
scheduler and the bulk sender are woken after the commit rather than at their next round."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.core import clock
from saleor_mautomation.flows.handoff import broadcast_senders_wake
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.journeys import JourneyType, journey_of
from saleor_mautomation.journeys.broadcasts import broadcast_resume


class ResumeBroadcast(graphene.Mutation):
    """Each recipient not yet sent to is sent to once: runs go on from the step they waited
    at, held messages are sent (the sending rules decide again for each). ``NOT_A_BROADCAST``
    for another journey, ``INVALID_STATUS`` unless it is paused."""

    class Arguments:
        id = graphene.ID(required=True)

    journey = graphene.Field(JourneyType, required=True)
    released_messages = graphene.Int(required=True, description="Held messages now due.")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> ResumeBroadcast:
        journey = journey_of(info, id)
        with domain_errors():
            released = broadcast_resume(journey=journey, now=clock.now())
        broadcast_senders_wake()
        return ResumeBroadcast(journey=journey, released_messages=released)


class BroadcastResumeMutation(graphene.ObjectType):
    resume_broadcast = ResumeBroadcast.Field()
