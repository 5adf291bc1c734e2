"""``discardFailure(kind, id)``: a failed item is given up and leaves the failures list.

A delivery becomes ``ignored`` (its error kept behind ``discarded: ``); a journey run exits
(reason ``discarded``, its error kept); a message stays ``failed``, which is what happened to
it, with ``discarded: `` before its reason. None of them is tried again. ``NOT_FOUND`` for an
id the installation does not hold, ``NOT_FAILED`` for an item that is not failed (any more).
"""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.core import clock
from saleor_mautomation.flows.failures import failure_discard
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.failures import FailureKind, failure_id, kind_of


class DiscardFailure(graphene.Mutation):
    class Arguments:
        kind = FailureKind(required=True)
        id = graphene.ID(required=True, description="A failure's id, from failures(kind).")

    discarded = graphene.Boolean(required=True, description="Always true: an error otherwise.")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, kind: Any, id: str) -> DiscardFailure:
        installation_id = dashboard_installation_id(info)
        failure = kind_of(kind)
        with domain_errors():
            failure_discard(
                kind=failure,
                installation_id=installation_id,
                item_id=failure_id(failure, id),
                now=clock.now(),
            )
        return DiscardFailure(discarded=True)


class DiscardFailureMutation(graphene.ObjectType):
    discard_failure = DiscardFailure.Field(
        description="Give up a failed delivery, journey run or message: it is not tried again."
    )
