"""Dashboard GraphQL of the backfill: how far the import of the shop's existing data got, and
starting it over."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction

from saleor_mautomation.backfill import selectors, services
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.tasks import backfill_run
from saleor_mautomation.core import clock
from saleor_mautomation.flows.handoff import handoff
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors

BackfillResourceEnum = graphene.Enum.from_enum(
    BackfillRun.Resource, name="BackfillResource", description="What a backfill run imports."
)
BackfillStatusEnum = graphene.Enum.from_enum(
    BackfillRun.Status,
    name="BackfillRunStatus",
    description="A failed run keeps its place: the next run resumes it from there.",
)


class BackfillStatusType(graphene.ObjectType):
    class Meta:
        name = "BackfillStatus"
        description = "The latest import of one kind of Saleor object."

    resource = graphene.Field(BackfillResourceEnum, required=True)
    status = graphene.Field(BackfillStatusEnum, required=True)
    total = graphene.Int(description="How many Saleor reported (totalCount); null before a page.")
    done = graphene.Int(required=True, description="How many were handled, skipped included.")
    skipped = graphene.Int(
        required=True,
        description=(
            "How many records could not be imported: Saleor could not answer a field they "
            "need, or they did not parse, or their data could not be stored."
        ),
    )
    dropped_fields = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=(
            "Fields Saleor could not answer on some page (a value it cannot serialise), as "
            "paths below the record (`chargeStatus`, `lines.thumbnail`): that page was "
            "imported without them. Ids, emails, dates and totals are never left out."
        ),
    )
    error = graphene.String(description="Why the run stopped, if it failed.")
    started_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    updated_at = graphene.DateTime(required=True)


def _status(run: BackfillRun) -> BackfillStatusType:
    return BackfillStatusType(
        resource=run.resource,
        status=run.status,
        total=run.total,
        done=run.done,
        skipped=run.skipped,
        dropped_fields=run.dropped_fields,
        error=run.error or None,
        started_at=run.started_at,
        finished_at=run.finished_at,
        updated_at=run.updated_at,
    )


class BackfillQuery(graphene.ObjectType):
    backfill_status = graphene.List(
        graphene.NonNull(BackfillStatusType),
        required=True,
        description=(
            "The import of the shop's customers, orders and open checkouts: the latest run of "
            "each, in import order (empty before the first run)."
        ),
    )

    @staticmethod
    def resolve_backfill_status(root: Any, info: graphene.ResolveInfo) -> list[BackfillStatusType]:
        context: Context = info.context
        installation = context.require_dashboard().installation
        return [_status(run) for run in selectors.backfill_status(installation_id=installation.pk)]


class RestartBackfill(graphene.Mutation):
    class Meta:
        description = (
            "Import the shop's customers, orders and open checkouts again from the start (what "
            "is already imported is updated, nothing is counted twice). Refused with "
            "BACKFILL_RUNNING while an import is under way; a failed import starts over from "
            "Saleor's first page rather than resuming."
        )

    backfill_status = graphene.List(
        graphene.NonNull(BackfillStatusType),
        required=True,
        description="The new runs, pending until the worker takes them.",
    )

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo) -> RestartBackfill:
        context: Context = info.context
        installation = context.require_dashboard().installation
        with domain_errors():
            runs = services.backfill_restart(installation_id=installation.pk, now=clock.now())
        # After the commit, and never waiting on a broker that is down (the runs stay pending
        # for `mautomation backfill` or the next restart once their lease has passed).
        transaction.on_commit(lambda: handoff(backfill_run, installation.pk))
        return RestartBackfill(backfill_status=[_status(run) for run in runs])


class BackfillMutation(graphene.ObjectType):
    restart_backfill = RestartBackfill.Field()
