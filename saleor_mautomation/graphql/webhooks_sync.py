"""``webhooksSync``: the shop's webhooks in Saleor brought in line with the manifest now."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.graphql.context import Context
from saleor_mautomation.saleor.webhook_sync import SyncReport, webhooks_sync


class WebhooksSyncReport(graphene.ObjectType):
    created = graphene.List(graphene.NonNull(graphene.String), required=True)
    updated = graphene.List(graphene.NonNull(graphene.String), required=True)
    extra = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The app's webhooks the manifest no longer has: kept (see sync-webhooks "
        "--prune).",
    )
    in_line = graphene.Int(required=True, description="Webhooks already as the manifest says.")
    errors = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Saleor's refusals, per webhook, or why Saleor could not be asked at all.",
    )

    @classmethod
    def of(cls, report: SyncReport) -> WebhooksSyncReport:
        done = [o for o in report.outcomes if not o.error]
        return cls(
            created=[o.name for o in done if o.action == "create"],
            updated=[o.name for o in done if o.action == "update"],
            extra=[o.name for o in done if o.action == "extra"],
            in_line=report.plan.in_line if report.plan is not None else 0,
            errors=[
                *([report.error] if report.error else []),
                *(f"{o.name}: {o.error}" for o in report.outcomes if o.error),
            ],
        )


class WebhooksSync(graphene.Mutation):
    class Meta:
        description = (
            "Create the manifest's webhooks the shop's Saleor lacks and update those that "
            "differ (after an upgrade that added webhooks, or a new APP_URL), with the app's own "
            "token; what the manifest no longer has is reported, not deleted."
        )

    report = graphene.Field(WebhooksSyncReport, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo) -> WebhooksSync:
        context: Context = info.context
        installation = context.require_dashboard().installation
        # Not in a transaction: Saleor is called (ADR 0014).
        report = webhooks_sync(installation, dry_run=False, prune=False)
        return WebhooksSync(report=WebhooksSyncReport.of(report))


class WebhooksSyncMutation(graphene.ObjectType):
    webhooks_sync = WebhooksSync.Field()
