"""Dashboard GraphQL of contacts: the list, one profile with its timeline, a GDPR export.

Ids are Relay-style global ids (base64 of ``Contact:<pk>``), as in Saleor's own API, so the
Dashboard handles ours the way it handles Saleor's. A well-formed id of a contact the caller's
installation does not hold answers ``null``, exactly as an id that never existed: nothing tells
one shop that another's contact exists. Lists page forward by keyset cursor
(``contacts.selectors``); a bad cursor or id is a GraphQL error with a code, never a crash.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import graphene
from django.db.models import Model, Prefetch
from graphene.types.generic import GenericScalar
from graphql import GraphQLError

from saleor_mautomation.analytics.models import OrderAttribution
from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts import selectors
from saleor_mautomation.contacts.erasure import erasure_requests_export
from saleor_mautomation.contacts.models import Contact, ContactSpend, EmailConsent, LifecycleStage
from saleor_mautomation.contacts.selectors import ContactFilters, ContactSort, Page, SpendAtLeast
from saleor_mautomation.events.models import Event
from saleor_mautomation.graphql.channel_preference import (
    ChannelPreferenceType,
    resolve_contact_channel_preference,
)
from saleor_mautomation.graphql.contact_postal import ContactPostalType, resolve_contact_postal
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.predictions import (
    ContactPredictionsType,
    resolve_contact_predictions,
)
from saleor_mautomation.graphql.send_time import SendTimeType, resolve_contact_send_time
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.privacy import (
    broadcast_waits_export,
    runs_export,
    threshold_sides_export,
)
from saleor_mautomation.messages.privacy import messages_export
from saleor_mautomation.postal.privacy import postal_export
from saleor_mautomation.predictions.privacy import predictions_export
from saleor_mautomation.programmes.privacy import programmes_export
from saleor_mautomation.recommendations.selectors import recommendations_export
from saleor_mautomation.segments import selectors as segment_selectors
from saleor_mautomation.segments.privacy import memberships_export

T = TypeVar("T", bound=Model)
DEFAULT_PAGE_SIZE = 20

ContactSortField = graphene.Enum.from_enum(
    ContactSort, name="ContactSortField", description="Newest first; contacts without orders last."
)
LifecycleStageEnum = graphene.Enum.from_enum(
    LifecycleStage, description="Where a contact stands in its relationship with the shop."
)
EmailConsentEnum = graphene.Enum.from_enum(
    EmailConsent, description="Whether the contact agreed to marketing email."
)


def to_global_id(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def from_global_id(kind: str, global_id: str) -> int:
    """The pk inside ``global_id``; an error for anything but a ``kind`` id of a plausible pk."""
    try:
        found, _, pk = base64.b64decode(global_id, validate=True).decode().partition(":")
    except ValueError:  # binascii.Error, UnicodeDecodeError, non-ASCII input
        found, pk = "", ""
    if found != kind or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        message = f"Not a {kind} id: {global_id[:60]!r}"
        raise GraphQLError(message, extensions={"code": "INVALID_ID"})
    return int(pk)


def _paged(read: Callable[[], Page[T]]) -> Page[T]:
    with domain_errors():
        return read()


def _connection(node: type[graphene.ObjectType], prefix: str) -> type[graphene.ObjectType]:
    """A Relay-shaped connection over a ``selectors.Page``, built here rather than with
    ``graphene.relay`` so that the keyset cursor and the lazy count stay ours."""

    edge = type(
        f"{prefix}Edge",
        (graphene.ObjectType,),
        {
            "cursor": graphene.String(required=True),
            "node": graphene.Field(node, required=True),
        },
    )

    def resolve_page_info(root: Page[Any], info: graphene.ResolveInfo) -> graphene.relay.PageInfo:
        # Forward-only paging: hasPreviousPage is false, as the Relay spec allows.
        return graphene.relay.PageInfo(
            has_next_page=root.has_next_page,
            has_previous_page=False,
            start_cursor=root.edges[0].cursor if root.edges else None,
            end_cursor=root.end_cursor,
        )

    def resolve_total_count(root: Page[Any], info: graphene.ResolveInfo) -> int:
        return root.total_count()

    return type(
        f"{prefix}Connection",
        (graphene.ObjectType,),
        {
            "edges": graphene.List(graphene.NonNull(edge), required=True),
            "page_info": graphene.Field(graphene.relay.PageInfo, required=True),
            "total_count": graphene.Int(
                required=True, description="Rows matching the filters; counted only if asked."
            ),
            "resolve_page_info": staticmethod(resolve_page_info),
            "resolve_total_count": staticmethod(resolve_total_count),
        },
    )


class TimelineEvent(graphene.ObjectType):
    id = graphene.ID(required=True)
    type = graphene.String(required=True)
    occurred_at = graphene.DateTime(required=True)
    source = graphene.String(required=True)
    properties = GenericScalar(required=True)

    @staticmethod
    def resolve_id(root: Event, info: graphene.ResolveInfo) -> str:
        return to_global_id("Event", root.pk)


TimelineEventConnection = _connection(TimelineEvent, "TimelineEventCountable")


class ContactSpendType(graphene.ObjectType):
    class Meta:
        name = "ContactSpend"
        description = "Orders and spend in one currency (money is never added across them)."

    currency = graphene.String(required=True)
    orders = graphene.Int(required=True)
    total = graphene.Decimal(required=True)
    average_order_value = graphene.Decimal(required=True)


class Rfm(graphene.ObjectType):
    class Meta:
        description = "Recency, frequency and monetary scores (1-5), set by the nightly sweep."

    recency = graphene.Int()
    frequency = graphene.Int()
    monetary = graphene.Int()


class OrderCredit(graphene.ObjectType):
    class Meta:
        description = "The message an order is credited to (analytics' attribution)."

    via = graphene.String(required=True, description="click or open")
    touched_at = graphene.DateTime(required=True)
    journey = graphene.String(description="The journey's name, when a journey sent it.")
    template = graphene.String(description="The template's name.")


class ContactOrder(graphene.ObjectType):
    class Meta:
        description = "An order of the contact, as Saleor last sent it."

    saleor_id = graphene.ID(required=True, description="Saleor's order id (for a redirect).")
    number = graphene.String(required=True)
    status = graphene.String(required=True)
    channel = graphene.String(required=True)
    currency = graphene.String(required=True)
    total = graphene.Decimal(required=True, description="Gross.")
    placed_at = graphene.DateTime(required=True)
    credited_to = graphene.Field(OrderCredit, description="Null: no message earned it.")


def _credit(order: OrderRecord) -> OrderCredit | None:
    credit = (
        OrderAttribution.objects.filter(order=order)
        .select_related("message__journey", "message__template")
        .first()
    )
    if credit is None:
        return None
    message = credit.message
    return OrderCredit(
        via=credit.via,
        touched_at=credit.touched_at,
        journey=message.journey.name if message and message.journey else None,
        template=message.template.name if message and message.template else None,
    )


class ContactType(graphene.ObjectType):
    class Meta:
        name = "Contact"
        description = "One person known to the shop. Unknown text fields are empty strings."

    id = graphene.ID(required=True)
    email = graphene.String()
    saleor_user_id = graphene.String()
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    country = graphene.String(required=True)
    city = graphene.String(required=True)
    language_code = graphene.String(required=True)
    time_zone = graphene.String(required=True)
    birthday = graphene.Date()
    gender = graphene.String(required=True)
    email_consent = graphene.Field(EmailConsentEnum, required=True)
    sms_consent = graphene.Field(EmailConsentEnum, required=True)
    push_consent = graphene.Field(EmailConsentEnum, required=True)
    postal = graphene.Field(
        ContactPostalType,
        required=True,
        resolver=resolve_contact_postal,
        description="Consent to cards by post, when it changed and its evidence.",
    )
    lifecycle_stage = graphene.Field(LifecycleStageEnum, required=True)
    orders_count = graphene.Int(required=True)
    first_order_at = graphene.DateTime()
    last_order_at = graphene.DateTime()
    last_order = graphene.Field(ContactOrder)
    spend = graphene.List(graphene.NonNull(ContactSpendType), required=True)
    rfm = graphene.Field(Rfm, description="Null until the contact has been scored.")
    favourite_categories = graphene.List(graphene.NonNull(graphene.String), required=True)
    predicted_next_order_at = graphene.DateTime()
    prediction_basis = GenericScalar(
        required=True, description="How the next order was predicted: gaps, median, count."
    )
    predictions = graphene.Field(
        ContactPredictionsType,
        required=True,
        resolver=resolve_contact_predictions,
        description="Lifetime value, probability active and next order (BG/NBD, Gamma-Gamma).",
    )
    created_at = graphene.DateTime(required=True)
    last_seen_at = graphene.DateTime()
    email_opens_30d = graphene.Int(required=True, description="Human opens (proxies excluded).")
    email_opens_90d = graphene.Int(required=True)
    email_clicks_30d = graphene.Int(required=True, description="Human clicks (scanners excluded).")
    email_clicks_90d = graphene.Int(required=True)
    last_email_open_at = graphene.DateTime()
    last_email_click_at = graphene.DateTime()
    last_engagement_at = graphene.DateTime(
        description="The newest human open or click of the contact's email."
    )
    active_journeys = graphene.List(
        graphene.NonNull("saleor_mautomation.graphql.journeys.JourneyRunType"),
        required=True,
        description="The contact's runs waiting in a journey, newest first.",
    )
    best_send_hour = graphene.Int(
        description="Hour (0-23, the contact's time zone, else UTC) of most engagement; "
        "null below 3 opens or clicks in 180 days."
    )
    channel_preference = graphene.Field(
        ChannelPreferenceType,
        required=True,
        resolver=resolve_contact_channel_preference,
        description="The channel the contact answers on, learned and explained.",
    )
    send_time = graphene.Field(
        SendTimeType,
        required=True,
        resolver=resolve_contact_send_time,
        description="The contact's best hour of the week to send at, learned and explained.",
    )
    segment_memberships = graphene.List(
        graphene.NonNull("saleor_mautomation.graphql.segments.MembershipType"),
        required=True,
        description="Segments the contact is or was in, newest entry first.",
    )
    timeline = graphene.Field(
        TimelineEventConnection,
        required=True,
        first=graphene.Int(default_value=DEFAULT_PAGE_SIZE),
        after=graphene.String(),
        types=graphene.List(graphene.NonNull(graphene.String)),
        description="The contact's events, newest first.",
    )
    consent_ledger = graphene.List(
        graphene.NonNull("saleor_mautomation.graphql.consent_texts.ConsentRecordType"),
        required=True,
        description="Every change of the contact's consents with its evidence, newest first.",
    )

    @staticmethod
    def resolve_consent_ledger(root: Contact, info: graphene.ResolveInfo) -> list[Any]:
        return list(root.consents.order_by("-occurred_at", "-pk"))

    @staticmethod
    def resolve_id(root: Contact, info: graphene.ResolveInfo) -> str:
        return to_global_id("Contact", root.pk)

    @staticmethod
    def resolve_segment_memberships(root: Contact, info: graphene.ResolveInfo) -> list[Any]:
        return segment_selectors.contact_memberships(contact_id=root.pk)

    @staticmethod
    def resolve_last_order(root: Contact, info: graphene.ResolveInfo) -> ContactOrder | None:
        order = OrderRecord.objects.filter(contact_id=root.pk).order_by("-placed_at", "-pk").first()
        if order is None:
            return None
        return ContactOrder(
            saleor_id=order.saleor_id,
            number=order.number,
            status=order.status,
            channel=order.channel_slug,
            currency=order.currency,
            total=order.total_gross,
            placed_at=order.placed_at,
            credited_to=_credit(order),
        )

    @staticmethod
    def resolve_last_engagement_at(root: Contact, info: graphene.ResolveInfo) -> datetime | None:
        moments = [m for m in (root.last_email_open_at, root.last_email_click_at) if m]
        return max(moments, default=None)

    @staticmethod
    def resolve_active_journeys(root: Contact, info: graphene.ResolveInfo) -> list[Any]:
        return list(
            JourneyRun.objects.filter(contact_id=root.pk, status=JourneyRun.Status.WAITING)
            .select_related("journey", "version")
            .order_by("-entered_at", "-pk")
        )

    @staticmethod
    def resolve_spend(root: Contact, info: graphene.ResolveInfo) -> list[Any]:
        return list(root.spend.all())

    @staticmethod
    def resolve_rfm(root: Contact, info: graphene.ResolveInfo) -> Rfm | None:
        scores = (root.rfm_recency, root.rfm_frequency, root.rfm_monetary)
        if all(score is None for score in scores):
            return None
        return Rfm(recency=scores[0], frequency=scores[1], monetary=scores[2])

    @staticmethod
    def resolve_timeline(
        root: Contact,
        info: graphene.ResolveInfo,
        first: int | None,
        after: str | None = None,
        types: list[str] | None = None,
    ) -> Page[Event]:
        installation_id = dashboard_installation_id(info)
        return _paged(
            lambda: selectors.contact_timeline(
                installation_id=installation_id,
                contact_id=root.pk,
                first=DEFAULT_PAGE_SIZE if first is None else first,
                after=after,
                types=types,
            )
        )


ContactCountableConnection = _connection(ContactType, "ContactCountable")


class SpendAtLeastInput(graphene.InputObjectType):
    currency = graphene.String(required=True)
    amount = graphene.Decimal(required=True)


class ContactFilterInput(graphene.InputObjectType):
    lifecycle_stages = graphene.List(graphene.NonNull(LifecycleStageEnum))
    has_ordered = graphene.Boolean()
    countries = graphene.List(graphene.NonNull(graphene.String), description="ISO codes.")
    email_consents = graphene.List(graphene.NonNull(EmailConsentEnum))
    spend_at_least = graphene.Field(
        SpendAtLeastInput, description="Spend of at least this amount in this currency."
    )
    last_order_after = graphene.DateTime(description="Last order at or after this moment.")
    last_order_before = graphene.DateTime(description="Last order before this moment.")
    segment_id = graphene.ID(description="Current members of this segment.")


def _filters(data: dict[str, Any] | None, installation_id: int) -> ContactFilters:
    data = data or {}
    spend = data.get("spend_at_least")
    after: datetime | None = data.get("last_order_after")
    before: datetime | None = data.get("last_order_before")
    return ContactFilters(
        lifecycle_stages=[str(stage.value) for stage in data.get("lifecycle_stages") or []],
        has_ordered=data.get("has_ordered"),
        countries=list(data.get("countries") or []),
        email_consents=[str(consent.value) for consent in data.get("email_consents") or []],
        spend_at_least=SpendAtLeast(spend["currency"], spend["amount"]) if spend else None,
        last_order_after=after,
        last_order_before=before,
        among=_segment_members(data.get("segment_id"), installation_id),
    )


def _segment_members(segment_id: str | None, installation_id: int) -> Any:
    if segment_id is None:
        return None
    segment = segment_selectors.segment_get(
        installation_id=installation_id, segment_id=from_global_id("Segment", segment_id)
    )
    if segment is None:
        raise GraphQLError(
            "No such segment",
            extensions={
                "code": "NOT_FOUND",
                "fields": [{"field": "segmentId", "message": "No such segment"}],
            },
        )
    return segment_selectors.member_ids(segment)


class ContactsQuery(graphene.ObjectType):
    contacts = graphene.Field(
        ContactCountableConnection,
        required=True,
        first=graphene.Int(default_value=DEFAULT_PAGE_SIZE, description="Page size, at most 100."),
        after=graphene.String(),
        search=graphene.String(description="Words found in the email, first or last name."),
        filter=ContactFilterInput(),
        sort_by=ContactSortField(default_value=ContactSort.CREATED_AT),
    )
    contact = graphene.Field(ContactType, id=graphene.ID(required=True))
    contact_by_saleor_user = graphene.Field(
        ContactType,
        saleor_user_id=graphene.String(
            required=True, description="The Saleor customer's id, as the Dashboard names it."
        ),
        description="The contact of a Saleor customer (the customer widget); null when the "
        "app does not know the customer yet.",
    )
    contact_export = GenericScalar(
        id=graphene.ID(required=True),
        description="Everything held about one contact (GDPR access request): profile, "
        "consents and their ledger, events, orders, messages, journey runs with their steps, "
        "segment memberships, static lists, push subscriptions (without keys); null if unknown.",
    )

    @staticmethod
    def resolve_contacts(
        root: Any,
        info: graphene.ResolveInfo,
        first: int | None,
        sort_by: ContactSort | None,
        after: str | None = None,
        search: str | None = None,
        filter: dict[str, Any] | None = None,
    ) -> Page[Contact]:
        installation_id = dashboard_installation_id(info)
        return _paged(
            lambda: selectors.contacts_page(
                installation_id=installation_id,
                search=search,
                filters=_filters(filter, installation_id),
                sort=sort_by or ContactSort.CREATED_AT,
                first=DEFAULT_PAGE_SIZE if first is None else first,
                after=after,
            )
        )

    @staticmethod
    def resolve_contact(root: Any, info: graphene.ResolveInfo, id: str) -> Contact | None:
        installation_id = dashboard_installation_id(info)
        return selectors.contact_detail(
            installation_id=installation_id, contact_id=from_global_id("Contact", id)
        )

    @staticmethod
    def resolve_contact_by_saleor_user(
        root: Any, info: graphene.ResolveInfo, saleor_user_id: str
    ) -> Contact | None:
        installation_id = dashboard_installation_id(info)
        return (
            Contact.objects.filter(installation_id=installation_id, saleor_user_id=saleor_user_id)
            .prefetch_related(Prefetch("spend", queryset=ContactSpend.objects.order_by("currency")))
            .first()
        )

    @staticmethod
    def resolve_contact_export(
        root: Any,
        info: graphene.ResolveInfo,
        id: str,
    ) -> dict[str, Any] | None:
        installation_id = dashboard_installation_id(info)
        exported = selectors.contact_export(
            installation_id=installation_id, contact_id=from_global_id("Contact", id)
        )
        if exported is None:
            return None
        contact_id = int(exported["contact"]["id"])
        return {
            **exported,
            "messages": messages_export(contact_id=contact_id),
            "journey_runs": runs_export(contact_id=contact_id),
            "broadcast_waits": broadcast_waits_export(contact_id=contact_id),
            "threshold_sides": threshold_sides_export(contact_id=contact_id),
            **memberships_export(contact_id=contact_id),
            "erasure_requests": erasure_requests_export(contact_id=contact_id),
            **programmes_export(contact_id=contact_id),
            **postal_export(contact_id=contact_id),
            **predictions_export(contact_id=contact_id),
            **recommendations_export(contact_id=contact_id),
        }
