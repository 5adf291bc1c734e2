"""The backfill against a stand-in that executes the app's documents over stored orders.

Saleor answers a value it cannot serialise with an error at the field's path and nulls the
nearest nullable parent: for a field of an order, the whole ``orders`` connection (``Order``,
its edge and the edges list are non-null in Saleor's schema). Saleor's demo orders have an
empty ``origin``; the app asked for it and imported none of them (issue 14). Here the shop's
seven orders are stored rows as Saleor holds them, with an oddity where a test puts one, and
every page the app asks for is answered as Saleor would answer that document
(``tests/support/standin_errors.py``).
"""

import pytest
from graphql import parse

from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.selectors import CONNECTIONS, droppable
from saleor_mautomation.backfill.services import Outcome
from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.saleor.documents import with_fragments
from tests.backfill.test_backfill import ask_status, backfill, cursor, run_of, shop_orders
from tests.support.order_shapes import order_row
from tests.support.standin_errors import DocumentStandIn, connection_rows

ORDERS = ("orders", "edges", "node")


def stored_orders():
    return [order_row(node) for node in shop_orders()]


@pytest.fixture
def standin(document_standin) -> DocumentStandIn:
    return document_standin


def serve_orders(standin, rows):
    standin.documents["Orders"] = connection_rows("orders", rows)


def orders_asked(standin):
    """Each orders request: its ``after``, ``first`` and whether it asked ``chargeStatus``."""
    return [
        (
            r.json()["variables"]["after"],
            r.json()["variables"]["first"],
            "chargeStatus" in r.json()["query"],
        )
        for r in standin.requests_to("/graphql/")
    ]


STATUS = "{ backfillStatus { resource status done skipped droppedFields error } }"


def test_the_stand_in_answers_an_empty_origin_as_saleor_does(standin):
    # given: the document the app sent before, over demo orders with an empty origin
    rows = stored_orders()
    for row in rows:
        row["origin"] = ""
    document = with_fragments(
        "query Orders($first: Int!, $after: String) { orders(first: $first, after: $after) "
        "{ totalCount pageInfo { hasNextPage endCursor } edges { node { id origin } } } }"
    )

    # when
    status, body = connection_rows("orders", rows)(parse(document), {"first": 3})

    # then: the error of the issue, and nothing of the page (the orders connection is nulled)
    assert status == 200
    assert body["data"] == {"orders": None}
    assert body["errors"][0]["message"] == (
        'Expected a value of type "OrderOriginEnum" but received: '
    )
    assert body["errors"][0]["path"] == ["orders", "edges", 0, "node", "origin"]


def test_the_demos_empty_origin_no_longer_sinks_the_orders_import(standin, standin_installation):
    # given
    rows = stored_orders()
    for row in rows:
        row["origin"] = ""
    serve_orders(standin, rows)

    # when
    outcomes = backfill(standin_installation, resources=["orders"])

    # then
    assert outcomes == {"orders": Outcome.DONE}
    run = run_of(standin_installation, "orders")
    assert (run.status, run.done, run.skipped, run.dropped_fields) == ("done", 7, 0, [])
    assert OrderRecord.objects.count() == 7


def test_a_value_saleor_cannot_serialise_leaves_its_field_out_of_that_page_only(
    standin, standin_installation
):
    # given: the fifth order's charge status is empty (as the demo's origin was)
    rows = stored_orders()
    rows[4]["chargeStatus"] = ""
    serve_orders(standin, rows)

    # when
    outcomes = backfill(standin_installation, resources=["orders"])

    # then: every order imported, the second page asked again without the field, the next
    # page with it again
    assert outcomes == {"orders": Outcome.DONE}
    run = run_of(standin_installation, "orders")
    assert (run.status, run.done, run.skipped, run.error) == ("done", 7, 0, "")
    assert run.dropped_fields == ["chargeStatus"]
    assert OrderRecord.objects.count() == 7
    assert orders_asked(standin) == [
        (None, 3, True),
        (cursor(3), 3, True),
        (cursor(3), 3, False),
        (cursor(6), 3, True),
    ]
    status = ask_status(standin_installation, STATUS)
    assert status.errors is None
    assert status.data["backfillStatus"] == [
        {
            "resource": "ORDERS",
            "status": "DONE",
            "done": 7,
            "skipped": 0,
            "droppedFields": ["chargeStatus"],
            "error": None,
        }
    ]


def test_a_record_saleor_cannot_answer_a_needed_field_for_is_skipped_and_counted(
    standin, standin_installation
):
    # given: the fifth order's status is empty; an order without a status is no order to import
    rows = stored_orders()
    rows[4]["status"] = ""
    serve_orders(standin, rows)

    # when
    outcomes = backfill(standin_installation, resources=["orders"])

    # then: the page ends before it, it is asked alone (without the field, so it does not
    # parse) and skipped, and the import goes on after it
    assert outcomes == {"orders": Outcome.DONE}
    run = run_of(standin_installation, "orders")
    assert (run.status, run.done, run.skipped, run.dropped_fields) == ("done", 7, 1, [])
    assert OrderRecord.objects.count() == 6
    assert not OrderRecord.objects.filter(saleor_id=rows[4]["id"]).exists()
    asked = [
        (r.json()["variables"]["after"], r.json()["variables"]["first"]) for r in standin.requests
    ]
    assert asked == [
        (None, 3),
        (cursor(3), 3),  # fails at its second record
        (cursor(3), 1),  # the record before it
        (cursor(4), 3),  # fails at its first record
        (cursor(4), 1),  # asked alone, without status: skipped
        (cursor(5), 3),
    ]


def test_a_part_saleor_nulls_in_one_record_is_imported_without_it(standin, standin_installation):
    # given: one line's thumbnail fails in Saleor (a nullable field: Saleor nulls it alone)
    rows = stored_orders()

    def thumbnail(info, **arguments):
        raise OSError("thumbnail file missing in the storage")

    rows[1]["lines"][0]["thumbnail"] = thumbnail
    serve_orders(standin, rows)

    # when
    outcomes = backfill(standin_installation, resources=["orders"])

    # then
    assert outcomes == {"orders": Outcome.DONE}
    run = run_of(standin_installation, "orders")
    assert (run.status, run.done, run.skipped) == ("done", 7, 0)
    assert run.dropped_fields == ["lines.thumbnail"]
    assert OrderRecord.objects.count() == 7
    assert len(standin.requests) == 3


def test_a_record_whose_needed_part_saleor_nulls_is_skipped_and_counted(
    standin, standin_installation
):
    # given: the third order's user fails in Saleor (nullable: Saleor nulls it alone); an
    # order imported without its customer would be filed under a guest
    rows = stored_orders()

    def user(info, **arguments):
        raise PermissionError("user row locked")

    rows[2]["user"] = user
    serve_orders(standin, rows)

    # when
    outcomes = backfill(standin_installation, resources=["orders"])

    # then
    assert outcomes == {"orders": Outcome.DONE}
    run = run_of(standin_installation, "orders")
    assert (run.status, run.done, run.skipped, run.dropped_fields) == ("done", 7, 1, [])
    assert OrderRecord.objects.count() == 6
    assert not OrderRecord.objects.filter(saleor_id=rows[2]["id"]).exists()
    assert len(standin.requests) == 3


def test_errors_outside_the_records_still_fail_the_resource(standin, standin_installation):
    # given: Saleor refuses the connection itself (a permission error at ["orders"])
    def refused(document, variables):
        return 200, {
            "data": {"orders": None},
            "errors": [
                {
                    "message": "To access this path, you need one of the following permissions: "
                    "MANAGE_ORDERS",
                    "path": ["orders"],
                    "extensions": {"exception": {"code": "PermissionDenied"}},
                }
            ],
        }

    standin.documents["Orders"] = refused

    # when
    outcomes = backfill(standin_installation, resources=["orders"])

    # then
    assert outcomes == {"orders": Outcome.FAILED}
    run = run_of(standin_installation, "orders")
    assert (run.status, run.done) == (BackfillRun.Status.FAILED, 0)
    assert "MANAGE_ORDERS" in run.error
    assert len(standin.requests) == 1


@pytest.mark.parametrize(
    ("path", "left_out"),
    [
        (("chargeStatus",), "chargeStatus"),
        (("lines", "thumbnail", "url"), "lines.thumbnail"),  # a thumbnail needs its url
        (("lines", "variant", "product", "name"), "lines.variant.product"),
        (("user", "email"), "user.email"),
        (("total", "gross", "amount"), None),  # required up to the order
        (("status",), None),
        (("userEmail",), None),  # kept: who bought
        (("totalRefunded", "amount"), None),  # kept: how much
        (("lines", "id"), None),  # kept: what
    ],
)
def test_a_field_goes_only_where_the_order_can_do_without_it(path, left_out):
    assert droppable(CONNECTIONS["orders"], path) == left_out
