"""Isolation (PostgreSQL): a poison delivery, a poison run fail alone while the other shops'
work in the same batch goes through; the attempts end a failing item; the two steps of a
segment rebuild lose no entry when the second never runs; a queued message wakes the sender
after the commit, on the webhook path."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.tasks import segments_sweep
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.journeys.failures import RUN_MAX_ATTEMPTS
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion, RunStep
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_signed_shop
from tests.support.keys import signing_key
from tests.support.samples import webhook_sample

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def shop(name: str):
    return make_signed_shop(name, now=T)


def order_payload(number: str, email: str, currency: str = "USD") -> dict[str, Any]:
    payload = json.loads(webhook_sample("ORDER_CREATED")["raw_body"])
    order = payload["order"]
    order["id"] = f"T3JkZXI6{number}"
    order["number"] = number
    order["userEmail"] = email
    order["user"] = None
    for money in (order["total"]["gross"], order["total"]["net"], order["subtotal"]["gross"]):
        money["currency"] = currency
    order["totalCharged"]["currency"] = currency
    return payload


def receive(installation, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    delivery_receive(
        saleor_api_url=installation.saleor_api_url,
        event="ORDER_CREATED",
        signature=signing_key(0).sign_webhook(body),
        body=body,
        on_stored=lambda: None,
    )


def test_a_poison_delivery_fails_alone_and_the_other_shops_deliveries_go_through(db):
    # given: one batch holding two shops' orders; one order's currency no column can hold
    first, second = shop("first"), shop("second")
    receive(first, order_payload("1", "ada@example.com"))
    receive(first, order_payload("2", "bob@example.com", currency="EURO"))
    receive(second, order_payload("3", "cy@example.com"))

    # when
    result = deliveries_drain(batch_size=10, max_batches=5, max_attempts=3)

    # then: the poison one failed with the database's refusal, the others were processed
    assert (result.processed, result.failed, result.retried) == (2, 1, 0)
    by_number = {
        json.loads(bytes(d.body))["order"]["number"]: d for d in Delivery.objects.order_by("pk")
    }
    poison = by_number["2"]
    assert (poison.status, poison.attempts) == (Delivery.Status.FAILED, 1)
    assert poison.error.startswith("DataError")
    assert all(by_number[n].status == Delivery.Status.PROCESSED for n in ("1", "3"))
    assert set(OrderRecord.objects.values_list("installation_id", "number")) == {
        (first.pk, "1"),
        (second.pk, "3"),
    }
    # and a later drain has nothing left to do
    assert deliveries_drain(batch_size=10, max_batches=5, max_attempts=3).total == 0


WAIT_THEN_SEND: dict[str, Any] = {
    "entry": {"type": "manual"},
    "start": "pause",
    "nodes": {
        "pause": {"type": "wait", "duration": {"days": 1}, "next": "hello"},
        "hello": {"type": "send_email", "template": "welcome-1", "next": "end"},
        "end": {"type": "exit"},
    },
}


def published(installation, key: str) -> Journey:
    journey = Journey.objects.create(
        installation=installation, key=key, name=key, draft=copy.deepcopy(WAIT_THEN_SEND)
    )
    journey_publish(journey=journey, now=T)
    return journey


def test_a_poison_run_fails_alone_and_ends_after_its_attempts(db):
    # given: two shops' runs due together; one run's version was stored by a release whose
    # definition this one cannot read (it never passed today's publish check)
    first, second = shop("first"), shop("second")
    healthy = [
        journey_enroll(journey=published(s, "welcome"), contact=make_contact(s), now=T)
        for s in (first, second)
    ]
    broken = published(first, "broken")
    poison = journey_enroll(journey=broken, contact=make_contact(first), now=T)
    assert poison is not None
    assert all(run is not None for run in healthy)
    JourneyVersion.objects.filter(pk=poison.version_id).update(
        definition={**WAIT_THEN_SEND, "start": "nowhere"}
    )

    # when: the scheduler wakes them all in one batch
    woken = runs_wake(now=T + timedelta(days=1), limit=10)

    # then: the healthy runs sent and exited; the poison one waits to try again, counted
    assert woken == 3
    for run in healthy:
        assert run is not None
        run.refresh_from_db()
        assert (run.status, run.node) == (JourneyRun.Status.EXITED, "end")
    assert Message.objects.count() == 2
    poison.refresh_from_db()
    assert (poison.status, poison.attempts) == (JourneyRun.Status.WAITING, 1)
    assert poison.error
    assert poison.wake_at is not None
    assert poison.wake_at > T + timedelta(days=1)

    # when: it keeps failing
    moment = T + timedelta(days=1)
    for _ in range(RUN_MAX_ATTEMPTS - 1):
        moment = poison.wake_at or moment
        runs_wake(now=moment, limit=10)
        poison.refresh_from_db()

    # then: it is failed, wakes no more, its failures logged; nothing else was sent
    assert (poison.status, poison.attempts, poison.wake_at) == (
        JourneyRun.Status.FAILED,
        RUN_MAX_ATTEMPTS,
        None,
    )
    assert RunStep.objects.filter(run=poison, kind="failed").count() == RUN_MAX_ATTEMPTS
    assert runs_wake(now=moment + timedelta(days=30), limit=10) == 0
    assert Message.objects.count() == 2


WOMEN = {"version": 1, "root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}


def test_entries_a_rebuild_left_pending_are_fed_by_the_sweep_when_the_worker_died(db):
    # given: a segment entering a journey, built once (its first members enter nothing)
    installation = shop("first")
    segment = segment_create(installation_id=installation.pk, name="Women", definition=WOMEN, now=T)
    segment_rebuild(segment=segment, now=T)
    journey = Journey.objects.create(
        installation=installation,
        key="women",
        name="women",
        draft={
            **copy.deepcopy(WAIT_THEN_SEND),
            "entry": {"type": "segment_entered", "segment_id": segment.pk},
        },
    )
    journey_publish(journey=journey, now=T)
    newcomers = {make_contact(installation, gender="f").pk for _ in range(3)}

    # when: the rebuild commits, and the worker dies before the task's second step
    segment_rebuild(segment=segment, now=T + timedelta(hours=1))

    # then: the entries wait in their rows, no run yet
    pending = Membership.objects.filter(segment=segment, entry_pending=True)
    assert set(pending.values_list("contact_id", flat=True)) == newcomers
    assert not JourneyRun.objects.exists()

    # when: the periodic sweep runs (twice: the second finds nothing left)
    segments_sweep()
    segments_sweep()

    # then: each newcomer entered the journey once, and nothing is pending
    assert sorted(JourneyRun.objects.values_list("contact_id", flat=True)) == sorted(newcomers)
    assert not pending.exists()


@pytest.fixture
def eager(settings):
    from celery import current_app

    conf = current_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = conf.task_eager_propagates = True
    settings.EMAIL_URL = "locmem://"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


def test_an_order_delivery_that_queues_a_message_wakes_the_sender_after_the_commit(
    db, eager, django_capture_on_commit_callbacks, time_machine
):
    # given: a journey entered by an order, which mails at once, to a subscriber (at noon:
    # no quiet hours)
    time_machine.move_to(T, tick=False)
    installation = shop("first")
    make_contact(installation, email="ada@example.com", email_consent="granted")
    journey = Journey.objects.create(
        installation=installation,
        key="thanks",
        name="thanks",
        draft={
            "entry": {"type": "event", "event_type": "order.placed"},
            "start": "hello",
            "nodes": {
                "hello": {"type": "send_email", "template": "welcome-1", "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=T)
    receive(installation, order_payload("7", "ada@example.com"))

    # when: the drain commits (no scheduler tick, nobody calls the sender)
    with django_capture_on_commit_callbacks(execute=True):
        result = deliveries_drain(batch_size=10, max_batches=5, max_attempts=3)

    # then: the message went out through the sender the commit woke
    assert result.processed == 1
    message = Message.objects.get()
    assert (message.status, message.to_address) == (Message.Status.SENT, "ada@example.com")
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]


def test_a_segment_saved_while_the_broker_was_down_is_built_by_the_sweep(db, eager):
    # given: a segment whose rebuild never reached a worker, and a member-to-be
    installation = shop("first")
    segment = segment_create(installation_id=installation.pk, name="Women", definition=WOMEN, now=T)
    ada = make_contact(installation, gender="f")
    assert segment.evaluated_at is None

    # when
    segments_sweep()

    # then
    segment.refresh_from_db()
    assert segment.evaluated_at is not None
    assert list(
        Membership.objects.filter(segment=segment).values_list("contact_id", flat=True)
    ) == [ada.pk]
