"""``retryFailure(kind, id)``: a failed item goes again, once its cause is gone.

A delivery goes back to the drain's queue (not if its body was erased: ``BODY_ERASED``); a
journey run tries its step again (not while the contact has another open run under its key:
``RUN_OPEN``); a message goes back to the sender's queue only when that cannot reach the person
twice (``MAY_HAVE_BEEN_SENT``, ``CONTACT_ERASED``, ``TEMPLATE_GONE`` otherwise). Each starts
with a fresh count of attempts. The drain or the sender is woken after the commit; a run is
taken by the scheduler's next wake-up (every ``JOURNEYS_WAKE_INTERVAL`` seconds).
``NOT_FOUND`` for an id the installation does not hold, ``NOT_FAILED`` for an item that is not
failed (any more).
"""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.core import clock
from saleor_mautomation.flows.failures import failure_retry
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.failures import FailureKind, failure_id, kind_of


class RetryFailure(graphene.Mutation):
    class Arguments:
        kind = FailureKind(required=True)
        id = graphene.ID(required=True, description="A failure's id, from failures(kind).")

    retried = graphene.Boolean(required=True, description="Always true: an error otherwise.")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, kind: Any, id: str) -> RetryFailure:
        installation_id = dashboard_installation_id(info)
        failure = kind_of(kind)
        with domain_errors():
            failure_retry(
                kind=failure,
                installation_id=installation_id,
                item_id=failure_id(failure, id),
                now=clock.now(),
            )
        return RetryFailure(retried=True)


class RetryFailureMutation(graphene.ObjectType):
    retry_failure = RetryFailure.Field(
        description="Try a failed delivery, journey run or message again."
    )
