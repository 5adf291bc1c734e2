"""An email provider's pool: a campaign's parallel connections never exceed what the pool
grants across workers (counted by the sink's simultaneous connections), the provider's rate
holds across senders on a controlled clock (counted per window by the moments the sink saw),
real-time messages take their own moments instead of waiting behind a campaign's, and the
pool's settings are validated."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from saleor_mautomation.messages.models import (
    EmailProvider,
    Message,
    MessageAttempt,
    ProviderSlot,
    Template,
)
from saleor_mautomation.messages.outbox import Origin, Outgoing, messages_enqueue
from saleor_mautomation.messages.pool import LEASE, Limits, Pace, pace_reserve
from saleor_mautomation.messages.providers import (
    MAX_CONNECTIONS,
    ProviderInvalid,
    email_provider_update,
)
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.messages.sink import Sink

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
START = 1_000.0  # the controlled clock's first moment (seconds)


class Clock:
    """Seconds that pass only when the sender sleeps (each thread from where it last read)."""

    def __init__(self) -> None:
        self.now = START
        self.lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


@pytest.fixture
def shop(db):
    installation = make_shop("pooled")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def own_server(shop, port: int, *, connections: int, rate: float = 0) -> EmailProvider:
    return email_provider_update(
        installation_id=shop.pk,
        kind="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        connections=connections,
        max_per_second=rate,
        allow_private=True,
    )


def campaign(shop, count: int, *, first: int = 0, broadcast: bool = True) -> list[int]:
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    contacts = [
        make_contact(shop, email=f"r{n}@example.com", email_consent="granted")
        for n in range(first, first + count)
    ]
    ids = messages_enqueue(
        [
            Outgoing(contact, welcome, f"c{contact.pk}", origin=Origin(broadcast=broadcast))
            for contact in contacts
        ],
        now=T,
    )
    return [pk for pk in ids if pk is not None]


def send(**arguments: Any) -> dict[str, int]:
    return messages_send_due(
        now=T,
        app_url="https://marketing.example",
        default_from="Shop <shop@pooled.example>",
        allow_private=True,
        **arguments,
    )


def test_a_campaign_goes_out_on_the_pools_connections_at_once_and_never_more(shop):
    # given: a provider allowing 3 connections, 24 messages; each answer comes 30 ms late
    with Sink(delay=0.03) as sink:
        own_server(shop, sink.port, connections=3)
        campaign(shop, 24)

        # when
        counts = send(limit=100, chunk=12, broadcast=True)

    # then: three connections were open at once, never a fourth; each message arrived once
    assert counts == {"sent": 24}
    assert sink.peak == 3
    assert sink.received == {f"r{n}@example.com": 1 for n in range(24)}
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert ProviderSlot.objects.filter(holder="").count() == 3  # all given back


def test_connections_another_worker_holds_are_not_taken_until_its_lease_runs_out(shop):
    # given: another worker holds 2 of the 3 connections (its lease current), and then only
    # 1 (the other's lease ran out)
    with Sink(delay=0.03) as sink:
        provider = own_server(shop, sink.port, connections=3)
        key = f"provider:{provider.pk}"
        ProviderSlot.objects.bulk_create(
            [
                ProviderSlot(key=key, slot=0, holder="other", expires_at=START + LEASE),
                ProviderSlot(key=key, slot=1, holder="other", expires_at=START - 1),
                ProviderSlot(key=key, slot=2, holder="other", expires_at=START + LEASE),
            ]
        )
        campaign(shop, 12)

        # when
        counts = send(limit=100, chunk=12, broadcast=True, clock=lambda: START)

    # then: one connection, the expired one; the other worker's slots are still its own
    assert counts == {"sent": 12}
    assert sink.peak == 1
    held = dict(ProviderSlot.objects.filter(key=key).values_list("slot", "holder"))
    assert held == {0: "other", 1: "", 2: "other"}


def test_the_rate_holds_across_two_senders_on_a_controlled_clock(shop):
    # given: 5 messages a second on one connection; two senders in turn (batches of 6)
    clock = Clock()
    with Sink(clock=clock) as sink:
        own_server(shop, sink.port, connections=1, rate=5)
        campaign(shop, 12)

        # when
        first = send(limit=6, chunk=3, broadcast=True, clock=clock, sleep=clock.sleep)
        second = send(limit=6, chunk=3, broadcast=True, clock=clock, sleep=clock.sleep)

    # then: each message at its own fifth of a second, the second sender after the first's
    # last reserved moment; never more than 5 in any second
    assert (first, second) == ({"sent": 6}, {"sent": 6})
    assert sink.moments == pytest.approx([START + n / 5 for n in range(12)])
    assert (
        max(sum(1 for m in sink.moments if start <= m < start + 1 - 1e-9) for start in sink.moments)
        == 5
    )


def test_real_time_messages_take_their_own_moments_and_push_the_campaign_back(db):
    # given: a campaign reserved 20 moments at 10 a second from 0, another sender 20 more
    rate = 10.0
    key = "provider:test"
    assert pace_reserve(key=key, lane="bulk", count=20, rate=rate, now=0.0) == 0.0
    assert pace_reserve(key=key, lane="bulk", count=20, rate=rate, now=0.5) == 2.0

    # when: a real-time message is due at 1.0 s, and the campaign reserves again
    realtime = pace_reserve(key=key, lane="realtime", count=1, rate=rate, now=1.0)
    later = pace_reserve(key=key, lane="bulk", count=10, rate=rate, now=1.0)

    # then: the real-time message goes at once, not after the campaign's 4 s; the campaign's
    # next moments start one tenth of a second later than they would have
    assert realtime == 1.0
    assert later == pytest.approx(4.1)
    assert pace_reserve(key=key, lane="realtime", count=1, rate=rate, now=1.0) == 1.1


def test_a_pace_waits_for_each_reserved_moment(db):
    # given
    clock = Clock()
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        clock.sleep(seconds)

    pace = Pace(Limits("provider:p", 1, 4.0), lane="bulk", clock=clock, sleep=sleep)

    # when
    pace.reserve(3)
    for _ in range(3):
        pace.wait()

    # then
    assert pauses == [0.25, 0.25]
    assert clock() == START + 0.5


def test_a_real_time_message_does_not_wait_for_a_campaigns_connection(shop):
    # given: every connection of the pool held by a campaign sender elsewhere
    with Sink() as sink:
        provider = own_server(shop, sink.port, connections=1)
        ProviderSlot.objects.create(
            key=f"provider:{provider.pk}", slot=0, holder="campaign", expires_at=START + LEASE
        )
        campaign(shop, 1, broadcast=False)

        # when
        counts = send(broadcast=False, clock=lambda: START)

    # then
    assert counts == {"sent": 1}
    assert sink.received == {"r0@example.com": 1}


@pytest.mark.parametrize("connections", [-1, MAX_CONNECTIONS + 1])
def test_a_pool_of_no_or_too_many_connections_is_refused(shop, connections):
    with pytest.raises(ProviderInvalid, match="connections is between 0"):
        email_provider_update(
            installation_id=shop.pk, kind="default", connections=connections, allow_private=True
        )

    assert not EmailProvider.objects.filter(installation=shop).exists()


def test_a_providers_pool_is_saved(shop):
    own_server(shop, 2525, connections=MAX_CONNECTIONS, rate=12.5)

    stored = EmailProvider.objects.get(installation=shop)
    assert (stored.connections, stored.max_per_second) == (MAX_CONNECTIONS, 12.5)


def test_a_fault_in_one_connections_thread_stops_the_others_and_nothing_leaves_unrecorded(shop):
    # given: 3 connections at 10 a second; the worker is stopped (Celery's soft time limit)
    # at the first pause any thread makes, so the message of the first moment goes and no
    # other
    def stopped(seconds: float) -> None:
        raise SoftTimeLimitExceeded()

    with Sink() as sink:
        own_server(shop, sink.port, connections=3, rate=10)
        ids = campaign(shop, 12)

        # when
        with pytest.raises(SoftTimeLimitExceeded):
            send(limit=100, chunk=12, broadcast=True, clock=lambda: START, sleep=stopped)

    # then: the message handed over is sent; those a thread had taken are in doubt; the rest
    # are queued again with their claim and attempt taken back; nobody got anything twice
    statuses = dict(Message.objects.filter(pk__in=ids).values_list("pk", "status"))
    (sent,) = Message.objects.filter(pk__in=ids, status="sent")
    assert sink.received == {sent.to_address: 1}
    in_doubt = [pk for pk in ids if statuses[pk] == "sending"]
    queued = [pk for pk in ids if statuses[pk] == "queued"]
    assert 1 <= len(in_doubt) <= 3
    assert len(in_doubt) + len(queued) == 11  # all but the sent one
    assert not MessageAttempt.objects.filter(message_id__in=queued).exists()
    assert set(Message.objects.filter(pk__in=queued).values_list("attempts", flat=True)) == {0}
