"""One recipient's funnel: each moment is recorded on the message and tallied for its origin
once, through the real paths (the sender over SMTP, the tracking views, an ESP's webhook, the
unsubscribe page's one-click POST)."""

from __future__ import annotations

import base64
import email
import json
import re
from datetime import UTC, datetime, timedelta
from email import policy

import pytest

from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.events.models import DailyTally, Event
from saleor_mautomation.messages import tokens
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.analytics.factories import APPLE_PROXY, PERSON, make_journey
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
APP = "https://marketing.example"
SECRET = "hook:s3cret"


@pytest.fixture
def shop(db, settings):
    settings.APP_URL = APP
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    installation = make_shop("funnel")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def tallies(shop):
    return sorted(
        DailyTally.objects.filter(installation=shop).values_list(
            "metric", "journey_id", "node", "template_id", "channel", "count"
        )
    )


def sent_message(shop, mailbox, time_machine):
    """A welcome email of a journey's node, sent over SMTP at T."""
    ada = make_contact(
        shop, email="ada@example.com", email_consent="granted", time_zone="Europe/Berlin"
    )
    journey = make_journey(shop, "Welcome")
    template = Template.objects.get(installation=shop, key="welcome-1")
    message = message_enqueue(
        contact=ada, template=template, dedupe_key="journey-run:1:mail:1", now=T
    )
    assert message is not None
    Message.objects.filter(pk=message.pk).update(
        journey=journey, journey_version=journey.current_version, journey_node="mail"
    )
    time_machine.move_to(T, tick=False)
    messages_send_due(now=T, app_url=APP, default_from="Shop <shop@funnel.example>")
    message.refresh_from_db()
    return message, journey, template


def test_a_sent_message_is_tallied_once_for_its_journey_node_and_template(
    shop, mailbox, time_machine
):
    # given / when
    message, journey, template = sent_message(shop, mailbox, time_machine)
    messages_send_due(now=T + timedelta(minutes=5), app_url=APP, default_from="s@funnel.example")

    # then
    assert message.status == "sent"
    assert len(mailbox.received) == 1
    assert tallies(shop) == [("sent", journey.pk, "mail", template.pk, "email", 1)]


def test_the_first_human_open_and_click_count_never_a_proxy_or_a_second_one(
    client, shop, mailbox, time_machine
):
    # given
    message, journey, template = sent_message(shop, mailbox, time_machine)
    pixel = f"/t/o/{tokens.open_token(message.pk)}"
    link = f"/t/c/{tokens.click_token(message.pk, 'https://funnel.example/p')}"

    # when: Apple's proxy fetches the pixel, then the person opens twice and clicks twice
    time_machine.move_to(T + timedelta(seconds=30), tick=False)
    client.get(pixel, HTTP_USER_AGENT=APPLE_PROXY)
    for minutes in (1, 2):
        time_machine.move_to(T + timedelta(minutes=minutes), tick=False)
        client.get(pixel, HTTP_USER_AGENT=PERSON)
        client.get(link, HTTP_USER_AGENT=PERSON)

    # then
    message.refresh_from_db()
    assert (message.opens, message.clicks) == (2, 2)
    assert (message.opened_at, message.clicked_at) == (
        T + timedelta(minutes=1),
        T + timedelta(minutes=1),
    )
    assert tallies(shop) == [
        ("clicked", journey.pk, "mail", template.pk, "email", 1),
        ("opened", journey.pk, "mail", template.pk, "email", 1),
        ("sent", journey.pk, "mail", template.pk, "email", 1),
    ]


def test_esp_reports_count_once_and_a_late_delivery_after_a_bounce_still_counts_once(
    client, shop, mailbox, time_machine
):
    # given
    message, journey, template = sent_message(shop, mailbox, time_machine)
    Message.objects.filter(pk=message.pk).update(provider_id="pm-1")
    auth = base64.b64encode(SECRET.encode()).decode()

    def report(payload):
        response = client.post(
            "/api/esp/postmark/tracking/",
            data=json.dumps({"MessageID": "pm-1", "Recipient": "ada@example.com", **payload}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Basic {auth}",
        )
        assert response.status_code == 200

    # when: a complaint reported twice, then a delivery
    time_machine.move_to(T + timedelta(hours=1), tick=False)
    complaint = {"RecordType": "SpamComplaint", "ID": 7, "Email": "ada@example.com"}
    report(complaint)
    report(complaint)
    report({"RecordType": "Delivery", "DeliveredAt": "2026-06-15T12:00:05Z"})

    # then
    message.refresh_from_db()
    assert message.status == "complained"  # a later delivery report never moves it back
    assert tallies(shop) == [
        ("complained", journey.pk, "mail", template.pk, "email", 1),
        ("delivered", journey.pk, "mail", template.pk, "email", 1),
        ("list.unsubscribed", 0, "", 0, "", 1),
        ("sent", journey.pk, "mail", template.pk, "email", 1),
    ]


def test_a_one_click_unsubscribe_counts_against_the_message_it_came_in(
    client, shop, mailbox, time_machine
):
    # given: the List-Unsubscribe header of the mail that was sent
    message, journey, template = sent_message(shop, mailbox, time_machine)
    mail = email.message_from_bytes(mailbox.received[0][2], policy=policy.default)
    url = re.fullmatch(r"<(.+)>", str(mail["List-Unsubscribe"]))[1]  # type: ignore[index]
    assert url.startswith(f"{APP}/u/")

    # when: the mailbox provider's one-click POST, twice
    for _ in range(2):
        response = client.post(url.removeprefix(APP), data={"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200

    # then
    message.refresh_from_db()
    assert message.unsubscribed_at == T
    event = Event.objects.get(type="email.unsubscribed")
    assert event.properties == {"via": "one-click", "message_id": message.pk}
    assert tallies(shop) == [
        ("list.unsubscribed", 0, "", 0, "", 1),
        ("sent", journey.pk, "mail", template.pk, "email", 1),
        ("unsubscribed", journey.pk, "mail", template.pk, "email", 1),
    ]


def test_an_unsubscribe_link_naming_another_persons_message_counts_for_no_message(
    client, shop, mailbox, time_machine
):
    # given: Ada's message, and Bob's unsubscribe link carrying Ada's message token
    message, _, _ = sent_message(shop, mailbox, time_machine)
    mail = email.message_from_bytes(mailbox.received[0][2], policy=policy.default)
    ada_url = re.fullmatch(r"<(.+)>", str(mail["List-Unsubscribe"]))[1]  # type: ignore[index]
    bob = make_contact(shop, email="bob@example.com", email_consent="granted")
    forged = f"/u/{consent_token(bob, Purpose.PREFERENCES)}?{ada_url.split('?')[1]}"

    # when
    client.post(forged, data={"List-Unsubscribe": "One-Click"})

    # then: Bob is unsubscribed, Ada's message does not count an unsubscribe
    bob.refresh_from_db()
    message.refresh_from_db()
    assert bob.email_consent == "withdrawn"
    assert message.unsubscribed_at is None
    assert not DailyTally.objects.filter(metric="unsubscribed").exists()
