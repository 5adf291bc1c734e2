"""The Dashboard's GraphQL for a broadcast at scale: ``pauseBroadcast`` and
``resumeBroadcast`` (what they hold and release, their refusals), ``held`` and the
``perMinute`` series of ``broadcastProgress`` (exact figures per minute)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from saleor_mautomation.journeys.broadcasts import HELD_UNTIL
from saleor_mautomation.journeys.entries import broadcasts_due
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.models import Segment
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact
from tests.graphql.test_broadcasts import WOMEN, T, broadcast, launched, message
from tests.graphql.test_contacts import ask

PAUSE = """mutation P($id: ID!) { pauseBroadcast(id: $id) {
  journey { status } heldMessages } }"""
RESUME = """mutation R($id: ID!) { resumeBroadcast(id: $id) {
  journey { status } releasedMessages } }"""
SERIES = """query S($id: ID!, $minutes: Int) { broadcastProgress(journeyId: $id) {
  queued deferred held perMinute(minutes: $minutes) { at sent deferred suppressed failed } } }"""
CREATE = """mutation C($name: String!, $draft: GenericScalar) {
  createJourney(name: $name, draft: $draft) { journey { id } } }"""


@pytest.fixture
def women(standin_installation) -> Segment:
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return segment_create(
        installation_id=standin_installation.pk, name="Women", definition=WOMEN, now=T
    )


def test_pause_holds_the_unsent_messages_and_resume_releases_them(
    client, standin_installation, women
):
    # given: five runs; their messages queued, deferred, being sent, sent, and one not yet
    shop = standin_installation
    for _ in range(5):
        make_contact(shop, gender="f", email_consent="granted")
    segment_rebuild(segment=women, now=T)
    journey_id = launched(client, shop, "Pause me", broadcast(women.pk, T))
    broadcasts_due(now=T)
    runs = list(JourneyRun.objects.order_by("pk"))
    for run, status in zip(runs, ["queued", "deferred", "sending", "sent"], strict=False):
        message(shop, run, status)

    # when: paused, asked again, and its progress read
    with time_machine.travel(T + timedelta(minutes=1), tick=False):
        paused = ask(client, shop, PAUSE, id=journey_id)
        again = ask(client, shop, PAUSE, id=journey_id)
        progress = ask(client, shop, SERIES, id=journey_id, minutes=1)

    # then: the queued and deferred messages are held (counted in their states too)
    assert paused["data"]["pauseBroadcast"] == {
        "journey": {"status": "paused"},
        "heldMessages": 2,
    }
    assert again["errors"][0]["extensions"]["code"] == "INVALID_STATUS"
    assert {
        k: progress["data"]["broadcastProgress"][k] for k in ("queued", "deferred", "held")
    } == {
        "queued": 2,
        "deferred": 1,
        "held": 2,
    }
    assert set(
        Message.objects.filter(status__in=["queued", "deferred"]).values_list(
            "send_after", flat=True
        )
    ) == {HELD_UNTIL}

    # when: resumed, twice
    resumed_at = T + timedelta(minutes=2)
    with time_machine.travel(resumed_at, tick=False):
        resumed = ask(client, shop, RESUME, id=journey_id)
        twice = ask(client, shop, RESUME, id=journey_id)

    # then: both are due at once; the second resume is refused
    assert resumed["data"]["resumeBroadcast"] == {
        "journey": {"status": "active"},
        "releasedMessages": 2,
    }
    assert twice["errors"][0]["extensions"]["code"] == "INVALID_STATUS"
    assert set(
        Message.objects.filter(status__in=["queued", "deferred"]).values_list(
            "send_after", flat=True
        )
    ) == {resumed_at}


STATUS = """mutation S($id: ID!, $status: String!) { setJourneyStatus(id: $id, status: $status) {
  journey { status } } }"""


def test_the_journeys_lists_status_buttons_pause_resume_and_archive_a_broadcast_as_its_own_do(
    client, standin_installation, women
):
    # given: three runs of a broadcast with queued messages
    shop = standin_installation
    for _ in range(3):
        make_contact(shop, gender="f", email_consent="granted")
    segment_rebuild(segment=women, now=T)
    journey_id = launched(client, shop, "From the list", broadcast(women.pk, T))
    broadcasts_due(now=T)
    for run in JourneyRun.objects.order_by("pk"):
        message(shop, run, "queued")
    queued = Message.objects.filter(status="queued")

    # when: paused from the journeys list; then its messages are held, not only its runs
    with time_machine.travel(T + timedelta(minutes=1), tick=False):
        paused = ask(client, shop, STATUS, id=journey_id, status="paused")
    assert paused["data"]["setJourneyStatus"] == {"journey": {"status": "paused"}}
    assert set(queued.values_list("send_after", flat=True)) == {HELD_UNTIL}

    # when: made active again; then they are due at once
    resumed_at = T + timedelta(minutes=2)
    with time_machine.travel(resumed_at, tick=False):
        resumed = ask(client, shop, STATUS, id=journey_id, status="active")
    assert resumed["data"]["setJourneyStatus"] == {"journey": {"status": "active"}}
    assert set(queued.values_list("send_after", flat=True)) == {resumed_at}

    # when: archived; then its unsent messages are cancelled, as cancelBroadcast does
    archived = ask(client, shop, STATUS, id=journey_id, status="archived")
    assert archived["data"]["setJourneyStatus"] == {"journey": {"status": "archived"}}
    assert set(Message.objects.values_list("status", flat=True)) == {"cancelled"}


def test_a_journey_that_is_not_a_broadcast_is_not_paused_here(client, standin_installation):
    shop = standin_installation
    draft = {
        "entry": {"type": "event", "event_type": "order_created"},
        "start": "end",
        "nodes": {"end": {"type": "exit"}},
    }
    created = ask(client, shop, CREATE, name="Orders", draft=draft)
    journey_id = created["data"]["createJourney"]["journey"]["id"]

    body = ask(client, shop, PAUSE, id=journey_id)

    assert body["errors"][0]["extensions"]["code"] == "NOT_A_BROADCAST"


def test_per_minute_counts_what_the_senders_decided_in_each_minute(
    client, standin_installation, women
):
    # given: seven messages decided over three minutes (12:00, 12:01, 12:02), one before
    shop = standin_installation
    for _ in range(8):
        make_contact(shop, gender="f", email_consent="granted")
    segment_rebuild(segment=women, now=T)
    journey_id = launched(client, shop, "Series", broadcast(women.pk, T))
    broadcasts_due(now=T)
    runs = list(JourneyRun.objects.order_by("pk"))
    minute = timedelta(minutes=1)
    decided = [
        ("sent", T + timedelta(seconds=5)),
        ("delivered", T + timedelta(seconds=59)),
        ("suppressed", T + timedelta(seconds=30)),
        ("sent", T + minute + timedelta(seconds=1)),
        ("failed", T + minute + timedelta(seconds=2)),
        ("deferred", T + 2 * minute),
        ("bounced", T + 2 * minute + timedelta(seconds=10)),
        ("sent", T - minute),  # before the series
    ]
    for run, (status, at) in zip(runs, decided, strict=True):
        row = message(shop, run, status)
        Message.objects.filter(pk=row.pk).update(
            claimed_at=at, sent_at=at if status in {"sent", "delivered", "bounced"} else None
        )

    # when: asked for the last three minutes at 12:02:30
    with time_machine.travel(T + 2 * minute + timedelta(seconds=30), tick=False):
        body = ask(client, shop, SERIES, id=journey_id, minutes=3)

    # then: every minute, oldest first
    assert body["data"]["broadcastProgress"]["perMinute"] == [
        {"at": T.isoformat(), "sent": 2, "deferred": 0, "suppressed": 1, "failed": 0},
        {"at": (T + minute).isoformat(), "sent": 1, "deferred": 0, "suppressed": 0, "failed": 1},
        {
            "at": (T + 2 * minute).isoformat(),
            "sent": 1,
            "deferred": 1,
            "suppressed": 0,
            "failed": 0,
        },
    ]
