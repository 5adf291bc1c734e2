from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.contacts.figures import engagement_refresh
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.services import contact_merge
from saleor_mautomation.contacts.writeback import DEBOUNCE, writeback_items
from saleor_mautomation.flows.unit import unit_of_work
from tests.contacts.factories import make_contact, make_event, make_shop

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture
def shop(db):
    return make_shop("shop")


def refresh(contact, now=NOW):
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk)
        engagement_refresh(contact=locked, now=now)
    return Contact.objects.get(pk=contact.pk)


def test_email_figures_come_from_the_contacts_human_opens_and_clicks(shop):
    # given: a Berlin customer (UTC+2 in May) reading mail around 08:00 local time
    contact = make_contact(shop, saleor_user_id="VXNlcjox", time_zone="Europe/Berlin")
    make_event(contact, "email.opened", datetime(2026, 5, 31, 6, 30, tzinfo=UTC))
    make_event(contact, "email.clicked", datetime(2026, 5, 30, 6, 45, tzinfo=UTC))
    make_event(contact, "email.opened", datetime(2026, 5, 20, 19, tzinfo=UTC))
    make_event(contact, "email.opened", NOW - timedelta(days=40))
    make_event(
        contact, "email.opened", datetime(2026, 5, 31, 23, tzinfo=UTC), properties={"machine": True}
    )
    make_event(
        contact,
        "email.clicked",
        datetime(2026, 5, 31, 23, tzinfo=UTC),
        properties={"machine": True},
    )
    make_event(contact, "email.opened", NOW - timedelta(days=200))
    make_event(contact, "order.placed", NOW - timedelta(days=1))
    make_event(make_contact(shop), "email.clicked", NOW - timedelta(days=1))

    # when
    with CaptureQueriesContext(connection) as queries:
        refreshed = refresh(contact)

    # then
    assert (
        refreshed.email_opens_30d,
        refreshed.email_opens_90d,
        refreshed.email_clicks_30d,
        refreshed.email_clicks_90d,
        refreshed.last_email_open_at,
        refreshed.last_email_click_at,
        refreshed.best_send_hour,
    ) == (
        2,
        3,
        1,
        1,
        datetime(2026, 5, 31, 6, 30, tzinfo=UTC),
        datetime(2026, 5, 30, 6, 45, tzinfo=UTC),
        8,
    )
    event_reads = [q["sql"] for q in queries.captured_queries if "mautomation_event" in q["sql"]]
    assert len(event_reads) == 1
    assert refreshed.writeback_due_at == NOW + DEBOUNCE
    assert writeback_items(refreshed)["mautomation.last_engaged"] == "2026-05-31"


def test_a_contact_without_email_events_keeps_zero_figures(shop):
    contact = make_contact(shop)
    make_event(contact, "product.viewed", NOW - timedelta(days=1))

    refreshed = refresh(contact)

    assert (
        refreshed.email_opens_30d,
        refreshed.email_opens_90d,
        refreshed.email_clicks_30d,
        refreshed.email_clicks_90d,
        refreshed.last_email_open_at,
        refreshed.last_email_click_at,
        refreshed.best_send_hour,
    ) == (0, 0, 0, 0, None, None, None)


def test_a_last_open_older_than_the_read_window_is_kept(shop):
    # given: the last open was recorded a year ago; nothing since
    long_ago = NOW - timedelta(days=365)
    contact = make_contact(shop, last_email_open_at=long_ago, email_opens_90d=1)
    make_event(contact, "email.opened", long_ago)

    # when
    refreshed = refresh(contact)

    # then
    assert refreshed.last_email_open_at == long_ago
    assert refreshed.email_opens_90d == 0


def test_a_later_open_replaces_the_stored_one(shop):
    contact = make_contact(shop, last_email_open_at=NOW - timedelta(days=365))
    make_event(contact, "email.opened", NOW - timedelta(days=2))

    refreshed = refresh(contact)

    assert refreshed.last_email_open_at == NOW - timedelta(days=2)


def test_a_merge_keeps_the_later_last_open_and_click(shop):
    # given
    into = make_contact(
        shop, last_email_open_at=NOW - timedelta(days=300), last_email_click_at=None
    )
    other = make_contact(
        shop,
        email=None,
        last_email_open_at=NOW - timedelta(days=400),
        last_email_click_at=NOW - timedelta(days=250),
    )

    # when
    with unit_of_work(now=NOW):
        contact_merge(into=into, other=other)
        into.save()

    # then
    into.refresh_from_db()
    assert (into.last_email_open_at, into.last_email_click_at) == (
        NOW - timedelta(days=300),
        NOW - timedelta(days=250),
    )
    assert not Contact.objects.filter(pk=other.pk).exists()
