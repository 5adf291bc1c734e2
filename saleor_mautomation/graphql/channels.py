"""SMS and web push in the app's GraphQL API.

Storefronts (``Saleor-Api-Url``, a customer token or an ``anonymousId``): the VAPID public key
to subscribe with, registering and unregistering the browser's push subscription (which is
the visitor's push consent), and a phone number with or without SMS consent, each consent
change on the ledger with its evidence. These calls are rate limited per client.

The Dashboard: the Twilio account (the auth token write-only: never returned), the push
settings (the public key shown, the private key never), SMS and push templates (created
empty, versions of plain text templates) and an SMS's segment count for the editor. Saving
the Twilio account or the push settings adds the default templates of that channel.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from django.db import transaction
from graphql import GraphQLError

from saleor_mautomation.contacts.channels_consent import (
    phone_set,
    push_subscription_register,
    push_subscription_unregister,
)
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.contacts.identity import contact_for_visitor
from saleor_mautomation.contacts.models import Contact, EmailConsent, PushSubscription
from saleor_mautomation.core import clock, ratelimit
from saleor_mautomation.graphql.context import Context, dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors, render_errors
from saleor_mautomation.graphql.templates import (
    TemplateType,
    TemplateVersionType,
    dashboard_template,
)
from saleor_mautomation.messages.models import SmsProvider, Template, TemplateVersion
from saleor_mautomation.messages.outbox import sms_confirmation_request
from saleor_mautomation.messages.push import (
    push_keys_ensure,
    push_keys_update,
    vapid_subject_default,
)
from saleor_mautomation.messages.services import (
    template_create,
    template_text_version_create,
    templates_channel_ensure,
)
from saleor_mautomation.messages.short_links import links_counted
from saleor_mautomation.messages.sms import sms_provider_update, sms_segments, sms_webhook_urls

# Storefront writes per client (customer, anonymous id or IP) and hour.
CHANNEL_WRITES_PER_HOUR = 30
MAX_ID_LENGTH = 64


def _fail(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _visitor(context: Context, anonymous_id: str | None, action: str) -> Contact:
    """The calling visitor's contact (signed-in customer, else the anonymous id), within
    the rate limit."""
    installation = context.require_installation()
    if anonymous_id is not None and not 8 <= len(anonymous_id) <= MAX_ID_LENGTH:
        raise _fail(f"anonymousId must be 8 to {MAX_ID_LENGTH} characters", "INVALID")
    customer = context.customer
    client = customer.user_id if customer else anonymous_id
    if not client:
        raise _fail("Send an anonymousId or sign in", "INVALID")
    if not ratelimit.allow(
        f"{action}:{installation.pk}:{client}:{context.client_ip}",
        cost=1,
        limit=CHANNEL_WRITES_PER_HOUR,
        window=3600,
    ):
        raise _fail("Too many requests: slow down", "RATE_LIMITED")
    contact = contact_for_visitor(
        installation_id=installation.pk,
        saleor_user_id=customer.user_id if customer else None,
        email=customer.email if customer else None,
        anonymous_id=anonymous_id,
    )
    if contact is None:
        raise _fail("Send an anonymousId or sign in", "INVALID")
    return contact


def _evidence(context: Context, source: str, text_version: str = "") -> Evidence:
    return Evidence(source=source, ip_address=context.client_ip, text_version=text_version)


def _default_subject() -> str:
    return vapid_subject_default(settings.APP_URL, settings.DEFAULT_FROM_EMAIL)


# -- storefront ---------------------------------------------------------------------------------


class PushSubscriptionKeysInput(graphene.InputObjectType):
    p256dh = graphene.String(required=True)
    auth = graphene.String(required=True)


class PushSubscriptionInput(graphene.InputObjectType):
    """The JSON of the browser's ``PushSubscription`` (``subscription.toJSON()``)."""

    endpoint = graphene.String(required=True)
    keys = graphene.Field(PushSubscriptionKeysInput, required=True)


class RegisterPushSubscription(graphene.Mutation):
    class Arguments:
        subscription = PushSubscriptionInput(required=True)
        anonymous_id = graphene.String()
        user_agent = graphene.String(default_value="")

    ok = graphene.Boolean(required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        subscription: dict[str, Any],
        user_agent: str,
        anonymous_id: str | None = None,
    ) -> RegisterPushSubscription:
        context: Context = info.context
        contact = _visitor(context, anonymous_id, "push")
        with domain_errors():
            push_subscription_register(
                contact=contact,
                endpoint=subscription["endpoint"],
                p256dh=subscription["keys"]["p256dh"],
                auth=subscription["keys"]["auth"],
                user_agent=user_agent,
                evidence=_evidence(context, "storefront.push"),
                now=clock.now(),
                allow_private=settings.SALEOR_ALLOW_LOOPBACK,
            )
        return RegisterPushSubscription(ok=True)


class UnregisterPushSubscription(graphene.Mutation):
    """The browser unsubscribed (the endpoint is its secret: whoever has it is that browser)."""

    class Arguments:
        endpoint = graphene.String(required=True)

    ok = graphene.Boolean(required=True, description="False: the endpoint was not registered")

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, endpoint: str) -> UnregisterPushSubscription:
        context: Context = info.context
        installation = context.require_installation()
        removed = push_subscription_unregister(
            installation_id=installation.pk,
            endpoint=endpoint,
            evidence=_evidence(context, "storefront.push"),
            now=clock.now(),
        )
        return UnregisterPushSubscription(ok=removed)


class PhoneConsent(graphene.ObjectType):
    phone = graphene.String(required=True, description="Masked: +49*******78")
    sms_consent = graphene.String(required=True)

    @staticmethod
    def of(contact: Contact) -> PhoneConsent:
        phone = contact.phone
        masked = f"{phone[:3]}{'*' * max(len(phone) - 5, 0)}{phone[-2:]}" if phone else ""
        return PhoneConsent(phone=masked, sms_consent=contact.sms_consent)


class SetPhone(graphene.Mutation):
    class Arguments:
        phone = graphene.String(required=True, description="With its country code")
        sms_consent = graphene.Boolean(required=True, description="Agreed to marketing texts")
        anonymous_id = graphene.String()
        consent_text_version = graphene.String(default_value="")

    result = graphene.Field(PhoneConsent, required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        phone: str,
        sms_consent: bool,
        consent_text_version: str,
        anonymous_id: str | None = None,
    ) -> SetPhone:
        context: Context = info.context
        contact = _visitor(context, anonymous_id, "phone")
        provider = SmsProvider.objects.filter(installation_id=contact.installation_id).first()
        double_opt_in = provider is not None and provider.double_opt_in
        now = clock.now()
        with domain_errors(), transaction.atomic():
            contact = phone_set(
                contact=contact,
                phone=phone,
                sms_consent=sms_consent,
                evidence=_evidence(context, "storefront.phone", consent_text_version[:64]),
                now=now,
                double_opt_in=double_opt_in,
            )
            if sms_consent and contact.sms_consent == EmailConsent.PENDING:
                # asked again (say, the form sent twice): the question goes out at most hourly
                sms_confirmation_request(contact=contact, now=now)
        return SetPhone(result=PhoneConsent.of(contact))


class ChannelsStorefrontQuery(graphene.ObjectType):
    push_public_key = graphene.String(
        required=True, description="The VAPID key for pushManager.subscribe (base64url)."
    )

    @staticmethod
    def resolve_push_public_key(root: Any, info: graphene.ResolveInfo) -> str:
        context: Context = info.context
        installation = context.require_installation()
        keys = push_keys_ensure(
            installation_id=installation.pk, subject=_default_subject(), now=clock.now()
        )
        return keys.public_key


# -- dashboard ----------------------------------------------------------------------------------


class SmsProviderType(graphene.ObjectType):
    class Meta:
        name = "SmsProvider"

    configured = graphene.Boolean(required=True)
    account_sid = graphene.String(required=True)
    has_auth_token = graphene.Boolean(required=True)
    from_number = graphene.String(required=True)
    messaging_service_sid = graphene.String(required=True)
    max_per_second = graphene.Float(required=True, description="0: no throttle")
    double_opt_in = graphene.Boolean(
        required=True, description="A number given with consent is texted to reply YES first."
    )
    status_callback_url = graphene.String(required=True)
    inbound_url = graphene.String(
        required=True, description="Set it as the number's incoming-message webhook (STOP)."
    )

    @staticmethod
    def of(installation_id: int) -> SmsProviderType:
        stored = SmsProvider.objects.filter(installation_id=installation_id).first()
        status_url, inbound_url = sms_webhook_urls(settings.APP_URL, installation_id)
        return SmsProviderType(
            configured=stored is not None,
            account_sid=stored.account_sid if stored else "",
            has_auth_token=bool(stored and stored.auth_token),
            from_number=stored.from_number if stored else "",
            messaging_service_sid=stored.messaging_service_sid if stored else "",
            max_per_second=stored.max_per_second if stored else 0.0,
            double_opt_in=bool(stored and stored.double_opt_in),
            status_callback_url=status_url,
            inbound_url=inbound_url,
        )


class SmsProviderInput(graphene.InputObjectType):
    account_sid = graphene.String(required=True)
    auth_token = graphene.String(description="Left out: the stored one is kept.")
    from_number = graphene.String(default_value="")
    messaging_service_sid = graphene.String(default_value="")
    max_per_second = graphene.Float(default_value=0)
    double_opt_in = graphene.Boolean(default_value=False)


class UpdateSmsProvider(graphene.Mutation):
    class Arguments:
        input = SmsProviderInput(required=True)

    provider = graphene.Field(SmsProviderType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> UpdateSmsProvider:
        installation_id = dashboard_installation_id(info)
        with domain_errors(), transaction.atomic():
            sms_provider_update(installation_id=installation_id, **input)
            templates_channel_ensure(
                installation_id=installation_id, channel="sms", now=clock.now()
            )
        return UpdateSmsProvider(provider=SmsProviderType.of(installation_id))


class PushSettingsType(graphene.ObjectType):
    class Meta:
        name = "PushSettings"

    public_key = graphene.String(required=True)
    subject = graphene.String(required=True, description="mailto: or https: contact")
    active_subscriptions = graphene.Int(required=True)

    @staticmethod
    def of(installation_id: int) -> PushSettingsType:
        keys = push_keys_ensure(
            installation_id=installation_id, subject=_default_subject(), now=clock.now()
        )
        active = PushSubscription.objects.filter(
            installation_id=installation_id, expired_at__isnull=True
        ).count()
        return PushSettingsType(
            public_key=keys.public_key, subject=keys.subject, active_subscriptions=active
        )


class UpdatePushSettings(graphene.Mutation):
    class Arguments:
        subject = graphene.String(required=True)

    settings = graphene.Field(PushSettingsType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, subject: str) -> UpdatePushSettings:
        installation_id = dashboard_installation_id(info)
        with domain_errors(), transaction.atomic():
            push_keys_update(installation_id=installation_id, subject=subject, now=clock.now())
            templates_channel_ensure(
                installation_id=installation_id, channel="push", now=clock.now()
            )
        return UpdatePushSettings(settings=PushSettingsType.of(installation_id))


ChannelEnum = graphene.Enum(
    "MessageChannel", [("EMAIL", "email"), ("SMS", "sms"), ("PUSH", "push")]
)


class CreateChannelTemplate(graphene.Mutation):
    """An empty SMS or push template (an email template: createEmailTemplate)."""

    class Arguments:
        key = graphene.String(required=True)
        name = graphene.String(required=True)
        channel = ChannelEnum(required=True)
        kind = graphene.String(default_value="marketing")

    template = graphene.Field(TemplateType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, key: str, name: str, channel: Any, kind: str
    ) -> CreateChannelTemplate:
        installation_id = dashboard_installation_id(info)  # before anything about the call
        value = str(getattr(channel, "value", channel))
        if value == Template.Channel.EMAIL:
            raise _fail("An email template is made with createEmailTemplate", "WRONG_CHANNEL")
        with domain_errors():
            template = template_create(
                installation_id=installation_id,
                key=key,
                name=name,
                channel=value,
                kind=kind,
            )
        return CreateChannelTemplate(template=template)


class CreateChannelTemplateVersion(graphene.Mutation):
    """A new version of an SMS (``text``) or push (``title``, ``text``, ``url``) template."""

    class Arguments:
        template_id = graphene.ID(required=True)
        language = graphene.String(required=True)
        text = graphene.String(required=True)
        title = graphene.String(default_value="")
        url = graphene.String(default_value="")

    version = graphene.Field(TemplateVersionType, required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        template_id: str,
        language: str,
        text: str,
        title: str,
        url: str,
    ) -> CreateChannelTemplateVersion:
        template = dashboard_template(info, template_id)
        with domain_errors(), render_errors():
            version: TemplateVersion = template_text_version_create(
                template=template,
                language=language,
                subject=title,
                text=text,
                push_url=url,
                now=clock.now(),
            )
        return CreateChannelTemplateVersion(version=version)


class SmsSegmentsType(graphene.ObjectType):
    class Meta:
        name = "SmsSegments"

    encoding = graphene.String(required=True, description="GSM-7 or UCS-2")
    count = graphene.Int(required=True)
    units = graphene.Int(required=True, description="Septets (GSM-7) or UTF-16 units")


class ChannelsQuery(ChannelsStorefrontQuery):
    sms_provider = graphene.Field(SmsProviderType, required=True)
    push_settings = graphene.Field(PushSettingsType, required=True)
    sms_segments = graphene.Field(
        SmsSegmentsType,
        required=True,
        text=graphene.String(required=True),
        description="The segments of the text as it goes out: each link counted as long as "
        "the app's short link it becomes",
    )

    @staticmethod
    def resolve_sms_provider(root: Any, info: graphene.ResolveInfo) -> SmsProviderType:
        return SmsProviderType.of(dashboard_installation_id(info))

    @staticmethod
    def resolve_push_settings(root: Any, info: graphene.ResolveInfo) -> PushSettingsType:
        return PushSettingsType.of(dashboard_installation_id(info))

    @staticmethod
    def resolve_sms_segments(root: Any, info: graphene.ResolveInfo, text: str) -> SmsSegmentsType:
        dashboard_installation_id(info)
        segments = sms_segments(links_counted(text[:5000], app_url=settings.APP_URL))
        return SmsSegmentsType(
            encoding=segments.encoding, count=segments.count, units=segments.units
        )


class ChannelsMutation(graphene.ObjectType):
    register_push_subscription = RegisterPushSubscription.Field()
    unregister_push_subscription = UnregisterPushSubscription.Field()
    set_phone = SetPhone.Field()
    update_sms_provider = UpdateSmsProvider.Field()
    update_push_settings = UpdatePushSettings.Field()
    create_channel_template = CreateChannelTemplate.Field()
    create_channel_template_version = CreateChannelTemplateVersion.Field()
