"""Dashboard GraphQL of what the journey editor's pickers offer in this shop: the event types
seen (with how often, when last and the property keys they carry, for entry and wait
filters) and the static lists (for list steps)."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Count, Max

from saleor_mautomation.events.models import Event
from saleor_mautomation.graphql.contacts import to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.segments.definition import PROPERTY_NAME
from saleor_mautomation.segments.models import StaticList

MAX_TYPES = 200
# The property keys of an event type are read from its newest events only, and capped.
SAMPLE_EVENTS = 25
MAX_PROPERTIES = 50


class EventTypeType(graphene.ObjectType):
    class Meta:
        name = "EventType"
        description = "An event type recorded for this shop's contacts."

    type = graphene.String(required=True)
    count = graphene.Int(required=True)
    last_seen_at = graphene.DateTime(required=True)
    properties = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=f"Property keys a filter can name, as seen in the newest {SAMPLE_EVENTS} "
        f"events of the type (at most {MAX_PROPERTIES}, sorted).",
    )

    @staticmethod
    def resolve_properties(root: dict[str, Any], info: graphene.ResolveInfo) -> list[str]:
        # Asked for per type only when selected; each an index scan of a few rows
        # (installation, type, occurred_at).
        samples = Event.objects.filter(
            installation_id=root["installation_id"], type=root["type"]
        ).order_by("-occurred_at")[:SAMPLE_EVENTS]
        keys = {
            key
            for properties in samples.values_list("properties", flat=True)
            if isinstance(properties, dict)
            for key in properties
            if PROPERTY_NAME.match(key)
        }
        return sorted(keys)[:MAX_PROPERTIES]


class StaticListType(graphene.ObjectType):
    class Meta:
        name = "StaticList"

    id = graphene.ID(required=True)
    key = graphene.String(required=True, description="What a list step names.")
    name = graphene.String(required=True)
    member_count = graphene.Int(required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root: StaticList, info: graphene.ResolveInfo) -> str:
        return to_global_id("StaticList", root.pk)


class PickersQuery(graphene.ObjectType):
    event_types = graphene.List(
        graphene.NonNull(EventTypeType),
        required=True,
        description=f"Every event type seen in this shop (at most {MAX_TYPES}), by type.",
    )
    static_lists = graphene.List(
        graphene.NonNull(StaticListType), required=True, description="By name."
    )

    @staticmethod
    def resolve_event_types(root: Any, info: graphene.ResolveInfo) -> list[dict[str, Any]]:
        installation_id = dashboard_installation_id(info)
        return [
            dict(row)
            for row in Event.objects.filter(installation_id=installation_id)
            .values("installation_id", "type")
            .annotate(count=Count("*"), last_seen_at=Max("occurred_at"))
            .order_by("type")[:MAX_TYPES]
        ]

    @staticmethod
    def resolve_static_lists(root: Any, info: graphene.ResolveInfo) -> list[StaticList]:
        installation_id = dashboard_installation_id(info)
        return list(
            StaticList.objects.filter(installation_id=installation_id)
            .annotate(member_count=Count("members"))
            .order_by("name", "pk")
        )
