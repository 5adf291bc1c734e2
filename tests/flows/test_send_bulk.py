"""The bulk sender as a separate OS process against PostgreSQL, killed in the middle of a
multi-message SMTP connection: no message arrives twice, the chunk in hand stays in doubt
(``unknown``, never sent again: marketing), the rest of the batch goes out after recovery.

The worker is ``python -c`` running the app's Celery tasks at a simulated moment
(``tests/journeys/e2e.py``); the SMTP peer keeps the seventh message and never answers it, so
the sender is killed while it waits for that reply, its connection open after six messages.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.messages.models import Message, MessageAttempt, Template
from saleor_mautomation.messages.outbox import Origin, Outgoing, messages_enqueue
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.conftest import make_installation
from tests.journeys.e2e import RECOVER, Worker, worker_environment
from tests.messages.conftest import Mailbox, free_port

pytestmark = pytest.mark.django_db(transaction=True)

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # midday: no quiet hours anywhere near
SEND_BULK = "saleor_mautomation.flows.tasks.messages_send_bulk"
CHUNK = 5
STALL_AT = 7  # the second message of the second chunk


class StallingMailbox(Mailbox):
    """Keeps every message it is given; the ``STALL_AT``-th is kept but never answered."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        if len(self.received) == STALL_AT:
            await asyncio.sleep(3600)
        return "250 Message accepted"


@pytest.fixture
def box() -> Iterator[tuple[StallingMailbox, int]]:
    mailbox = StallingMailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def start(box, tmp_path) -> Iterator[Any]:
    env = {**worker_environment(box[1]), "SEND_BULK_CHUNK": str(CHUNK), "EMAIL_CONNECTIONS": "1"}
    started: list[Worker] = []

    def start() -> Worker:
        started.append(Worker(env=env, log=str(tmp_path / f"worker-{len(started)}.log")))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def broadcast_messages(count: int) -> list[Message]:
    """``count`` marketing emails of a broadcast, due now, in the order they are sent."""
    shop = make_installation(saleor_api_url="https://bulk.example/graphql/")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    contacts = [
        Contact.objects.create(
            installation=shop, email=f"reader{n:02}@example.com", email_consent="granted"
        )
        for n in range(count)
    ]
    ids = messages_enqueue(
        [
            Outgoing(contact, welcome, f"b{n}", origin=Origin(broadcast=True))
            for n, contact in enumerate(contacts)
        ],
        now=T,
    )
    return list(Message.objects.filter(pk__in=[i for i in ids if i is not None]).order_by("pk"))


def received(box: Mailbox) -> Counter[str]:
    return Counter(address for _, recipients, _ in box.received for address in recipients)


def wait_for(condition: Any) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "the sender never got there"
        time.sleep(0.05)


def test_a_bulk_sender_killed_mid_connection_sends_nothing_twice(start, box):
    # given: twelve broadcast messages (chunks of 5, 5 and 2); the sender is killed waiting
    # for the server's answer to the seventh, six messages into its connection
    mailbox, _ = box
    messages = broadcast_messages(12)
    doomed, later = start(), start()
    doomed.run([SEND_BULK], now=T)
    wait_for(lambda: len(mailbox.received) == STALL_AT)
    doomed.kill()
    first, second, third = messages[:5], messages[5:10], messages[10:]
    assert {m.status for m in Message.objects.filter(pk__in=[m.pk for m in first])} == {"sent"}
    rest = Message.objects.filter(pk__in=[m.pk for m in second + third])
    assert set(rest.values_list("status", flat=True)) == {"sending"}

    # when: another sender at once, then the recovery and the sender ten minutes later
    later.run([SEND_BULK], now=T + timedelta(minutes=1))
    assert later.done()[SEND_BULK] == {}
    later.run([RECOVER, SEND_BULK], now=T + timedelta(minutes=11))
    results = later.done()

    # then: the chunk in hand is unknown (two of it reached the server, three never did) and
    # nobody got anything twice; the last chunk, never started, was requeued and sent once
    assert results == {RECOVER: 7, SEND_BULK: {"sent": 2}}
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in messages] == ["sent"] * 5 + ["unknown"] * 5 + ["sent"] * 2
    counts = received(mailbox)
    assert max(counts.values()) == 1
    assert sorted(counts) == sorted(m.to_address for m in first + second[:2] + third)
    lost = MessageAttempt.objects.filter(message__in=second)
    assert set(lost.values_list("outcome", "detail")) == {
        ("unknown", "worker lost during the send")
    }
    assert lost.count() == 5
    assert [m.attempts for m in Message.objects.filter(pk__in=[m.pk for m in third])] == [2, 2]
    assert MessageAttempt.objects.filter(message__in=third, outcome="sent").count() == 2


class StallingFrom(Mailbox):
    """Keeps every message; from the ``STALL_AT``-th on, none is answered until ``stalling``
    is turned off (the sender it stalled is gone by then)."""

    stalling = True

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        if self.stalling and len(self.received) >= STALL_AT:
            await asyncio.sleep(3600)
        return "250 Message accepted"


@pytest.fixture
def stalling() -> Iterator[tuple[StallingFrom, int]]:
    mailbox = StallingFrom()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


def test_a_bulk_sender_killed_with_several_connections_in_flight_sends_nothing_twice(
    stalling, tmp_path
):
    # given: fifteen broadcast messages (chunks of 6, 6 and 3) handed over on 3 parallel
    # connections; the server answers the first six, then keeps each message without an
    # answer, so the sender is killed with three connections waiting, one message each
    mailbox, port = stalling
    env = {**worker_environment(port), "SEND_BULK_CHUNK": "6", "EMAIL_CONNECTIONS": "3"}
    messages = broadcast_messages(15)
    doomed = Worker(env=env, log=str(tmp_path / "doomed.log"))
    later = Worker(env=env, log=str(tmp_path / "later.log"))
    try:
        doomed.run([SEND_BULK], now=T)
        wait_for(lambda: len(mailbox.received) == STALL_AT + 2)
        doomed.kill()
        mailbox.stalling = False
        first, second, third = messages[:6], messages[6:12], messages[12:]
        assert {m.status for m in Message.objects.filter(pk__in=[m.pk for m in first])} == {"sent"}

        # when: the recovery and a sender ten minutes later
        later.run([RECOVER, SEND_BULK], now=T + timedelta(minutes=11))
        results = later.done()
    finally:
        doomed.stop()
        later.stop()

    # then: the whole chunk in hand is unknown (three of it reached the server, three were
    # never given to a connection: the chunk's attempts were recorded before any of it went);
    # the last chunk, never started, went out once; nobody got anything twice
    assert results == {RECOVER: 9, SEND_BULK: {"sent": 3}}
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in messages] == ["sent"] * 6 + ["unknown"] * 6 + ["sent"] * 3
    counts = received(mailbox)
    assert max(counts.values()) == 1
    assert sorted(counts) == sorted(m.to_address for m in first + second[:3] + third)
    assert MessageAttempt.objects.filter(message__in=second, outcome="unknown").count() == 6
