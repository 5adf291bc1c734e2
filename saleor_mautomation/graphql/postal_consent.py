"""``setPostalConsent``: a signed-in customer agrees to (or stops) cards by post, recorded in
the consent ledger with the storefront's evidence (address, text version). Signed in only:
the address a card goes to is their Saleor account's, so only its holder may agree."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.contacts.channels_consent import channel_consent_set
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.contacts.identity import contact_for_visitor
from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.postal.services import postal_address


class SetPostalConsent(graphene.Mutation):
    class Meta:
        description = (
            "The signed-in customer agrees to postal mail (cards to their Saleor account's "
            "default shipping, else billing, address), or withdraws. Refused: UNAUTHENTICATED."
        )

    class Arguments:
        granted = graphene.Boolean(required=True)
        consent_text_version = graphene.String(default_value="")

    postal_consent = graphene.String(required=True, description="granted or withdrawn")
    has_address = graphene.Boolean(
        required=True, description="Whether the app has an address a card can go to."
    )

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, granted: bool, consent_text_version: str
    ) -> SetPostalConsent:
        context: Context = info.context
        customer = context.require_customer()
        contact = contact_for_visitor(
            installation_id=customer.installation.pk,
            saleor_user_id=customer.user_id,
            email=customer.email,
        )
        if contact is None:
            raise GraphQLError("No profile for this customer", extensions={"code": "NOT_FOUND"})
        channel_consent_set(
            contact=contact,
            channel="postal",
            granted=granted,
            evidence=Evidence(
                source="storefront.postal",
                ip_address=context.client_ip,
                text_version=consent_text_version[:64],
            ),
            now=clock.now(),
        )
        return SetPostalConsent(
            postal_consent=contact.postal_consent, has_address=postal_address(contact) is not None
        )


class PostalConsentMutation(graphene.ObjectType):
    set_postal_consent = SetPostalConsent.Field()
