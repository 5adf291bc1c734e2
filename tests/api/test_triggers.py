"""``POST /api/triggers/<key>``: external systems start journeys for a contact or a segment."""

import json
from datetime import UTC, datetime

import pytest

from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.models import Membership, Segment
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def journey(db):
    shop = make_shop("weather")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    journey = Journey.objects.create(
        installation=shop,
        key="rain",
        name="Rainy day",
        trigger_secret="s3cret",
        draft={
            "entry": {"type": "trigger", "key": "rainy-day"},
            "reentry": {"mode": "every_time"},
            "start": "mail",
            "nodes": {
                "mail": {"type": "send_email", "template": "vip", "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=T)
    return journey


def fire(client, body, secret="s3cret", key="rainy-day"):
    return client.post(
        f"/api/triggers/{key}",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_a_trigger_starts_the_journey_for_one_contact(client, journey):
    ada = make_contact(journey.installation, email="ada@example.com", email_consent="granted")

    response = fire(client, {"email": "Ada@Example.com", "context": {"city": "Berlin"}})

    assert (response.status_code, response.json()) == (202, {"started": 1})
    run = JourneyRun.objects.get()
    assert (run.contact, run.context) == (ada, {"trigger": {"city": "Berlin"}})


def test_a_trigger_for_a_segment_starts_every_current_member(client, journey):
    shop = journey.installation
    segment = Segment.objects.create(
        installation=shop, name="Berlin", key="berlin", definition={"root": {}}
    )
    members = [make_contact(shop) for _ in range(3)]
    for contact in members[:2]:
        Membership.objects.create(installation=shop, segment=segment, contact=contact, entered_at=T)
    Membership.objects.create(
        installation=shop, segment=segment, contact=members[2], entered_at=T, exited_at=T
    )

    response = fire(client, {"segment_id": segment.pk})

    assert response.json() == {"started": 2}
    assert set(JourneyRun.objects.values_list("contact_id", flat=True)) == {
        members[0].pk,
        members[1].pk,
    }


def test_a_wrong_secret_or_key_is_refused_and_starts_nothing(client, journey):
    make_contact(journey.installation, email="ada@example.com")

    wrong_secret = fire(client, {"email": "ada@example.com"}, secret="guess")
    wrong_key = fire(client, {"email": "ada@example.com"}, key="sunny-day")
    nobody = fire(client, {})
    garbage = client.post(
        "/api/triggers/rainy-day",
        data="[1]",
        content_type="application/json",
        headers={"Authorization": "Bearer s3cret"},
    )

    assert [r.status_code for r in (wrong_secret, wrong_key, nobody, garbage)] == [
        401,
        401,
        400,
        400,
    ]
    assert not JourneyRun.objects.exists()


def test_another_shops_contacts_are_not_reached(client, journey):
    make_contact(make_shop("elsewhere"), email="ada@example.com")

    assert fire(client, {"email": "ada@example.com"}).json() == {"started": 0}
