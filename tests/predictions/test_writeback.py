"""Predictions written back to the Saleor customer's private metadata, through the stand-in
that executes the app's document as Saleor does."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.writeback import DEBOUNCE, writeback_flush, writeback_items
from saleor_mautomation.predictions.models import ContactPrediction, ContactValuePrediction
from tests.support.standin_errors import DocumentStandIn, SaleorCustomers, SaleorUser

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def standin(document_standin) -> DocumentStandIn:
    return document_standin


def buyer(installation, *, active, orders, next_at, **clv):
    contact = Contact.objects.create(
        installation=installation,
        saleor_user_id="VXNlcjo3",
        email="c7@example.com",
        lifecycle_stage="repeat",
        orders_count=3,
        last_order_at=datetime(2026, 5, 20, tzinfo=UTC),
        writeback_due_at=NOW,
    )
    ContactPrediction.objects.create(
        contact=contact,
        installation=installation,
        frequency=2,
        recency_days=120.0,
        age_days=300.0,
        probability_active=active,
        expected_orders_12m=orders,
        expected_next_order_at=next_at,
        computed_at=NOW,
    )
    for currency, value in clv.items():
        ContactValuePrediction.objects.create(
            contact=contact,
            installation=installation,
            currency=currency,
            orders=3 if value else 1,
            average_order_value=Decimal("40"),
            expected_orders_12m=orders,
            expected_order_value=Decimal("41") if value else None,
            clv_12m=Decimal(value) if value else None,
            computed_at=NOW,
        )
    return contact


def test_predictions_are_written_under_the_apps_keys(standin, standin_installation):
    # given: a buyer scored last night, a repeat buyer in USD, one order in EUR
    saleor = SaleorCustomers(users={"VXNlcjo3": SaleorUser()})
    saleor.install(standin)
    buyer(
        standin_installation,
        active=0.8349,
        orders=2.25,
        next_at=datetime(2026, 6, 20, 23, 30, tzinfo=UTC),
        USD="1234.5000",
        EUR=None,
    )

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then: one decimal, two significant digits, an ISO week; no value where none is predicted
    assert flushed.written == 1
    written = saleor.users["VXNlcjo3"].private_metadata
    assert {k: v for k, v in written.items() if k.startswith("mautomation.predicted.")} == {
        "mautomation.predicted.active": "0.8",
        "mautomation.predicted.orders_12m": "2.2",
        "mautomation.predicted.clv_12m.USD": "1200",
        "mautomation.predicted.next_order_week": "2026-W25",
    }


def test_a_contact_without_predictions_writes_none_of_their_keys(standin_installation):
    contact = Contact.objects.create(
        installation=standin_installation, saleor_user_id="VXNlcjo4", orders_count=1
    )

    assert not [k for k in writeback_items(contact) if k.startswith("mautomation.predicted")]


def test_no_next_order_key_when_none_is_expected(standin_installation):
    contact = buyer(standin_installation, active=0.3, orders=0.4, next_at=None)

    items = writeback_items(contact)

    assert "mautomation.predicted.next_order_week" not in items
    assert items["mautomation.predicted.active"] == "0.3"
