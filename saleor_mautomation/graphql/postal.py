"""Print batches for the Dashboard: the list (each with its CSV download's path, which closes
an open batch) and marking a closed batch sent to print. The CSV itself is a download
(``api/views/postal.py``), streamed in pages, not a GraphQL field."""

from __future__ import annotations

from typing import Any

import graphene
from django.urls import reverse
from graphql import GraphQLError

from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.postal.models import PostalBatch
from saleor_mautomation.postal.selectors import batches_list
from saleor_mautomation.postal.services import batches_close_due, postal_batch_mark_sent

MAX_FIRST = 200

PostalBatchStatus = graphene.Enum(
    "PostalBatchStatus",
    [(status.upper(), status) for status in PostalBatch.Status.values],
    description="OPEN: cards are still added (until its cut-off or download); CLOSED: its "
    "cards are final; SENT: the admin handed it to the printer.",
)


class PostalBatchType(graphene.ObjectType):
    class Meta:
        name = "PostalBatch"

    id = graphene.ID(required=True)
    journey_id = graphene.ID(required=True)
    journey_name = graphene.String(required=True)
    node = graphene.String(required=True, description="The journey's postal step.")
    template = graphene.String(required=True, description="The card's key.")
    day = graphene.Date(required=True, description="The UTC day of its cut-off.")
    sequence = graphene.Int(required=True, description="1 for the day's first batch of the step.")
    status = graphene.Field(PostalBatchStatus, required=True)
    cards = graphene.Int(required=True)
    max_cards = graphene.Int(required=True)
    created_at = graphene.DateTime(required=True)
    closes_at = graphene.DateTime(required=True)
    closed_at = graphene.DateTime()
    closed_reason = graphene.String(required=True, description="cut_off, download or empty.")
    downloaded_at = graphene.DateTime()
    sent_at = graphene.DateTime()
    csv_path = graphene.String(
        required=True, description="GET it (with the Dashboard's token) for the CSV."
    )

    @staticmethod
    def of(batch: PostalBatch) -> PostalBatchType:
        return PostalBatchType(
            id=to_global_id("PostalBatch", batch.pk),
            journey_id=to_global_id("Journey", batch.journey_id),
            journey_name=batch.journey_name,
            node=batch.node,
            template=batch.template,
            day=batch.day,
            sequence=batch.sequence,
            status=PostalBatch.Status(batch.status).value,
            cards=batch.items_count,
            max_cards=batch.max_items,
            created_at=batch.created_at,
            closes_at=batch.closes_at,
            closed_at=batch.closed_at,
            closed_reason=batch.closed_reason,
            downloaded_at=batch.downloaded_at,
            sent_at=batch.sent_at,
            csv_path=reverse("postal-batch-csv", args=[batch.pk]),
        )


class MarkPostalBatchSent(graphene.Mutation):
    class Meta:
        description = (
            "The batch went to the printer. Refused: NOT_FOUND (no such batch of this shop), "
            "BATCH_OPEN (download it first: the download closes it)."
        )

    class Arguments:
        id = graphene.ID(required=True)

    batch = graphene.Field(PostalBatchType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> MarkPostalBatchSent:
        installation_id = dashboard_installation_id(info)
        try:
            batch = postal_batch_mark_sent(
                installation_id=installation_id,
                batch_id=from_global_id("PostalBatch", id),
                now=clock.now(),
            )
        except PermanentError as exc:
            raise GraphQLError(str(exc), extensions={"code": exc.code.upper()}) from exc
        return MarkPostalBatchSent(batch=PostalBatchType.of(batch))


class PostalQuery(graphene.ObjectType):
    postal_batches = graphene.List(
        graphene.NonNull(PostalBatchType),
        required=True,
        first=graphene.Int(default_value=50, description=f"At most {MAX_FIRST}."),
        description="The shop's print batches, newest first (those past their cut-off closed).",
    )

    @staticmethod
    def resolve_postal_batches(
        root: Any, info: graphene.ResolveInfo, first: int = 50
    ) -> list[PostalBatchType]:
        installation_id = dashboard_installation_id(info)
        batches_close_due(installation_id=installation_id, now=clock.now())
        found = batches_list(installation_id=installation_id, first=max(0, min(first, MAX_FIRST)))
        return [PostalBatchType.of(batch) for batch in found]


class PostalMutation(graphene.ObjectType):
    mark_postal_batch_sent = MarkPostalBatchSent.Field()
