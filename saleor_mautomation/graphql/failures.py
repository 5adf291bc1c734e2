"""Dashboard GraphQL of what failed alone: deliveries, journey runs, messages and catalogue
events (their commerce triggers).

One bad item never stops the others (``flows.drain``, the journey runner, the sender): it is
marked failed with its error and waits here to be retried (``retryFailure``) or discarded
(``discardFailure``) once someone has looked at it. ``failures(kind)`` lists one kind, the
latest failure first, by keyset cursor; ``failureCounts`` counts each kind. Both read the
caller's installation only: another shop's failure is never listed, and its id answers
``NOT_FOUND`` as an id that never existed does.

A summary says what the item was about (the delivery's event, the run's journey and node, the
message's template and channel, the catalogue event's kind and product), never whom: no address
leaves through this list. The ids of the contact, journey and template it concerns (where there
is one) link to their pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import graphene
from django.db.models import Model, QuerySet

from saleor_mautomation.catalogue.models import CatalogueEvent
from saleor_mautomation.contacts.selectors import Edge, InvalidPagination, Keyset, Page
from saleor_mautomation.flows.catalogue_events import catalogue_events_failed
from saleor_mautomation.flows.failures import Kind
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.intake.failures import deliveries_failed, delivery_retryable
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.journeys.failures import runs_failed
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.messages.failures import message_unretryable, messages_failed
from saleor_mautomation.messages.models import Message

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


FailureKind = graphene.Enum.from_enum(
    Kind,
    name="FailureKind",
    description="Deliveries, journey runs, messages or catalogue events.",
)
# The global id's type name of each kind (``Delivery:12``), checked when an id comes back.
ID_TYPES = {
    Kind.DELIVERY: "Delivery",
    Kind.RUN: "JourneyRun",
    Kind.MESSAGE: "Message",
    Kind.CATALOGUE_EVENT: "CatalogueEvent",
}
# When each kind failed; the order of its list (latest first) and its cursors.
KEYSETS = {
    Kind.DELIVERY: Keyset("failed_deliveries", "processed_at", datetime, nullable=True),
    Kind.RUN: Keyset("failed_runs", "exited_at", datetime, nullable=True),
    Kind.MESSAGE: Keyset("failed_messages", "claimed_at", datetime, nullable=True),
    Kind.CATALOGUE_EVENT: Keyset("failed_catalogue_events", "failed_at", datetime, nullable=True),
}


def kind_of(value: Any) -> Kind:
    """The argument as graphene passes it (the enum member or its value)."""
    return Kind(getattr(value, "value", value))


def failure_id(kind: Kind, global_id: str) -> int:
    return from_global_id(ID_TYPES[kind], global_id)


def _failed(kind: Kind, installation_id: int) -> QuerySet[Any]:
    match kind:
        case Kind.DELIVERY:
            return deliveries_failed(installation_id=installation_id)
        case Kind.RUN:
            return runs_failed(installation_id=installation_id).select_related("journey")
        case Kind.MESSAGE:
            return messages_failed(installation_id=installation_id).select_related(
                "template_version__template"
            )
        case Kind.CATALOGUE_EVENT:
            return catalogue_events_failed(installation_id=installation_id)


def _page(kind: Kind, installation_id: int, *, first: int, after: str | None) -> Page[Model]:
    """``first`` failures after the cursor (at most ``MAX_PAGE_SIZE``), latest first."""
    if first < 0:
        raise InvalidPagination("first must not be negative", code="invalid_page_size")
    size, keyset, rows = min(first, MAX_PAGE_SIZE), KEYSETS[kind], _failed(kind, installation_id)
    page = rows if after is None else rows.filter(keyset.after(*keyset.decode(after)))
    found = list(page.order_by(*keyset.order_by())[: size + 1])
    return Page(
        edges=[Edge(cursor=keyset.encode(row), node=row) for row in found[:size]],
        has_next_page=len(found) > size,
        counter=rows.count,
    )


class Failure(graphene.ObjectType):
    """One failed delivery, journey run or message (the row itself is the root)."""

    id = graphene.ID(required=True, description="Give it back to retryFailure/discardFailure.")
    kind = graphene.Field(FailureKind, required=True)
    error = graphene.String(required=True, description="What went wrong, as recorded.")
    attempts = graphene.Int(required=True, description="Attempts made before it failed.")
    at = graphene.DateTime(description="When it failed (its last attempt).")
    summary = graphene.String(required=True, description="What it was about, never whom.")
    retryable = graphene.Boolean(
        required=True, description="False when a retry is refused whatever the cause was."
    )
    contact_id = graphene.ID(description="The run's or message's contact (null once erased).")
    journey_id = graphene.ID(description="The run's journey.")
    template_id = graphene.ID(description="The message's template.")

    @staticmethod
    def resolve_id(root: Model, info: graphene.ResolveInfo) -> str:
        return to_global_id(ID_TYPES[_kind(root)], int(root.pk))

    @staticmethod
    def resolve_kind(root: Model, info: graphene.ResolveInfo) -> Kind:
        return _kind(root)

    @staticmethod
    def resolve_error(root: Model, info: graphene.ResolveInfo) -> str:
        match root:
            case Delivery() | JourneyRun():
                return root.error
            case Message():
                return root.status_reason
            case CatalogueEvent():
                return root.last_error
        raise TypeError(f"Not a failure: {root!r}")

    @staticmethod
    def resolve_attempts(
        root: Delivery | JourneyRun | Message | CatalogueEvent, info: graphene.ResolveInfo
    ) -> int:
        return root.attempts

    @staticmethod
    def resolve_at(root: Model, info: graphene.ResolveInfo) -> datetime | None:
        value: datetime | None = getattr(root, KEYSETS[_kind(root)].field)
        return value

    @staticmethod
    def resolve_summary(root: Model, info: graphene.ResolveInfo) -> str:
        match root:
            case Delivery():
                return str(root.event)
            case JourneyRun():
                return f"journey {root.journey.key}, node {root.node}"
            case Message():
                version = root.template_version
                template = version.template.key if version is not None else "(deleted)"
                return f"{root.channel} template {template}"
            case CatalogueEvent():
                return f"{root.kind} of product {root.product_saleor_id}"
        raise TypeError(f"Not a failure: {root!r}")

    @staticmethod
    def resolve_contact_id(root: Model, info: graphene.ResolveInfo) -> str | None:
        match root:
            case JourneyRun() | Message() if root.contact_id is not None:
                return to_global_id("Contact", root.contact_id)
        return None

    @staticmethod
    def resolve_journey_id(root: Model, info: graphene.ResolveInfo) -> str | None:
        match root:
            case JourneyRun():
                return to_global_id("Journey", root.journey_id)
        return None

    @staticmethod
    def resolve_template_id(root: Model, info: graphene.ResolveInfo) -> str | None:
        match root:
            case Message() if root.template_version is not None:
                return to_global_id("Template", root.template_version.template_id)
        return None

    @staticmethod
    def resolve_retryable(root: Model, info: graphene.ResolveInfo) -> bool:
        match root:
            case Delivery():
                return delivery_retryable(root)
            case Message():
                return message_unretryable(root) is None
        return True


def _kind(root: Model) -> Kind:
    match root:
        case Delivery():
            return Kind.DELIVERY
        case JourneyRun():
            return Kind.RUN
        case Message():
            return Kind.MESSAGE
        case CatalogueEvent():
            return Kind.CATALOGUE_EVENT
    raise TypeError(f"Not a failure: {root!r}")


class FailureEdge(graphene.ObjectType):
    cursor = graphene.String(required=True)
    node = graphene.Field(Failure, required=True)


class FailureConnection(graphene.ObjectType):
    edges = graphene.List(graphene.NonNull(FailureEdge), required=True)
    page_info = graphene.Field(graphene.relay.PageInfo, required=True)
    total_count = graphene.Int(required=True, description="Failures of this kind.")

    @staticmethod
    def resolve_page_info(root: Page[Model], info: graphene.ResolveInfo) -> graphene.relay.PageInfo:
        # Forward-only paging, as the contacts' lists.
        return graphene.relay.PageInfo(
            has_next_page=root.has_next_page,
            has_previous_page=False,
            start_cursor=root.edges[0].cursor if root.edges else None,
            end_cursor=root.end_cursor,
        )

    @staticmethod
    def resolve_total_count(root: Page[Model], info: graphene.ResolveInfo) -> int:
        return root.total_count()


class FailureCounts(graphene.ObjectType):
    deliveries = graphene.Int(required=True)
    runs = graphene.Int(required=True)
    messages = graphene.Int(required=True)
    catalogue_events = graphene.Int(required=True)


def failure_counts(*, installation_id: int | None) -> dict[str, int]:
    """Failures waiting for a retry or a discard, per kind (all installations: ``None``)."""
    return {
        "deliveries": deliveries_failed(installation_id=installation_id).count(),
        "runs": runs_failed(installation_id=installation_id).count(),
        "messages": messages_failed(installation_id=installation_id).count(),
        "catalogue_events": catalogue_events_failed(installation_id=installation_id).count(),
    }


class FailuresQuery(graphene.ObjectType):
    failures = graphene.Field(
        FailureConnection,
        required=True,
        kind=FailureKind(required=True),
        first=graphene.Int(default_value=DEFAULT_PAGE_SIZE, description="Page size, at most 100."),
        after=graphene.String(),
        description="Failed items of one kind, the latest failure first.",
    )
    failure_counts = graphene.Field(
        FailureCounts, required=True, description="Failed items waiting, per kind."
    )

    @staticmethod
    def resolve_failures(
        root: Any, info: graphene.ResolveInfo, kind: Any, first: int, after: str | None = None
    ) -> Page[Model]:
        installation_id = dashboard_installation_id(info)
        with domain_errors():
            return _page(kind_of(kind), installation_id, first=first, after=after)

    @staticmethod
    def resolve_failure_counts(root: Any, info: graphene.ResolveInfo) -> FailureCounts:
        installation_id = dashboard_installation_id(info)
        return FailureCounts(**failure_counts(installation_id=installation_id))
