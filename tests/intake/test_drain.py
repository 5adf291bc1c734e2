import json
import threading

import psycopg
import pytest
from django.db import OperationalError, connection

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.registry import WEBHOOKS, Webhook
from saleor_mautomation.intake.services import DrainNudger, delivery_receive
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.selectors import installation_by_api_url_cached
from tests.conftest import make_installation
from tests.support.keys import signing_key
from tests.support.samples import SAMPLE_API_URL, jwks_sample, webhook_sample


def receive(sample, api_url=SAMPLE_API_URL):
    return delivery_receive(
        saleor_api_url=api_url,
        event=sample["headers"]["Saleor-Event"],
        signature=sample["headers"]["Saleor-Signature"],
        body=sample["raw_body"].encode(),
        on_stored=lambda: None,
    )


def drain():
    return deliveries_drain(batch_size=2, max_batches=50, max_attempts=3)


def receive_signed(installation, event, payload):
    body = json.dumps(payload).encode()
    return delivery_receive(
        saleor_api_url=installation.saleor_api_url,
        event=event,
        signature=signing_key(0).sign_webhook(body),
        body=body,
        on_stored=lambda: None,
    )


def test_drain_processes_every_pending_delivery_in_batches(sample_installation):
    for name in (
        "ORDER_CREATED",
        "ORDER_UPDATED",
        "CHECKOUT_CREATED",
        "CUSTOMER_CREATED",
        "CUSTOMER_DELETED",
    ):
        receive(webhook_sample(name))

    result = drain()

    assert (result.processed, result.failed, result.ignored) == (5, 0, 0)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PROCESSED}
    order = Delivery.objects.get(event="ORDER_CREATED")
    assert order.issued_at is not None
    assert order.issued_at.isoformat() == "2026-11-23T15:36:03.136712+00:00"
    assert order.attempts == 1


def test_drain_leaves_rejected_deliveries_alone(db):
    installation = make_installation(
        saleor_api_url="https://shop.example/graphql/", jwks={"keys": [signing_key(0).public_jwk]}
    )
    payload = json.loads(webhook_sample("PRODUCT_UPDATED")["raw_body"])
    payload["__typename"] = "ProductMetadataUpdated"
    with pytest.raises(Exception, match="Unknown event"):
        receive_signed(installation, "product_metadata_updated", payload)

    assert drain().total == 0
    assert Delivery.objects.get().status == Delivery.Status.REJECTED


def test_events_issued_by_this_app_itself_are_ignored(db):
    installation = make_installation(
        saleor_api_url="https://shop.example/graphql/", jwks={"keys": [signing_key(0).public_jwk]}
    )
    payload = json.loads(webhook_sample("CUSTOMER_METADATA_UPDATED")["raw_body"])
    payload["issuingPrincipal"] = {"__typename": "App", "id": installation.app_id, "name": "us"}
    receive_signed(installation, "customer_metadata_updated", payload)

    result = drain()

    assert result.ignored == 1
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.IGNORED
    assert delivery.error == "Issued by this app itself"


def test_events_issued_by_another_app_are_processed(db):
    installation = make_installation(
        saleor_api_url="https://shop.example/graphql/", jwks={"keys": [signing_key(0).public_jwk]}
    )
    payload = json.loads(webhook_sample("CHECKOUT_FULLY_PAID")["raw_body"])
    assert payload["issuingPrincipal"]["__typename"] == "App"
    receive_signed(installation, "checkout_fully_paid", payload)

    assert drain().processed == 1


def test_a_payload_that_does_not_match_its_model_fails_permanently(db):
    installation = make_installation(
        saleor_api_url="https://shop.example/graphql/", jwks={"keys": [signing_key(0).public_jwk]}
    )
    receive_signed(installation, "order_created", {"__typename": "OrderCreated"})

    result = drain()

    assert result.failed == 1
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.FAILED
    assert "issuedAt" in delivery.error
    assert drain().total == 0


def test_app_deleted_uninstalls_and_stops_the_installations_work(db):
    # given: the installation of the app the APP_DELETED sample was sent to
    sample = webhook_sample("APP_DELETED")
    installation = make_installation(
        saleor_api_url=SAMPLE_API_URL, jwks=jwks_sample(), app_id="QXBwOjg="
    )
    receive(webhook_sample("ORDER_CREATED"))
    receive(sample)

    # when
    drain()

    # then
    installation.refresh_from_db()
    assert installation.status == Installation.Status.UNINSTALLED
    assert installation.uninstalled_at is not None
    statuses = dict(Delivery.objects.values_list("event", "status"))
    assert statuses == {"ORDER_CREATED": "processed", "APP_DELETED": "processed"}


def test_app_deleted_for_another_app_is_ignored(sample_installation):
    receive(webhook_sample("APP_DELETED"))

    result = drain()

    assert result.ignored == 1
    sample_installation.refresh_from_db()
    assert sample_installation.status == Installation.Status.ACTIVE


def test_deliveries_of_an_uninstalled_installation_are_ignored(sample_installation):
    receive(webhook_sample("ORDER_CREATED"))
    Installation.objects.update(status=Installation.Status.UNINSTALLED)

    result = drain()

    assert result.ignored == 1
    assert Delivery.objects.get().error == "The installation is uninstalled"


def test_a_database_fault_while_storing_is_djangos_error_so_the_view_answers_503(
    sample_installation, monkeypatch
):
    # given: the connection breaks as the delivery is sent to the database
    if connection.vendor != "postgresql":
        pytest.skip("the raw insert is PostgreSQL's")
    assert installation_by_api_url_cached(SAMPLE_API_URL) is not None  # no query after this

    def broken(*args, **kwargs):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(psycopg.Cursor, "execute", broken)

    # when / then
    with pytest.raises(OperationalError):
        receive(webhook_sample("ORDER_CREATED"))
    monkeypatch.undo()
    assert not Delivery.objects.exists()


def failing_after_a_write(error):
    def handler(installation, payload):
        Contact.objects.create(installation=installation, email="half-done@example.com")
        raise error

    return handler


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (PermanentError("Cannot use this one"), Delivery.Status.FAILED),
        (RetryableError("Try again later"), Delivery.Status.PENDING),
    ],
)
def test_a_handler_failing_midway_undoes_its_own_writes_only(
    sample_installation, monkeypatch, error, status
):
    # given: three deliveries in one batch, the middle one failing after a write
    webhook = WEBHOOKS["CUSTOMER_CREATED"]
    monkeypatch.setitem(
        WEBHOOKS, "CUSTOMER_CREATED", Webhook(webhook.spec, failing_after_a_write(error))
    )
    for name in ("ORDER_CREATED", "CUSTOMER_CREATED", "CHECKOUT_CREATED"):
        receive(webhook_sample(name))

    # when
    result = deliveries_drain(batch_size=3, max_batches=50, max_attempts=3)

    # then
    assert (result.processed, result.total) == (2, 3)
    assert not Contact.objects.filter(email="half-done@example.com").exists()
    assert OrderRecord.objects.count() == 1
    assert CheckoutRecord.objects.count() == 1
    statuses = dict(Delivery.objects.values_list("event", "status"))
    assert statuses == {
        "ORDER_CREATED": Delivery.Status.PROCESSED,
        "CUSTOMER_CREATED": status,
        "CHECKOUT_CREATED": Delivery.Status.PROCESSED,
    }
    assert Delivery.objects.get(event="CUSTOMER_CREATED").error == error.message
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_a_batch_after_a_failed_one_is_processed_as_usual(sample_installation, monkeypatch):
    webhook = WEBHOOKS["CUSTOMER_CREATED"]
    monkeypatch.setitem(
        WEBHOOKS,
        "CUSTOMER_CREATED",
        Webhook(webhook.spec, failing_after_a_write(PermanentError("no"))),
    )
    for name in ("CUSTOMER_CREATED", "ORDER_CREATED", "ORDER_UPDATED", "CHECKOUT_CREATED"):
        receive(webhook_sample(name))

    result = drain()

    assert (result.processed, result.failed) == (3, 1)
    assert Delivery.objects.filter(status=Delivery.Status.PROCESSED).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_drains_process_each_delivery_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    installation = make_installation(
        saleor_api_url="https://shop.example/graphql/", jwks={"keys": [signing_key(0).public_jwk]}
    )
    payload = json.loads(webhook_sample("ORDER_UPDATED")["raw_body"])
    for n in range(60):
        payload["order"]["number"] = str(n)
        payload["order"]["id"] = f"T3JkZXI6{n:04d}"
        receive_signed(installation, "order_updated", payload)
    results = []

    def work():
        try:
            results.append(deliveries_drain(batch_size=5, max_batches=100, max_attempts=3))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.processed for r in results) == 60
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


def test_nudger_sends_at_once_then_one_trailing_nudge_per_window():
    sent: list[float] = []
    times = iter([10.0, 10.05, 10.1, 10.2, 10.4])
    nudger = DrainNudger(sent.append, window=0.25, monotonic=lambda: next(times))

    for _ in range(5):
        nudger.nudge()

    assert [round(d, 2) for d in sent] == [0.0, 0.2, 0.0]


def test_the_delivery_insert_is_a_server_side_prepared_statement(sample_installation):
    # Django switches psycopg's prepared statements off unless a threshold is set; without
    # one, ``prepare=True`` is silently ignored and the insert is parsed on every delivery.
    receive(webhook_sample("ORDER_CREATED"))
    receive(webhook_sample("CHECKOUT_UPDATED"))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE 'INSERT INTO mautomation_delivery %%'"
        )
        assert cursor.fetchone() == (1,)


def breaking_its_connection(installation, payload):
    """A delivery that brings its own transaction down (the server ends the session), as a
    crash of the database backend would: nothing of it can be written in that transaction."""
    Contact.objects.create(installation=installation, email="half-done@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")


@pytest.mark.django_db(transaction=True)
def test_a_delivery_that_breaks_its_transaction_is_counted_apart_and_ends_at_max_attempts(
    monkeypatch,
):
    # given: a batch whose middle delivery ends its database session every time
    installation = make_installation(
        saleor_api_url=SAMPLE_API_URL, jwks=jwks_sample(), app_id="QXBwOjE="
    )
    assert installation.pk
    webhook = WEBHOOKS["CUSTOMER_CREATED"]
    monkeypatch.setitem(
        WEBHOOKS, "CUSTOMER_CREATED", Webhook(webhook.spec, breaking_its_connection)
    )
    for name in ("ORDER_CREATED", "CUSTOMER_CREATED", "CHECKOUT_CREATED"):
        receive(webhook_sample(name))

    # when: drained until the poison one has used its attempts
    first = deliveries_drain(batch_size=3, max_batches=50, max_attempts=2)
    second = deliveries_drain(batch_size=3, max_batches=50, max_attempts=2)

    # then: the others went through at once; the poison one's attempts were counted although
    # its own transaction never committed, and the second drain ended it
    assert (first.processed, first.retried) == (2, 1)
    assert (second.failed, second.total) == (1, 1)
    poison = Delivery.objects.get(event="CUSTOMER_CREATED")
    assert (poison.status, poison.attempts) == (Delivery.Status.FAILED, 2)
    assert poison.error
    assert not Contact.objects.filter(email="half-done@example.com").exists()
    assert OrderRecord.objects.count() == 1
    assert CheckoutRecord.objects.count() == 1
    assert deliveries_drain(batch_size=3, max_batches=50, max_attempts=2).total == 0
