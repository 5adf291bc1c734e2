"""Dashboard GraphQL of a contact's postal consent: ``Contact.postal`` (the state, when it
last changed and the evidence, beside email's, SMS's and push's on the profile) and
``setContactPostalConsent``, the shop's admin recording an agreement given off-line (with
how it was given) or a wish to stop."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.postal.selectors import PostalConsent, postal_consent_of
from saleor_mautomation.postal.services import postal_consent_set


class ContactPostalType(graphene.ObjectType):
    class Meta:
        name = "ContactPostal"
        description = "The contact's consent to cards by post, with its latest evidence."

    # The type of the other channels' consents (defined with Contact, which imports this).
    consent = graphene.Field("saleor_mautomation.graphql.contacts.EmailConsentEnum", required=True)
    changed_at = graphene.DateTime(description="When it last changed; null when never asked.")
    source = graphene.String(
        required=True,
        description="Where the latest change came from (storefront.postal, dashboard, …).",
    )
    text_version = graphene.String(
        description="The consent text version the person saw; null when none was sent."
    )
    evidence = graphene.String(
        description="How the person agreed or asked to stop, as the admin recorded it."
    )
    recorded_by = graphene.String(description="The admin who recorded it (source dashboard).")
    has_address = graphene.Boolean(
        required=True, description="Whether the app has an address a card can go to."
    )

    @staticmethod
    def of(postal: PostalConsent) -> ContactPostalType:
        return ContactPostalType(
            consent=postal.consent,
            changed_at=postal.changed_at,
            source=postal.source,
            text_version=postal.text_version or None,
            evidence=postal.evidence or None,
            recorded_by=postal.recorded_by or None,
            has_address=postal.has_address,
        )


def resolve_contact_postal(root: Contact, info: graphene.ResolveInfo) -> ContactPostalType:
    return ContactPostalType.of(postal_consent_of(root))


class SetContactPostalConsent(graphene.Mutation):
    class Meta:
        description = (
            "Record a contact's agreement to cards by post (with how they gave it: the admin "
            "cannot agree for them) or their wish to stop, on the consent ledger."
        )

    class Arguments:
        contact_id = graphene.ID(required=True)
        granted = graphene.Boolean(required=True)
        evidence = graphene.String(
            default_value="",
            description="How and when the person agreed (3-200 characters, needed to grant), "
            "or asked to stop.",
        )

    postal = graphene.Field(ContactPostalType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, contact_id: str, granted: bool, evidence: str
    ) -> SetContactPostalConsent:
        # contacts.py imports this module for Contact.postal: its id helper is taken here
        from saleor_mautomation.graphql.contacts import from_global_id

        context: Context = info.context
        admin = context.require_dashboard()
        with domain_errors():
            contact = postal_consent_set(
                installation_id=admin.installation.pk,
                contact_id=from_global_id("Contact", contact_id),
                granted=granted,
                evidence=evidence,
                admin_email=admin.email,
                now=clock.now(),
            )
        if contact is None:
            raise GraphQLError("No such contact", extensions={"code": "NOT_FOUND"})
        return SetContactPostalConsent(postal=ContactPostalType.of(postal_consent_of(contact)))


class ContactPostalMutation(graphene.ObjectType):
    set_contact_postal_consent = SetContactPostalConsent.Field()
