"""``discardFailure(kind, id)``: a failed item is given up and leaves the failures list.

A delivery becomes ``ignored`` (its error kept behind ``discarded: ``); a journey run exits
(reason ``discarded``, its error kept); a message stays ``failed``, which is what happened to
it, with ``discarded: `` before its reason. None of them is tried again. ``NOT_FOUND`` for an
id the installation does not hold, ``NOT_FAILED`` for an item that is not failed (any more).
"""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.failures import FailureKind, Kind, failed_run, failure_id, kind_of
from saleor_mautomation.intake.failures import delivery_discard
from saleor_mautomation.journeys.failures import run_discard
from saleor_mautomation.messages.failures import message_discard


def _discard(kind: Kind, installation_id: int, pk: int) -> None:
    now = clock.now()
    match kind:
        case Kind.DELIVERY:
            delivery_discard(installation_id=installation_id, delivery_id=pk, now=now)
        case Kind.RUN:
            run_discard(run=failed_run(installation_id=installation_id, run_id=pk), now=now)
        case Kind.MESSAGE:
            message_discard(installation_id=installation_id, message_id=pk)


class DiscardFailure(graphene.Mutation):
    class Arguments:
        kind = FailureKind(required=True)
        id = graphene.ID(required=True, description="A failure's id, from failures(kind).")

    discarded = graphene.Boolean(required=True, description="Always true: an error otherwise.")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, kind: Any, id: str) -> DiscardFailure:
        installation_id = dashboard_installation_id(info)
        failure = kind_of(kind)
        pk = failure_id(failure, id)
        with domain_errors(), transaction.atomic():
            _discard(failure, installation_id, pk)
        return DiscardFailure(discarded=True)


class DiscardFailureMutation(graphene.ObjectType):
    discard_failure = DiscardFailure.Field(
        description="Give up a failed delivery, journey run or message: it is not tried again."
    )
