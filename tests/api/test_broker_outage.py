"""Fault test with real processes: Redis (the broker) stopped while signed deliveries arrive.

Every delivery is answered 200 once stored, the web process tries the broker once and then
leaves it alone for the back-off window (a circuit), and nothing is lost: once Redis is back the
sweep's drain processes every stored delivery and hand-offs resume.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from celery import current_app

from saleor_mautomation.core import broker
from saleor_mautomation.core.broker import BrokerCircuit
from saleor_mautomation.flows import handoff, tasks
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.project.wsgi import application
from tests.support.samples import webhook_sample
from tests.support.wsgi import WsgiClient

URL = "/api/webhooks/saleor"
OUTAGE_DELIVERIES = 20


class RedisServer:
    """A real ``redis-server`` on a fixed port that can be stopped and started again."""

    def __init__(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            pytest.skip("redis-server is not installed")
        self.server = server
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):  # until it accepts connections (at most 5 s)
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait()
            self.proc = None

    def queued(self, queue: str) -> int:
        return int(redis.Redis(port=self.port).llen(queue))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def circuit_clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(handoff, "circuit", BrokerCircuit(monotonic=clock))
    return clock


@pytest.fixture
def app_on_redis(redis_server, circuit_clock, monkeypatch, settings):
    """The project's Celery app pointed at the real Redis, each delivery nudging the drain
    (no debounce window), the broker's connections counted."""
    monkeypatch.setitem(current_app.conf, "broker_url", redis_server.url)
    monkeypatch.setattr(current_app, "_pool", None)
    monkeypatch.setattr(tasks._nudger(), "window", 0.0)
    settings.BROKER_HANDOFF_BACKOFF = 5.0
    opened: list[str] = []
    connection = broker._connection

    def counted(app, timeout):
        opened.append(app.conf.broker_url)
        return connection(app, timeout)

    monkeypatch.setattr(broker, "_connection", counted)
    return opened


def delivery(key, api_url, number):
    payload = json.loads(webhook_sample("ORDER_CREATED")["raw_body"])
    payload["order"]["number"] = str(number)
    payload["order"]["id"] = f"T3JkZXI6{number:032d}"
    body = json.dumps(payload).encode()
    headers = {
        "Saleor-Event": "order_created",
        "Saleor-Api-Url": api_url,
        "Saleor-Signature": key.sign_webhook(body),
    }
    return body, headers


def post(client, captured, key, api_url, number):
    body, headers = delivery(key, api_url, number)
    with captured(execute=True):
        return client.post(URL, data=body, content_type="application/json", headers=headers)


def test_redis_stopped_every_delivery_is_answered_and_nothing_is_lost(
    redis_server,
    app_on_redis,
    circuit_clock,
    standin_installation,
    key,
    django_capture_on_commit_callbacks,
):
    # given: the broker up; a delivery's hand-off reaches the intake queue
    client = WsgiClient(application)
    api_url = standin_installation.saleor_api_url
    first = post(client, django_capture_on_commit_callbacks, key, api_url, 0)
    assert (first.status_code, redis_server.queued("intake")) == (200, 1)
    redis_server.stop()
    app_on_redis.clear()

    # when: deliveries arrive while Redis is stopped
    answers = [
        post(client, django_capture_on_commit_callbacks, key, api_url, n)
        for n in range(1, OUTAGE_DELIVERIES + 1)
    ]
    tried = len(app_on_redis)
    health = client.get("/healthz")
    ready = client.get("/readyz")

    # then: every one answered 200 and stored; the broker was tried once, then left alone
    assert [(a.status_code, a.json()) for a in answers] == [
        (200, {"status": "stored"})
    ] * OUTAGE_DELIVERIES
    assert tried == 1
    assert handoff.circuit.is_open
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == 21
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 503
    assert ready.json()["broker"] == "unavailable: OperationalError"
    assert ready.json()["database"] == "ok"

    # when: Redis is back, the scheduler's sweep runs the drain
    redis_server.start()
    drained = tasks.deliveries_drain()

    # then: nothing was lost
    assert drained == 21
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.PROCESSED}

    # when: the back-off window has passed, a delivery hands off again
    circuit_clock.now += 5.0
    last = post(client, django_capture_on_commit_callbacks, key, api_url, 99)

    # then
    assert last.status_code == 200
    assert not handoff.circuit.is_open
    assert redis_server.queued("intake") == 1
    assert len(app_on_redis) == 3  # the outage's one, /readyz's and this one
