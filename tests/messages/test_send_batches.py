"""Sending in batches over real SMTP (aiosmtpd on loopback): a broadcast's batch is read and
recorded in a fixed number of statements, several messages share a connection up to
``per_connection``, and real-time and broadcast messages are claimed by their own senders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.messages.models import Message, MessageAttempt, Template
from saleor_mautomation.messages.outbox import Origin, Outgoing, messages_enqueue
from saleor_mautomation.messages.providers import PoolDefaults
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.messages.conftest import Mailbox, serving

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
APP = "https://marketing.example"


class Sessions(Mailbox):
    """Also notes the client's port of each message: one port per SMTP connection."""

    def __init__(self) -> None:
        super().__init__()
        self.ports: list[int] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.ports.append(session.peer[1])
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def sessions(settings) -> Iterator[Sessions]:
    yield from serving(settings, Sessions())


@pytest.fixture
def shop(db):
    installation = make_shop("mailing")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def queued(shop, count: int, *, broadcast: bool = True, first: int = 0) -> list[int]:
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    contacts = [
        make_contact(
            shop,
            email=f"reader{n}@example.com",
            email_consent="granted",
            time_zone="Europe/Berlin",
        )
        for n in range(first, first + count)
    ]
    ids = messages_enqueue(
        [
            Outgoing(contact, welcome, f"b{contact.pk}", origin=Origin(broadcast=broadcast))
            for contact in contacts
        ],
        now=T,
    )
    return [pk for pk in ids if pk is not None]


def send(**arguments: Any) -> dict[str, int]:
    return messages_send_due(
        now=T, app_url=APP, default_from="Shop <shop@mailing.example>", **arguments
    )


def statements(queries: CaptureQueriesContext) -> Counter[str]:
    """The statements run, by their first words (``UPDATE "mautomation_message"``; a
    savepoint without its generated name)."""
    words = [q["sql"].split() for q in queries.captured_queries]
    return Counter(
        w[0] if "SAVEPOINT" in w[:2] else " ".join(w[:3] if w[0] == "INSERT" else w[:2])
        for w in words
    )


def test_a_broadcast_batch_takes_the_same_statements_for_30_messages_as_for_60(shop, sessions):
    # given: the shop's sending rules made by a first send
    queued(shop, 1, first=100)
    assert send(broadcast=True) == {"sent": 1}
    queued(shop, 30)

    # when
    with CaptureQueriesContext(connection) as thirty:
        counts = send(limit=100, chunk=100, broadcast=True)
    queued(shop, 60, first=30)
    with CaptureQueriesContext(connection) as sixty:
        again = send(limit=100, chunk=100, broadcast=True)

    # then: every message went out once; the second batch, twice the size, ran the same
    # statements: one claim, one attempt insert, one outcome update each of messages and
    # attempts
    assert (counts, again) == ({"sent": 30}, {"sent": 60})
    assert len(sessions.received) == 91
    assert statements(thirty) == statements(sixty)
    assert statements(sixty)['UPDATE "mautomation_message"'] == 2  # the claim, the outcomes
    assert statements(sixty)['INSERT INTO "mautomation_messageattempt"'] == 1
    assert statements(sixty)['UPDATE "mautomation_messageattempt"'] == 1
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert set(MessageAttempt.objects.values_list("outcome", flat=True)) == {"sent"}
    assert MessageAttempt.objects.filter(finished_at=T).count() == 91


def test_messages_share_a_connection_up_to_per_connection(shop, sessions):
    # given
    queued(shop, 10)

    # when
    counts = send(
        limit=100, chunk=3, broadcast=True, per_connection=4, pool=PoolDefaults(connections=1)
    )

    # then: three connections carried 4, 4 and 2 messages, in order
    assert counts == {"sent": 10}
    ports = sessions.ports
    assert [len(list(group)) for group in _runs(ports)] == [4, 4, 2]
    assert len(set(ports)) == 3


def _runs(ports: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for port in ports:
        if runs and runs[-1][0] == port:
            runs[-1].append(port)
        else:
            runs.append([port])
    return runs


def test_real_time_and_broadcast_messages_have_their_own_senders(shop, sessions):
    # given: a broadcast's message and a journey step's, both due
    (broadcast,) = queued(shop, 1)
    (step,) = queued(shop, 1, broadcast=False, first=1)

    # when: the real-time sender runs
    realtime = send(broadcast=False)

    # then: it sent the step's message alone; the broadcast's waits for the bulk sender
    assert realtime == {"sent": 1}
    assert Message.objects.get(pk=step).status == "sent"
    assert Message.objects.get(pk=broadcast).status == "queued"
    assert [rcpt for _, rcpt, _ in sessions.received] == [["reader1@example.com"]]

    # when
    bulk = send(broadcast=True)

    # then
    assert bulk == {"sent": 1}
    assert Message.objects.get(pk=broadcast).status == "sent"
    assert send(broadcast=False) == send(broadcast=True) == {}
