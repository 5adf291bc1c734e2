"""An order completes its checkout in the statement that stores it, and only when stored."""

import pytest

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.commerce.services import checkout_upsert, order_upsert
from saleor_mautomation.saleor import payloads
from tests.contacts.factories import make_shop
from tests.support import deliveries as d

CHECKOUT_ID = "Q2hlY2tvdXQ6MQ=="


@pytest.fixture
def shop(db):
    return make_shop("shop")


def order(day, checkout_id=CHECKOUT_ID):
    minted = d.order(
        "ORDER_UPDATED",
        order_id="T3JkZXI6MQ==",
        number="1",
        user_id=None,
        email="ada@example.com",
        placed=1,
        day=day,
        checkout_id=checkout_id,
    )
    parsed = payloads.OrderEvent.model_validate_json(minted.body).order
    assert parsed is not None
    return parsed


def store_checkout(shop):
    minted = d.checkout(
        "CHECKOUT_UPDATED", checkout_id=CHECKOUT_ID, user_id=None, email="ada@example.com", day=0
    )
    checkout = payloads.CheckoutEvent.model_validate_json(minted.body).checkout
    assert checkout is not None
    checkout_upsert(installation_id=shop.pk, checkout=checkout, contact_id=None, seen_at=d.T0)


def test_a_stored_order_completes_its_checkout(shop):
    # given
    store_checkout(shop)
    placed = order(day=2)

    # when
    upserted = order_upsert(installation_id=shop.pk, order=placed, contact_id=None)

    # then
    assert upserted.changed
    assert upserted.record_id == OrderRecord.objects.get().pk
    checkout = CheckoutRecord.objects.get()
    assert (checkout.completed_at, checkout.order_saleor_id) == (placed.created, placed.id)


def test_an_older_order_state_changes_neither_the_order_nor_the_checkout(shop):
    # given: the newer state is stored; the checkout's link was cleared since
    store_checkout(shop)
    order_upsert(installation_id=shop.pk, order=order(day=3), contact_id=None)
    CheckoutRecord.objects.update(completed_at=None, order_saleor_id="")

    # when
    upserted = order_upsert(installation_id=shop.pk, order=order(day=2), contact_id=None)

    # then
    assert not upserted.changed
    assert OrderRecord.objects.get().source_updated_at == d.T0.replace(day=13)
    assert CheckoutRecord.objects.values_list("completed_at", "order_saleor_id").get() == (
        None,
        "",
    )


def test_an_order_of_another_checkout_leaves_this_one_open(shop):
    store_checkout(shop)

    order_upsert(installation_id=shop.pk, order=order(day=2, checkout_id="other"), contact_id=None)

    assert CheckoutRecord.objects.get().completed_at is None


def test_an_order_without_a_checkout_is_stored(shop):
    upserted = order_upsert(
        installation_id=shop.pk, order=order(day=2, checkout_id=None), contact_id=None
    )

    assert upserted.changed
    assert OrderRecord.objects.get().checkout_saleor_id == ""
