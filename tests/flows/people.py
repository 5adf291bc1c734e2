"""A person the app knows everything about: one row in every model that can hold a contact's
data, each naming them (address, names, phone, a personalised subject, the Saleor user id,
an IP), for the erasure and export tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    ContactAlias,
    PushSubscription,
)
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.journeys.models import (
    BroadcastRest,
    Journey,
    JourneyRun,
    JourneyVersion,
    RunStep,
    ThresholdLine,
    ThresholdSide,
)
from saleor_mautomation.messages.models import Message, MessageAttempt, Suppression
from saleor_mautomation.postal.models import PostalItem
from saleor_mautomation.predictions.models import ContactPrediction, ContactValuePrediction
from saleor_mautomation.programmes.models import Draw, DrawEntry, Survey, SurveyAnswer
from saleor_mautomation.recommendations.models import ContactProduct, OrderProduct
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.models import Membership, Segment, StaticList, StaticListMember
from tests.contacts.factories import make_checkout, make_contact, make_event, make_order, make_spend

T = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EMAIL = "augusta.lovelace@example.com"
USER = "VXNlcjo4MTU="
PHONE = "+4915112345678"
SUBJECT = "Augusta, your cart misses you"
IP = "203.0.113.7"


@dataclass(frozen=True)
class Person:
    contact: Contact
    # Every piece of text that names the person, lower-cased (as searched).
    traces: tuple[str, ...] = (
        EMAIL,
        "augusta",
        "lovelace",
        PHONE,
        PHONE.removeprefix("+"),
        SUBJECT.lower(),
        USER.lower(),
        "kensington",
        IP,
    )


def _delivery(shop: Installation, event: str, body: dict, status: str, days_ago: float) -> Delivery:
    raw = json.dumps(body).encode()
    return Delivery.objects.create(
        installation=shop,
        event=event,
        body=raw,
        body_sha256=f"{event}:{len(raw)}:{days_ago}:{status}",
        status=status,
        received_at=T - timedelta(days=days_ago),
    )


def a_person(shop: Installation) -> Person:
    """Augusta Lovelace, a customer with a history in every domain."""
    contact = make_contact(
        shop,
        email=EMAIL,
        saleor_user_id=USER,
        first_name="Augusta",
        last_name="Lovelace",
        city="Kensington",
        country="GB",
        phone=PHONE,
        metadata={"note": "Augusta prefers SMS"},
        preferences={"newsletter": True},
        email_consent="granted",
    )
    make_spend(contact, "USD", "43.98")
    ContactAlias.objects.create(installation=shop, contact=contact, anonymous_id="anon-augusta-1")
    ConsentRecord.objects.create(
        installation=shop,
        contact=contact,
        channel="sms",
        action=ConsentRecord.Action.CONFIRMED,
        source="storefront",
        ip_address=IP,
        text_version="v2",
        details={"phone": PHONE, "keyword": "YES", "topics": {"newsletter": True}},
        occurred_at=T,
    )
    PushSubscription.objects.create(
        installation=shop,
        contact=contact,
        endpoint="https://push.example/augusta-lovelace",
        p256dh="key",
        auth="auth",
        user_agent="Augusta's phone",
        created_at=T,
    )
    order = make_order(contact, saleor_user_id=USER, total_gross=Decimal("43.98"), placed_at=T)
    OrderProduct.objects.create(
        installation=shop,
        order=order,
        contact=contact,
        channel_slug=order.channel_slug,
        day=T.date(),
        product_id="UHJvZHVjdDox",
        quantity=1,
    )
    ContactProduct.objects.create(
        installation=shop, contact=contact, product_id="UHJvZHVjdDox", orders=1
    )
    ContactPrediction.objects.create(
        contact=contact,
        installation=shop,
        frequency=0,
        recency_days=0.0,
        age_days=30.0,
        probability_active=1.0,
        expected_orders_12m=0.8,
        computed_at=T,
    )
    ContactValuePrediction.objects.create(
        contact=contact,
        installation=shop,
        currency="USD",
        orders=1,
        average_order_value=Decimal("43.98"),
        expected_orders_12m=0.8,
        computed_at=T,
    )
    make_checkout(contact, saleor_user_id=USER, lines=[{"sku": "SHOE-1", "quantity": 1}])
    make_event(contact, "customer.created", T, dedupe_key=f"customer.created:{USER}")
    make_event(
        contact,
        "order.placed",
        T,
        properties={"order_id": "T3JkZXI6MQ==", "total": "43.98", "currency": "USD", "lines": 2},
    )
    make_event(
        contact,
        "custom.callback_requested",
        T,
        properties={"comment": f"Call Augusta Lovelace on {PHONE}", "rating": 5},
    )
    sent = Message.objects.create(
        installation=shop,
        contact=contact,
        dedupe_key="run:1:send",
        kind="marketing",
        to_address=EMAIL,
        subject=SUBJECT,
        message_id="<m1@shop.example>",
        provider_id="provider-augusta-1",
        status=Message.Status.BOUNCED,
        status_reason=f"550 5.1.1 <{EMAIL}>: mailbox full",
        context={"checkout": {"email": EMAIL, "name": "Augusta Lovelace"}},
        send_after=T,
        created_at=T,
        sent_at=T,
        opens=2,
        clicks=1,
    )
    MessageAttempt.objects.create(
        message=sent, started_at=T, outcome="sent", detail=f"250 accepted for {EMAIL}"
    )
    Message.objects.create(
        installation=shop,
        contact=contact,
        dedupe_key="run:1:sms",
        channel="sms",
        kind="marketing",
        to_address=PHONE,
        subject="",
        context={"first_name": "Augusta"},
        send_after=T,
        created_at=T,
    )
    Suppression.objects.create(installation=shop, address=EMAIL, reason="bounce", created_at=T)
    journey = Journey.objects.create(installation=shop, key="winback", name="Win-back")
    version = JourneyVersion.objects.create(
        journey=journey, number=1, definition={"nodes": []}, published_at=T
    )
    run = JourneyRun.objects.create(
        installation=shop,
        journey=journey,
        version=version,
        contact=contact,
        node="send",
        node_entered_at=T,
        context={"checkout": {"email": EMAIL}, "voucher": "AUGUSTA-10"},
        entered_at=T,
    )
    RunStep.objects.create(run=run, node="send", kind="send", at=T, detail={"to": EMAIL})
    BroadcastRest.objects.create(version=version, contact=contact)  # waits for a test's winner
    segment = Segment.objects.create(installation=shop, name="Buyers", key="buyers", definition={})
    Membership.objects.create(installation=shop, segment=segment, contact=contact, entered_at=T)
    static_list = StaticList.objects.create(installation=shop, key="vip", name="VIP")
    StaticListMember.objects.create(static_list=static_list, contact=contact, added_at=T)
    survey = Survey.objects.create(
        installation=shop, key="nps", name="NPS", question="Recommend us?", created_at=T
    )
    SurveyAnswer.objects.create(
        installation=shop,
        survey=survey,
        contact=contact,
        score=4,
        comment=f"Call me on {PHONE}",
        answered_at=T,
    )
    line = ThresholdLine.objects.create(
        installation=shop,
        attribute="loyalty_points",
        threshold=Decimal("1000"),
        baselined_at=T,
        swept_at=T,
    )
    ThresholdSide.objects.create(line=line, contact=contact, above=True, crossings=1)
    draw = Draw.objects.create(installation=shop, key="summer", name="Summer", created_at=T)
    DrawEntry.objects.create(installation=shop, draw=draw, contact=contact, entered_at=T)
    PostalItem.objects.create(
        installation=shop,
        contact=contact,
        dedupe_key="journey-run:1:card:0",
        journey_id=1,
        node="card",
        status="skipped",
        reason="the batch is full (1 cards)",
        name="Augusta Lovelace",
        address_line_1="12 St James's Square",
        postal_code="SW1Y 4JH",
        city="LONDON",
        country="GB",
        fields={"greeting": "Dear Augusta,"},
        created_at=T,
    )
    user = {"id": USER, "email": EMAIL, "firstName": "Augusta", "lastName": "Lovelace"}
    _delivery(shop, "CUSTOMER_UPDATED", {"user": user}, "processed", 2)
    failed = _delivery(shop, "ORDER_CREATED", {"order": {"user": {"id": USER}}}, "failed", 1)
    Delivery.objects.filter(pk=failed.pk).update(error=f"{EMAIL} belongs to another customer")
    return Person(contact=contact)
