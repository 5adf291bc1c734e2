"""Per-installation settings the admin edits in the Dashboard."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction
from graphene.types.generic import GenericScalar

from saleor_mautomation.contacts.config import contacts_config, contacts_config_update
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.messages.models import SendingRules
from saleor_mautomation.messages.services import sending_rules_update
from saleor_mautomation.saleor.framing import installation_dashboard_origins_set
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import installation_storefront_origins_set


class AppSettings(graphene.ObjectType):
    storefront_origins = graphene.List(graphene.NonNull(graphene.String), required=True)
    dashboard_origins = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Origins that may frame the app's Dashboard pages (CSP frame-ancestors);"
        " by default the Saleor API's origin.",
    )
    lapsing_after_days = graphene.Int(required=True)
    lapsed_after_days = graphene.Int(required=True)
    vip_min_orders = graphene.Int(required=True)
    metadata_keys = GenericScalar(required=True)
    spend_thresholds = GenericScalar(
        required=True, description='Per currency, e.g. {"USD": ["500", "1000"]}.'
    )
    from_email = graphene.String(required=True, description="Empty: the deployment's default.")
    reply_to = graphene.String(required=True)
    cap_count = graphene.Int(required=True, description="Marketing emails per contact ...")
    cap_hours = graphene.Int(required=True, description="... per this many hours.")
    quiet_start_hour = graphene.Int(description="Quiet hours in the contact's time zone.")
    quiet_end_hour = graphene.Int()
    quiet_action = graphene.String(required=True, description="defer or skip")
    channel_caps = GenericScalar(
        required=True,
        description='Caps of their own for SMS and push, e.g. {"sms": [1, 72]} (count, hours);'
        " a channel not listed has the email cap.",
    )

    @staticmethod
    def of(installation_id: int) -> AppSettings:
        installation = Installation.objects.get(pk=installation_id)
        config = contacts_config(installation_id)
        rules, _ = SendingRules.objects.get_or_create(installation_id=installation_id)
        return AppSettings(
            from_email=rules.from_email,
            reply_to=rules.reply_to,
            cap_count=rules.cap_count,
            cap_hours=rules.cap_hours,
            quiet_start_hour=rules.quiet_start_hour,
            quiet_end_hour=rules.quiet_end_hour,
            quiet_action=rules.quiet_action,
            channel_caps=rules.channel_caps,
            storefront_origins=installation.storefront_origins,
            dashboard_origins=installation.dashboard_frame_origins,
            lapsing_after_days=config.lapsing_after_days,
            lapsed_after_days=config.lapsed_after_days,
            vip_min_orders=config.vip_min_orders,
            metadata_keys=config.metadata_keys,
            spend_thresholds=config.spend_thresholds,
        )


class AppSettingsInput(graphene.InputObjectType):
    storefront_origins = graphene.List(graphene.NonNull(graphene.String))
    dashboard_origins = graphene.List(
        graphene.NonNull(graphene.String),
        description="Where the shop's Saleor Dashboard is served, e.g."
        " https://shop.eu.saleor.cloud; an empty list: the Saleor API's origin.",
    )
    lapsing_after_days = graphene.Int()
    lapsed_after_days = graphene.Int()
    vip_min_orders = graphene.Int()
    metadata_keys = GenericScalar()
    spend_thresholds = GenericScalar()
    from_email = graphene.String()
    reply_to = graphene.String()
    cap_count = graphene.Int()
    cap_hours = graphene.Int()
    quiet_start_hour = graphene.Int()
    quiet_end_hour = graphene.Int()
    quiet_action = graphene.String()
    channel_caps = GenericScalar()


SENDING_FIELDS = (
    "from_email",
    "reply_to",
    "cap_count",
    "cap_hours",
    "quiet_start_hour",
    "quiet_end_hour",
    "quiet_action",
    "channel_caps",
)


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
            if input.get("dashboard_origins") is not None:
                installation_dashboard_origins_set(
                    installation_id=installation_id, origins=input["dashboard_origins"]
                )
            contacts_config_update(
                installation_id=installation_id,
                lapsing_after_days=input.get("lapsing_after_days"),
                lapsed_after_days=input.get("lapsed_after_days"),
                vip_min_orders=input.get("vip_min_orders"),
                metadata_keys=input.get("metadata_keys"),
                spend_thresholds=input.get("spend_thresholds"),
            )
            sending_rules_update(
                installation_id=installation_id,
                **{field: input.get(field) for field in SENDING_FIELDS},
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
