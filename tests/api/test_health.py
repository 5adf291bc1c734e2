import pytest

from saleor_mautomation.intake.failures import delivery_discard
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.messages.failures import message_discard
from saleor_mautomation.messages.models import Message
from tests.graphql.test_failures import (
    T,
    drain,
    failed_message,
    failed_run,
    poison_order,
    shop,
)

NO_FAILURES = {"deliveries": 0, "runs": 0, "messages": 0}


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "failed": NO_FAILURES,
    }


@pytest.mark.django_db
def test_readyz_counts_failed_items_of_every_shop_and_stays_ready(client):
    # given: two shops' failed deliveries, runs and messages; a delivery and a message
    # discarded
    first, second = shop("first"), shop("second")
    poison_order(first, "1")
    poison_order(second, "2")
    given_up = poison_order(second, "3")
    drain()
    failed_run(first)
    failed_run(second)
    failed_message(first)
    discarded = failed_message(second)
    delivery_discard(installation_id=second.pk, delivery_id=given_up.pk, now=T)
    message_discard(installation_id=second.pk, message_id=discarded.pk)
    assert Delivery.objects.filter(status="failed").count() == 2
    assert Message.objects.filter(status="failed").count() == 2

    # when
    response = client.get("/readyz")

    # then
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "failed": {"deliveries": 2, "runs": 2, "messages": 1},
    }


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    from celery import current_app

    original = current_app.conf.broker_url
    current_app.conf["broker_url"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        current_app.conf["broker_url"] = original

    assert response.status_code == 503
    assert response.json()["broker"].startswith("unavailable")
    assert response.json()["database"] == "ok"
    assert response.json()["failed"] == NO_FAILURES
