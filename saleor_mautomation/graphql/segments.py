"""Dashboard GraphQL of segments: list, detail with history, a live preview while editing,
create, update, archive.

A definition that cannot be evaluated is refused with ``INVALID_DEFINITION`` and, in
``extensions.fields``, one ``{field, message}`` per problem (``field`` is the path inside the
definition, e.g. ``root.conditions.1.value``); ``segmentPreview`` returns the same list as data,
so the editor can mark fields while the admin types. Saving a changed definition rebuilds the
segment in the background (``segment.evaluatedAt`` tells when it last was).
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import graphene
from django.db import transaction
from graphene.types.generic import GenericScalar
from graphql import GraphQLError

from saleor_mautomation.core import clock
from saleor_mautomation.flows.handoff import handoff
from saleor_mautomation.flows.tasks import segment_rebuild_task
from saleor_mautomation.graphql.contacts import ContactType, from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import definition_errors, domain_errors
from saleor_mautomation.segments import selectors, services
from saleor_mautomation.segments.models import Membership, Segment, SegmentRevision

TREND_DAYS = 30

SegmentStatusEnum = graphene.Enum.from_enum(Segment.Status, name="SegmentStatus")


class DefinitionError(graphene.ObjectType):
    field = graphene.String(required=True, description="Path inside the definition.")
    message = graphene.String(required=True)


class MembershipType(graphene.ObjectType):
    class Meta:
        name = "SegmentMembership"
        description = "One stay of a contact in a segment (open while exitedAt is null)."

    id = graphene.ID(required=True)
    contact = graphene.Field(ContactType, required=True)
    segment_id = graphene.ID(required=True)
    entered_at = graphene.DateTime(required=True)
    exited_at = graphene.DateTime()

    @staticmethod
    def resolve_id(root: Membership, info: graphene.ResolveInfo) -> str:
        return to_global_id("SegmentMembership", root.pk)

    @staticmethod
    def resolve_segment_id(root: Membership, info: graphene.ResolveInfo) -> str:
        return to_global_id("Segment", root.segment_id)


class SegmentRevisionType(graphene.ObjectType):
    class Meta:
        name = "SegmentRevision"

    revision = graphene.Int(required=True)
    name = graphene.String(required=True)
    definition = GenericScalar(required=True)
    created_at = graphene.DateTime(required=True)


class SegmentTrendPoint(graphene.ObjectType):
    class Meta:
        description = "A segment's members at the end of one UTC day."

    day = graphene.Date(required=True)
    members = graphene.Int(required=True)


def _trend(segment: Segment, days: int) -> list[SegmentTrendPoint]:
    """Read from the trends the list resolved for all its segments at once, if it did."""
    days = max(1, min(days, selectors.MAX_TREND_DAYS))
    now = clock.now()
    cached: tuple[int, dict[int, list[int]]] | None = getattr(segment, "_trends", None)
    if cached is not None and cached[0] == days:
        counts = cached[1][segment.pk]
    else:
        counts = selectors.member_trends(
            installation_id=segment.installation_id, segment_ids=[segment.pk], days=days, now=now
        )[segment.pk]
    today = now.astimezone(UTC).date()
    return [
        SegmentTrendPoint(day=today - timedelta(days=days - 1 - n), members=members)
        for n, members in enumerate(counts)
    ]


class SegmentType(graphene.ObjectType):
    class Meta:
        name = "Segment"
        description = "A saved, dynamic selection of contacts, kept current as events arrive."

    id = graphene.ID(required=True)
    key = graphene.String(required=True, description="Stable key (written back to Saleor).")
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    definition = GenericScalar(required=True)
    revision = graphene.Int(required=True)
    status = graphene.Field(SegmentStatusEnum, required=True)
    is_builtin = graphene.Boolean(required=True)
    storefront_visible = graphene.Boolean(
        required=True, description="Storefronts may ask whether their visitor is in it."
    )
    time_dependent = graphene.Boolean(
        required=True, description="Changes with time alone (swept periodically)."
    )
    member_count = graphene.Int(required=True)
    evaluated_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    revisions = graphene.List(graphene.NonNull(SegmentRevisionType), required=True)
    trend = graphene.List(
        graphene.NonNull(SegmentTrendPoint),
        required=True,
        days=graphene.Int(default_value=30, description="At most 366."),
        description="Members at the end of each of the last `days` UTC days, oldest first "
        "(today: now).",
    )
    history = graphene.List(
        graphene.NonNull(MembershipType),
        required=True,
        first=graphene.Int(default_value=50, description="At most 500."),
        before=graphene.ID(description="Page on: the id of the last membership seen."),
        contact_id=graphene.ID(),
        description="Entries and exits, newest first.",
    )

    @staticmethod
    def resolve_id(root: Segment, info: graphene.ResolveInfo) -> str:
        return to_global_id("Segment", root.pk)

    @staticmethod
    def resolve_member_count(root: Segment, info: graphene.ResolveInfo) -> int:
        counts: dict[int, int] | None = getattr(root, "_member_counts", None)
        if counts is None:
            counts = selectors.member_counts([root.pk])
        return counts.get(root.pk, 0)

    @staticmethod
    def resolve_trend(
        root: Segment, info: graphene.ResolveInfo, days: int
    ) -> list[SegmentTrendPoint]:
        return _trend(root, days)

    @staticmethod
    def resolve_revisions(root: Segment, info: graphene.ResolveInfo) -> list[SegmentRevision]:
        return list(root.revisions.order_by("-revision"))

    @staticmethod
    def resolve_history(
        root: Segment,
        info: graphene.ResolveInfo,
        first: int,
        before: str | None = None,
        contact_id: str | None = None,
    ) -> list[Membership]:
        return selectors.membership_history(
            segment=root,
            first=first,
            before=from_global_id("SegmentMembership", before) if before else None,
            contact_id=from_global_id("Contact", contact_id) if contact_id else None,
        )


class SegmentPreview(graphene.ObjectType):
    count = graphene.Int(required=True, description="Contacts selected right now.")
    sample = graphene.List(graphene.NonNull(ContactType), required=True)
    errors = graphene.List(graphene.NonNull(DefinitionError), required=True)


def _segment(info: graphene.ResolveInfo, id: str) -> Segment:
    found = selectors.segment_get(
        installation_id=dashboard_installation_id(info), segment_id=from_global_id("Segment", id)
    )
    if found is None:
        raise GraphQLError("No such segment", extensions={"code": "NOT_FOUND"})
    return found


class SegmentInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    definition = GenericScalar(description='{"version": 1, "root": {...}} (see docs/segments.md)')


class CreateSegment(graphene.Mutation):
    class Arguments:
        input = SegmentInput(required=True)

    segment = graphene.Field(SegmentType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> CreateSegment:
        installation_id = dashboard_installation_id(info)
        if input.get("definition") is None or input.get("name") is None:
            raise GraphQLError(
                "A segment needs a name and a definition",
                extensions={
                    "code": "INVALID_DEFINITION",
                    "fields": [
                        {"field": field, "message": "required"}
                        for field in ("name", "definition")
                        if input.get(field) is None
                    ],
                },
            )
        with domain_errors(), definition_errors(), transaction.atomic():
            segment = services.segment_create(
                installation_id=installation_id,
                name=input["name"],
                description=input.get("description") or "",
                definition=input["definition"],
                now=clock.now(),
            )
            # Never waits on a broker that is down: the segments sweep builds it then.
            transaction.on_commit(lambda: handoff(segment_rebuild_task, segment.pk))
        return CreateSegment(segment=segment)


class UpdateSegment(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = SegmentInput(required=True)

    segment = graphene.Field(SegmentType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, id: str, input: dict[str, Any]
    ) -> UpdateSegment:
        segment = _segment(info, id)
        with domain_errors(), definition_errors(), transaction.atomic():
            changed = services.segment_update(
                segment=segment,
                name=input.get("name"),
                description=input.get("description"),
                definition=input.get("definition"),
                now=clock.now(),
            )
            if changed:
                transaction.on_commit(lambda: handoff(segment_rebuild_task, segment.pk))
        return UpdateSegment(segment=segment)


class ArchiveSegment(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)

    segment = graphene.Field(SegmentType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> ArchiveSegment:
        segment = _segment(info, id)
        with domain_errors():
            services.segment_archive(segment=segment, now=clock.now())
        return ArchiveSegment(segment=segment)


def _asks_for_trend(info: graphene.ResolveInfo) -> bool:
    """Whether the list's selection has ``trend`` (then read for every segment at once)."""
    return any(
        getattr(selection, "name", None) is not None and selection.name.value == "trend"
        for field in info.field_nodes
        for selection in (field.selection_set.selections if field.selection_set else [])
    )


class SegmentsQuery(graphene.ObjectType):
    segments = graphene.List(
        graphene.NonNull(SegmentType),
        required=True,
        include_archived=graphene.Boolean(default_value=False),
    )
    segment = graphene.Field(SegmentType, id=graphene.ID(required=True))
    segment_preview = graphene.Field(
        SegmentPreview,
        required=True,
        definition=GenericScalar(required=True),
        sample_size=graphene.Int(default_value=10, description="At most 50."),
        description="What an unsaved definition selects now: count, a sample, or its errors.",
    )

    @staticmethod
    def resolve_segments(
        root: Any, info: graphene.ResolveInfo, include_archived: bool
    ) -> list[Segment]:
        segments = selectors.segments_list(
            installation_id=dashboard_installation_id(info), include_archived=include_archived
        )
        ids = [s.pk for s in segments]
        counts = selectors.member_counts(ids)
        trends = (
            TREND_DAYS,
            selectors.member_trends(
                installation_id=dashboard_installation_id(info),
                segment_ids=ids,
                days=TREND_DAYS,
                now=clock.now(),
            )
            if _asks_for_trend(info)
            else {},
        )
        for segment in segments:
            segment._member_counts = counts  # type: ignore[attr-defined]
            if trends[1]:
                segment._trends = trends  # type: ignore[attr-defined]
        return segments

    @staticmethod
    def resolve_segment(root: Any, info: graphene.ResolveInfo, id: str) -> Segment | None:
        return selectors.segment_get(
            installation_id=dashboard_installation_id(info),
            segment_id=from_global_id("Segment", id),
        )

    @staticmethod
    def resolve_segment_preview(
        root: Any, info: graphene.ResolveInfo, definition: Any, sample_size: int
    ) -> SegmentPreview:
        preview = selectors.segment_preview(
            installation_id=dashboard_installation_id(info),
            definition=definition,
            now=clock.now(),
            sample_size=max(0, min(sample_size, 50)),
        )
        return SegmentPreview(
            count=preview.count,
            sample=preview.sample,
            errors=[DefinitionError(field=e.field, message=e.message) for e in preview.errors],
        )


class SegmentsMutation(graphene.ObjectType):
    create_segment = CreateSegment.Field()
    update_segment = UpdateSegment.Field()
    archive_segment = ArchiveSegment.Field()
