"""On-site personalisation for storefronts: for the current visitor (signed in with their
Saleor customer token, or anonymous by ``anonymousId``, or unknown), the offers of the shop's
pool that fit them in the storefront's channel, and the keys of the storefront-visible
segments they are in. Read only: asking creates no contact. Never an offer's condition, a
segment's definition or an unflagged segment; nothing of another shop (the shop is the one
``Saleor-Api-Url`` names)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import Context
from saleor_mautomation.messages.offers import offers_for_visitor
from saleor_mautomation.recommendations.selectors import visitor_contact_id
from saleor_mautomation.segments.storefront import visible_segment_keys

MAX_OFFERS = 10
MAX_ID_LENGTH = 64


class StorefrontOffer(graphene.ObjectType):
    title = graphene.String(required=True)
    text = graphene.String(required=True)
    url = graphene.String(required=True)
    ends_at = graphene.DateTime(description="Valid until then (null: no end).")


class Personalisation(graphene.ObjectType):
    offers = graphene.List(
        graphene.NonNull(StorefrontOffer),
        required=True,
        description="Highest priority first.",
    )
    segments = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Keys of the storefront-visible segments the visitor is in, sorted.",
    )


class PersonalisationQuery(graphene.ObjectType):
    personalisation = graphene.Field(
        Personalisation,
        required=True,
        channel=graphene.String(required=True, description="The storefront's channel slug."),
        anonymous_id=graphene.String(description="The anonymous visitor's id (trackEvents')."),
        first=graphene.Int(default_value=3, description=f"Offers, at most {MAX_OFFERS}."),
        description="What to show the current visitor: the offers that fit them in the "
        "channel (valid now, their condition holding; a visitor the app does not know gets "
        "only offers without a condition) and the keys of the storefront-visible segments "
        "they are in.",
    )

    @staticmethod
    def resolve_personalisation(
        root: Any,
        info: graphene.ResolveInfo,
        channel: str,
        anonymous_id: str | None = None,
        first: int = 3,
    ) -> Personalisation:
        context: Context = info.context
        installation = context.require_installation()
        customer = context.customer
        contact_id = visitor_contact_id(
            installation_id=installation.pk,
            saleor_user_id=customer.user_id if customer else None,
            email=customer.email if customer else None,
            anonymous_id=anonymous_id[:MAX_ID_LENGTH] if anonymous_id else None,
        )
        offers = offers_for_visitor(
            installation_id=installation.pk,
            contact_id=contact_id,
            channel=channel[:100],
            now=clock.now(),
            limit=max(0, min(first, MAX_OFFERS)),
        )
        return Personalisation(
            offers=[
                StorefrontOffer(title=o.title, text=o.text, url=o.url, ends_at=o.ends_at)
                for o in offers
            ],
            segments=visible_segment_keys(installation_id=installation.pk, contact_id=contact_id),
        )
