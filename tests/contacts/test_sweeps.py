from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from django.db import transaction

from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.figures import engagement_refresh
from saleor_mautomation.contacts.models import Contact, ContactSpend, LifecycleStage
from saleor_mautomation.contacts.sweeps import email_engagement_sweep, lifecycle_sweep, rfm_sweep
from saleor_mautomation.flows.tasks import contacts_sweep
from tests.conftest import make_installation
from tests.contacts.factories import make_contact, make_event

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def buyer(installation, n, *, days_ago, orders, spend, currency="USD", stage="repeat"):
    contact = Contact.objects.create(
        installation=installation,
        email=f"c{n}@example.com",
        orders_count=orders,
        last_order_at=NOW - timedelta(days=days_ago),
        lifecycle_stage=stage,
    )
    ContactSpend.objects.create(
        contact=contact, currency=currency, orders=orders, total=Decimal(spend)
    )
    return contact


def scores(installation):
    return {
        c.email: (c.rfm_recency, c.rfm_frequency, c.rfm_monetary)
        for c in Contact.objects.filter(installation=installation)
    }


def test_rfm_scores_are_quintiles_with_ties_sharing_a_score(db):
    # given: ten buyers, recency and spend rising with n, two order counts
    installation = make_installation(saleor_api_url="https://a.example/graphql/", jwks={})
    for n in range(10):
        buyer(installation, n, days_ago=100 - n, orders=1 if n < 6 else 3, spend=10 * (n + 1))
    Contact.objects.create(installation=installation, email="prospect@example.com")

    # when
    rfm_sweep(installation_id=installation.pk, now=NOW)

    # then
    result = scores(installation)
    assert [result[f"c{n}@example.com"][0] for n in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert {result[f"c{n}@example.com"][1] for n in range(6)} == {3}
    assert {result[f"c{n}@example.com"][1] for n in range(6, 10)} == {5}
    assert [result[f"c{n}@example.com"][2] for n in range(10)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert result["prospect@example.com"] == (None, None, None)


def test_monetary_is_scored_within_each_currency(db):
    installation = make_installation(saleor_api_url="https://a.example/graphql/", jwks={})
    buyer(installation, 1, days_ago=5, orders=1, spend="10", currency="USD")
    buyer(installation, 2, days_ago=5, orders=1, spend="20", currency="USD")
    buyer(installation, 3, days_ago=5, orders=1, spend="1000", currency="JPY")
    buyer(installation, 4, days_ago=5, orders=1, spend="5000", currency="JPY")

    rfm_sweep(installation_id=installation.pk, now=NOW)

    monetary = {email: m for email, (_, _, m) in scores(installation).items()}
    assert monetary == {
        "c1@example.com": 3,
        "c2@example.com": 5,
        "c3@example.com": 3,
        "c4@example.com": 5,
    }


def test_rfm_is_scoped_to_its_installation(db):
    mine = make_installation(saleor_api_url="https://a.example/graphql/", jwks={})
    other = make_installation(saleor_api_url="https://b.example/graphql/", jwks={})
    buyer(mine, 1, days_ago=5, orders=1, spend="10")
    buyer(other, 2, days_ago=5, orders=1, spend="10")

    rfm_sweep(installation_id=mine.pk, now=NOW)

    assert scores(mine)["c1@example.com"] == (5, 5, 5)
    assert scores(other)["c2@example.com"] == (None, None, None)


def test_lifecycle_sweep_moves_aged_buyers(db):
    installation = make_installation(saleor_api_url="https://a.example/graphql/", jwks={})
    config = contacts_config(installation.pk)
    buyer(installation, 1, days_ago=10, orders=2, spend="1")
    buyer(installation, 2, days_ago=200, orders=2, spend="1")
    buyer(installation, 3, days_ago=400, orders=2, spend="1", stage="lapsing")

    moved = lifecycle_sweep(installation_id=installation.pk, config=config, now=NOW)

    assert moved == 2
    stages = dict(Contact.objects.values_list("email", "lifecycle_stage"))
    assert stages == {
        "c1@example.com": LifecycleStage.REPEAT,
        "c2@example.com": "lapsing",
        "c3@example.com": "lapsed",
    }


def email_counts(contact):
    contact.refresh_from_db()
    return (
        contact.email_opens_30d,
        contact.email_opens_90d,
        contact.email_clicks_30d,
        contact.email_clicks_90d,
    )


def test_the_nightly_sweep_moves_email_counts_as_time_passes(db):
    # given: an open 10 days ago and a click 80 days ago, counted when they happened
    installation = make_installation(saleor_api_url="https://a.example/graphql/", jwks={})
    contact = make_contact(installation)
    make_event(contact, "email.opened", NOW - timedelta(days=10))
    make_event(contact, "email.clicked", NOW - timedelta(days=80))
    with transaction.atomic():
        engagement_refresh(contact=Contact.objects.select_for_update().get(), now=NOW)
    assert email_counts(contact) == (1, 1, 0, 1)

    # when: 21 days on, the open is 31 days old and the click 101
    with time_machine.travel(NOW + timedelta(days=21), tick=False):
        contacts_sweep(installation.pk)

    # then
    assert email_counts(contact) == (0, 1, 0, 0)


def test_the_email_sweep_writes_only_contacts_whose_counts_change(db):
    # given
    installation = make_installation(saleor_api_url="https://a.example/graphql/", jwks={})
    other = make_installation(saleor_api_url="https://b.example/graphql/", jwks={})
    stale = make_contact(
        installation,
        saleor_user_id="VXNlcjox",
        email_opens_30d=3,
        email_opens_90d=3,
        email_clicks_30d=1,
        email_clicks_90d=1,
    )
    current = make_contact(installation, email_opens_30d=1, email_opens_90d=1)
    make_event(current, "email.opened", NOW - timedelta(days=1))
    uncounted = make_contact(installation)
    make_event(uncounted, "email.clicked", NOW - timedelta(days=45))
    make_event(uncounted, "email.opened", NOW - timedelta(days=5), properties={"machine": False})
    machine_only = make_contact(installation)
    make_event(machine_only, "email.opened", NOW - timedelta(days=1), properties={"machine": True})
    idle = make_contact(installation)
    elsewhere = make_contact(other, email_opens_30d=2, email_opens_90d=2)

    # when
    written = email_engagement_sweep(installation_id=installation.pk, now=NOW)

    # then
    assert written == 2
    assert email_counts(stale) == (0, 0, 0, 0)
    assert email_counts(current) == (1, 1, 0, 0)
    assert email_counts(uncounted) == (1, 1, 0, 1)
    assert email_counts(machine_only) == (0, 0, 0, 0)
    assert email_counts(idle) == (0, 0, 0, 0)
    assert email_counts(elsewhere) == (2, 2, 0, 0)
    assert stale.writeback_due_at is None


def test_the_email_sweep_uses_the_same_window_edges_as_the_refresh(db):
    installation = make_installation(saleor_api_url="https://a.example/graphql/", jwks={})
    contact = make_contact(installation)
    make_event(contact, "email.opened", NOW - timedelta(days=30))
    make_event(contact, "email.opened", NOW - timedelta(days=30) + timedelta(seconds=1))
    make_event(contact, "email.clicked", NOW - timedelta(days=90))

    email_engagement_sweep(installation_id=installation.pk, now=NOW)

    assert email_counts(contact) == (1, 2, 0, 0)
