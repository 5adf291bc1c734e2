"""ESP tracking webhooks (django-anymail, Postmark's shapes): bounces and complaints suppress,
deliveries and opens are recorded, unknown messages change nothing."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from saleor_mautomation.contacts.models import ConsentRecord
from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.models import Message, Suppression
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
SECRET = "hook:s3cret"


@pytest.fixture
def sent(db, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    shop = make_shop("esp")
    contact = make_contact(shop, email="ada@example.com", email_consent="granted")
    return Message.objects.create(
        installation=shop,
        contact=contact,
        dedupe_key="k",
        kind="marketing",
        to_address="ada@example.com",
        status="sent",
        provider_id="pm-123",
        send_after=T,
        created_at=T,
        sent_at=T,
    )


def post(client, payload, secret=SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        "/api/esp/postmark/tracking/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def test_a_hard_bounce_suppresses_the_address(client, sent):
    response = post(
        client,
        {
            "RecordType": "Bounce",
            "Type": "HardBounce",
            "ID": 42,
            "MessageID": "pm-123",
            "Email": "ada@example.com",
            "Details": "smtp;550 5.1.1 The email account does not exist",
            "BouncedAt": "2026-06-15T12:05:00Z",
        },
    )

    assert response.status_code == 200
    sent.refresh_from_db()
    assert sent.status == "bounced"
    assert Suppression.objects.get().reason == "bounce"
    assert Event.objects.get(contact=sent.contact).type == "email.bounced"


def test_a_complaint_suppresses_and_withdraws_consent(client, sent):
    post(
        client,
        {
            "RecordType": "SpamComplaint",
            "Type": "SpamComplaint",
            "ID": 43,
            "MessageID": "pm-123",
            "Email": "ada@example.com",
            "BouncedAt": "2026-06-15T12:05:00Z",
        },
    )

    sent.refresh_from_db()
    sent.contact.refresh_from_db()
    assert sent.status == "complained"
    assert Suppression.objects.get().reason == "complaint"
    assert sent.contact.email_consent == "withdrawn"
    assert ConsentRecord.objects.get().source == "esp.postmark"


def test_a_delivery_is_recorded_and_never_undoes_a_bounce(client, sent):
    delivery = {
        "RecordType": "Delivery",
        "MessageID": "pm-123",
        "Recipient": "ada@example.com",
        "DeliveredAt": "2026-06-15T12:01:00Z",
    }
    post(client, delivery)
    sent.refresh_from_db()
    assert sent.status == "delivered"

    Message.objects.filter(pk=sent.pk).update(status="bounced")
    post(client, delivery)
    sent.refresh_from_db()
    assert sent.status == "bounced"


def test_reports_about_unknown_messages_or_without_the_secret_change_nothing(client, sent):
    unknown = post(client, {"RecordType": "Delivery", "MessageID": "other", "Recipient": "x@y.z"})
    refused = post(client, {"RecordType": "Delivery", "MessageID": "pm-123"}, secret="bad:pw")

    assert unknown.status_code == 200
    assert refused.status_code == 400
    sent.refresh_from_db()
    assert sent.status == "sent"
    assert Event.objects.count() == 0
