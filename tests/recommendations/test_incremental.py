"""Property: the tables kept current order by order end where a rebuild from the orders ends.

Random sequences of orders (contacts from a small pool or none, products repeated within an
order and across orders, lines without a product, statuses that are and are not purchases),
cancellations of orders counted or not yet counted, and refreshes in between; after a last
refresh, every table must equal what ``recommendations_rebuild`` writes from the same orders.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from saleor_mautomation.recommendations.models import (
    ContactProduct,
    OrderProduct,
    ProductOrders,
    ProductPair,
)
from saleor_mautomation.recommendations.services import (
    recommendations_rebuild,
    recommendations_refresh,
)
from tests.conftest import make_installation
from tests.recommendations import rows

_shops = itertools.count(1)
PRODUCTS = [f"P{i}" for i in range(5)]
STATUSES = ["UNFULFILLED", "FULFILLED", "CANCELED", "DRAFT", "RETURNED"]

LINES = st.lists(
    st.one_of(
        st.builds(
            lambda p, q: rows.line(p, q, f"Category:{int(p[1:]) % 2}"),
            st.sampled_from(PRODUCTS),
            st.integers(1, 3),
        ),
        st.just({"product_id": None, "quantity": 1}),
    ),
    min_size=1,
    max_size=4,
)
ACTIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("order"),
            st.sampled_from([None, 0, 1, 2, 3]),
            LINES,
            st.sampled_from(STATUSES[:2] * 3 + STATUSES),
            st.sampled_from(["default-channel", "de"]),
            st.integers(0, 40),
        ),
        st.tuples(st.just("cancel"), st.integers(0, 30)),
        st.tuples(st.just("cancel"), st.integers(0, 30)),
        st.tuples(st.just("refresh"), st.integers(1, 3)),
    ),
    max_size=25,
)


def tables(installation_id: int) -> dict[str, Any]:
    def of(model: Any, *fields: str) -> list[tuple[Any, ...]]:
        return sorted(model.objects.filter(installation_id=installation_id).values_list(*fields))

    return {
        "ledger": of(
            OrderProduct,
            "order_id",
            "contact_id",
            "channel_slug",
            "day",
            "product_id",
            "category_id",
            "quantity",
        ),
        "owned": of(ContactProduct, "contact_id", "product_id", "orders"),
        "popularity": of(ProductOrders, "product_id", "orders"),
        "pairs": of(ProductPair, "product_id", "other_id", "orders"),
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
@example(
    actions=[
        ("order", 0, [rows.line("P0"), rows.line("P1")], "UNFULFILLED", "default-channel", 0),
        ("order", 0, [rows.line("P2"), rows.line("P1")], "FULFILLED", "default-channel", 1),
        ("order", 1, [rows.line("P2"), rows.line("P0")], "FULFILLED", "de", 1),
        ("refresh", 3),
        ("cancel", 0),
        ("refresh", 1),
    ]
)
def test_incremental_refreshes_equal_a_rebuild(db, actions):
    # given a shop built once, before any order
    installation = make_installation(saleor_api_url=f"https://shop{next(_shops)}.example/graphql/")
    people = [rows.contact(installation) for _ in range(4)]
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)
    orders = []

    # when orders arrive, are cancelled and refreshes count them (in batches of 1 to 3)
    for action in actions:
        if action[0] == "order":
            _, person, lines, status, channel, days = action
            orders.append(
                rows.order(
                    installation,
                    None if person is None else people[person],
                    lines,
                    status=status,
                    channel=channel,
                    placed_at=rows.NOW - timedelta(days=days, hours=days),
                )
            )
        elif action[0] == "cancel" and orders:
            rows.cancelled(orders[action[1] % len(orders)])
        elif action[0] == "refresh":
            recommendations_refresh(installation_id=installation.pk, now=rows.NOW, batch=action[1])
    recommendations_refresh(installation_id=installation.pk, now=rows.NOW)
    incremental = tables(installation.pk)
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)

    # then the tables are the rebuild's
    assert incremental == tables(installation.pk)
