from datetime import UTC, datetime, timedelta
from decimal import Decimal

from saleor_mautomation.contacts.models import Contact, ContactSpend, LifecycleStage
from saleor_mautomation.contacts.services import contacts_config
from saleor_mautomation.contacts.sweeps import lifecycle_sweep, rfm_sweep
from tests.conftest import make_installation

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
