"""Commerce triggers: catalogue events (back in stock, price drop, low stock) recorded as events
on the contacts who viewed or carted the product, consumed once, a failing row alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection

from saleor_mautomation.catalogue.models import CatalogueEvent
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.catalogue_events import (
    Consumed,
    catalogue_events_consume,
    catalogue_events_sweep,
)
from saleor_mautomation.journeys.commerce_triggers import (
    CARTED,
    VIEWED,
    Interest,
    drop_percent,
    interest_days,
    interest_of,
)
from saleor_mautomation.project.celery import app as celery_app
from tests.contacts.factories import make_checkout, make_contact, make_event, make_shop
from tests.journeys.catalogue_rows import make_catalogue_event, make_product

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TEE = "UHJvZHVjdDox"
MUG = "UHJvZHVjdDoy"


@pytest.fixture
def shop(db):
    return make_shop("linden")


def triggered(type_):
    return list(
        Event.objects.filter(type=type_)
        .order_by("contact_id")
        .values_list("contact_id", "occurred_at", "dedupe_key", "source", "properties")
    )


def viewed(contact, product_id, at, **properties):
    return make_event(
        contact, "product.viewed", at, properties={"product_id": product_id, **properties}
    )


# -- pure rules ---------------------------------------------------------------------------------


def test_interest_days_round_up_so_the_last_n_days_is_at_most_n():
    assert interest_days(NOW, NOW) == 0
    assert interest_days(NOW - timedelta(hours=6), NOW) == 1
    assert interest_days(NOW - timedelta(days=7), NOW) == 7
    assert interest_days(NOW - timedelta(days=7, seconds=1), NOW) == 8


def test_drop_percent_from_the_event_or_the_prices_and_none_for_a_rise_or_junk():
    assert drop_percent({"old": "20.00", "new": "15.00", "drop_percent": "25.0"}) == 25.0
    assert drop_percent({"old": "30.00", "new": "20.00"}) == 33.3
    assert drop_percent({"old": "20.00", "new": "25.00"}) is None
    assert drop_percent({"old": "0", "new": "0"}) is None
    assert drop_percent({"old": "twenty"}) is None
    assert drop_percent({}) is None


def test_interest_of_takes_the_newest_moment_carted_over_viewed_and_the_newest_named_channel():
    rows = [
        ("product.viewed", NOW - timedelta(days=1), ""),
        ("cart.added", NOW - timedelta(days=3), "eu"),
        ("product.viewed", NOW - timedelta(days=2), "us"),
    ]
    assert interest_of(rows) == Interest(at=NOW - timedelta(days=1), kind=CARTED, channel="us")
    assert interest_of(rows[:1]) == Interest(at=NOW - timedelta(days=1), kind=VIEWED, channel="")
    assert interest_of([]) is None


# -- back in stock ------------------------------------------------------------------------------


def test_back_in_stock_is_recorded_on_viewers_and_carters_in_the_window_who_did_not_buy_it(
    shop, time_machine
):
    # given
    time_machine.move_to(NOW, tick=False)
    tee = make_product(shop, TEE, "Monospace Tee", quantity=3, at=NOW)
    viewer, carter, checkout, old, other, bought, again = (make_contact(shop) for _ in range(7))
    viewed(viewer, TEE, NOW - timedelta(days=3, hours=2))
    make_event(carter, "cart.added", NOW - timedelta(days=10), properties={"product_id": TEE})
    make_event(
        checkout,
        "checkout.updated",
        NOW - timedelta(hours=5),
        properties={"product_ids": [MUG, TEE], "channel": "default-channel"},
    )
    viewed(old, TEE, NOW - timedelta(days=31))
    viewed(other, MUG, NOW - timedelta(days=1))
    viewed(bought, TEE, NOW - timedelta(days=5))
    make_event(bought, "order.placed", NOW - timedelta(days=4), properties={"product_ids": [TEE]})
    make_event(again, "order.placed", NOW - timedelta(days=9), properties={"product_ids": [TEE]})
    viewed(again, TEE, NOW - timedelta(days=2))
    event = make_catalogue_event(
        tee, "back_in_stock", at=NOW - timedelta(minutes=1), quantity=3, previous=0
    )

    # when
    consumed = catalogue_events_consume(installation_id=shop.pk)

    # then
    assert consumed == Consumed(processed=1, recorded=4, failed=0)
    base = {
        "product_id": TEE,
        "variant_id": f"{TEE}-V",
        "product_name": "Monospace Tee",
        "variant_name": "M",
    }
    at = NOW - timedelta(minutes=1)
    assert triggered("product.back_in_stock") == [
        (
            viewer.pk,
            at,
            f"product.back_in_stock:{event.pk}:{viewer.pk}",
            "catalogue",
            base | {"channel": "", "interest": "viewed", "interest_days": 4},
        ),
        (
            carter.pk,
            at,
            f"product.back_in_stock:{event.pk}:{carter.pk}",
            "catalogue",
            base | {"channel": "", "interest": "carted", "interest_days": 10},
        ),
        (
            checkout.pk,
            at,
            f"product.back_in_stock:{event.pk}:{checkout.pk}",
            "catalogue",
            base | {"channel": "default-channel", "interest": "carted", "interest_days": 1},
        ),
        (
            again.pk,
            at,
            f"product.back_in_stock:{event.pk}:{again.pk}",
            "catalogue",
            base | {"channel": "", "interest": "viewed", "interest_days": 2},
        ),
    ]
    event.refresh_from_db()
    assert event.processed_at == NOW


def test_a_consumed_event_is_not_applied_again_and_a_replay_records_nothing_twice(
    shop, time_machine
):
    # given
    time_machine.move_to(NOW, tick=False)
    tee = make_product(shop, TEE, "Monospace Tee", at=NOW)
    viewed(make_contact(shop), TEE, NOW - timedelta(days=1))
    event = make_catalogue_event(tee, "back_in_stock", at=NOW)
    assert catalogue_events_consume(installation_id=shop.pk) == Consumed(1, 1, 0)

    # when: consumed again, and the row made pending again (a consumer that died after
    # recording, before its commit could not leave this state; a hand-made replay can)
    again = catalogue_events_consume(installation_id=shop.pk)
    CatalogueEvent.objects.filter(pk=event.pk).update(processed_at=None)
    replayed = catalogue_events_consume(installation_id=shop.pk)

    # then
    assert again == Consumed(0, 0, 0)
    assert replayed == Consumed(1, 0, 0)
    assert Event.objects.filter(type="product.back_in_stock").count() == 1


def test_out_of_stock_and_events_older_than_two_days_are_processed_without_triggers(
    shop, time_machine
):
    # given
    time_machine.move_to(NOW, tick=False)
    tee = make_product(shop, TEE, "Monospace Tee", at=NOW)
    viewed(make_contact(shop), TEE, NOW - timedelta(days=3))
    out = make_catalogue_event(tee, "out_of_stock", at=NOW, quantity=0, previous=2)
    stale = make_catalogue_event(tee, "back_in_stock", at=NOW - timedelta(days=2, seconds=1))

    # when
    consumed = catalogue_events_consume(installation_id=shop.pk)

    # then
    assert consumed == Consumed(processed=2, recorded=0, failed=0)
    assert not Event.objects.filter(source="catalogue").exists()
    assert set(
        CatalogueEvent.objects.filter(pk__in=[out.pk, stale.pk]).values_list(
            "processed_at", flat=True
        )
    ) == {NOW}


# -- price drop ---------------------------------------------------------------------------------


def test_price_drop_reaches_interested_contacts_in_the_dropped_channel_only(shop, time_machine):
    # given: the tee sold in two channels, cheaper now in default-channel
    time_machine.move_to(NOW, tick=False)
    tee = make_product(shop, TEE, "Monospace Tee", channels=("default-channel", "eu"), at=NOW)
    here, there, by_checkout, unknown = (make_contact(shop) for _ in range(4))
    viewed(here, TEE, NOW - timedelta(days=2), channel="default-channel")
    viewed(there, TEE, NOW - timedelta(days=2), channel="eu")
    viewed(by_checkout, TEE, NOW - timedelta(days=6))
    make_checkout(
        by_checkout, channel_slug="default-channel", last_change_at=NOW - timedelta(days=20)
    )
    viewed(unknown, TEE, NOW - timedelta(days=1))
    event = make_catalogue_event(
        tee,
        "price_drop",
        at=NOW,
        channel="default-channel",
        old="20.00",
        new="15.00",
        currency="USD",
        drop_percent="25.0",
    )

    # when
    consumed = catalogue_events_consume(installation_id=shop.pk)

    # then: a contact with no channel known is not told of a drop in one of two channels
    assert consumed == Consumed(processed=1, recorded=2, failed=0)
    prices = {"old_price": "20.00", "new_price": "15.00", "currency": "USD", "drop_percent": 25.0}
    rows = triggered("product.price_dropped")
    assert [(row[0], row[2], row[4]) for row in rows] == [
        (
            here.pk,
            f"product.price_dropped:{event.pk}:{here.pk}",
            {
                "product_id": TEE,
                "variant_id": f"{TEE}-V",
                "product_name": "Monospace Tee",
                "variant_name": "M",
                "channel": "default-channel",
                "interest": "viewed",
                "interest_days": 2,
            }
            | prices,
        ),
        (
            by_checkout.pk,
            f"product.price_dropped:{event.pk}:{by_checkout.pk}",
            {
                "product_id": TEE,
                "variant_id": f"{TEE}-V",
                "product_name": "Monospace Tee",
                "variant_name": "M",
                "channel": "default-channel",
                "interest": "viewed",
                "interest_days": 6,
            }
            | prices,
        ),
    ]


def test_price_drop_of_a_product_sold_in_one_channel_reaches_contacts_of_no_known_channel(
    shop, time_machine
):
    # given
    time_machine.move_to(NOW, tick=False)
    tee = make_product(shop, TEE, "Monospace Tee", at=NOW)
    unknown = make_contact(shop)
    viewed(unknown, TEE, NOW - timedelta(days=1))
    make_catalogue_event(
        tee, "price_drop", at=NOW, channel="default-channel", old="20.00", new="18.00"
    )
    rise = make_catalogue_event(
        tee, "price_drop", at=NOW, channel="default-channel", old="18.00", new="19.00"
    )

    # when
    consumed = catalogue_events_consume(installation_id=shop.pk)

    # then: the drop computed from the prices (10 %); a price rise triggers nothing
    assert consumed == Consumed(processed=2, recorded=1, failed=0)
    ((contact_id, _, _, _, properties),) = triggered("product.price_dropped")
    assert (contact_id, properties["drop_percent"], properties["channel"]) == (
        unknown.pk,
        10.0,
        "default-channel",
    )
    rise.refresh_from_db()
    assert rise.processed_at == NOW


# -- low stock ----------------------------------------------------------------------------------


def test_low_stock_reaches_only_contacts_who_carted_the_product(shop, time_machine):
    # given
    time_machine.move_to(NOW, tick=False)
    tee = make_product(shop, TEE, "Monospace Tee", quantity=2, at=NOW)
    carter, viewer = make_contact(shop), make_contact(shop)
    make_event(
        carter,
        "cart.added",
        NOW - timedelta(hours=30),
        properties={"product_id": TEE, "channel": "default-channel"},
    )
    viewed(viewer, TEE, NOW - timedelta(hours=1))
    event = make_catalogue_event(tee, "stock_low", at=NOW, quantity=2, previous=6)

    # when
    consumed = catalogue_events_consume(installation_id=shop.pk)

    # then
    assert consumed == Consumed(processed=1, recorded=1, failed=0)
    assert triggered("product.stock_low") == [
        (
            carter.pk,
            NOW,
            f"product.stock_low:{event.pk}:{carter.pk}",
            "catalogue",
            {
                "product_id": TEE,
                "variant_id": f"{TEE}-V",
                "product_name": "Monospace Tee",
                "variant_name": "M",
                "channel": "default-channel",
                "interest": "carted",
                "interest_days": 2,
                "quantity": 2,
            },
        )
    ]


# -- isolation and scheduling -------------------------------------------------------------------


@pytest.fixture
def refused_product(db):
    """PostgreSQL refuses every trigger event about the product ``UHJvZHVjdDpCQUQ=`` (a stand-in
    for a row whose writes fail: a constraint, a full disk), in the database, not in the app."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_bad_product() RETURNS trigger AS $$
            BEGIN
                IF NEW.source = 'catalogue'
                   AND NEW.properties->>'product_id' = 'UHJvZHVjdDpCQUQ=' THEN
                    RAISE EXCEPTION 'refused for the test';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER refuse_bad_product BEFORE INSERT ON mautomation_event
            FOR EACH ROW EXECUTE FUNCTION refuse_bad_product();
            """
        )
    return "UHJvZHVjdDpCQUQ="


def test_a_failing_row_is_undone_alone_left_pending_and_the_rows_after_it_go_on(
    shop, time_machine, refused_product
):
    # given
    time_machine.move_to(NOW, tick=False)
    bad = make_product(shop, refused_product, "Broken Tee", at=NOW)
    tee = make_product(shop, TEE, "Monospace Tee", at=NOW)
    first, second = make_contact(shop), make_contact(shop)
    for contact in (first, second):
        viewed(contact, refused_product, NOW - timedelta(days=1))
        viewed(contact, TEE, NOW - timedelta(days=1))
    failing = make_catalogue_event(bad, "back_in_stock", at=NOW)
    fine = make_catalogue_event(tee, "back_in_stock", at=NOW)

    # when
    consumed = catalogue_events_consume(installation_id=shop.pk)

    # then
    assert consumed == Consumed(processed=1, recorded=2, failed=1)
    assert sorted(
        Event.objects.filter(source="catalogue").values_list("contact_id", "properties__product_id")
    ) == [(first.pk, TEE), (second.pk, TEE)]
    failing.refresh_from_db()
    fine.refresh_from_db()
    assert (failing.processed_at, fine.processed_at) == (None, NOW)


def test_the_scheduler_sweeps_every_active_installation_on_the_journeys_queue(shop, time_machine):
    # given
    time_machine.move_to(NOW, tick=False)
    other = make_shop("birch")
    for installation in (shop, other):
        tee = make_product(installation, TEE, "Monospace Tee", at=NOW)
        viewed(make_contact(installation), TEE, NOW - timedelta(days=1))
        make_catalogue_event(tee, "back_in_stock", at=NOW)
    entry = settings.CELERY_BEAT_SCHEDULE["journeys-commerce-triggers"]

    # when
    result = celery_app.tasks[str(entry["task"])]()

    # then
    assert result == {"processed": 2, "recorded": 2, "failed": 0}
    assert entry["task"] == catalogue_events_sweep.name
    assert celery_app.amqp.router.route({}, entry["task"])["queue"].name == "journeys"
    assert set(
        Event.objects.filter(type="product.back_in_stock").values_list("installation_id", flat=True)
    ) == {shop.pk, other.pk}
