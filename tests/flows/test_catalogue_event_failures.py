"""A catalogue event whose triggers keep failing: tried again after a growing wait, given up
after ``MAX_ATTEMPTS`` tries and listed with the Dashboard's failures (PostgreSQL), where it
is retried or discarded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection

from saleor_mautomation.catalogue.models import CatalogueEvent
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.catalogue_events import (
    MAX_ATTEMPTS,
    Consumed,
    catalogue_events_consume,
)
from tests.contacts.factories import make_contact, make_event, make_signed_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_failures import DISCARD, RETRY, gid
from tests.journeys.catalogue_rows import make_catalogue_event, make_product
from tests.journeys.test_commerce_triggers import refused_product as refused_product

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FAILURES = """query F($kind: FailureKind!) {
  failures(kind: $kind, first: 10) {
    edges { node { id kind error attempts at summary retryable } }
    totalCount
  }
  failureCounts { deliveries runs messages catalogueEvents }
}"""


def failing_event(installation, product_id):
    product = make_product(installation, product_id, "Broken Tee", at=NOW)
    contact = make_contact(installation)
    make_event(
        contact, "product.viewed", NOW - timedelta(days=1), properties={"product_id": product_id}
    )
    return make_catalogue_event(product, "back_in_stock", at=NOW)


def tries(event):
    event.refresh_from_db()
    return (event.attempts, event.retry_at, event.failed_at, event.processed_at)


def exhaust(time_machine, installation, event):
    """Sweep at each moment the row is due until it is given up; the moments swept."""
    at, swept = event.retry_at or NOW, []
    while event.failed_at is None:
        time_machine.move_to(at, tick=False)
        catalogue_events_consume(installation_id=installation.pk)
        swept.append(at)
        event.refresh_from_db()
        at = event.retry_at or at
    return swept


def test_a_failing_row_waits_longer_after_each_try_then_is_given_up(time_machine, refused_product):
    # given
    time_machine.move_to(NOW, tick=False)
    shop = make_signed_shop("linden", now=NOW)
    event = failing_event(shop, refused_product)

    # when: the first try, a sweep before the wait is over, a sweep once it is
    first = catalogue_events_consume(installation_id=shop.pk)
    after_first = tries(event)
    time_machine.move_to(NOW + timedelta(seconds=59), tick=False)
    early = catalogue_events_consume(installation_id=shop.pk)
    time_machine.move_to(NOW + timedelta(minutes=1), tick=False)
    second = catalogue_events_consume(installation_id=shop.pk)

    # then
    assert (first, early, second) == (Consumed(0, 0, 1), Consumed(0, 0, 0), Consumed(0, 0, 1))
    assert after_first == (1, NOW + timedelta(minutes=1), None, None)
    assert tries(event) == (2, NOW + timedelta(minutes=3), None, None)
    assert event.last_error == (
        "ProgrammingError: refused for the test\n"
        "CONTEXT:  PL/pgSQL function refuse_bad_product() line 5 at RAISE"
    )

    # when: swept at each moment it is due until the last try
    swept = exhaust(time_machine, shop, event)
    given_up = NOW + timedelta(minutes=15)
    time_machine.move_to(given_up + timedelta(days=1), tick=False)
    later = catalogue_events_consume(installation_id=shop.pk)

    # then: 1, 2, 4 and 8 minutes apart, given up at the fifth, never tried again
    assert MAX_ATTEMPTS == 5
    assert swept == [NOW + timedelta(minutes=m) for m in (3, 7, 15)]
    assert tries(event) == (5, None, given_up, None)
    assert later == Consumed(0, 0, 0)
    assert not Event.objects.filter(source="catalogue").exists()


def test_a_row_given_up_is_listed_with_the_failures_of_its_shop_only(
    client, time_machine, refused_product
):
    # given
    time_machine.move_to(NOW, tick=False)
    shop, other = make_signed_shop("linden", now=NOW), make_signed_shop("birch", now=NOW)
    event = failing_event(shop, refused_product)
    failing_event(other, refused_product)
    exhaust(time_machine, shop, event)

    # when
    listed = ask(client, shop, FAILURES, kind="CATALOGUE_EVENT")["data"]
    elsewhere = ask(client, other, FAILURES, kind="CATALOGUE_EVENT")["data"]

    # then
    assert listed["failures"] == {
        "edges": [
            {
                "node": {
                    "id": gid("CatalogueEvent", event.pk),
                    "kind": "CATALOGUE_EVENT",
                    "error": event.last_error,
                    "attempts": 5,
                    "at": (NOW + timedelta(minutes=15)).isoformat(),
                    "summary": f"back_in_stock of product {refused_product}",
                    "retryable": True,
                }
            }
        ],
        "totalCount": 1,
    }
    assert listed["failureCounts"] == {
        "deliveries": 0,
        "runs": 0,
        "messages": 0,
        "catalogueEvents": 1,
    }
    # the other shop's row had one try (at NOW) and is not given up
    assert elsewhere["failures"] == {"edges": [], "totalCount": 0}
    assert elsewhere["failureCounts"]["catalogueEvents"] == 0


def test_a_row_retried_once_its_cause_is_gone_is_applied_by_the_next_sweep(
    client, time_machine, refused_product
):
    # given
    time_machine.move_to(NOW, tick=False)
    shop = make_signed_shop("linden", now=NOW)
    event = failing_event(shop, refused_product)
    exhaust(time_machine, shop, event)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_bad_product ON mautomation_event")

    # when
    retried = ask(client, shop, RETRY, kind="CATALOGUE_EVENT", id=gid("CatalogueEvent", event.pk))
    consumed = catalogue_events_consume(installation_id=shop.pk)

    # then
    assert retried == {"data": {"retryFailure": {"retried": True}}}
    assert consumed == Consumed(processed=1, recorded=1, failed=0)
    assert tries(event)[:3] == (0, None, None)
    assert event.processed_at is not None
    assert Event.objects.filter(type="product.back_in_stock").count() == 1


def test_a_discarded_row_leaves_the_list_and_is_not_tried_again(
    client, time_machine, refused_product
):
    # given
    time_machine.move_to(NOW, tick=False)
    shop, other = make_signed_shop("linden", now=NOW), make_signed_shop("birch", now=NOW)
    event = failing_event(shop, refused_product)
    exhaust(time_machine, shop, event)
    given_up = event.failed_at

    # when: another shop's discard is refused, then this shop's
    refused = ask(
        client, other, DISCARD, kind="CATALOGUE_EVENT", id=gid("CatalogueEvent", event.pk)
    )
    kept = tries(event)
    discarded = ask(
        client, shop, DISCARD, kind="CATALOGUE_EVENT", id=gid("CatalogueEvent", event.pk)
    )

    # then
    assert refused["data"] is None or refused["data"]["discardFailure"] is None
    assert kept == (5, None, given_up, None)
    assert discarded == {"data": {"discardFailure": {"discarded": True}}}
    assert tries(event) == (5, None, given_up, NOW + timedelta(minutes=15))
    listed = ask(client, shop, FAILURES, kind="CATALOGUE_EVENT")["data"]
    assert listed["failures"]["totalCount"] == 0
    assert catalogue_events_consume(installation_id=shop.pk) == Consumed(0, 0, 0)
    assert CatalogueEvent.objects.get(pk=event.pk).last_error == event.last_error
