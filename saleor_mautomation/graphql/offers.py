"""Dashboard GraphQL of the offer pool: list, create and edit (the condition checked field by
field), switch on and off, delete.

Nothing names a single offer: templates render the ``offers`` slot, which picks the pool's
active offers per recipient when a message is rendered (``messages.offers``). So no journey or
template can be left pointing at a deleted offer, and a delete is not refused for them; a
message already sent keeps the offer's text it was rendered with.
"""

from __future__ import annotations

import re
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from graphene.types.generic import GenericScalar
from graphql import GraphQLError

from saleor_mautomation.contacts.send_times import shop_zone
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import definition_errors
from saleor_mautomation.messages.models import Offer
from saleor_mautomation.messages.offers import offer_condition_check

CHANNEL = re.compile(r"^[a-z0-9][a-z0-9\-_]{0,254}$")


class OfferType(graphene.ObjectType):
    class Meta:
        name = "Offer"

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    text = graphene.String(required=True)
    url = graphene.String(required=True)
    condition = GenericScalar(description="A segment definition; null: fits everyone.")
    priority = graphene.Int(required=True)
    active = graphene.Boolean(required=True)
    starts_at = graphene.DateTime(description="Valid from (null: now).")
    ends_at = graphene.DateTime(description="Valid until before (null: no end).")
    channels = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Saleor channel slugs it is for; empty: every channel.",
    )

    @staticmethod
    def resolve_id(root: Offer, info: graphene.ResolveInfo) -> str:
        return to_global_id("Offer", root.pk)


class OfferInput(graphene.InputObjectType):
    title = graphene.String(required=True)
    text = graphene.String(default_value="")
    url = graphene.String(required=True)
    condition = GenericScalar()
    priority = graphene.Int(default_value=0)
    starts_at = graphene.DateTime()
    ends_at = graphene.DateTime()
    channels = graphene.List(graphene.NonNull(graphene.String))


def _checked(input: dict[str, Any]) -> dict[str, Any]:
    """The offer's fields from ``input``, each refused with its own code (the title
    ``INVALID``, the link ``INVALID_URL``, the condition ``INVALID_DEFINITION``)."""
    title = input["title"].strip()
    if not 0 < len(title) <= 120:
        raise GraphQLError("A title of 1 to 120 characters", extensions={"code": "INVALID"})
    try:
        URLValidator(schemes=["https"])(input["url"])
    except ValidationError as exc:
        raise GraphQLError("An https:// link", extensions={"code": "INVALID_URL"}) from exc
    with definition_errors():
        offer_condition_check(input.get("condition"))
    starts_at, ends_at = input.get("starts_at"), input.get("ends_at")
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise GraphQLError("An end after the start", extensions={"code": "INVALID_DATES"})
    channels = sorted(set(input.get("channels") or []))
    if len(channels) > 20 or not all(CHANNEL.match(slug) for slug in channels):
        raise GraphQLError("Up to 20 Saleor channel slugs", extensions={"code": "INVALID_CHANNELS"})
    return {
        "title": title,
        "text": input.get("text") or "",
        "url": input["url"],
        "condition": input.get("condition"),
        "priority": input.get("priority") or 0,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "channels": channels,
    }


def _offer(info: graphene.ResolveInfo, id: str) -> Offer:
    """The installation's offer named by ``id``; another shop's is ``NOT_FOUND`` too."""
    offer = Offer.objects.filter(
        installation_id=dashboard_installation_id(info), pk=from_global_id("Offer", id)
    ).first()
    if offer is None:
        raise GraphQLError("No such offer", extensions={"code": "NOT_FOUND"})
    return offer


class CreateOffer(graphene.Mutation):
    class Arguments:
        input = OfferInput(required=True)

    offer = graphene.Field(OfferType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> CreateOffer:
        installation_id = dashboard_installation_id(info)
        offer = Offer.objects.create(installation_id=installation_id, **_checked(input))
        return CreateOffer(offer=offer)


class UpdateOffer(graphene.Mutation):
    class Meta:
        description = (
            "Replace an offer's title, text, link, condition and priority (its state is "
            "switched with setOfferActive); the next messages rendered show the new values."
        )

    class Arguments:
        id = graphene.ID(required=True)
        input = OfferInput(required=True)

    offer = graphene.Field(OfferType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, id: str, input: dict[str, Any]
    ) -> UpdateOffer:
        offer = _offer(info, id)
        fields = _checked(input)
        for name, value in fields.items():
            setattr(offer, name, value)
        offer.save(update_fields=list(fields))
        return UpdateOffer(offer=offer)


class DeleteOffer(graphene.Mutation):
    class Meta:
        description = (
            "Delete an offer for good. Templates pick offers from the pool when a message is "
            "rendered, so none is left pointing at it; to keep it for later, deactivate it "
            "(setOfferActive) instead."
        )

    class Arguments:
        id = graphene.ID(required=True)

    deleted_id = graphene.ID(required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> DeleteOffer:
        offer = _offer(info, id)
        offer.delete()
        return DeleteOffer(deleted_id=id)


class SetOfferActive(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        active = graphene.Boolean(required=True)

    offer = graphene.Field(OfferType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str, active: bool) -> SetOfferActive:
        offer = _offer(info, id)
        offer.active = active
        offer.save(update_fields=["active"])
        return SetOfferActive(offer=offer)


class OffersQuery(graphene.ObjectType):
    offers = graphene.List(graphene.NonNull(OfferType), required=True)
    shop_time_zone = graphene.String(
        required=True,
        description="The shop's zone: the one most of its contacts are in (send time's nightly "
        "pick), UTC before any has one. The Dashboard enters and shows offers' dates in it.",
    )

    @staticmethod
    def resolve_shop_time_zone(root: Any, info: graphene.ResolveInfo) -> str:
        return shop_zone(dashboard_installation_id(info)) or "UTC"

    @staticmethod
    def resolve_offers(root: Any, info: graphene.ResolveInfo) -> list[Offer]:
        return list(
            Offer.objects.filter(installation_id=dashboard_installation_id(info)).order_by(
                "-priority", "pk"
            )
        )


class OffersMutation(graphene.ObjectType):
    create_offer = CreateOffer.Field()
    update_offer = UpdateOffer.Field()
    set_offer_active = SetOfferActive.Field()
    delete_offer = DeleteOffer.Field()
