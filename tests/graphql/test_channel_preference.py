"""A contact's learned channel preference on its Dashboard profile: the channel, the scores
decayed to now, the last 90 days' tallies with the English explanation, and where the contact
can be reached now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saleor_mautomation.contacts.channel_preference import preference_refresh
from saleor_mautomation.contacts.models import PushSubscription
from tests.contacts.factories import make_contact, make_event
from tests.graphql.test_contacts import ask, global_id

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
QUERY = """query Profile($id: ID!) { contact(id: $id) { channelPreference {
  channel learnedAt halfLifeDays explanation reachable
  scores { channel score } tallies { channel opens clicks replies } } } }"""


def test_the_profile_shows_the_learned_channel_and_why(client, standin_installation, time_machine):
    # given: 3 human email clicks and an SMS reply; a proxy's opens; SMS consent, no push
    time_machine.move_to(NOW, tick=False)
    ada = make_contact(
        standin_installation, email_consent="granted", phone="+4915112345678", sms_consent="granted"
    )
    for days in (40, 20, 10):
        make_event(ada, "email.clicked", NOW - days * DAY, properties={"machine": False})
    make_event(ada, "sms.replied", NOW - 100 * DAY, properties={})
    for days in (1, 2):
        make_event(ada, "email.opened", NOW - days * DAY, properties={"machine": True})
    preference_refresh(contact=ada, now=NOW - 10 * DAY)

    # when: 30 days after the newest engagement counted
    time_machine.move_to(NOW + 20 * DAY, tick=False)
    body = ask(client, standin_installation, QUERY, id=global_id(ada))

    # then: stored as of the newest click (2 + 2 x 2^(-1/3) + 2 x 2^(-1) for email, 3 x
    # 2^(-3) for the reply), halved once since; the reply has left the 90 days
    assert "errors" not in body, body
    assert body["data"]["contact"]["channelPreference"] == {
        "channel": "email",
        "learnedAt": (NOW - 10 * DAY).isoformat(),
        "halfLifeDays": 30,
        "explanation": "Clicked 3 emails in the last 90 days",
        "reachable": ["email", "sms"],
        "scores": [{"channel": "email", "score": 2.2937}, {"channel": "sms", "score": 0.1875}],
        "tallies": [{"channel": "email", "opens": 0, "clicks": 3, "replies": 0}],
    }


def test_a_contact_without_engagement_has_no_channel_yet(client, standin_installation):
    ada = make_contact(standin_installation, email_consent="withdrawn", push_consent="granted")
    PushSubscription.objects.create(
        installation=standin_installation,
        contact=ada,
        endpoint="https://push.example/1",
        p256dh="k",
        auth="a",
        created_at=NOW,
    )

    body = ask(client, standin_installation, QUERY, id=global_id(ada))

    assert body["data"]["contact"]["channelPreference"] == {
        "channel": None,
        "learnedAt": None,
        "halfLifeDays": 30,
        "explanation": "No clicks, opens or replies in the last 90 days",
        "reachable": ["push"],
        "scores": [],
        "tallies": [],
    }
