"""Recommendations for storefronts (the current visitor) and for the Dashboard (a contact's,
with the reasons, on the contact's profile). Both call ``recommendations.selectors.recommend``,
so a product page shows what a message would, by the same rules."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.graphql.contacts import from_global_id
from saleor_mautomation.graphql.context import Context, dashboard_installation_id
from saleor_mautomation.recommendations.reasons import LANGUAGES, language_of
from saleor_mautomation.recommendations.selectors import STRATEGIES, recommend, visitor_contact_id
from saleor_mautomation.recommendations.selectors import Recommendation as Recommended

# A storefront asks for a shelf, not a catalogue: larger values are cut to this.
MAX_FIRST = 20
MAX_CONTEXT = 20
MAX_ID_LENGTH = 200

RecommendationStrategy = graphene.Enum(
    "RecommendationStrategy",
    [(strategy.upper(), strategy) for strategy in STRATEGIES],
    description="bought_together: what was bought in the same orders as the context products "
    "(or the visitor's recent ones); similar: more of their category; bestsellers and "
    "bestsellers_in_category: most ordered in the channel lately; recently_viewed; "
    "personalised: a blend for the visitor.",
)


class RecommendedProduct(graphene.ObjectType):
    id = graphene.ID(required=True, description="Saleor's product id.")
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    url = graphene.String(required=True, description="The storefront URL; empty without a pattern.")
    image = graphene.String(required=True, description="The thumbnail's URL, or empty.")
    price = graphene.Decimal(description="The lowest price in stock, in the channel's currency.")
    currency = graphene.String(required=True)
    category = graphene.String(required=True)


class Recommendation(graphene.ObjectType):
    product = graphene.Field(RecommendedProduct, required=True)
    reason = graphene.String(
        required=True,
        description='Why, in the language asked for, e.g. "Bought together with Monospace Tee in '
        '41 orders" or "Zusammen mit Monospace Tee gekauft in 41 Bestellungen".',
    )
    score = graphene.Float(required=True, description="The strategy's score (higher first).")

    @staticmethod
    def of(found: Recommended, language: str) -> Recommendation:
        card = found.product
        return Recommendation(
            product=RecommendedProduct(
                id=card.id,
                name=card.name,
                slug=card.slug,
                url=card.url,
                image=card.image,
                price=card.price,
                currency=card.currency,
                category=card.category,
            ),
            reason=found.why.text(language),
            score=found.score,
        )


def _fail(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _first(first: int) -> int:
    if first < 0:
        raise _fail("first must not be negative", "INVALID_PAGE_SIZE")
    return min(first, MAX_FIRST)


def _language(language: str | None) -> str:
    return language_of(language[:35] if language else "")


_LANGUAGE = (
    'The language of the reasons: a language code such as "de", "de-AT" or Saleor\'s '
    f'"DE_AT" ({", ".join(LANGUAGES)} are written; any other, or none, gives English).'
)


def _context(product_id: str | None, product_ids: list[str] | None) -> list[str]:
    context = [*([product_id] if product_id else []), *(product_ids or [])]
    if len(context) > MAX_CONTEXT or any(len(p) > MAX_ID_LENGTH for p in context):
        raise _fail(f"At most {MAX_CONTEXT} product ids of Saleor's form", "INVALID")
    return context


class RecommendationsQuery(graphene.ObjectType):
    recommendations = graphene.List(
        graphene.NonNull(Recommendation),
        required=True,
        strategy=RecommendationStrategy(required=True),
        channel=graphene.String(required=True, description="The storefront's channel slug."),
        product_id=graphene.String(description="The product page's product (Saleor's id)."),
        product_ids=graphene.List(
            graphene.NonNull(graphene.String),
            description="The cart's products (Saleor's ids, at most 20).",
        ),
        first=graphene.Int(default_value=4, description=f"At most {MAX_FIRST}."),
        anonymous_id=graphene.String(description="The anonymous visitor's id (trackEvents')."),
        language=graphene.String(description=_LANGUAGE),
        description="Products to show the current visitor (signed in with their customer token, "
        "or anonymous by anonymousId, or unknown): never the context products, what they bought "
        "(unless consumable), or what is not available and visible in the channel; prices in "
        "the channel's currency.",
    )
    contact_recommendations = graphene.List(
        graphene.NonNull(Recommendation),
        required=True,
        contact_id=graphene.ID(required=True),
        strategy=RecommendationStrategy(required=True),
        channel=graphene.String(required=True),
        first=graphene.Int(default_value=4, description=f"At most {MAX_FIRST}."),
        language=graphene.String(description=_LANGUAGE),
        description="What a contact would be recommended in the channel, with the reasons.",
    )

    @staticmethod
    def resolve_recommendations(
        root: Any,
        info: graphene.ResolveInfo,
        strategy: Any,
        channel: str,
        first: int = 4,
        product_id: str | None = None,
        product_ids: list[str] | None = None,
        anonymous_id: str | None = None,
        language: str | None = None,
    ) -> list[Recommendation]:
        context: Context = info.context
        installation = context.require_installation()
        customer = context.customer
        contact_id = visitor_contact_id(
            installation_id=installation.pk,
            saleor_user_id=customer.user_id if customer else None,
            email=customer.email if customer else None,
            anonymous_id=anonymous_id[:64] if anonymous_id else None,
        )
        found = recommend(
            installation.pk,
            strategy=str(getattr(strategy, "value", strategy)),
            channel_slug=channel[:100],
            contact_id=contact_id,
            product_ids=_context(product_id, product_ids),
            first=_first(first),
        )
        return [Recommendation.of(item, _language(language)) for item in found]

    @staticmethod
    def resolve_contact_recommendations(
        root: Any,
        info: graphene.ResolveInfo,
        contact_id: str,
        strategy: Any,
        channel: str,
        first: int = 4,
        language: str | None = None,
    ) -> list[Recommendation]:
        installation_id = dashboard_installation_id(info)
        pk = from_global_id("Contact", contact_id)
        if not Contact.objects.filter(installation_id=installation_id, pk=pk).exists():
            raise _fail("No such contact", "NOT_FOUND")
        found = recommend(
            installation_id,
            strategy=str(getattr(strategy, "value", strategy)),
            channel_slug=channel[:100],
            contact_id=pk,
            first=_first(first),
        )
        return [Recommendation.of(item, _language(language)) for item in found]
