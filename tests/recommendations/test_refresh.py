"""The refresh that keeps recommendations current: orders stored by webhooks and in bulk are
counted by the next refresh (through the scheduler's task), a cancellation takes its order
back, and a row committed late is counted within the look-back margin."""

from __future__ import annotations

import pytest

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.recommendations import recommendations_refresh_task
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.recommendations.models import (
    ContactProduct,
    OrderProduct,
    ProductOrders,
    ProductPair,
    RecommendationState,
)
from saleor_mautomation.recommendations.services import (
    LOOKBACK,
    recommendations_rebuild,
    recommendations_refresh,
)
from tests.conftest import make_installation
from tests.recommendations import rows
from tests.support import deliveries
from tests.support.keys import signing_key

# The captured ORDER_CREATED's two products (its lines' variants' products).
JUICE, SODA = "UHJvZHVjdDoxNTI=", "UHJvZHVjdDoxMzQ="


@pytest.fixture
def installation(db):
    return make_installation(
        saleor_api_url="https://shop.example/graphql/",
        jwks={"keys": [signing_key(0).public_jwk]},
    )


def deliver(installation, minted):
    delivery_receive(
        saleor_api_url=installation.saleor_api_url,
        event=minted.event,
        signature=signing_key(0).sign_webhook(minted.body),
        body=minted.body,
        on_stored=lambda: None,
    )
    deliveries_drain(batch_size=10, max_batches=5, max_attempts=3)


def minted_order(event, status):
    return deliveries.order(
        event,
        order_id="T3JkZXI6OTk=",
        number="99",
        user_id="VXNlcjo0Ng==",
        email="jane@example.com",
        placed=0,
        day=1 if status == "CANCELED" else 0,
        status=status,
    )


def test_a_webhooks_order_is_counted_then_taken_back_when_cancelled(installation):
    # given an order delivered by Saleor
    deliver(installation, minted_order("ORDER_CREATED", "UNFULFILLED"))
    order = OrderRecord.objects.get(installation=installation)

    # when the scheduler's refresh runs (the first rebuilds)
    counted = recommendations_refresh_task(installation.pk)

    # then its two products, the pair and Jane's purchases are counted
    assert counted == {"counted": 1, "taken_back": 0}
    assert sorted(
        OrderProduct.objects.filter(order=order).values_list("product_id", "category_id")
    ) == [(SODA, "Q2F0ZWdvcnk6Juices"), (JUICE, "Q2F0ZWdvcnk6Juices")]
    assert sorted(ProductPair.objects.values_list("product_id", "other_id", "orders")) == [
        (SODA, JUICE, 1),
        (JUICE, SODA, 1),
    ]
    assert ContactProduct.objects.filter(contact=order.contact).count() == 2

    # when Saleor cancels it and the next refresh runs
    deliver(installation, minted_order("ORDER_CANCELLED", "CANCELED"))
    taken = recommendations_refresh_task(installation.pk)

    # then nothing of it is left
    assert taken == {"counted": 0, "taken_back": 1}
    for model in (OrderProduct, ContactProduct, ProductOrders, ProductPair):
        assert not model.objects.filter(installation=installation).exists(), model


def test_orders_written_in_bulk_are_counted_by_the_next_refresh(installation):
    # given a built installation, then a backfill page's orders written in one statement
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)
    person = rows.contact(installation)
    OrderRecord.objects.bulk_create([_unsaved(installation, person, n) for n in range(3)])

    # when the refresh runs
    refreshed = recommendations_refresh(installation_id=installation.pk, now=rows.NOW)

    # then all three are counted, once
    assert (refreshed.counted, refreshed.taken_back) == (3, 0)
    assert dict(ProductOrders.objects.values_list("product_id", "orders")) == {"A": 3, "B": 3}
    assert recommendations_refresh(installation_id=installation.pk, now=rows.NOW).counted == 0


def _unsaved(installation, person, n):
    return OrderRecord(
        installation=installation,
        saleor_id=f"Bulk:{n}",
        number=str(n),
        contact=person,
        status="UNFULFILLED",
        channel_slug="default-channel",
        currency="USD",
        lines=[rows.line("A"), rows.line("B")],
        placed_at=rows.NOW,
        source_updated_at=rows.NOW,
    )


def test_an_order_committed_late_is_counted_within_the_margin(installation):
    # given two orders the refresh has not seen, and a watermark already past both (as when
    # higher ids committed first): one within the margin, one beyond it
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)
    near = rows.order(installation, None, [rows.line("Near")])
    far = rows.order(installation, None, [rows.line("Far")])
    RecommendationState.objects.filter(installation=installation).update(
        orders_seen=far.pk + LOOKBACK
    )
    OrderRecord.objects.filter(pk=near.pk).update(id=far.pk + 1)  # the late one, in the margin
    OrderRecord.objects.filter(pk=far.pk).update(id=far.pk - LOOKBACK)

    # when the refresh runs, then the rebuild
    counted = recommendations_refresh(installation_id=installation.pk, now=rows.NOW).counted
    after_refresh = set(OrderProduct.objects.values_list("product_id", flat=True))
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)

    # then the refresh counts the one in the margin, the nightly rebuild the other too
    assert (counted, after_refresh) == (1, {"Near"})
    assert set(OrderProduct.objects.values_list("product_id", flat=True)) == {"Near", "Far"}


def test_a_refresh_of_an_installation_gone_does_nothing(db):
    assert recommendations_refresh_task(10**9) == {"counted": 0, "taken_back": 0}


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_leaves_its_tables_vacuumed_for_index_only_reads():
    # given a shop with an order of two products, outside any transaction (as the nightly
    # task runs)
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's; SQLite's rebuild vacuums nothing")
    shop = make_installation(saleor_api_url="https://vacuum.example/graphql/")
    buyer = rows.contact(shop)
    rows.order(shop, buyer, [rows.line("Tee"), rows.line("Socks")])

    def vacuums() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, vacuum_count FROM pg_stat_user_tables WHERE relname IN "
                "('mautomation_productpair', 'mautomation_productorders', "
                "'mautomation_contactproduct', 'mautomation_orderproduct')"
            )
            return dict(cursor.fetchall())

    before = vacuums()

    # when it is rebuilt
    recommendations_rebuild(installation_id=shop.pk, now=rows.NOW)

    # then the tables a look-up reads were vacuumed once each (the ledger is left to
    # autovacuum), and hold the rebuild's rows
    after = vacuums()
    assert {name: after[name] - before[name] for name in after} == {
        "mautomation_productpair": 1,
        "mautomation_productorders": 1,
        "mautomation_contactproduct": 1,
        "mautomation_orderproduct": 0,
    }
    assert ProductPair.objects.filter(installation=shop).count() == 2
