"""Per-installation settings the admin edits in the Dashboard."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction
from graphene.types.generic import GenericScalar

from saleor_mautomation.contacts.services import contacts_config, contacts_config_update
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import installation_storefront_origins_set


class AppSettings(graphene.ObjectType):
    storefront_origins = graphene.List(graphene.NonNull(graphene.String), required=True)
    lapsing_after_days = graphene.Int(required=True)
    lapsed_after_days = graphene.Int(required=True)
    vip_min_orders = graphene.Int(required=True)
    metadata_keys = GenericScalar(required=True)

    @staticmethod
    def of(installation_id: int) -> AppSettings:
        installation = Installation.objects.get(pk=installation_id)
        config = contacts_config(installation_id)
        return AppSettings(
            storefront_origins=installation.storefront_origins,
            lapsing_after_days=config.lapsing_after_days,
            lapsed_after_days=config.lapsed_after_days,
            vip_min_orders=config.vip_min_orders,
            metadata_keys=config.metadata_keys,
        )


class AppSettingsInput(graphene.InputObjectType):
    storefront_origins = graphene.List(graphene.NonNull(graphene.String))
    lapsing_after_days = graphene.Int()
    lapsed_after_days = graphene.Int()
    vip_min_orders = graphene.Int()
    metadata_keys = GenericScalar()


class UpdateAppSettings(graphene.Mutation):
    class Arguments:
        input = AppSettingsInput(required=True)

    settings = graphene.Field(AppSettings, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> UpdateAppSettings:
        context: Context = info.context
        installation_id = context.require_dashboard().installation.pk
        with domain_errors(), transaction.atomic():
            if input.get("storefront_origins") is not None:
                installation_storefront_origins_set(
                    installation_id=installation_id, origins=input["storefront_origins"]
                )
            contacts_config_update(
                installation_id=installation_id,
                lapsing_after_days=input.get("lapsing_after_days"),
                lapsed_after_days=input.get("lapsed_after_days"),
                vip_min_orders=input.get("vip_min_orders"),
                metadata_keys=input.get("metadata_keys"),
            )
        return UpdateAppSettings(settings=AppSettings.of(installation_id))


class SettingsQuery(graphene.ObjectType):
    app_settings = graphene.Field(AppSettings, required=True)

    @staticmethod
    def resolve_app_settings(root: Any, info: graphene.ResolveInfo) -> AppSettings:
        context: Context = info.context
        return AppSettings.of(context.require_dashboard().installation.pk)


class SettingsMutation(graphene.ObjectType):
    update_app_settings = UpdateAppSettings.Field()
