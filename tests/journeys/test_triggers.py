"""Derived triggers: abandoned checkouts and browsing, lapsed customers, spend thresholds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from saleor_mautomation.commerce.models import CheckoutRecord
from saleor_mautomation.contacts.config import contacts_config, contacts_config_clear_cache
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows import tasks
from saleor_mautomation.flows.tasks import triggers_sweep_task
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.triggers import (
    Lapse,
    SweepCounts,
    amount_text,
    browse_abandon,
    checkout_facts,
    checkouts_abandon,
    customers_lapse,
    lapse_of,
    median_gap_days,
    spend_thresholds_cross,
    triggers_sweep,
)
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import (
    make_checkout,
    make_contact,
    make_event,
    make_order,
    make_shop,
    make_spend,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CHANGED = NOW - timedelta(hours=2)
LINES = [
    {"product_id": "UHJvZHVjdDox", "category_id": "Q2F0ZWdvcnk6MQ==", "quantity": 2},
    {"product_id": "UHJvZHVjdDoy", "category_id": "Q2F0ZWdvcnk6MQ==", "quantity": 1},
]


def derived(type_):
    return list(
        Event.objects.filter(type=type_)
        .order_by("occurred_at", "pk")
        .values_list("contact_id", "occurred_at", "dedupe_key", "properties", "source")
    )


def cart(contact, **fields):
    fields.setdefault("lines", LINES)
    fields.setdefault("last_change_at", CHANGED)
    fields.setdefault("total", Decimal("42.5000"))
    return make_checkout(contact, **fields)


def abandon_key(checkout):
    return f"checkout.abandoned:{checkout.saleor_id}:{checkout.last_change_at.isoformat()}"


# -- checkout.abandoned ---------------------------------------------------------------------


def test_a_quiet_checkout_is_abandoned_once_with_its_facts(db):
    # given
    shop = make_shop("a")
    contact = make_contact(shop)
    checkout = cart(contact)

    # when
    first = checkouts_abandon(installation_id=shop.pk, now=NOW)
    again = checkouts_abandon(installation_id=shop.pk, now=NOW + timedelta(minutes=5))

    # then
    assert (first, again) == (1, 0)
    assert derived("checkout.abandoned") == [
        (
            contact.pk,
            CHANGED + timedelta(minutes=60),
            abandon_key(checkout),
            {
                "checkout_id": checkout.saleor_id,
                "channel": "default-channel",
                "currency": "USD",
                "total": "42.5",
                "lines": 3,
                "product_ids": ["UHJvZHVjdDox", "UHJvZHVjdDoy"],
                "category_ids": ["Q2F0ZWdvcnk6MQ=="],
                "token": checkout.token,
            },
            "triggers",
        )
    ]


@pytest.mark.parametrize(
    ("quiet_since", "expected"),
    [
        (timedelta(minutes=59, seconds=59), 0),
        (timedelta(minutes=60), 1),
        (timedelta(minutes=61), 1),
        (timedelta(days=7), 1),
        (timedelta(days=7, seconds=1), 0),
    ],
)
def test_a_checkout_is_abandoned_after_the_quiet_time_and_within_seven_days(
    db, quiet_since, expected
):
    # given
    shop = make_shop("a")
    cart(make_contact(shop), last_change_at=NOW - quiet_since)

    # when
    recorded = checkouts_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == expected
    assert Event.objects.filter(type="checkout.abandoned").count() == expected


def test_the_quiet_time_is_an_argument(db):
    # given: quiet for 20 minutes
    shop = make_shop("a")
    cart(make_contact(shop), last_change_at=NOW - timedelta(minutes=20))

    # when
    default = checkouts_abandon(installation_id=shop.pk, now=NOW)
    short = checkouts_abandon(installation_id=shop.pk, now=NOW, quiet_for=timedelta(minutes=15))

    # then
    assert (default, short) == (0, 1)
    assert derived("checkout.abandoned")[0][1] == NOW - timedelta(minutes=5)


@pytest.mark.parametrize(
    "fields",
    [
        {"lines": []},
        {"email": ""},
        {"completed_at": CHANGED + timedelta(minutes=1)},
    ],
    ids=["no lines", "no email", "completed"],
)
def test_a_checkout_without_lines_email_or_already_completed_is_not_abandoned(db, fields):
    # given
    shop = make_shop("a")
    cart(make_contact(shop), **fields)

    # when
    recorded = checkouts_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == 0
    assert not Event.objects.exists()


def test_a_checkout_without_a_contact_is_not_abandoned(db):
    # given
    shop = make_shop("a")
    checkout = cart(make_contact(shop))
    CheckoutRecord.objects.filter(pk=checkout.pk).update(contact=None)

    # when
    recorded = checkouts_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == 0
    assert not Event.objects.exists()


def test_a_checkout_that_became_an_order_is_not_abandoned(db):
    # given: the order arrived, the checkout record was not marked completed (yet)
    shop = make_shop("a")
    contact = make_contact(shop)
    checkout = cart(contact)
    make_order(contact, checkout_saleor_id=checkout.saleor_id, placed_at=CHANGED)

    # when
    recorded = checkouts_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == 0
    assert not Event.objects.filter(type="checkout.abandoned").exists()


def test_a_checkout_changed_again_later_is_abandoned_again(db):
    # given: abandoned once
    shop = make_shop("a")
    contact = make_contact(shop)
    checkout = cart(contact)
    checkouts_abandon(installation_id=shop.pk, now=NOW)
    first_key = abandon_key(checkout)

    # when: changed a day later, then quiet again
    changed_again = CHANGED + timedelta(days=1)
    CheckoutRecord.objects.filter(pk=checkout.pk).update(last_change_at=changed_again)
    early = checkouts_abandon(installation_id=shop.pk, now=changed_again + timedelta(minutes=30))
    late = checkouts_abandon(installation_id=shop.pk, now=changed_again + timedelta(hours=1))

    # then
    assert (early, late) == (0, 1)
    assert [row[2] for row in derived("checkout.abandoned")] == [
        first_key,
        f"checkout.abandoned:{checkout.saleor_id}:{changed_again.isoformat()}",
    ]


def test_abandoned_checkouts_are_recorded_in_pages(db):
    # given: five quiet checkouts, pages of two
    shop = make_shop("a")
    for _ in range(5):
        cart(make_contact(shop))

    # when
    recorded = checkouts_abandon(installation_id=shop.pk, now=NOW, batch_size=2)

    # then
    assert recorded == 5
    assert Event.objects.filter(type="checkout.abandoned").count() == 5


# -- browse.abandoned -----------------------------------------------------------------------


def view(contact, product, at):
    return make_event(contact, "product.viewed", at, properties={"product_id": product})


def test_browsing_gone_quiet_is_abandoned_with_the_products_most_recent_first(db):
    # given: three views of two products, the newest 2 hours ago
    shop = make_shop("a")
    contact = make_contact(shop)
    view(contact, "P1", NOW - timedelta(hours=5))
    view(contact, "P2", NOW - timedelta(hours=4))
    view(contact, "P1", NOW - timedelta(hours=2))

    # when
    recorded = browse_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == 1
    assert derived("browse.abandoned") == [
        (
            contact.pk,
            NOW,
            f"browse.abandoned:{contact.pk}:2026-03-10",
            {"product_ids": ["P1", "P2"], "views": 3},
            "triggers",
        )
    ]


@pytest.mark.parametrize(
    ("newest_view_ago", "expected"),
    [
        (timedelta(hours=1, minutes=59), 0),
        (timedelta(hours=2), 1),
        (timedelta(hours=23, minutes=59), 1),
        (timedelta(hours=24), 0),
    ],
)
def test_browsing_is_abandoned_after_the_quiet_time_within_the_window(
    db, newest_view_ago, expected
):
    # given
    shop = make_shop("a")
    view(make_contact(shop), "P1", NOW - newest_view_ago)

    # when
    recorded = browse_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == expected
    assert Event.objects.filter(type="browse.abandoned").count() == expected


@pytest.mark.parametrize("intent", ["cart.added", "checkout.created", "order.placed"])
def test_a_view_followed_by_buying_intent_is_not_abandoned_browsing(db, intent):
    # given: a view, then intent, then another view
    shop = make_shop("a")
    contact = make_contact(shop)
    view(contact, "P1", NOW - timedelta(hours=6))
    make_event(contact, intent, NOW - timedelta(hours=5))
    view(contact, "P2", NOW - timedelta(hours=3))

    # when
    recorded = browse_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == 0
    assert not Event.objects.filter(type="browse.abandoned").exists()


def test_intent_before_the_first_view_does_not_prevent_browse_abandonment(db):
    # given
    shop = make_shop("a")
    contact = make_contact(shop)
    make_event(contact, "cart.added", NOW - timedelta(hours=7))
    view(contact, "P1", NOW - timedelta(hours=3))

    # when
    recorded = browse_abandon(installation_id=shop.pk, now=NOW)

    # then
    assert recorded == 1


def test_browse_abandonment_is_recorded_once_per_contact_and_day(db):
    # given: abandoned in the morning
    shop = make_shop("a")
    contact = make_contact(shop)
    view(contact, "P1", NOW - timedelta(hours=4))
    browse_abandon(installation_id=shop.pk, now=NOW)

    # when: views again the same day, and again the next day
    view(contact, "P2", NOW + timedelta(hours=1))
    same_day = browse_abandon(installation_id=shop.pk, now=NOW + timedelta(hours=4))
    view(contact, "P3", NOW + timedelta(hours=13))
    next_day = browse_abandon(installation_id=shop.pk, now=NOW + timedelta(hours=16))

    # then
    assert (same_day, next_day) == (0, 1)
    assert [row[2] for row in derived("browse.abandoned")] == [
        f"browse.abandoned:{contact.pk}:2026-03-10",
        f"browse.abandoned:{contact.pk}:2026-03-11",
    ]


def test_browse_abandonment_keeps_at_most_ten_products(db):
    # given: twelve products viewed, P11 last
    shop = make_shop("a")
    contact = make_contact(shop)
    for n in range(12):
        view(contact, f"P{n}", NOW - timedelta(hours=14) + timedelta(hours=n))

    # when
    browse_abandon(installation_id=shop.pk, now=NOW)

    # then
    properties = Event.objects.get(type="browse.abandoned").properties
    assert properties == {"product_ids": [f"P{n}" for n in range(11, 1, -1)], "views": 12}


# -- customer.lapsed ------------------------------------------------------------------------


def buyer(shop, *, last_order_days_ago, median_gap_days=None):
    last = NOW - timedelta(days=last_order_days_ago)
    fields: dict[str, Any] = {"orders_count": 1, "last_order_at": last}
    if median_gap_days is not None:
        fields |= {
            "orders_count": 3,
            "predicted_next_order_at": last + timedelta(days=median_gap_days),
            "prediction_basis": {
                "orders": 3,
                "gaps_days": [median_gap_days, median_gap_days],
                "median_gap_days": median_gap_days,
            },
        }
    return make_contact(shop, **fields)


def test_a_buyer_past_the_threshold_has_lapsed(db):
    # given: the default threshold is 180 days
    shop = make_shop("a")
    lapsed = buyer(shop, last_order_days_ago=180)
    buyer(shop, last_order_days_ago=179)

    # when
    recorded = customers_lapse(installation_id=shop.pk, now=NOW, threshold_days=180)

    # then
    assert recorded == 1
    assert derived("customer.lapsed") == [
        (
            lapsed.pk,
            NOW,
            f"customer.lapsed:{lapsed.pk}:{lapsed.last_order_at.isoformat()}",
            {"days_since_last_order": 180, "rule": "threshold"},
            "triggers",
        )
    ]


def test_a_regular_buyer_lapses_after_twice_the_median_gap(db):
    # given: orders every 30 days; one 61 days ago, one 59
    shop = make_shop("a")
    lapsed = buyer(shop, last_order_days_ago=61, median_gap_days=30.0)
    buyer(shop, last_order_days_ago=59, median_gap_days=30.0)

    # when
    recorded = customers_lapse(installation_id=shop.pk, now=NOW, threshold_days=180)

    # then
    assert recorded == 1
    assert derived("customer.lapsed") == [
        (
            lapsed.pk,
            NOW - timedelta(days=1),
            f"customer.lapsed:{lapsed.pk}:{lapsed.last_order_at.isoformat()}",
            {"days_since_last_order": 61, "rule": "interval"},
            "triggers",
        )
    ]


def test_a_lapse_is_recorded_once_and_a_new_order_resets_it(db):
    # given: lapsed and recorded
    shop = make_shop("a")
    contact = buyer(shop, last_order_days_ago=200)
    customers_lapse(installation_id=shop.pk, now=NOW, threshold_days=180)

    # when: swept again; then ordered and lapsed again
    again = customers_lapse(installation_id=shop.pk, now=NOW, threshold_days=180)
    contact.last_order_at = NOW
    contact.save()
    not_yet = customers_lapse(installation_id=shop.pk, now=NOW, threshold_days=180)
    later = NOW + timedelta(days=181)
    relapsed = customers_lapse(installation_id=shop.pk, now=later, threshold_days=180)

    # then
    assert (again, not_yet, relapsed) == (0, 0, 1)
    assert [row[2] for row in derived("customer.lapsed")] == [
        f"customer.lapsed:{contact.pk}:{(NOW - timedelta(days=200)).isoformat()}",
        f"customer.lapsed:{contact.pk}:{NOW.isoformat()}",
    ]


def test_contacts_without_orders_never_lapse(db):
    # given
    shop = make_shop("a")
    make_contact(shop)

    # when
    recorded = customers_lapse(installation_id=shop.pk, now=NOW, threshold_days=1)

    # then
    assert recorded == 0
    assert not Event.objects.exists()


def test_lapse_of_names_the_line_crossed_first():
    last = NOW - timedelta(days=100)

    assert lapse_of(last_order_at=last, median_gap_days=None, threshold_days=180, now=NOW) is None
    assert lapse_of(last_order_at=last, median_gap_days=None, threshold_days=100, now=NOW) == (
        Lapse(rule="threshold", at=NOW)
    )
    assert lapse_of(last_order_at=last, median_gap_days=40.0, threshold_days=180, now=NOW) == (
        Lapse(rule="interval", at=last + timedelta(days=80))
    )
    assert lapse_of(last_order_at=last, median_gap_days=40.0, threshold_days=90, now=NOW) == (
        Lapse(rule="interval", at=last + timedelta(days=80))
    )
    assert lapse_of(last_order_at=last, median_gap_days=45.0, threshold_days=90, now=NOW) == (
        Lapse(rule="threshold", at=last + timedelta(days=90))
    )
    assert lapse_of(last_order_at=last, median_gap_days=60.0, threshold_days=180, now=NOW) is None


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        ({"orders": 3, "gaps_days": [10.0, 14.0], "median_gap_days": 12.0}, 12.0),
        ({"orders": 2, "gaps_days": [7], "median_gap_days": 7}, 7.0),
        ({"orders": 1, "reason": "needs at least two orders"}, None),
        ({"median_gap_days": 0}, None),
        ({"median_gap_days": "12"}, None),
        ({"median_gap_days": True}, None),
        ({}, None),
    ],
)
def test_median_gap_days_reads_the_prediction_basis(basis, expected):
    assert median_gap_days(basis) == expected


# -- spend.threshold_crossed ----------------------------------------------------------------


def test_a_spend_threshold_is_crossed_once_per_contact_currency_and_threshold(db):
    # given
    shop = make_shop("a")
    big = make_contact(shop)
    make_spend(big, "USD", "600.0000")
    small = make_contact(shop)
    make_spend(small, "USD", "99.9900")
    euro = make_contact(shop)
    make_spend(euro, "EUR", "600.0000")
    thresholds = {"USD": [Decimal(100), Decimal(500), Decimal(1000)]}

    # when
    first = spend_thresholds_cross(installation_id=shop.pk, now=NOW, thresholds=thresholds)
    second = spend_thresholds_cross(installation_id=shop.pk, now=NOW, thresholds=thresholds)

    # then
    assert (first, second) == (2, 0)
    assert sorted(row[2] for row in derived("spend.threshold_crossed")) == [
        f"spend.threshold_crossed:{big.pk}:USD:100",
        f"spend.threshold_crossed:{big.pk}:USD:500",
    ]
    assert Event.objects.get(dedupe_key=f"spend.threshold_crossed:{big.pk}:USD:500").properties == (
        {"currency": "USD", "threshold": "500", "total": "600"}
    )


def test_a_threshold_reached_later_is_recorded_then(db):
    # given: crossed 100 already
    shop = make_shop("a")
    contact = make_contact(shop)
    spend = make_spend(contact, "USD", "150.0000")
    thresholds = {"USD": ["100", "500.00"]}
    spend_thresholds_cross(installation_id=shop.pk, now=NOW, thresholds=thresholds)

    # when: spent more
    spend.total = Decimal("500.0000")
    spend.save()
    recorded = spend_thresholds_cross(installation_id=shop.pk, now=NOW, thresholds=thresholds)

    # then
    assert recorded == 1
    assert sorted(row[2] for row in derived("spend.threshold_crossed")) == [
        f"spend.threshold_crossed:{contact.pk}:USD:100",
        f"spend.threshold_crossed:{contact.pk}:USD:500",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal(100), "100"), (Decimal("100.00"), "100"), ("99.50", "99.5"), (1000, "1000")],
)
def test_amounts_are_written_the_same_way_whatever_their_form(value, text):
    assert amount_text(value) == text


def test_checkout_facts_count_quantities_and_skip_missing_ids():
    lines = [*LINES, {"product_id": None, "category_id": None, "quantity": 1}, "junk"]

    assert checkout_facts(lines) == {
        "lines": 4,
        "product_ids": ["UHJvZHVjdDox", "UHJvZHVjdDoy"],
        "category_ids": ["Q2F0ZWdvcnk6MQ=="],
    }
    assert checkout_facts(None) == {"lines": 0, "product_ids": [], "category_ids": []}


# -- the sweep ------------------------------------------------------------------------------


def everything(shop):
    """One contact per trigger, all due at NOW."""
    cart(make_contact(shop))
    view(make_contact(shop), "P1", NOW - timedelta(hours=3))
    buyer(shop, last_order_days_ago=200)
    make_spend(make_contact(shop), "USD", "150.0000")


def test_the_sweep_runs_every_trigger_and_a_second_run_records_nothing(db):
    # given
    shop = make_shop("a")
    everything(shop)
    config = contacts_config(shop.pk)
    thresholds = {"USD": [Decimal(100)]}

    # when
    first = triggers_sweep(
        installation_id=shop.pk, now=NOW, config=config, spend_thresholds=thresholds
    )
    second = triggers_sweep(
        installation_id=shop.pk, now=NOW, config=config, spend_thresholds=thresholds
    )

    # then
    assert first == SweepCounts(
        checkout_abandoned=1, browse_abandoned=1, customer_lapsed=1, spend_threshold_crossed=1
    )
    assert second == SweepCounts()
    assert Event.objects.filter(source="triggers").count() == 4


def test_the_sweep_leaves_other_installations_untouched(db):
    # given
    shop = make_shop("a")
    other = make_shop("b")
    everything(other)

    # when
    counts = triggers_sweep(
        installation_id=shop.pk,
        now=NOW,
        config=contacts_config(shop.pk),
        spend_thresholds={"USD": [Decimal(100)]},
    )

    # then
    assert counts == SweepCounts()
    assert not Event.objects.filter(source="triggers").exists()


def test_recorded_triggers_move_segments(db):
    # given
    shop = make_shop("a")
    segment = segment_create(
        installation_id=shop.pk,
        name="Abandoned a checkout",
        definition={"root": {"type": "event", "event_type": "checkout.abandoned"}},
        now=NOW,
    )
    contact = make_contact(shop)
    cart(contact)
    bystander = make_contact(shop)
    cart(bystander, last_change_at=NOW - timedelta(minutes=10))

    # when: recorded in the coordinator's unit of work, as the sweep task does
    checkouts_abandon(installation_id=shop.pk, now=NOW, unit=lambda: unit_of_work(now=NOW))

    # then
    memberships = Membership.objects.filter(segment=segment)
    assert list(memberships.values_list("contact_id", "entered_at", "exited_at")) == [
        (contact.pk, NOW, None)
    ]
    entered = Event.objects.get(type="segment.entered")
    assert (entered.contact_id, entered.properties["segment_id"]) == (contact.pk, segment.pk)


def test_the_periodic_task_sweeps_the_installation_without_spend_thresholds(db):
    # given
    shop = make_shop("a")
    everything(shop)

    # when
    with time_machine.travel(NOW, tick=False):
        counts = triggers_sweep_task(shop.pk)

    # then
    assert counts == {
        "checkout_abandoned": 1,
        "browse_abandoned": 1,
        "customer_lapsed": 1,
        "spend_threshold_crossed": 0,
        "attribute_threshold_crossed": 0,
    }


def test_the_periodic_task_uses_the_installations_spend_thresholds(db):
    # given: the same shop, with thresholds set per currency
    shop = make_shop("a")
    everything(shop)
    config = contacts_config(shop.pk)
    config.spend_thresholds = {"USD": ["1", "1000000"]}
    config.save()
    contacts_config_clear_cache()

    # when
    with time_machine.travel(NOW, tick=False):
        counts = triggers_sweep_task(shop.pk)

    # then: the low threshold is crossed by the spending contacts, the high one by nobody
    assert counts["spend_threshold_crossed"] >= 1
    crossed = Event.objects.filter(type="spend.threshold_crossed")
    assert {e.properties["threshold"] for e in crossed} == {"1"}


def test_the_periodic_task_fans_out_to_active_installations_only(db, monkeypatch):
    # given
    active = make_shop("a")
    gone = make_shop("b")
    Installation.objects.filter(pk=gone.pk).update(status=Installation.Status.UNINSTALLED)
    queued: list[int] = []
    monkeypatch.setattr(tasks.triggers_sweep_task, "delay", queued.append)

    # when
    tasks.triggers_sweep_all()
    skipped = tasks.triggers_sweep_task(gone.pk)

    # then
    assert queued == [active.pk]
    assert skipped == {}


def test_the_periodic_task_uses_the_installations_abandonment_windows(db):
    # given: a checkout quiet for 40 minutes, browsing quiet for 40 minutes after views
    # 30 hours ago and 50 minutes ago (issue 14, finding 5: the windows were constants)
    shop = make_shop("a")
    ada = make_contact(shop)
    cart(ada, last_change_at=NOW - timedelta(minutes=40))
    bo = make_contact(shop)
    view(bo, "UHJvZHVjdDox", NOW - timedelta(hours=30))
    view(bo, "UHJvZHVjdDoy", NOW - timedelta(minutes=40))

    # when: the defaults (60 minutes; 2 hours within 24)
    with time_machine.travel(NOW, tick=False):
        defaults = triggers_sweep_task(shop.pk)

    # then: neither is abandoned yet
    assert (defaults["checkout_abandoned"], defaults["browse_abandoned"]) == (0, 0)

    # when: the shop's own windows (30 minutes; 30 minutes within 48 hours)
    Installation.objects.filter(pk=shop.pk).update(
        checkout_abandoned_after_minutes=30,
        browse_abandoned_after_minutes=30,
        browse_window_hours=48,
    )
    with time_machine.travel(NOW, tick=False):
        own = triggers_sweep_task(shop.pk)

    # then: both, and the browsing with both views of the 48 hours
    assert (own["checkout_abandoned"], own["browse_abandoned"]) == (1, 1)
    (checkout,) = derived("checkout.abandoned")
    assert checkout[1] == NOW - timedelta(minutes=10)
    (browse,) = derived("browse.abandoned")
    assert browse[3]["product_ids"] == ["UHJvZHVjdDoy", "UHJvZHVjdDox"]
    assert browse[3]["views"] == 2
