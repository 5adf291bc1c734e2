"""Order events refresh the order figures only, email events the email figures only, and a
refresh writes its own columns and the spend rows, nothing else."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from saleor_mautomation.contacts.figures import (
    engagement_email_refresh,
    engagement_orders_refresh,
    engagement_refresh,
)
from saleor_mautomation.contacts.models import Contact, ContactSpend, LifecycleStage
from saleor_mautomation.core import clock
from saleor_mautomation.intake.ingest import ingest_order
from saleor_mautomation.saleor import payloads
from tests.contacts.factories import make_contact, make_event, make_order, make_shop, make_spend
from tests.support import deliveries as d

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def shop(db):
    return make_shop("shop")


def refreshed(refresh, contact):
    with transaction.atomic():
        refresh(contact=Contact.objects.select_for_update().get(pk=contact.pk), now=NOW)
    return Contact.objects.get(pk=contact.pk)


def email_figures(contact):
    return (
        contact.email_opens_30d,
        contact.email_opens_90d,
        contact.email_clicks_30d,
        contact.email_clicks_90d,
        contact.last_email_open_at,
        contact.best_send_hour,
    )


def spend_rows(contact):
    return {
        row.currency: (row.orders, row.total, row.average_order_value)
        for row in ContactSpend.objects.filter(contact=contact)
    }


def test_an_order_refresh_leaves_the_email_figures_alone(shop):
    # given: stored email figures the contact's events no longer support
    contact = make_contact(
        shop, email_opens_30d=4, email_opens_90d=6, email_clicks_30d=1, best_send_hour=9
    )
    make_event(contact, "email.opened", NOW - timedelta(days=1))
    make_order(contact, placed_at=NOW - timedelta(days=3), total_gross=Decimal("25"))

    # when
    contact = refreshed(engagement_orders_refresh, contact)

    # then
    assert email_figures(contact) == (4, 6, 1, 0, None, 9)
    assert (contact.orders_count, contact.last_order_at) == (1, NOW - timedelta(days=3))
    assert contact.lifecycle_stage == LifecycleStage.FIRST_TIME_BUYER
    assert spend_rows(contact) == {"USD": (1, Decimal("25.0000"), Decimal("25.0000"))}


def test_an_email_refresh_leaves_the_order_figures_alone(shop):
    # given: an order the stored figures do not count yet
    contact = make_contact(shop)
    make_order(contact, placed_at=NOW - timedelta(days=3))
    make_event(contact, "email.opened", NOW - timedelta(days=1))

    # when
    contact = refreshed(engagement_email_refresh, contact)

    # then
    assert (contact.orders_count, contact.lifecycle_stage) == (0, LifecycleStage.PROSPECT)
    assert spend_rows(contact) == {}
    assert email_figures(contact) == (1, 1, 0, 0, NOW - timedelta(days=1), None)


def test_the_full_refresh_sets_both(shop):
    contact = make_contact(shop)
    make_order(contact, placed_at=NOW - timedelta(days=3))
    make_event(contact, "email.clicked", NOW - timedelta(days=1))

    contact = refreshed(engagement_refresh, contact)

    assert (contact.orders_count, contact.email_clicks_30d) == (1, 1)


def test_a_refresh_does_not_write_back_profile_fields_it_did_not_set(shop):
    # given: the instance a refresh works on is older than the stored profile
    contact = make_contact(shop, first_name="Ada")
    make_order(contact, placed_at=NOW - timedelta(days=3))
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        Contact.objects.filter(pk=contact.pk).update(first_name="Grace", city="Paris")

        # when
        engagement_orders_refresh(contact=locked, now=NOW)

    # then
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.first_name, stored.city, stored.orders_count) == ("Grace", "Paris", 1)
    assert stored.updated_at == locked.updated_at


def test_spend_rows_follow_the_orders_per_currency(shop):
    # given: a stale EUR row, an outdated USD row, and no GBP row yet
    contact = make_contact(shop)
    make_spend(contact, "EUR", "99")
    make_spend(contact, "USD", "10")
    make_order(contact, currency="USD", total_gross=Decimal("10"))
    make_order(contact, currency="USD", total_gross=Decimal("20"))
    make_order(contact, currency="GBP", total_gross=Decimal("7.5"))
    make_order(contact, currency="EUR", total_gross=Decimal("50"), status="CANCELED")

    # when
    contact = refreshed(engagement_orders_refresh, contact)

    # then
    assert spend_rows(contact) == {
        "USD": (2, Decimal("30.0000"), Decimal("15.0000")),
        "GBP": (1, Decimal("7.5000"), Decimal("7.5000")),
    }


def test_an_unchanged_spend_row_is_kept_as_it_is(shop):
    contact = make_contact(shop)
    row = make_spend(contact, "USD", "10")
    make_order(contact, currency="USD", total_gross=Decimal("10"))

    refreshed(engagement_orders_refresh, contact)

    assert ContactSpend.objects.get().pk == row.pk
    assert spend_rows(contact) == {"USD": (1, Decimal("10.0000"), Decimal("10.0000"))}


def test_no_counted_order_leaves_no_spend_row(shop):
    contact = make_contact(shop, orders_count=1)
    make_spend(contact, "USD", "10")
    make_order(contact, status="CANCELED")

    contact = refreshed(engagement_orders_refresh, contact)

    assert (contact.orders_count, spend_rows(contact)) == (0, {})


def test_an_order_delivery_does_not_recount_the_email_figures(standin_installation):
    # given: a contact whose stored open counts no event in the database supports
    make_contact(standin_installation, email="ada@example.com", email_opens_30d=3)
    minted = d.order(
        "ORDER_CREATED",
        order_id="T3JkZXI6MQ==",
        number="1",
        user_id=None,
        email="ada@example.com",
        placed=1,
        day=1,
    )
    order = payloads.OrderEvent.model_validate_json(minted.body).order
    assert order is not None

    # when
    ingest_order(
        installation_id=standin_installation.pk,
        order=order,
        type="order.placed",
        occurred_at=clock.now(),
        source="test",
    )

    # then
    contact = Contact.objects.get()
    assert (contact.orders_count, contact.email_opens_30d) == (1, 3)
