"""Events of a drained batch: written together when the batch ends, exactly as one by one."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.events.changes import changes_collect
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.services import event_add, events_batched, events_move
from tests.contacts.factories import make_contact, make_shop

AT = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def shop(db):
    return make_shop("shop")


def add(shop, contact, type, key, **properties):
    event_add(
        installation_id=shop.pk,
        contact_id=contact.pk if contact else None,
        type=type,
        occurred_at=AT,
        source="saleor",
        dedupe_key=f"{type}:{key}",
        properties=properties,
    )


def test_events_are_written_in_one_statement_when_the_block_ends(shop):
    ada = make_contact(shop, email="ada@example.com")
    bob = make_contact(shop, email="bob@example.com")

    with transaction.atomic(), events_batched():
        with CaptureQueriesContext(connection) as during:
            add(shop, ada, "order.placed", "1", total="10.00")
            add(shop, bob, "order.placed", "2")
            add(shop, None, "order.placed", "3")
        assert during.captured_queries == []
        assert not Event.objects.exists()

    rows = Event.objects.order_by("dedupe_key")
    assert [(e.contact_id, e.dedupe_key, e.properties) for e in rows] == [
        (ada.pk, "order.placed:1", {"total": "10.00"}),
        (bob.pk, "order.placed:2", {}),
        (None, "order.placed:3", {}),
    ]
    assert rows[0].occurred_at == AT


def test_a_key_seen_before_or_twice_in_the_batch_is_written_once_and_noted_once(shop):
    ada = make_contact(shop, email="ada@example.com")
    add(shop, ada, "order.paid", "1")  # outside a batch: written at once

    with transaction.atomic(), changes_collect() as changes, events_batched():
        add(shop, ada, "order.paid", "1")
        add(shop, ada, "order.placed", "2")
        add(shop, ada, "order.placed", "2")

    assert sorted(Event.objects.values_list("dedupe_key", flat=True)) == [
        "order.paid:1",
        "order.placed:2",
    ]
    # only the new event is news for segments and journeys
    assert changes == {ada.pk: {"event:order.placed"}}


def test_an_error_in_the_block_writes_nothing(shop):
    ada = make_contact(shop, email="ada@example.com")

    def failing_batch():
        with transaction.atomic(), events_batched():
            add(shop, ada, "order.placed", "1")
            raise RuntimeError("a handler failed")

    with pytest.raises(RuntimeError):
        failing_batch()

    assert not Event.objects.exists()


def test_a_merge_in_the_batch_moves_the_events_still_waiting(shop):
    guest, customer = (
        make_contact(shop, email="guest@example.com"),
        make_contact(shop, email="ada@example.com"),
    )

    with transaction.atomic(), events_batched():
        add(shop, guest, "order.placed", "1")
        events_move(from_contact_id=guest.pk, to_contact_id=customer.pk)
        guest.delete()

    assert list(Event.objects.values_list("contact_id", "dedupe_key")) == [
        (customer.pk, "order.placed:1")
    ]
