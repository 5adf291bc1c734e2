from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from saleor_mautomation.api.metrics import SCRAPE_QUERIES
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion
from saleor_mautomation.messages.models import Message
from saleor_mautomation.saleor.models import Installation
from tests.conftest import make_installation

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def samples(body: bytes) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, keyed by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def key(name: str, **labels: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (name, tuple(sorted(labels.items())))


def only(found, prefix: str) -> dict:
    return {key: value for key, value in found.items() if key[0].startswith(prefix)}


def delivery(installation, n: int, event: str, status: str, received_at: datetime) -> Delivery:
    return Delivery.objects.create(
        installation=installation,
        event=event,
        body=b"{}",
        body_sha256=f"{n:064d}",
        status=status,
        received_at=received_at,
    )


def message(installation, n: int, **fields) -> Message:
    defaults = {
        "installation": installation,
        "dedupe_key": f"m{n}",
        "kind": "marketing",
        "to_address": f"r{n}@example.com",
        "send_after": T - timedelta(minutes=30),
        "created_at": T - timedelta(minutes=30),
    }
    return Message.objects.create(**{**defaults, **fields})


def run(installation, version, n: int, **fields) -> JourneyRun:
    defaults = {
        "installation": installation,
        "journey": version.journey,
        "version": version,
        "entry_key": f"e{n}",
        "node": "wait",
        "node_entered_at": T - timedelta(days=1),
        "entered_at": T - timedelta(days=1),
    }
    return JourneyRun.objects.create(**{**defaults, **fields})


@pytest.fixture
def seeded(db):
    """Two shops (one uninstalled) with deliveries, runs, messages and backfills of known
    ages around T."""
    shop = make_installation(saleor_api_url="https://one.example.com/graphql/")
    gone = make_installation(
        saleor_api_url="https://two.example.com/graphql/",
        status=Installation.Status.UNINSTALLED,
    )
    # deliveries: three in the last hour, one older; one failed long ago; two pending
    minute = timedelta(minutes=1)
    delivery(shop, 1, "ORDER_CREATED", "processed", T - 10 * minute)
    delivery(shop, 2, "ORDER_CREATED", "failed", T - 20 * minute)
    delivery(gone, 3, "CUSTOMER_CREATED", "pending", T - 90 * minute)
    delivery(shop, 4, "CUSTOMER_CREATED", "pending", T - 5 * minute)
    delivery(shop, 5, "CHECKOUT_UPDATED", "processed", T - 2 * timedelta(hours=1))
    delivery(shop, 6, "CHECKOUT_UPDATED", "failed", T - timedelta(days=3))
    # runs: two waiting past their wake time (the oldest 15 minutes), one not yet, one exited
    journey = Journey.objects.create(installation=shop, key="welcome", name="Welcome")
    version = JourneyVersion.objects.create(
        journey=journey, number=1, definition={}, published_at=T
    )
    run(shop, version, 1, wake_at=T - 15 * minute)
    run(shop, version, 2, wake_at=T - 1 * minute)
    run(shop, version, 3, wake_at=T + 1 * minute)
    run(shop, version, 4, status=JourneyRun.Status.EXITED, wake_at=T - 30 * minute)
    # messages: sent after 2 s, 20 s and 400 s (one deferred: counted from its deferral's
    # end), one queued, one SMS deferred, one sent two hours ago
    sent = T - 20 * minute
    message(
        shop,
        1,
        status="sent",
        send_after=sent,
        created_at=sent,
        sent_at=sent + timedelta(seconds=2),
    )
    message(
        shop,
        2,
        status="delivered",
        send_after=sent,
        created_at=sent,
        sent_at=sent + timedelta(seconds=20),
    )
    message(
        shop,
        3,
        status="sent",
        created_at=T - 50 * minute,
        send_after=T - 30 * minute,
        sent_at=T - 30 * minute + timedelta(seconds=400),
    )
    message(shop, 4, status="queued")
    message(shop, 5, status="deferred", channel="sms")
    old = T - 2 * timedelta(hours=1)
    message(
        shop, 6, status="sent", send_after=old, created_at=old, sent_at=old + timedelta(seconds=1)
    )
    # backfill: customers running 40 of 100, orders failed at 7 of unknown, checkouts done
    common = {"installation": shop, "created_at": T, "updated_at": T}
    BackfillRun.objects.create(resource="customers", status="running", total=100, done=40, **common)
    BackfillRun.objects.create(resource="orders", status="failed", done=7, **common)
    BackfillRun.objects.create(resource="checkouts", status="done", total=5, done=5, **common)
    return shop


def scrape(client, **headers):
    with time_machine.travel(T, tick=False):
        return client.get("/metrics", REMOTE_ADDR="127.0.0.1", **headers)


def test_a_scrape_reports_the_stored_work_with_exact_figures(client, seeded):
    # when
    response = scrape(client)

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    found = samples(response.content)
    assert only(found, "mautomation_installations") == {
        key("mautomation_installations", status="active"): 1.0,
        key("mautomation_installations", status="uninstalled"): 1.0,
    }
    assert only(found, "mautomation_deliveries") == {
        (
            "mautomation_deliveries_recent",
            (("event", "CUSTOMER_CREATED"), ("status", "pending")),
        ): 1.0,
        key("mautomation_deliveries_recent", event="ORDER_CREATED", status="failed"): 1.0,
        (
            "mautomation_deliveries_recent",
            (("event", "ORDER_CREATED"), ("status", "processed")),
        ): 1.0,
        key("mautomation_deliveries_failed", event="CHECKOUT_UPDATED"): 1.0,
        key("mautomation_deliveries_failed", event="ORDER_CREATED"): 1.0,
    }
    assert found[key("mautomation_intake_pending")] == 2.0
    assert found[key("mautomation_intake_lag_seconds")] == 90 * 60.0
    assert found[key("mautomation_journey_runs_due")] == 2.0
    assert found[key("mautomation_journey_runs_due_lag_seconds")] == 15 * 60.0
    assert only(found, "mautomation_messages") == {
        key("mautomation_messages_outbox", channel="email", status="queued"): 1.0,
        key("mautomation_messages_outbox", channel="sms", status="deferred"): 1.0,
        key("mautomation_messages_recent", channel="email", status="delivered"): 1.0,
        key("mautomation_messages_recent", channel="email", status="queued"): 1.0,
        key("mautomation_messages_recent", channel="email", status="sent"): 2.0,
        key("mautomation_messages_recent", channel="sms", status="deferred"): 1.0,
    }
    latency = only(found, "mautomation_message_send_latency_seconds")
    buckets = {
        labels[1][1]: value for (name, labels), value in latency.items() if name.endswith("_bucket")
    }
    assert buckets == {
        "1.0": 0.0,
        "5.0": 1.0,
        "15.0": 1.0,
        "30.0": 2.0,
        "60.0": 2.0,
        "300.0": 2.0,
        "900.0": 3.0,
        "3600.0": 3.0,
        "+Inf": 3.0,
    }
    assert latency[key("mautomation_message_send_latency_seconds_count", channel="email")] == 3.0
    assert latency[key("mautomation_message_send_latency_seconds_sum", channel="email")] == 422.0
    assert only(found, "mautomation_backfill") == {
        key("mautomation_backfill_runs", resource="customers", status="running"): 1.0,
        key("mautomation_backfill_runs", resource="orders", status="failed"): 1.0,
        key("mautomation_backfill_done", resource="customers"): 40.0,
        key("mautomation_backfill_done", resource="orders"): 7.0,
        key("mautomation_backfill_total", resource="customers"): 100.0,
        key("mautomation_backfill_total", resource="orders"): 0.0,
    }


def test_a_scrape_costs_the_same_few_queries_however_much_is_stored(client, seeded):
    # given: as much again of everything
    for n in range(7, 40):
        delivery(seeded, n, f"EVENT_{n % 5}", "pending", T - timedelta(minutes=n))
        message(seeded, n, status="queued", channel="push" if n % 2 else "email")

    # when
    with CaptureQueriesContext(connection) as queries:
        response = scrape(client)

    # then
    assert response.status_code == 200
    assert len(queries.captured_queries) == SCRAPE_QUERIES == 9


def test_an_empty_database_scrapes_zeros(client, db):
    # when
    found = samples(scrape(client).content)

    # then
    assert found[key("mautomation_intake_pending")] == 0.0
    assert found[key("mautomation_intake_lag_seconds")] == 0.0
    assert found[key("mautomation_journey_runs_due_lag_seconds")] == 0.0
    assert only(found, "mautomation_installations") == {
        key("mautomation_installations", status="active"): 0.0,
        key("mautomation_installations", status="uninstalled"): 0.0,
    }
    assert only(found, "mautomation_deliveries_recent") == {}


@pytest.mark.parametrize(
    ("remote", "headers"),
    [
        ("10.0.0.7", {}),
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}),
        ("127.0.0.1", {"HTTP_FORWARDED": "for=203.0.113.9"}),
    ],
)
def test_without_a_token_only_loopback_callers_that_no_proxy_forwarded_are_answered(
    client, db, remote, headers
):
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/metrics", REMOTE_ADDR=remote, **headers)

    # then: refused before any query
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert queries.captured_queries == []


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        ("Bearer s3cret-scrape", 200),
        ("Bearer wrong", 401),
        ("s3cret-scrape", 401),
        (None, 401),
    ],
)
def test_with_a_token_every_caller_needs_it_loopback_too(
    client, db, settings, authorization, status
):
    # given
    settings.METRICS_TOKEN = "s3cret-scrape"
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    # when
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", **headers)

    # then
    assert response.status_code == status
    assert (b"mautomation_intake_pending 0.0" in response.content) is (status == 200)
