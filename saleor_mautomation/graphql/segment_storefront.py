"""``setSegmentStorefrontVisible``: let storefronts ask whether their visitor is in a segment
(its key only: ``personalisation.segments``), or stop them."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.graphql.contacts import from_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.segments import SegmentType
from saleor_mautomation.segments.selectors import segment_get
from saleor_mautomation.segments.storefront import segment_storefront_set


class SetSegmentStorefrontVisible(graphene.Mutation):
    class Meta:
        description = (
            "Storefronts may learn (for their current visitor only) whether the visitor is in "
            "this segment, by its key; never its definition. Refused: NOT_FOUND."
        )

    class Arguments:
        id = graphene.ID(required=True)
        visible = graphene.Boolean(required=True)

    segment = graphene.Field(SegmentType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, id: str, visible: bool
    ) -> SetSegmentStorefrontVisible:
        segment = segment_get(
            installation_id=dashboard_installation_id(info),
            segment_id=from_global_id("Segment", id),
        )
        if segment is None:
            raise GraphQLError("No such segment", extensions={"code": "NOT_FOUND"})
        return SetSegmentStorefrontVisible(
            segment=segment_storefront_set(segment=segment, visible=visible)
        )


class SegmentStorefrontMutation(graphene.ObjectType):
    set_segment_storefront_visible = SetSegmentStorefrontVisible.Field()
