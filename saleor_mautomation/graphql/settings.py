"""Per-installation settings the admin edits in the Dashboard."""

from __future__ import annotations

from dataclasses import asdict
from email.utils import parseaddr
from typing import Any

import graphene
from django.conf import settings
from django.db import transaction
from graphene.types.generic import GenericScalar

from saleor_mautomation.analytics.attribution import (
    attribution_settings_update,
    attribution_windows,
)
from saleor_mautomation.contacts.config import contacts_config, contacts_config_update
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.messages.context import link_warnings
from saleor_mautomation.messages.models import SendingRules
from saleor_mautomation.messages.providers import sender_of
from saleor_mautomation.messages.services import sending_rules_update
from saleor_mautomation.saleor.framing import installation_dashboard_origins_set
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import (
    installation_settings_update,
    installation_storefront_origins_set,
)


class AttributionSettings(graphene.ObjectType):
    click_days = graphene.Int(
        required=True,
        description="An order is credited to the last message clicked within"
        " this many days before it (0: clicks earn nothing).",
    )
    open_days = graphene.Int(
        required=True,
        description="Else to the last message a person opened within this many"
        " days (privacy proxies and scanners never count).",
    )
    click_only = graphene.Boolean(required=True, description="Opens never earn an order.")


class AttributionInput(graphene.InputObjectType):
    click_days = graphene.Int()
    open_days = graphene.Int()
    click_only = graphene.Boolean()


class AppSettings(graphene.ObjectType):
    storefront_origins = graphene.List(graphene.NonNull(graphene.String), required=True)
    attribution = graphene.Field(AttributionSettings, required=True)
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
    shop_name = graphene.String(
        required=True,
        description="Saleor's shop name (shop { name }), the templates' shop.name; empty until"
        " read (refreshShopName).",
    )
    sender_name = graphene.String(
        required=True, description="The From header's name; empty: the shop's name."
    )
    from_email = graphene.String(required=True, description="Empty: the deployment's default.")
    sender = graphene.String(required=True, description="The From header as emails carry it.")
    reply_to = graphene.String(required=True)
    storefront_urls = GenericScalar(
        required=True,
        description='Where the storefront serves each channel, e.g. {"*":'
        ' "https://shop.example/{channel}", "b2b": "https://b2b.example"}: the links of emails'
        " (checkout resume, products, orders, the shop).",
    )
    checkout_abandoned_after_minutes = graphene.Int(
        required=True,
        description="A checkout untouched this long is abandoned (15 to 4320; default 60).",
    )
    browse_abandoned_after_minutes = graphene.Int(
        required=True,
        description="Product views followed by this much quiet are abandoned browsing"
        " (15 to 1440; default 120).",
    )
    browse_window_hours = graphene.Int(
        required=True,
        description="The views browse abandonment looks back on (1 to 168 hours; default 24).",
    )
    warnings = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="What would not work as the admin expects: links to nowhere, an unread"
        " shop name, the deployment's placeholder sender.",
    )
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
        sender = sender_of(rules, installation, default_from=settings.DEFAULT_FROM_EMAIL)
        return AppSettings(
            shop_name=installation.shop_name,
            sender_name=rules.sender_name,
            from_email=rules.from_email,
            sender=sender,
            reply_to=rules.reply_to,
            storefront_urls=installation.storefront_urls,
            checkout_abandoned_after_minutes=installation.checkout_abandoned_after_minutes,
            browse_abandoned_after_minutes=installation.browse_abandoned_after_minutes,
            browse_window_hours=installation.browse_window_hours,
            warnings=_warnings(installation, sender),
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
            attribution=AttributionSettings(**asdict(attribution_windows(installation_id))),
        )


def _warnings(installation: Installation, sender: str) -> list[str]:
    warnings = link_warnings(installation)
    if not installation.shop_name:
        warnings.append(
            'Saleor\'s shop name has not been read yet: emails sign as "Shop"'
            " (refreshShopName reads it again)"
        )
    if parseaddr(sender)[1].endswith("@localhost"):
        warnings.append(
            f"Emails go from {parseaddr(sender)[1]}, the deployment's placeholder: set fromEmail"
            " (or DEFAULT_FROM_EMAIL)"
        )
    return warnings


class AppSettingsInput(graphene.InputObjectType):
    storefront_origins = graphene.List(graphene.NonNull(graphene.String))
    attribution = graphene.Field(AttributionInput)
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
    sender_name = graphene.String()
    from_email = graphene.String()
    reply_to = graphene.String()
    storefront_urls = GenericScalar()
    checkout_abandoned_after_minutes = graphene.Int()
    browse_abandoned_after_minutes = graphene.Int()
    browse_window_hours = graphene.Int()
    cap_count = graphene.Int()
    cap_hours = graphene.Int()
    quiet_start_hour = graphene.Int()
    quiet_end_hour = graphene.Int()
    quiet_action = graphene.String()
    channel_caps = GenericScalar()


SENDING_FIELDS = (
    "sender_name",
    "from_email",
    "reply_to",
    "cap_count",
    "cap_hours",
    "quiet_start_hour",
    "quiet_end_hour",
    "quiet_action",
    "channel_caps",
)


INSTALLATION_FIELDS = (
    "storefront_urls",
    "checkout_abandoned_after_minutes",
    "browse_abandoned_after_minutes",
    "browse_window_hours",
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
            installation_settings_update(
                installation_id=installation_id,
                **{field: input.get(field) for field in INSTALLATION_FIELDS},
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
            if input.get("attribution") is not None:
                attribution_settings_update(
                    installation_id=installation_id, **dict(input["attribution"])
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
