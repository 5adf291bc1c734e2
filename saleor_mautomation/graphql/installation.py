from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.flows.setup import setup_checklist
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import installation_shop_refresh


class InstallationType(graphene.ObjectType):
    class Meta:
        name = "Installation"

    saleor_api_url = graphene.String(required=True)
    app_id = graphene.String(required=True)
    status = graphene.String(required=True)
    shop_name = graphene.String(
        required=True,
        description="The shop's name as Saleor gives it (shop { name }); empty until read.",
    )
    shop_name_read_at = graphene.DateTime(description="When Saleor last gave the shop's name.")

    @staticmethod
    def of(installation: Installation) -> InstallationType:
        return InstallationType(
            saleor_api_url=installation.saleor_api_url,
            app_id=installation.app_id,
            status=installation.status,
            shop_name=installation.shop_name,
            shop_name_read_at=installation.shop_name_fetched_at,
        )


class SetupStepType(graphene.ObjectType):
    class Meta:
        name = "SetupStep"
        description = "One step of the shop's setup, read from what the app holds."

    key = graphene.String(
        required=True,
        description="sender (an address of the shop's own), email_provider (a way out for "
        "email), backfill (customers, orders and checkouts imported), journey (one live), "
        "storefront (the storefront API's tracked events seen)",
    )
    done = graphene.Boolean(required=True)
    detail = graphene.String(
        required=True,
        description="sender: the address; email_provider: the SMTP host, the ESP or default; "
        "backfill: resources done of all (2/3); journey: how many are live.",
    )
    at = graphene.DateTime(
        description="backfill: when the last import finished; storefront: the newest event."
    )


class InstallationQuery(graphene.ObjectType):
    installation = graphene.Field(
        InstallationType,
        required=True,
        description="The Saleor installation the Dashboard token belongs to.",
    )
    setup_checklist = graphene.List(
        graphene.NonNull(SetupStepType),
        required=True,
        description="What the shop still has to do before the app works for it, in order.",
    )

    @staticmethod
    def resolve_setup_checklist(root: Any, info: graphene.ResolveInfo) -> list[SetupStepType]:
        context: Context = info.context
        installation_id = context.require_dashboard().installation.pk
        return [
            SetupStepType(key=s.key, done=s.done, detail=s.detail, at=s.at)
            for s in setup_checklist(installation_id=installation_id)
        ]

    @staticmethod
    def resolve_installation(root: Any, info: graphene.ResolveInfo) -> InstallationType:
        context: Context = info.context
        return InstallationType.of(context.require_dashboard().installation)


class RefreshShopName(graphene.Mutation):
    """Read the shop's name from Saleor again (after it was renamed in Saleor, or when it
    could not be read at registration); Saleor failing keeps the stored name."""

    installation = graphene.Field(InstallationType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo) -> RefreshShopName:
        context: Context = info.context
        installation_id = context.require_dashboard().installation.pk
        # Not in a transaction: Saleor is called (ADR 0014).
        installation = installation_shop_refresh(installation_id=installation_id)
        return RefreshShopName(installation=InstallationType.of(installation))


class InstallationMutation(graphene.ObjectType):
    refresh_shop_name = RefreshShopName.Field()
