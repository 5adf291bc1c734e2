"""End to end: send-time optimisation (``contacts.send_time``) from tracked opens and clicks to
the email at a loopback SMTP server at each recipient's own best moment.

The shop runs as in ``test_e2e_presets``: Saleor registers the app, people open and click
earlier emails through the app's tracking routes (a person's browser, or Apple's privacy proxy
that fetches every pixel), the scheduler's tasks run at simulated moments and emails arrive at
a loopback SMTP server. A broadcast "at each recipient's best time within 24 hours" queues each
message for its recipient's moment; the bulk fan-out (a send alone) and the per-run path (a
wait first, or a send node's own ``at_best_hour``) queue the same moments.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.contacts.models import Contact, ShopSendTime
from saleor_mautomation.graphql.contacts import to_global_id
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages import tokens
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.services import segment_create
from tests.journeys.e2e import Shop, day

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
APPLE_PRIVACY_PROXY = "Mozilla/5.0"  # Apple Mail Privacy Protection fetches every pixel
SEND_AT = datetime(2026, 2, 3, 8, 0, tzinfo=UTC)  # a Tuesday, 09:00 in Berlin
EVERYONE = {"root": {"type": "profile", "field": "country", "op": "eq", "value": "DE"}}


def utc(month: int, day_: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day_, hour, minute, tzinfo=UTC)


# (who, UTC moment, open or click, user agent)
HITS: list[tuple[str, datetime, str, str]] = [
    # Ada in Berlin clicks on Tuesdays at 19h (18h UTC in winter)
    ("ada", utc(1, 13, 18, 10), "click", IPHONE_SAFARI),
    ("ada", utc(1, 20, 18, 30), "click", IPHONE_SAFARI),
    ("ada", utc(1, 27, 18, 5), "click", IPHONE_SAFARI),
    # Bob in New York opens on Thursdays at 7h (12h UTC)
    ("bob", utc(1, 15, 12, 20), "open", IPHONE_SAFARI),
    ("bob", utc(1, 22, 12, 40), "open", IPHONE_SAFARI),
    ("bob", utc(1, 29, 12, 5), "open", IPHONE_SAFARI),
    # Dan in London: only his mail app's privacy proxy, at 3h on Tuesdays: never counted
    ("dan", utc(1, 13, 3, 0), "open", APPLE_PRIVACY_PROXY),
    ("dan", utc(1, 20, 3, 0), "open", APPLE_PRIVACY_PROXY),
    ("dan", utc(1, 27, 3, 0), "open", APPLE_PRIVACY_PROXY),
    # Eve in Berlin clicked once, a Friday at 12h: too little to go by
    ("eve", utc(1, 16, 11, 0), "click", IPHONE_SAFARI),
]
PEOPLE = {
    "ada": "Europe/Berlin",
    "bob": "America/New_York",
    "cy": "",  # no zone: the shop's (Berlin, the zone most of its contacts are in)
    "dan": "Europe/London",
    "eve": "Europe/Berlin",
}
# Each one's moment: Ada's Tuesday 19h in Berlin; Bob's Thursday is not within 24 hours, so
# the best hour within them by the shop's habits (Tuesday 19h, in New York); Dan, Eve and Cy
# have too little data of their own: the shop's best hour in their zone.
EXPECTED = {
    "ada": utc(2, 3, 18),
    "bob": utc(2, 4, 0),
    "cy": utc(2, 3, 18),
    "dan": utc(2, 3, 19),
    "eve": utc(2, 3, 18),
}

SIMPLE = {"mail": {"type": "send_email", "template": "welcome-1", "next": "end"}}
GRAPHS: dict[str, tuple[bool, dict[str, Any]]] = {
    # the broadcast's option, a send alone: the bulk fan-out
    "best time, in bulk": (True, {"start": "mail", "nodes": SIMPLE}),
    # the broadcast's option, a wait first: the per-run path
    "best time, run by run": (
        True,
        {
            "start": "pause",
            "nodes": {
                "pause": {"type": "wait", "duration": {"minutes": 1}, "next": "mail"},
                **SIMPLE,
            },
        },
    ),
    # no option, the send node's own at_best_hour: the bulk fan-out
    "the node's best hour": (
        False,
        {"start": "mail", "nodes": {"mail": {**SIMPLE["mail"], "at_best_hour": True}}},
    ),
}


def engaged_contacts(shop: Shop) -> dict[str, Contact]:
    """The five contacts, each with an email sent on day 0, opened and clicked by ``HITS``
    through the app's tracking routes at their moments."""
    installation = shop.shop
    contacts: dict[str, Contact] = {}
    sent: dict[str, Message] = {}
    for name, zone in PEOPLE.items():
        contact = Contact.objects.create(
            installation=installation,
            email=f"{name}@example.com",
            first_name=name.capitalize(),
            email_consent="granted",
            country="DE",
            time_zone=zone,
        )
        contacts[name] = contact
        sent[name] = Message.objects.create(
            installation=installation,
            contact=contact,
            dedupe_key=f"earlier:{name}",
            kind="marketing",
            to_address=str(contact.email),
            status="sent",
            send_after=day(0),
            created_at=day(0),
            sent_at=day(0),
        )
    for name, moment, kind, agent in sorted(HITS, key=lambda hit: hit[1]):
        shop.at(moment)
        message_id = sent[name].pk
        path = (
            f"/t/o/{tokens.open_token(message_id)}"
            if kind == "open"
            else f"/t/c/{tokens.click_token(message_id, 'https://linden.example/sale')}"
        )
        response = shop.client.get(path, headers={"User-Agent": agent})
        assert response.status_code == (200 if kind == "open" else 302)
    for contact in contacts.values():
        contact.refresh_from_db()
    return contacts


def broadcast(shop: Shop, *, best_time: bool, graph: dict[str, Any]) -> Journey:
    installation = shop.shop
    templates_builtin_ensure(installation_id=installation.pk, now=shop.now)
    segment = segment_create(
        installation_id=installation.pk, name="Everyone", definition=EVERYONE, now=shop.now
    )
    entry = {"type": "broadcast", "segment_id": segment.pk, "send_at": SEND_AT.isoformat()}
    definition = {
        "entry": {**entry, "best_time": best_time},
        **graph,
        "nodes": {**graph["nodes"], "end": {"type": "exit"}},
    }
    journey = Journey.objects.create(
        installation=installation, key="sale", name="Sale", draft=definition
    )
    journey_publish(journey=journey, now=shop.now)
    return journey


def test_profiles_learn_from_human_opens_and_clicks_only(shop: Shop):
    # when: the hits of HITS through the tracking routes
    contacts = engaged_contacts(shop)

    # then: each profile by local hour of the week (Tuesday 19h is slot 43)
    profiles = {
        name: (c.send_time_weights, c.send_time_clicks, c.send_time_opens, c.send_time_oldest_at)
        for name, c in contacts.items()
    }
    assert profiles == {
        "ada": ({"43": 6}, 3, 0, utc(1, 13, 18, 10)),
        "bob": ({"79": 3}, 0, 3, utc(1, 15, 12, 20)),
        "cy": ({}, 0, 0, None),
        "dan": ({}, 0, 0, None),  # three proxy opens, none counted
        "eve": ({"108": 2}, 1, 0, utc(1, 16, 11, 0)),
    }


@pytest.mark.parametrize("graph", list(GRAPHS))
def test_each_recipient_gets_the_broadcast_at_their_best_moment(shop: Shop, graph: str):
    # given: the engaged contacts, and a broadcast due on Tuesday 3 February at 08:00 UTC
    contacts = engaged_contacts(shop)
    best_time, shape = GRAPHS[graph]
    journey = broadcast(shop, best_time=best_time, graph=shape)

    # when: the scheduler runs at the send time, and a minute later (the wait's end)
    assert shop.tick(SEND_AT) == []
    assert shop.tick(SEND_AT + timedelta(minutes=1)) == []

    # then: each message queued for its recipient's moment
    queued = {
        name.lower(): send_after
        for name, send_after in Message.objects.filter(journey_id=journey.pk).values_list(
            "contact__first_name", "send_after"
        )
    }
    assert queued == EXPECTED
    shop_profile = ShopSendTime.objects.get(installation=shop.shop)
    assert (shop_profile.weights, shop_profile.time_zone) == (
        {"43": 6, "79": 3, "108": 2},
        "Europe/Berlin",
    )

    # and: delivered at the loopback SMTP server when the clock reaches each moment
    arrived: dict[datetime, list[str]] = {}
    for moment in (utc(2, 3, 17, 59), utc(2, 3, 18), utc(2, 3, 19), utc(2, 3, 23), utc(2, 4, 0)):
        arrived[moment] = sorted(mail.to for mail in shop.tick(moment))
    assert arrived == {
        utc(2, 3, 17, 59): [],
        utc(2, 3, 18): ["ada@example.com", "cy@example.com", "eve@example.com"],
        utc(2, 3, 19): ["dan@example.com"],
        utc(2, 3, 23): [],
        utc(2, 4, 0): ["bob@example.com"],
    }
    assert {c.pk for c in contacts.values()} == set(
        Message.objects.filter(journey_id=journey.pk, status="sent").values_list(
            "contact_id", flat=True
        )
    )


def test_a_broadcast_without_the_option_goes_when_it_is_due(shop: Shop):
    # given: the same people, a broadcast without the option
    engaged_contacts(shop)
    journey = broadcast(shop, best_time=False, graph={"start": "mail", "nodes": SIMPLE})

    # when: the scheduler runs at its send time
    arrived = sorted(mail.to for mail in shop.tick(SEND_AT))

    # then: everyone's message due at once and sent, but Bob's: 3:00 in New York, quiet
    # hours deferred it to 8:00 there
    queued = Message.objects.filter(journey_id=journey.pk)
    assert arrived == [f"{name}@example.com" for name in ("ada", "cy", "dan", "eve")]
    assert set(queued.exclude(contact__first_name="Bob").values_list("send_after", flat=True)) == {
        SEND_AT
    }
    bob = queued.get(contact__first_name="Bob")
    assert (bob.status, bob.status_reason, bob.send_after) == (
        "deferred",
        "quiet hours",
        utc(2, 3, 13),
    )


SEND_TIME = """query C($id: ID!) { contact(id: $id) { sendTime {
  source weekday hour clicks opens timeZone nextMoment explanation
  priorWeight minInteractions shopContacts } } }"""


def test_the_profile_explains_each_contacts_send_time(shop: Shop):
    # given: the engaged contacts and the shop's profile of the night before
    contacts = engaged_contacts(shop)
    shop.tick(utc(2, 3, 3, 15))  # the nightly chain
    shop.at(SEND_AT)

    # when: the Dashboard asks for each one's send time
    said = {
        name: shop.dashboard(SEND_TIME, id=to_global_id("Contact", contact.pk))["data"]["contact"][
            "sendTime"
        ]
        for name, contact in contacts.items()
    }

    # then: Ada's own Tuesday evening; Dan's proxy opens do not count: the shop's best hour
    common = {"priorWeight": 10, "minInteractions": 3, "shopContacts": 3}
    assert said["ada"] == {
        "source": "CONTACT",
        "weekday": 1,
        "hour": 19,
        "clicks": 3,
        "opens": 0,
        "timeZone": "Europe/Berlin",
        "nextMoment": "2026-02-03T18:00:00+00:00",
        "explanation": "Usually engages Tue 19-20h, from 3 clicks.",
        **common,
    }
    assert said["bob"] == {
        "source": "CONTACT",
        "weekday": 3,
        "hour": 7,
        "clicks": 0,
        "opens": 3,
        "timeZone": "America/New_York",
        "nextMoment": "2026-02-04T00:00:00+00:00",
        "explanation": "Usually engages Thu 7-8h, from 3 opens.",
        **common,
    }
    assert said["dan"] == {
        "source": "SHOP",
        "weekday": 1,
        "hour": 19,
        "clicks": 4,
        "opens": 3,
        "timeZone": "Europe/London",
        "nextMoment": "2026-02-03T19:00:00+00:00",
        "explanation": "Not enough data: the shop's best hour, Tue 19-20h.",
        **common,
    }
    assert said["cy"]["timeZone"] == "Europe/Berlin"  # none of its own: the shop's
    assert said["cy"]["nextMoment"] == "2026-02-03T18:00:00+00:00"
