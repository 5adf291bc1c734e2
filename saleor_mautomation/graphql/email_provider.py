"""The installation's email provider in the Dashboard: read without its secrets, replaced as
a whole (a secret left out keeps the stored one)."""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from graphene.types.generic import GenericScalar

from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.messages.models import EmailProvider
from saleor_mautomation.messages.providers import email_provider_update


class EmailProviderType(graphene.ObjectType):
    class Meta:
        name = "EmailProvider"

    kind = graphene.String(required=True, description="default, smtp or esp")
    smtp_host = graphene.String(required=True)
    smtp_port = graphene.Int(required=True)
    smtp_security = graphene.String(required=True, description="starttls, tls or none")
    smtp_username = graphene.String(required=True)
    has_smtp_password = graphene.Boolean(required=True)
    esp = graphene.String(required=True, description="An anymail ESP, e.g. postmark")
    has_esp_settings = graphene.Boolean(required=True)
    max_per_second = graphene.Float(
        required=True, description="Messages per second across all workers; 0: no throttle"
    )
    connections = graphene.Int(
        required=True,
        description="Parallel connections a campaign may open to it across all workers; "
        "0: the deployment's default (EMAIL_CONNECTIONS)",
    )

    @staticmethod
    def of(installation_id: int) -> EmailProviderType:
        stored, _ = EmailProvider.objects.get_or_create(installation_id=installation_id)
        return EmailProviderType(
            kind=stored.kind,
            smtp_host=stored.smtp_host,
            smtp_port=stored.smtp_port,
            smtp_security=stored.smtp_security,
            smtp_username=stored.smtp_username,
            has_smtp_password=bool(stored.smtp_password),
            esp=stored.esp,
            has_esp_settings=bool(stored.esp_settings),
            max_per_second=stored.max_per_second,
            connections=stored.connections,
        )


class EmailProviderInput(graphene.InputObjectType):
    kind = graphene.String(required=True)
    smtp_host = graphene.String(default_value="")
    smtp_port = graphene.Int(default_value=587)
    smtp_security = graphene.String(default_value="starttls")
    smtp_username = graphene.String(default_value="")
    smtp_password = graphene.String(description="Left out: the stored one is kept.")
    esp = graphene.String(default_value="")
    esp_settings = GenericScalar(description="e.g. {server_token: ...}; left out: kept.")
    max_per_second = graphene.Float(default_value=0)
    connections = graphene.Int(default_value=0, description="0 to 32; 0: the default")


class UpdateEmailProvider(graphene.Mutation):
    class Arguments:
        input = EmailProviderInput(required=True)

    provider = graphene.Field(EmailProviderType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> UpdateEmailProvider:
        context: Context = info.context
        installation_id = int(context.require_dashboard().installation.pk)
        with domain_errors():  # the host is looked up: never inside a transaction (ADR 0014)
            email_provider_update(
                installation_id=installation_id,
                allow_private=settings.SALEOR_ALLOW_LOOPBACK,
                **input,
            )
        return UpdateEmailProvider(provider=EmailProviderType.of(installation_id))


class EmailProviderQuery(graphene.ObjectType):
    email_provider = graphene.Field(EmailProviderType, required=True)

    @staticmethod
    def resolve_email_provider(root: Any, info: graphene.ResolveInfo) -> EmailProviderType:
        context: Context = info.context
        return EmailProviderType.of(int(context.require_dashboard().installation.pk))


class EmailProviderMutation(graphene.ObjectType):
    update_email_provider = UpdateEmailProvider.Field()
