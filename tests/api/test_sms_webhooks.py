"""Twilio's webhooks: status callbacks and incoming STOP/START, each signed with the shop's
auth token (the signature computed here with twilio's own RequestValidator)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from twilio.request_validator import RequestValidator

from saleor_mautomation.contacts.models import ConsentRecord
from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.models import Message, Suppression
from saleor_mautomation.messages.sms import sms_provider_update
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
APP = "https://marketing.example"
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-1"
PHONE = "+4915112345678"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@pytest.fixture
def shop(db, settings):
    settings.APP_URL = APP
    installation = make_shop("texting")
    sms_provider_update(
        installation_id=installation.pk,
        account_sid=SID,
        auth_token=TOKEN,
        from_number="+15005550006",
    )
    return installation


def post(client, path, params, token=TOKEN, signed_url=None):
    signature = RequestValidator(token).compute_signature(signed_url or f"{APP}{path}", params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def status_path(shop):
    return f"/api/sms/twilio/{shop.pk}/status"


def inbound_path(shop):
    return f"/api/sms/twilio/{shop.pk}/inbound"


def sent_sms(shop, contact, sid="SM" + "1" * 32):
    return Message.objects.create(
        installation=shop,
        contact=contact,
        dedupe_key=f"sms:{sid}",
        channel="sms",
        kind="marketing",
        to_address=contact.phone,
        provider_id=sid,
        status="sent",
        send_after=T,
        created_at=T,
        sent_at=T,
    )


def report(sid, status, error_code=""):
    params = {"MessageSid": sid, "MessageStatus": status, "AccountSid": SID, "To": PHONE}
    if error_code:
        params["ErrorCode"] = error_code
    return params


def test_a_delivery_report_marks_the_message_delivered(client, shop):
    # given
    ada = make_contact(shop, phone=PHONE, sms_consent="granted")
    message = sent_sms(shop, ada)

    # when
    response = post(client, status_path(shop), report(message.provider_id, "delivered"))

    # then
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "delivered"
    event = Event.objects.get(contact=ada)
    assert (event.type, event.source, event.properties["message_id"]) == (
        "sms.delivered",
        "twilio",
        message.pk,
    )


def test_an_unsigned_or_wrongly_signed_report_changes_nothing(client, shop):
    ada = make_contact(shop, phone=PHONE)
    message = sent_sms(shop, ada)
    params = report(message.provider_id, "failed")

    unsigned = client.post(status_path(shop), data=params)
    wrong_key = post(client, status_path(shop), params, token="someone-elses-token")
    other_url = post(
        client, status_path(shop), params, signed_url=f"{APP}/api/sms/twilio/999/status"
    )

    assert [r.status_code for r in (unsigned, wrong_key, other_url)] == [403, 403, 403]
    message.refresh_from_db()
    assert message.status == "sent"
    assert not Event.objects.exists()


def test_another_shops_token_does_not_sign_for_this_shop(client, shop):
    other = make_shop("other-texting")
    sms_provider_update(
        installation_id=other.pk,
        account_sid=SID,
        auth_token="other-token",
        from_number="+15005550006",
    )
    message = sent_sms(shop, make_contact(shop, phone=PHONE))

    response = post(
        client, status_path(shop), report(message.provider_id, "failed"), token="other-token"
    )

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == "sent"


def test_an_unknown_number_or_landline_is_a_bounce_and_suppressed(client, shop):
    ada = make_contact(shop, phone=PHONE)
    message = sent_sms(shop, ada)

    response = post(client, status_path(shop), report(message.provider_id, "undelivered", "30006"))

    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.status, message.status_reason) == ("bounced", "undelivered 30006")
    suppression = Suppression.objects.get(installation=shop)
    assert (suppression.address, suppression.reason) == (PHONE, "bounce")
    assert Event.objects.get(contact=ada).type == "sms.failed"


def test_a_carrier_failure_fails_without_suppression_and_a_late_delivery_does_not_revive_it(
    client, shop
):
    message = sent_sms(shop, make_contact(shop, phone=PHONE))

    post(client, status_path(shop), report(message.provider_id, "failed", "30007"))
    post(client, status_path(shop), report(message.provider_id, "delivered"))

    message.refresh_from_db()
    assert (message.status, message.status_reason) == ("failed", "failed 30007")
    assert not Suppression.objects.exists()


def test_reports_about_unknown_messages_or_passing_states_are_ignored(client, shop):
    message = sent_sms(shop, make_contact(shop, phone=PHONE))

    unknown = post(client, status_path(shop), report("SM" + "9" * 32, "delivered"))
    passing = post(client, status_path(shop), report(message.provider_id, "sent"))

    assert (unknown.status_code, passing.status_code) == (200, 200)
    message.refresh_from_db()
    assert message.status == "sent"
    assert not Event.objects.exists()


def test_stop_withdraws_and_start_grants_sms_consent(client, shop):
    # given: two contacts share the handset; one of another shop has the same number
    ada = make_contact(shop, phone=PHONE, sms_consent="granted")
    twin = make_contact(shop, phone=PHONE, sms_consent="granted")
    elsewhere = make_contact(make_shop("elsewhere"), phone=PHONE, sms_consent="granted")
    text = {"From": PHONE, "To": "+15005550006", "AccountSid": SID, "MessageSid": "SM" + "2" * 32}

    # when
    stopped = post(client, inbound_path(shop), {**text, "Body": " stop "})

    # then
    assert stopped.status_code == 200
    assert stopped.content.decode() == EMPTY_TWIML
    assert stopped["Content-Type"] == "text/xml"
    for contact in (ada, twin, elsewhere):
        contact.refresh_from_db()
    assert (ada.sms_consent, twin.sms_consent, elsewhere.sms_consent) == (
        "withdrawn",
        "withdrawn",
        "granted",
    )
    record = ConsentRecord.objects.get(contact=ada)
    assert (record.channel, record.action, record.source, record.details) == (
        "sms",
        "withdrawn",
        "sms.stop",
        {"keyword": "STOP"},
    )

    # when: she texts START again
    post(client, inbound_path(shop), {**text, "Body": "Start"})

    # then
    ada.refresh_from_db()
    assert ada.sms_consent == "granted"
    assert ConsentRecord.objects.filter(contact=ada, action="confirmed", channel="sms").count() == 1


def test_other_texts_change_nothing_and_unsigned_keywords_are_refused(client, shop):
    ada = make_contact(shop, phone=PHONE, sms_consent="granted")
    text = {"From": PHONE, "To": "+15005550006", "AccountSid": SID}

    chat = post(client, inbound_path(shop), {**text, "Body": "Please stop by tomorrow"})
    forged = client.post(inbound_path(shop), data={**text, "Body": "STOP"})

    assert (chat.status_code, forged.status_code) == (200, 403)
    ada.refresh_from_db()
    assert ada.sms_consent == "granted"
    assert not ConsentRecord.objects.exists()


def test_a_shop_without_a_twilio_account_refuses_webhooks(client, db, settings):
    settings.APP_URL = APP
    shop = make_shop("no-twilio")

    response = post(client, status_path(shop), report("SM" + "1" * 32, "delivered"))

    assert response.status_code == 403
