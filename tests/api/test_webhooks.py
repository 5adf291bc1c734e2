"""Deliveries through the production WSGI entry point (``project.wsgi.application``), which
serves this route before Django's request cycle; the Django view gives the same answers."""

import json
import logging

import psycopg
import pytest
from celery import current_app
from django.db import connection

from saleor_mautomation.core.broker import BrokerCircuit
from saleor_mautomation.flows import handoff
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.project.wsgi import application
from saleor_mautomation.saleor.models import Installation
from tests.conftest import make_installation
from tests.support.keys import signing_key
from tests.support.samples import (
    SAMPLE_API_URL,
    jwks_sample,
    webhook_sample,
    webhook_sample_names,
)
from tests.support.wsgi import WsgiClient

URL = "/api/webhooks/saleor"
SUBSCRIBED = [n for n in webhook_sample_names() if not n.startswith("APP_DELETED")]


@pytest.fixture
def client():
    return WsgiClient(application)


def deliver(client, sample, body=None, **header_overrides):
    headers = {k: v for k, v in sample["headers"].items() if k != "Content-Type"}
    headers.update(header_overrides)
    raw = sample["raw_body"].encode() if body is None else body
    return client.post(URL, data=raw, content_type="application/json", headers=headers)


def signed(key, api_url, event, payload):
    body = json.dumps(payload).encode()
    return {
        "headers": {
            "Saleor-Event": event.lower(),
            "Saleor-Api-Url": api_url,
            "Saleor-Signature": key.sign_webhook(body),
        },
        "raw_body": body.decode(),
    }


@pytest.mark.parametrize("name", SUBSCRIBED)
def test_every_captured_delivery_is_verified_and_stored(client, sample_installation, name):
    # given
    sample = webhook_sample(name)

    # when
    response = deliver(client, sample)

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "stored"}
    delivery = Delivery.objects.get()
    assert delivery.installation == sample_installation
    assert delivery.event == sample["event"]
    assert bytes(delivery.body) == sample["raw_body"].encode()
    assert delivery.status == Delivery.Status.PENDING


def test_a_body_changed_by_one_byte_is_refused_and_nothing_is_stored(client, sample_installation):
    sample = webhook_sample("ORDER_CREATED")
    body = sample["raw_body"].replace('"number": "21"', '"number": "22"').encode()
    assert body != sample["raw_body"].encode()

    response = deliver(client, sample, body=body)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "signature_invalid"
    assert not Delivery.objects.exists()


def test_a_missing_signature_is_refused(client, sample_installation):
    response = deliver(client, webhook_sample("ORDER_CREATED"), Saleor_Signature="")

    assert response.status_code == 401
    assert not Delivery.objects.exists()


def test_a_replay_is_stored_once(client, sample_installation):
    sample = webhook_sample("CHECKOUT_UPDATED")

    first = deliver(client, sample)
    second = deliver(client, sample)

    assert first.json() == {"status": "stored"}
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate"}
    assert Delivery.objects.count() == 1


def test_an_unknown_installation_is_refused(client, db):
    response = deliver(client, webhook_sample("ORDER_CREATED"))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "installation_not_found"


def test_an_uninstalled_installation_is_refused(client, sample_installation):
    Installation.objects.update(status=Installation.Status.UNINSTALLED)

    response = deliver(client, webhook_sample("ORDER_CREATED"))

    assert response.status_code == 401
    assert not Delivery.objects.exists()


def test_an_unknown_event_is_a_400_and_kept_for_inspection(client, standin_installation, key):
    # An event the manifest does not subscribe to (Saleor sends one only to an old webhook).
    payload = json.loads(webhook_sample("PRODUCT_UPDATED")["raw_body"])
    payload["__typename"] = "ProductMetadataUpdated"
    sample = signed(key, standin_installation.saleor_api_url, "PRODUCT_METADATA_UPDATED", payload)

    response = deliver(client, sample)

    assert response.status_code == 400
    assert "PRODUCT_METADATA_UPDATED" in response.json()["error"]["message"]
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.REJECTED
    assert bytes(delivery.body) == sample["raw_body"].encode()


def test_a_signed_body_that_is_not_json_is_a_400_and_kept(client, standin_installation, key):
    body = b"\xff\xfe not json"
    response = client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={
            "Saleor-Event": "order_created",
            "Saleor-Api-Url": standin_installation.saleor_api_url,
            "Saleor-Signature": key.sign_webhook(body),
        },
    )

    assert response.status_code == 400
    delivery = Delivery.objects.get()
    assert (delivery.status, bytes(delivery.body)) == (Delivery.Status.REJECTED, body)
    assert delivery.error.startswith("Body is not JSON")


@pytest.mark.parametrize("opening", [b"[", b'{"a":'])
def test_a_signed_body_nested_100000_deep_is_a_400_and_kept(
    client, standin_installation, key, opening
):
    # given
    closing = b"]" if opening == b"[" else b"}"
    body = opening * 100_000 + b"1" + closing * 100_000

    # when
    response = client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={
            "Saleor-Event": "order_created",
            "Saleor-Api-Url": standin_installation.saleor_api_url,
            "Saleor-Signature": key.sign_webhook(body),
        },
    )

    # then
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Body is not JSON this app reads: nested too deeply"
    )
    delivery = Delivery.objects.get()
    assert (delivery.status, bytes(delivery.body)) == (Delivery.Status.REJECTED, body)
    assert delivery.error == "Body is not JSON this app reads: nested too deeply"


def test_key_rotation_refreshes_the_jwks_once(client, standin, standin_installation, settings):
    # given: Saleor rotated to a new key the app has not fetched yet
    settings.SALEOR_JWKS_REFRESH_INTERVAL = 0
    new_key = signing_key(1)
    standin.keys = [new_key]
    sample = signed(
        new_key,
        standin.api_url,
        "ORDER_CREATED",
        json.loads(webhook_sample("ORDER_CREATED")["raw_body"]),
    )

    # when
    response = deliver(client, sample)

    # then
    assert response.status_code == 200
    assert len(standin.requests_to("/.well-known/jwks.json")) == 1
    standin_installation.refresh_from_db()
    assert standin_installation.jwks == {"keys": [new_key.public_jwk]}
    assert Delivery.objects.count() == 1


def test_forged_deliveries_do_not_refetch_the_jwks_each_time(
    client, standin, standin_installation, settings
):
    settings.SALEOR_JWKS_REFRESH_INTERVAL = 3600
    Installation.objects.update(jwks_fetched_at=None)
    forger = signing_key(2)
    payload = json.loads(webhook_sample("ORDER_CREATED")["raw_body"])

    statuses = []
    for n in range(3):
        payload["order"]["number"] = str(n)
        statuses.append(
            deliver(client, signed(forger, standin.api_url, "ORDER_CREATED", payload)).status_code
        )

    assert statuses == [401, 401, 401]
    assert len(standin.requests_to("/.well-known/jwks.json")) == 1
    assert not Delivery.objects.exists()


def test_deliveries_are_scoped_to_their_installation(client, standin, key, sample_installation):
    other = make_installation(saleor_api_url=standin.api_url, jwks=standin.jwks())
    body = json.loads(webhook_sample("ORDER_CREATED")["raw_body"])

    deliver(client, signed(key, standin.api_url, "ORDER_CREATED", body))
    deliver(client, webhook_sample("ORDER_CREATED"))

    assert sorted(Delivery.objects.values_list("installation_id", flat=True)) == sorted(
        [other.pk, sample_installation.pk]
    )


def test_a_stored_delivery_is_handed_to_the_drain_after_commit(
    client, sample_installation, django_capture_on_commit_callbacks
):
    current_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = deliver(client, webhook_sample("ORDER_CREATED"))
    finally:
        current_app.conf.task_always_eager = False

    assert response.status_code == 200
    assert len(callbacks) == 1
    assert Delivery.objects.get().status == Delivery.Status.PROCESSED


def test_a_duplicate_does_not_wake_the_drain(
    client, sample_installation, django_capture_on_commit_callbacks
):
    deliver(client, webhook_sample("ORDER_CREATED"))

    with django_capture_on_commit_callbacks() as callbacks:
        deliver(client, webhook_sample("ORDER_CREATED"))

    assert callbacks == []


@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_so_saleor_retries(client):
    make_installation(saleor_api_url="http://127.0.0.1:8000/graphql/", jwks={"keys": []})
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        response = deliver(client, webhook_sample("ORDER_CREATED"))
    finally:
        connection.close()
        connection.settings_dict.update(original)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert not Delivery.objects.exists()


def test_an_unusable_jwks_on_refresh_is_a_401_not_a_crash(
    client, standin, standin_installation, settings
):
    settings.SALEOR_JWKS_REFRESH_INTERVAL = 0
    standin.fail_next((200, {"keys": []}))
    sample = signed(
        signing_key(1),
        standin.api_url,
        "ORDER_CREATED",
        json.loads(webhook_sample("ORDER_CREATED")["raw_body"]),
    )

    response = deliver(client, sample)

    assert response.status_code == 401
    assert "Cannot refresh the JWKS" in response.json()["error"]["message"]
    assert not Delivery.objects.exists()


def test_saleor_unreachable_during_a_refresh_is_a_503(
    client, standin, standin_installation, settings
):
    settings.SALEOR_JWKS_REFRESH_INTERVAL = 0
    standin.fail_next(*[(502, {})] * 3)
    sample = signed(
        signing_key(1),
        standin.api_url,
        "ORDER_CREATED",
        json.loads(webhook_sample("ORDER_CREATED")["raw_body"]),
    )

    response = deliver(client, sample)

    assert response.status_code == 503
    assert not Delivery.objects.exists()


def test_a_broker_outage_does_not_fail_a_stored_delivery(
    client, sample_installation, django_capture_on_commit_callbacks, monkeypatch
):
    # given: a broker nobody listens at; the app's connection pool made anew for it (not
    # ``app.close()``, which also unregisters the app: task modules imported later would
    # then be missing from it)
    monkeypatch.setitem(current_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(current_app, "_pool", None)
    # a circuit of its own: the one it opens must not keep later tests from handing off
    monkeypatch.setattr(handoff, "circuit", BrokerCircuit())

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(client, webhook_sample("ORDER_CREATED"))

    # then

    assert response.status_code == 200
    assert Delivery.objects.get().status == Delivery.Status.PENDING


def test_the_django_view_gives_the_same_answers(sample_installation, client):
    from django.test import Client

    django_client = Client()
    sample = webhook_sample("ORDER_CREATED")
    forged = sample["raw_body"].replace('"number": "21"', '"number": "22"').encode()

    answers = [
        (response.status_code, response.json())
        for response in (
            deliver(django_client, sample),
            deliver(django_client, sample),
            deliver(django_client, sample, body=forged),
        )
    ]
    Delivery.objects.all().delete()
    expected = [
        (response.status_code, response.json())
        for response in (
            deliver(client, sample),
            deliver(client, sample),
            deliver(client, sample, body=forged),
        )
    ]

    assert answers == expected
    assert [status for status, _ in answers] == [200, 200, 401]


def test_the_route_keeps_the_security_headers_of_every_other_response(sample_installation, client):
    from django.test import Client

    other = Client().get("/healthz")
    response = deliver(client, webhook_sample("ORDER_CREATED"))

    assert response["Content-Type"] == "application/json"
    for name in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert response[name] == other[name]


def test_other_methods_on_the_route_are_djangos(client, db):
    response = client.get(URL)

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_a_body_over_the_upload_limit_is_refused_unread(client, sample_installation, settings):
    sample = webhook_sample("ORDER_CREATED")
    limit = len(sample["raw_body"]) - 1
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = limit

    response = deliver(client, sample)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not Delivery.objects.exists()


def test_an_unexpected_error_is_a_logged_500_in_saleors_error_shape(
    client, sample_installation, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("saleor_mautomation.api.wsgi.webhook_answer", broken)
    logged: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            logged.append(record)

    handler = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = deliver(client, webhook_sample("ORDER_CREATED"))
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert [str(r.exc_info[1]) for r in logged if r.exc_info] == ["a bug"]


@pytest.mark.django_db(transaction=True)
def test_a_connection_broken_during_a_request_is_replaced_for_the_next_one():
    # given: a delivery stored, then the database drops that connection (a restart, a failover)
    make_installation(saleor_api_url=SAMPLE_API_URL, jwks=jwks_sample())
    app = WsgiClient(application, housekeeping=True)
    assert deliver(app, webhook_sample("ORDER_CREATED")).status_code == 200
    backend = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [backend])

    # when
    during = deliver(app, webhook_sample("CHECKOUT_UPDATED"))
    after = deliver(app, webhook_sample("CHECKOUT_UPDATED"))

    # then: Saleor retries the one that met the broken connection; the next gets a new one
    assert during.status_code == 503
    assert after.status_code == 200
    assert Delivery.objects.filter(event="CHECKOUT_UPDATED").count() == 1
