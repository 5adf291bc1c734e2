"""Consent texts in the app's GraphQL API, and the consent ledger's rows.

The Dashboard lists the versions of each channel's consent text per language and adds new
ones (versions never change). A storefront (``Saleor-Api-Url``) asks for the current text of
a channel in the visitor's language, shows it, and sends its version back with the consent
(``subscribe``, ``setPhone``: ``consentTextVersion``). See docs/consent.md.
"""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.contacts.consent_texts import (
    consent_text_add,
    consent_text_current,
    consent_texts,
    consent_texts_current_ids,
)
from saleor_mautomation.contacts.models import ConsentRecord, ConsentText
from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import Context, dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors

ConsentChannelEnum = graphene.Enum(
    "ConsentChannel",
    [("EMAIL", "email"), ("SMS", "sms"), ("PUSH", "push"), ("POSTAL", "postal")],
    description="What a consent is for: email, text messages, web push or cards by post.",
)


def _value(member: Any) -> str:
    """An enum argument's value (graphene passes the member, a default may be the value)."""
    return str(getattr(member, "value", member))


class ConsentTextType(graphene.ObjectType):
    class Meta:
        name = "ConsentText"
        description = "One version of a channel's consent text in one language."

    channel = graphene.Field(ConsentChannelEnum, required=True)
    language = graphene.String(required=True, description="A lower-case tag: en, de, de-at.")
    version = graphene.String(
        required=True, description="The label the storefront sends back as consentTextVersion."
    )
    text = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    current = graphene.Boolean(
        required=True, description="The newest version of its channel and language."
    )

    @staticmethod
    def of(text: ConsentText, current: bool) -> ConsentTextType:
        return ConsentTextType(
            channel=text.channel,
            language=text.language,
            version=text.version,
            text=text.text,
            created_at=text.created_at,
            current=current,
        )


class StorefrontConsentText(graphene.ObjectType):
    class Meta:
        description = "The consent text a storefront shows, and the version it sends back."

    channel = graphene.Field(ConsentChannelEnum, required=True)
    language = graphene.String(
        required=True, description="The text's language: the one asked for, or its primary one."
    )
    version = graphene.String(required=True)
    text = graphene.String(required=True)


class ConsentLedgerAction(graphene.Enum):
    class Meta:
        description = "What a consent ledger row records."

    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"
    PREFERENCES = "preferences"


class ConsentRecordType(graphene.ObjectType):
    class Meta:
        name = "ConsentRecord"
        description = "One change of a contact's consent, with its evidence."

    channel = graphene.Field(ConsentChannelEnum, required=True)
    action = graphene.Field(ConsentLedgerAction, required=True)
    source = graphene.String(
        required=True, description="Where it came from (docs/consent.md): storefront.subscribe, …"
    )
    text_version = graphene.String(
        description="The consent text version the person saw; null when none was sent."
    )
    ip_address = graphene.String(description="The client's address, where there was one.")
    occurred_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_text_version(root: ConsentRecord, info: graphene.ResolveInfo) -> str | None:
        return root.text_version or None


class AddConsentTextInput(graphene.InputObjectType):
    channel = graphene.Field(ConsentChannelEnum, required=True)
    language = graphene.String(required=True, description="en, de, de-AT, …")
    version = graphene.String(required=True, description="A new label, e.g. 2026-06.")
    text = graphene.String(required=True)


class AddConsentTextVersion(graphene.Mutation):
    class Meta:
        description = (
            "A new version of a channel's consent text in a language, current from now on. "
            "Refused per field: INVALID_LANGUAGE, INVALID_VERSION, VERSION_TAKEN (labels are "
            "never reused), INVALID_TEXT."
        )

    class Arguments:
        input = AddConsentTextInput(required=True)

    consent_text = graphene.Field(ConsentTextType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, input: dict[str, Any]
    ) -> AddConsentTextVersion:
        installation_id = dashboard_installation_id(info)
        with domain_errors():
            text = consent_text_add(
                installation_id=installation_id,
                channel=_value(input["channel"]),
                language=input["language"],
                version=input["version"],
                text=input["text"],
                now=clock.now(),
            )
        return AddConsentTextVersion(consent_text=ConsentTextType.of(text, current=True))


class ConsentTextsQuery(graphene.ObjectType):
    consent_texts = graphene.List(
        graphene.NonNull(ConsentTextType),
        required=True,
        channel=graphene.Argument(ConsentChannelEnum),
        description=(
            "The versions of the consent texts, by channel and language, newest first in each."
        ),
    )
    consent_text = graphene.Field(
        StorefrontConsentText,
        channel=graphene.Argument(ConsentChannelEnum, default_value=ConsentChannelEnum.EMAIL),
        language=graphene.String(required=True),
        description=(
            "Storefront: the current consent text of a channel in a language (else in its "
            "primary language: de for de-AT); null when the shop has none."
        ),
    )

    @staticmethod
    def resolve_consent_texts(
        root: Any, info: graphene.ResolveInfo, channel: str | None = None
    ) -> list[ConsentTextType]:
        installation_id = dashboard_installation_id(info)
        with domain_errors():
            texts = consent_texts(
                installation_id=installation_id, channel=_value(channel) if channel else None
            )
        current = consent_texts_current_ids(texts)
        return [ConsentTextType.of(text, current=text.pk in current) for text in texts]

    @staticmethod
    def resolve_consent_text(
        root: Any, info: graphene.ResolveInfo, language: str, channel: str = "email"
    ) -> StorefrontConsentText | None:
        context: Context = info.context
        installation = context.require_installation()
        with domain_errors():
            text = consent_text_current(
                installation_id=installation.pk, channel=_value(channel), language=language
            )
        if text is None:
            return None
        return StorefrontConsentText(
            channel=text.channel, language=text.language, version=text.version, text=text.text
        )


class ConsentTextsMutation(graphene.ObjectType):
    add_consent_text_version = AddConsentTextVersion.Field()
