from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.analytics.attribution import (
    attribution_settings_update,
    orders_attribute,
)
from saleor_mautomation.analytics.models import OrderAttribution
from saleor_mautomation.events.models import DailyTally, Event
from saleor_mautomation.events.services import event_record
from saleor_mautomation.flows.unit import unit_of_work
from tests.analytics.factories import (
    APPLE_PROXY,
    LINK_SCANNER,
    clicked,
    make_journey,
    make_sent,
    make_template,
    opened,
)
from tests.contacts.factories import make_contact, make_order, make_shop

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop(db):
    return make_shop("linden")


def attributed(order):
    return OrderAttribution.objects.filter(order=order).values_list("message_id", "via").first()


def tallied(installation, metric="attributed"):
    return sorted(
        DailyTally.objects.filter(installation=installation, metric=metric).values_list(
            "day", "journey_id", "template_id", "currency", "count", "amount"
        )
    )


def test_an_order_goes_to_the_last_message_clicked_within_five_days(shop):
    # given: two messages clicked, the later one 4 days 23 hours before the order
    contact = make_contact(shop)
    journey, template = make_journey(shop, "Welcome"), make_template(shop, "Welcome 1")
    first = make_sent(contact, T, journey=journey, template=template, node="mail")
    second = make_sent(contact, T + timedelta(hours=1), template=template)
    clicked(first, T + timedelta(minutes=30))
    clicked(second, T + timedelta(hours=2))
    order = make_order(
        contact,
        placed_at=T + timedelta(days=5, hours=1),
        total_gross=Decimal("80.00"),
        currency="EUR",
    )

    # when
    credited = orders_attribute(contact_ids=[contact.pk], now=T + timedelta(days=5, hours=1))

    # then
    assert credited == 1
    assert attributed(order) == (second.pk, "click")
    assert tallied(shop) == [
        ((T + timedelta(days=5)).date(), 0, template.pk, "EUR", 1, Decimal("80.0000"))
    ]


def test_past_the_click_window_a_persons_open_within_a_day_earns_it_never_a_proxys(shop):
    # given: a click 6 days before; Apple's proxy and a scanner 1 hour before; a person 20 hours
    contact = make_contact(shop)
    template = make_template(shop, "News")
    old, proxied, read = (make_sent(contact, T, template=template) for _ in range(3))
    placed = T + timedelta(days=6, hours=1)
    clicked(old, T + timedelta(minutes=5))
    opened(read, placed - timedelta(hours=20))
    opened(proxied, placed - timedelta(hours=1), APPLE_PROXY)
    clicked(proxied, placed - timedelta(hours=1), LINK_SCANNER)
    order = make_order(contact, placed_at=placed)

    # when
    orders_attribute(contact_ids=[contact.pk], now=placed)

    # then
    assert attributed(order) == (read.pk, "open")


def test_click_only_and_shorter_windows_are_the_shops_to_choose(shop):
    # given: opened 2 hours before the order, clicked 3 days before
    contact = make_contact(shop)
    template = make_template(shop, "News")
    read, followed = (
        make_sent(contact, T, template=template),
        make_sent(contact, T, template=template),
    )
    placed = T + timedelta(days=3, hours=2)
    clicked(followed, T + timedelta(minutes=10))
    opened(read, placed - timedelta(hours=2))
    one = make_order(contact, placed_at=placed)

    # when: clicks within 2 days only, opens never
    attribution_settings_update(installation_id=shop.pk, click_days=2, click_only=True)
    orders_attribute(contact_ids=[contact.pk], now=placed)

    # then: the click is too old and the open does not count
    assert attributed(one) is None
    assert tallied(shop) == []

    # when: clicks within 4 days
    attribution_settings_update(installation_id=shop.pk, click_days=4)
    orders_attribute(contact_ids=[contact.pk], now=placed)

    # then
    assert attributed(one) == (followed.pk, "click")


def test_revenue_stays_per_currency_and_follows_refunds(shop):
    # given: orders in two currencies credited to one message
    contact = make_contact(shop)
    template = make_template(shop, "Sale")
    message = make_sent(contact, T, template=template)
    clicked(message, T + timedelta(minutes=3))
    eur = make_order(
        contact, placed_at=T + timedelta(hours=1), total_gross=Decimal("50"), currency="EUR"
    )
    make_order(contact, placed_at=T + timedelta(hours=2), total_gross=Decimal("30"), currency="USD")
    orders_attribute(contact_ids=[contact.pk], now=T + timedelta(hours=2))

    # when: 20 EUR are refunded
    eur.total_refunded = Decimal("20")
    eur.save()
    orders_attribute(contact_ids=[contact.pk], now=T + timedelta(days=1))

    # then
    assert [(c, n, a) for _, _, _, c, n, a in tallied(shop)] == [
        ("EUR", 1, Decimal("30.0000")),
        ("USD", 1, Decimal("30.0000")),
    ]
    assert OrderAttribution.objects.get(order=eur).revenue == Decimal("30.0000")


def test_an_order_recorded_in_a_unit_of_work_is_credited_and_shown_in_the_timeline(shop):
    # given
    contact = make_contact(shop)
    journey, template = make_journey(shop, "Abandoned cart"), make_template(shop, "Cart 1")
    message = make_sent(contact, T, journey=journey, template=template, node="mail")
    clicked(message, T + timedelta(minutes=30))
    placed = T + timedelta(hours=3)

    # when: the order arrives (its record and its event, as the intake writes them)
    with unit_of_work(now=placed):
        order = make_order(contact, placed_at=placed, total_gross=Decimal("99.90"), currency="EUR")
        event_record(
            installation_id=shop.pk,
            contact_id=contact.pk,
            type="order.placed",
            occurred_at=placed,
            source="webhook",
            dedupe_key=f"order.placed:{order.saleor_id}",
            properties={"order_id": order.saleor_id},
        )

    # then
    assert attributed(order) == (message.pk, "click")
    event = Event.objects.get(contact=contact, type="order.attributed")
    assert event.properties == {
        "order_id": order.saleor_id,
        "number": order.number,
        "message_id": message.pk,
        "via": "click",
        "journey": "Abandoned cart",
        "template": "Cart 1",
        "total": "99.9000",
        "currency": "EUR",
    }
    assert tallied(shop) == [(T.date(), journey.pk, template.pk, "EUR", 1, Decimal("99.9000"))]


def test_an_order_is_credited_once_and_never_to_another_shops_message(shop):
    # given: another shop's message id in a forged click event
    contact = make_contact(shop)
    other = make_contact(make_shop("other"))
    foreign = make_sent(other, T)
    Event.objects.create(
        installation=shop,
        contact=contact,
        type="email.clicked",
        occurred_at=T + timedelta(minutes=5),
        source="tracking",
        properties={"message_id": foreign.pk, "machine": False},
        dedupe_key="forged",
    )
    mine = make_sent(contact, T)
    clicked(mine, T + timedelta(minutes=1))
    order = make_order(contact, placed_at=T + timedelta(hours=1))

    # when: asked twice
    first = orders_attribute(contact_ids=[contact.pk], now=T + timedelta(hours=1))
    again = orders_attribute(contact_ids=[contact.pk], now=T + timedelta(hours=2))

    # then: the forged click is the last, but it names no message of this shop
    assert (first, again) == (1, 0)
    assert attributed(order) == (mine.pk, "click")
    assert OrderAttribution.objects.count() == 1
