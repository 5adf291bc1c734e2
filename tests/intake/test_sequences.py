"""One customer's life replayed as Saleor deliveries through the real intake path."""

import random
from decimal import Decimal

import pytest

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import Contact, ContactSpend, ErasedIdentity
from saleor_mautomation.core import clock
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.erasure import erasures_run
from tests.support import deliveries as d

USER, EMAIL = "VXNlcjo5MDE=", "ada.lovelace@example.com"
CHECKOUT = "Q2hlY2tvdXQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwOTAx"


def life() -> list[d.Minted]:
    """Register, fill a cart, order, pay, fulfil, order again in EUR, a partial refund."""
    return [
        d.customer("CUSTOMER_CREATED", user_id=USER, email=EMAIL, day=0, firstName="Ada"),
        d.checkout(
            "CHECKOUT_CREATED", checkout_id=CHECKOUT, user_id=USER, email=EMAIL, day=1, lines=1
        ),
        d.checkout(
            "CHECKOUT_UPDATED", checkout_id=CHECKOUT, user_id=USER, email=EMAIL, day=1.1, lines=2
        ),
        d.order(
            "ORDER_CREATED",
            order_id="T3JkZXI6MQ==",
            number="1",
            user_id=USER,
            email=EMAIL,
            placed=1.2,
            day=1.2,
            total="43.98",
            checkout_id=CHECKOUT,
        ),
        d.order(
            "ORDER_FULLY_PAID",
            order_id="T3JkZXI6MQ==",
            number="1",
            user_id=USER,
            email=EMAIL,
            placed=1.2,
            day=1.3,
            total="43.98",
            checkout_id=CHECKOUT,
        ),
        d.order(
            "ORDER_FULFILLED",
            order_id="T3JkZXI6MQ==",
            number="1",
            user_id=USER,
            email=EMAIL,
            placed=1.2,
            day=2,
            total="43.98",
            status="FULFILLED",
            checkout_id=CHECKOUT,
        ),
        d.order(
            "ORDER_CREATED",
            order_id="T3JkZXI6Mg==",
            number="2",
            user_id=USER,
            email=EMAIL,
            placed=31.2,
            day=31.2,
            total="100.00",
            currency="EUR",
            category="Tees",
        ),
        d.order(
            "ORDER_REFUNDED",
            order_id="T3JkZXI6Mg==",
            number="2",
            user_id=USER,
            email=EMAIL,
            placed=31.2,
            day=33,
            total="100.00",
            currency="EUR",
            refunded="25.00",
            category="Tees",
        ),
        d.order(
            "ORDER_CREATED",
            order_id="T3JkZXI6Mw==",
            number="3",
            user_id=USER,
            email=EMAIL,
            placed=61.2,
            day=61.2,
            total="10.00",
        ),
    ]


BATCH_SIZE = {"value": 3}


@pytest.fixture(autouse=True, params=[1, 3, 50], ids=lambda n: f"batch{n}")
def batch_size(request):
    """Every sequence drained one delivery per batch, a few, and all in one batch (its
    contacts looked up together, its events written at the end): the same outcome."""
    BATCH_SIZE["value"] = request.param
    yield request.param
    BATCH_SIZE["value"] = 3


def replay(client, key, installation, minted):
    for delivery in minted:
        assert d.post(client, key, installation.saleor_api_url, delivery).status_code == 200
    deliveries_drain(batch_size=BATCH_SIZE["value"], max_batches=100, max_attempts=3)


def iso(value):
    assert value is not None
    return value.isoformat()


def profile(installation):
    contact = Contact.objects.get(installation=installation)
    spend = {
        s.currency: (s.orders, s.total, s.average_order_value)
        for s in ContactSpend.objects.filter(contact=contact)
    }
    return {
        "email": contact.email,
        "first_name": contact.first_name,
        "orders": contact.orders_count,
        "first_order_at": iso(contact.first_order_at),
        "last_order_at": iso(contact.last_order_at),
        "spend": spend,
        "favourite_categories": contact.favourite_categories,
        "predicted_next_order_at": iso(contact.predicted_next_order_at),
        "prediction_basis": contact.prediction_basis,
        "events": sorted(Event.objects.filter(contact=contact).values_list("type", flat=True)),
    }


EXPECTED = {
    "email": EMAIL,
    "first_name": "Ada",
    "orders": 3,
    "first_order_at": d.at(1.2),
    "last_order_at": d.at(61.2),
    "spend": {
        "USD": (2, Decimal("53.98"), Decimal("26.99")),
        "EUR": (1, Decimal("75.00"), Decimal("75.00")),
    },
    "favourite_categories": ["Juices", "Tees"],
    "predicted_next_order_at": d.at(91.2),
    "prediction_basis": {"orders": 3, "gaps_days": [30.0, 30.0], "median_gap_days": 30.0},
    "events": sorted(
        [
            "customer.created",
            "contact.signed_up",  # the captured customer consents in its metadata
            "checkout.created",
            "checkout.updated",
            "order.placed",
            "order.paid",
            "order.fulfilled",
            "order.placed",
            "order.refunded",
            "order.placed",
        ]
    ),
}


def test_a_customers_life_gives_exact_profile_figures(client, key, standin_installation):
    replay(client, key, standin_installation, life())

    assert profile(standin_installation) == EXPECTED
    checkout = CheckoutRecord.objects.get()
    assert checkout.order_saleor_id == "T3JkZXI6MQ=="
    assert [line["quantity"] for line in checkout.lines] == [1, 2]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_and_duplicated_deliveries_give_the_same_profile(
    client, key, standin_installation, seed
):
    minted = life()
    shuffled = random.Random(seed).sample(minted, len(minted)) + minted[::2]

    replay(client, key, standin_installation, shuffled)

    assert profile(standin_installation) == EXPECTED


def test_a_late_older_checkout_state_does_not_overwrite_the_newer(
    client, key, standin_installation
):
    newer = d.checkout(
        "CHECKOUT_UPDATED", checkout_id=CHECKOUT, user_id=USER, email=EMAIL, day=2, lines=2
    )
    older = d.checkout(
        "CHECKOUT_UPDATED", checkout_id=CHECKOUT, user_id=USER, email=EMAIL, day=1, lines=1
    )

    replay(client, key, standin_installation, [newer, older])

    assert len(CheckoutRecord.objects.get().lines) == 2
    assert CheckoutRecord.objects.get().source_updated_at.isoformat() == d.at(2)
    # both updates happened: each is an event at its own moment
    assert Event.objects.filter(type="checkout.updated").count() == 2


def test_guest_orders_join_the_customer_who_registers_later(client, key, standin_installation):
    replay(
        client,
        key,
        standin_installation,
        [
            d.order(
                "ORDER_CREATED",
                order_id="T3JkZXI6OQ==",
                number="9",
                user_id=None,
                email="ADA.LOVELACE@example.com",
                placed=1,
                day=1,
            ),
            d.customer("CUSTOMER_CREATED", user_id=USER, email=EMAIL, day=2),
        ],
    )

    contact = Contact.objects.get()
    assert (contact.saleor_user_id, contact.email, contact.orders_count) == (USER, EMAIL, 1)
    assert OrderRecord.objects.get().contact == contact


def test_erasure_leaves_no_personal_data_and_later_orders_stay_anonymous(
    client, key, standin_installation
):
    # given
    replay(client, key, standin_installation, life())

    # when
    replay(
        client,
        key,
        standin_installation,
        [
            d.customer("CUSTOMER_DELETED", user_id=USER, email=EMAIL, day=70),
            d.order(
                "ORDER_UPDATED",
                order_id="T3JkZXI6Mw==",
                number="3",
                user_id=USER,
                email=EMAIL,
                placed=61.2,
                day=71,
                total="10.00",
            ),
            d.order(
                "ORDER_CREATED",
                order_id="T3JkZXI6NA==",
                number="4",
                user_id=None,
                email=EMAIL,
                placed=72,
                day=72,
                total="5.00",
            ),
        ],
    )
    erasures_run(now=clock.now())

    # then
    assert not Contact.objects.exists()
    assert not Event.objects.exclude(contact=None).exists()
    orders = OrderRecord.objects.order_by("number")
    assert [o.number for o in orders] == ["1", "2", "3", "4"]
    assert {(o.contact_id, o.email, o.saleor_user_id) for o in orders} == {(None, "", "")}
    revenue: dict[str, Decimal] = {}
    for o in orders:
        revenue[o.currency] = revenue.get(o.currency, Decimal(0)) + o.net_revenue
    assert revenue == {"USD": Decimal("58.98"), "EUR": Decimal("75.00")}
    assert CheckoutRecord.objects.get().email == ""
    assert ErasedIdentity.objects.count() == 1
    assert EMAIL not in str(list(ErasedIdentity.objects.values()))


def test_a_new_account_after_erasure_is_a_new_contact(client, key, standin_installation):
    replay(
        client,
        key,
        standin_installation,
        [
            d.customer("CUSTOMER_CREATED", user_id=USER, email=EMAIL, day=0),
            d.customer("CUSTOMER_DELETED", user_id=USER, email=EMAIL, day=1),
            d.customer("CUSTOMER_CREATED", user_id="VXNlcjo5MDI=", email=EMAIL, day=2),
        ],
    )
    erasures_run(now=clock.now())

    contact = Contact.objects.get()
    assert (contact.saleor_user_id, contact.orders_count) == ("VXNlcjo5MDI=", 0)
    assert not ErasedIdentity.objects.exists()
