"""A page Saleor answered whole is parsed from its body in one pass (``_page_whole``); anything
else is taken apart node by node (``_page``). Both must give the same nodes."""

import copy

from saleor_mautomation.backfill.selectors import page_fetch
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.services import saleor_client
from tests.backfill.test_backfill import cursor, paged, shop_orders


def test_a_whole_page_and_one_taken_apart_give_the_same_nodes(standin, standin_installation):
    # given: the same seven orders, and again with the fourth missing its required ``created``
    standin.answers["Orders"] = paged("orders-page", "orders", shop_orders())
    client = saleor_client(standin_installation)

    # when
    whole = page_fetch(client, "orders", after=None, page_size=100)
    broken = copy.deepcopy(shop_orders())
    del broken[3]["created"]
    standin.answers["Orders"] = paged("orders-page", "orders", broken)
    apart = page_fetch(client, "orders", after=None, page_size=100)

    # then
    assert (whole.invalid, whole.total, whole.end_cursor, whole.has_next) == (
        0,
        7,
        cursor(7),
        False,
    )
    assert (apart.invalid, apart.total, apart.end_cursor, apart.has_next) == (
        1,
        7,
        cursor(7),
        False,
    )
    orders = [node for node in whole.nodes if isinstance(node, payloads.Order)]
    assert [order.id for order in orders] == [node["id"] for node in shop_orders()]
    assert apart.nodes == whole.nodes[:3] + whole.nodes[4:]
    # A JSON number is the Decimal it spells, as in a webhook's body: 90.0 is 90.
    assert [str(line.unit_price and line.unit_price.gross.amount) for line in orders[0].lines] == [
        "90",
        "80",
        "30",
        "90",
    ]
