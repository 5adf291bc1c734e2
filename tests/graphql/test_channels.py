"""SMS and web push in the GraphQL API: storefront subscriptions and phone consent with their
evidence, the Dashboard's Twilio and push settings (secrets never returned), channel
templates, all scoped to the calling installation."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection

from saleor_mautomation.contacts.channels_consent import PhoneInvalid, phone_normalize
from saleor_mautomation.contacts.models import ConsentRecord, Contact, PushSubscription
from saleor_mautomation.core import clock
from saleor_mautomation.messages.models import Message, PushKeys, SmsProvider, Template
from saleor_mautomation.messages.sms import sms_inbound_apply
from tests.contacts.factories import make_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_storefront import call, customer_token

ANON = "anon-7f3e9c2a1b"
SID = "AC" + "0123456789abcdef" * 2
PUBLIC_KEY = "{ pushPublicKey }"
REGISTER = """mutation R($anon: String, $sub: PushSubscriptionInput!) {
  registerPushSubscription(anonymousId: $anon, subscription: $sub, userAgent: "Firefox") {
    ok } }"""
UNREGISTER = """mutation U($endpoint: String!) {
  unregisterPushSubscription(endpoint: $endpoint) { ok } }"""
SET_PHONE = """mutation P($phone: String!, $consent: Boolean!, $anon: String) {
  setPhone(phone: $phone, smsConsent: $consent, anonymousId: $anon, consentTextVersion: "sms-v2")
  { result { phone smsConsent } } }"""
SMS_PROVIDER = """{ smsProvider { configured accountSid hasAuthToken fromNumber
  messagingServiceSid maxPerSecond statusCallbackUrl inboundUrl } }"""
UPDATE_SMS = """mutation S($input: SmsProviderInput!) { updateSmsProvider(input: $input) {
  provider { configured accountSid hasAuthToken fromNumber maxPerSecond } } }"""
PUSH_SETTINGS = "{ pushSettings { publicKey subject activeSubscriptions } }"
UPDATE_PUSH = """mutation P($subject: String!) { updatePushSettings(subject: $subject) {
  settings { publicKey subject } } }"""
CREATE_TEMPLATE = """mutation C($key: String!, $channel: MessageChannel!) {
  createChannelTemplate(key: $key, name: "Flash sale", channel: $channel) {
    template { id key kind } } }"""
CREATE_VERSION = """mutation V($id: ID!, $text: String!, $title: String, $url: String) {
  createChannelTemplateVersion(templateId: $id, language: "en", text: $text, title: $title,
    url: $url) { version { number subject } } }"""
SEGMENTS = "query S($text: String!) { smsSegments(text: $text) { encoding count units } }"


def subscription_json(endpoint="https://fcm.googleapis.com/fcm/send/abc123"):
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "endpoint": endpoint,
        "keys": {
            "p256dh": base64.urlsafe_b64encode(point).rstrip(b"=").decode(),
            "auth": base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode(),
        },
    }


def data(response):
    assert response.status_code == 200
    return response.json()


def error_code(body):
    return body["errors"][0]["extensions"]["code"]


@pytest.fixture
def settings_app(settings):
    settings.APP_URL = "https://marketing.example"
    return settings


def test_storefronts_get_one_vapid_key_per_shop(client, standin_installation, settings_app):
    first = data(call(client, standin_installation, PUBLIC_KEY))
    again = data(call(client, standin_installation, PUBLIC_KEY))

    key = PushKeys.objects.get(installation=standin_installation)
    assert first == again == {"data": {"pushPublicKey": key.public_key}}
    assert key.subject == "https://marketing.example"
    other = make_shop("other")
    assert data(call(client, other, PUBLIC_KEY))["data"]["pushPublicKey"] != key.public_key
    assert error_code(data(call(client, None, PUBLIC_KEY))) == "SHOP_UNKNOWN"


def test_a_visitor_subscribes_to_push_with_consent_on_the_ledger(client, standin_installation):
    # when
    body = data(
        call(client, standin_installation, REGISTER, {"anon": ANON, "sub": subscription_json()})
    )

    # then
    assert body == {"data": {"registerPushSubscription": {"ok": True}}}
    subscription = PushSubscription.objects.get(installation=standin_installation)
    contact = subscription.contact
    assert (subscription.user_agent, contact.push_consent) == ("Firefox", "granted")
    assert contact.aliases.get().anonymous_id == ANON
    record = ConsentRecord.objects.get(contact=contact)
    assert (record.channel, record.action, record.source, record.ip_address) == (
        "push",
        "confirmed",
        "storefront.push",
        "203.0.113.9",
    )


def test_a_subscription_with_bad_keys_or_endpoint_is_refused(client, standin_installation):
    bad_key = subscription_json()
    bad_key["keys"]["p256dh"] = "not-a-key"
    insecure = subscription_json(endpoint="ftp://push.example/x")

    refused = [
        data(call(client, standin_installation, REGISTER, {"anon": ANON, "sub": sub}))
        for sub in (bad_key, insecure)
    ]
    anonymous = data(call(client, standin_installation, REGISTER, {"sub": subscription_json()}))

    assert [error_code(body) for body in refused] == ["PUSH_SUBSCRIPTION_INVALID"] * 2
    assert error_code(anonymous) == "INVALID"
    assert not PushSubscription.objects.exists()
    assert not ConsentRecord.objects.exists()


def test_unsubscribing_the_last_browser_withdraws_push_consent(client, standin_installation):
    sub = subscription_json()
    call(client, standin_installation, REGISTER, {"anon": ANON, "sub": sub})

    body = data(call(client, standin_installation, UNREGISTER, {"endpoint": sub["endpoint"]}))
    unknown = data(call(client, standin_installation, UNREGISTER, {"endpoint": sub["endpoint"]}))

    assert body["data"]["unregisterPushSubscription"]["ok"] is True
    assert unknown["data"]["unregisterPushSubscription"]["ok"] is False
    assert not PushSubscription.objects.exists()
    contact = Contact.objects.get(installation=standin_installation)
    assert contact.push_consent == "withdrawn"
    assert list(ConsentRecord.objects.order_by("pk").values_list("channel", "action")) == [
        ("push", "confirmed"),
        ("push", "withdrawn"),
    ]


def test_a_customer_sets_a_phone_number_with_sms_consent(client, standin_installation):
    # given
    token = customer_token(standin_installation)

    # when
    body = data(
        call(
            client,
            standin_installation,
            SET_PHONE,
            {"phone": "0049 151 1234-5678", "consent": True},
            token=token,
        )
    )

    # then
    assert body == {
        "data": {"setPhone": {"result": {"phone": "+49*********78", "smsConsent": "granted"}}}
    }
    contact = Contact.objects.get(installation=standin_installation, email="jane@example.com")
    assert (contact.phone, contact.sms_consent, contact.email_consent) == (
        "+4915112345678",
        "granted",
        "unknown",
    )
    record = ConsentRecord.objects.get(contact=contact)
    assert (record.channel, record.action, record.source, record.text_version) == (
        "sms",
        "confirmed",
        "storefront.phone",
        "sms-v2",
    )
    assert "+4915112345678" not in str(record.details)


def test_a_new_number_without_consent_withdraws_it(client, standin_installation):
    variables = {"phone": "+4915112345678", "consent": True, "anon": ANON}
    call(client, standin_installation, SET_PHONE, variables)

    body = data(
        call(
            client,
            standin_installation,
            SET_PHONE,
            {**variables, "phone": "+4917600000001", "consent": False},
        )
    )

    assert body["data"]["setPhone"]["result"]["smsConsent"] == "withdrawn"
    record = ConsentRecord.objects.order_by("pk").last()
    assert record is not None
    assert (record.action, record.details) == ("withdrawn", {"reason": "number changed"})


@pytest.fixture
def double_opt_in(standin_installation):
    """The shop asks new numbers to confirm by text."""
    return SmsProvider.objects.create(
        installation=standin_installation,
        account_sid=SID,
        auth_token="token",
        from_number="+15005550006",
        double_opt_in=True,
    )


def test_with_double_opt_in_the_number_confirms_by_replying_yes(
    client, standin_installation, double_opt_in
):
    variables = {"phone": "+4915112345678", "consent": True, "anon": ANON}

    # when: the form is sent (twice)
    first = data(call(client, standin_installation, SET_PHONE, variables))
    data(call(client, standin_installation, SET_PHONE, variables))

    # then: pending, one request on the ledger per submission, one question texted
    assert first["data"]["setPhone"]["result"]["smsConsent"] == "pending"
    contact = Contact.objects.get(installation=standin_installation, phone="+4915112345678")
    assert list(ConsentRecord.objects.filter(contact=contact).values_list("action", flat=True)) == [
        "requested",
        "requested",
    ]
    (question,) = Message.objects.filter(contact=contact)
    assert (question.channel, question.kind, question.to_address) == (
        "sms",
        "transactional",
        "+4915112345678",
    )
    assert question.template_version is not None
    assert question.template_version.template.key == "sms-confirm"

    # when: the number replies YES
    sms_inbound_apply(
        installation_id=standin_installation.pk,
        from_number="+4915112345678",
        body="Yes!",
        now=clock.now(),
    )

    # then
    contact.refresh_from_db()
    assert contact.sms_consent == "granted"
    confirmed = ConsentRecord.objects.filter(contact=contact).order_by("pk").last()
    assert confirmed is not None
    assert (confirmed.action, confirmed.source, confirmed.details) == (
        "confirmed",
        "sms.start",
        {"keyword": "YES!"},
    )


def test_declining_while_the_confirmation_is_pending_withdraws(
    client, standin_installation, double_opt_in
):
    variables = {"phone": "+4915112345678", "consent": True, "anon": ANON}
    call(client, standin_installation, SET_PHONE, variables)

    body = data(call(client, standin_installation, SET_PHONE, {**variables, "consent": False}))

    assert body["data"]["setPhone"]["result"]["smsConsent"] == "withdrawn"
    contact = Contact.objects.get(installation=standin_installation, phone="+4915112345678")
    ledger = ConsentRecord.objects.filter(contact=contact).order_by("pk")
    assert list(ledger.values_list("action", "details")) == [
        ("requested", {}),
        ("withdrawn", {"reason": "declined"}),
    ]


def test_a_number_without_country_code_is_refused(client, standin_installation):
    body = data(
        call(
            client,
            standin_installation,
            SET_PHONE,
            {"phone": "0151 1234", "consent": True, "anon": ANON},
        )
    )

    assert error_code(body) == "PHONE_INVALID"
    assert not ConsentRecord.objects.exists()
    assert phone_normalize(" +1 (415) 555-0100 ") == "+14155550100"
    with pytest.raises(PhoneInvalid):
        phone_normalize("+0123456789")


def test_the_admin_sets_twilio_and_never_reads_the_token_back(
    client, standin_installation, settings_app
):
    # given
    secret = "twilio-secret-token-42"
    first = {"accountSid": SID, "authToken": secret, "fromNumber": "+15005550006"}

    # when
    saved = ask(client, standin_installation, UPDATE_SMS, input={**first, "maxPerSecond": 5})
    kept = ask(
        client, standin_installation, UPDATE_SMS, input={"accountSid": SID, "fromNumber": "Shop"}
    )
    read = ask(client, standin_installation, SMS_PROVIDER)

    # then
    assert saved["data"]["updateSmsProvider"]["provider"] == {
        "configured": True,
        "accountSid": SID,
        "hasAuthToken": True,
        "fromNumber": "+15005550006",
        "maxPerSecond": 5.0,
    }
    assert read["data"]["smsProvider"] == {
        "configured": True,
        "accountSid": SID,
        "hasAuthToken": True,
        "fromNumber": "Shop",
        "messagingServiceSid": "",
        "maxPerSecond": 0.0,
        "statusCallbackUrl": f"https://marketing.example/api/sms/twilio/{standin_installation.pk}/status",
        "inboundUrl": f"https://marketing.example/api/sms/twilio/{standin_installation.pk}/inbound",
    }
    assert secret not in str(saved) + str(kept) + str(read)
    assert SmsProvider.objects.get(installation=standin_installation).auth_token == secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT auth_token FROM mautomation_smsprovider")
        (stored,) = cursor.fetchone()
    assert secret not in stored
    # the default SMS templates came with it
    keys = set(
        Template.objects.filter(installation=standin_installation, channel="sms").values_list(
            "key", flat=True
        )
    )
    assert keys == {"abandoned-checkout-sms", "sms-confirm"}


def test_twilio_settings_are_validated_and_per_shop(client, standin_installation):
    refused = ask(
        client, standin_installation, UPDATE_SMS, input={"accountSid": "AC1", "authToken": "x"}
    )
    no_sender = ask(
        client, standin_installation, UPDATE_SMS, input={"accountSid": SID, "authToken": "x"}
    )
    other = make_shop("other")
    SmsProvider.objects.create(
        installation=other, account_sid=SID, auth_token="theirs", from_number="+15005550006"
    )

    read = ask(client, standin_installation, SMS_PROVIDER)

    assert error_code(refused) == error_code(no_sender) == "INVALID_SMS_PROVIDER"
    assert read["data"]["smsProvider"]["configured"] is False
    assert not SmsProvider.objects.filter(installation=standin_installation).exists()


def test_storefronts_cannot_read_or_change_the_settings(client, standin_installation):
    read = ask(client, standin_installation, SMS_PROVIDER, token=False)
    change = ask(
        client, standin_installation, UPDATE_PUSH, token=False, subject="mailto:x@y.example"
    )

    assert error_code(read) == error_code(change) == "UNAUTHENTICATED"
    assert not PushKeys.objects.exists()


def test_the_admin_sees_the_public_key_and_sets_the_subject(
    client, standin_installation, settings_app
):
    read = ask(client, standin_installation, PUSH_SETTINGS)
    updated = ask(client, standin_installation, UPDATE_PUSH, subject="mailto:ops@shop.example")
    refused = ask(client, standin_installation, UPDATE_PUSH, subject="ops@shop.example")

    keys = PushKeys.objects.get(installation=standin_installation)
    assert read["data"]["pushSettings"] == {
        "publicKey": keys.public_key,
        "subject": "https://marketing.example",
        "activeSubscriptions": 0,
    }
    assert updated["data"]["updatePushSettings"]["settings"] == {
        "publicKey": keys.public_key,
        "subject": "mailto:ops@shop.example",
    }
    assert error_code(refused) == "INVALID_PUSH_SETTINGS"
    assert keys.subject == "mailto:ops@shop.example"
    assert "PRIVATE" not in str(read) + str(updated)
    assert set(Template.objects.filter(channel="push").values_list("key", flat=True)) == {
        "abandoned-checkout-push",
        "win-back-push",
    }


def test_the_admin_writes_an_sms_template(client, standin_installation):
    # given
    created = ask(client, standin_installation, CREATE_TEMPLATE, key="flash-sale", channel="SMS")
    template = created["data"]["createChannelTemplate"]["template"]

    # when
    saved = ask(
        client,
        standin_installation,
        CREATE_VERSION,
        id=template["id"],
        text="Sale at {{ shop.name }}!",
    )
    broken = ask(
        client, standin_installation, CREATE_VERSION, id=template["id"], text="Sale {% if %}"
    )
    email = ask(client, standin_installation, CREATE_TEMPLATE, key="mail", channel="EMAIL")

    # then
    assert (template["key"], template["kind"]) == ("flash-sale", "marketing")
    assert saved["data"]["createChannelTemplateVersion"]["version"] == {"number": 1, "subject": ""}
    (error,) = broken["errors"]
    assert error["extensions"]["code"] == "INVALID_TEMPLATE"
    assert [(e["stage"], e["field"]) for e in error["extensions"]["errors"]] == [
        ("template", "text")
    ]
    assert error_code(email) == "WRONG_CHANNEL"
    stored = Template.objects.get(installation=standin_installation, key="flash-sale")
    assert (stored.channel, stored.versions.count()) == ("sms", 1)


def test_a_push_version_needs_a_title_and_a_usable_url(client, standin_installation):
    created = ask(client, standin_installation, CREATE_TEMPLATE, key="drop", channel="PUSH")
    template_id = created["data"]["createChannelTemplate"]["template"]["id"]

    refused = ask(
        client,
        standin_installation,
        CREATE_VERSION,
        id=template_id,
        text="New drop",
        url="javascript:alert(1)",
    )
    saved = ask(
        client,
        standin_installation,
        CREATE_VERSION,
        id=template_id,
        text="New drop",
        title="Hi {{ contact.first_name }}",
        url="{{ shop.url }}",
    )

    fields = {e["field"] for e in refused["errors"][0]["extensions"]["errors"]}
    assert fields == {"subject", "push_url"}
    assert saved["data"]["createChannelTemplateVersion"]["version"] == {
        "number": 1,
        "subject": "Hi {{ contact.first_name }}",
    }


def test_another_shops_template_is_not_found(client, standin_installation):
    other = make_shop("other")
    theirs = Template.objects.create(installation=other, key="theirs", name="Theirs", channel="sms")
    template_id = base64.b64encode(f"Template:{theirs.pk}".encode()).decode()

    body = ask(client, standin_installation, CREATE_VERSION, id=template_id, text="Hijack")

    assert error_code(body) == "NOT_FOUND"
    assert theirs.versions.count() == 0


def test_the_editor_counts_segments(client, standin_installation):
    gsm = ask(client, standin_installation, SEGMENTS, text="a" * 161)
    unicode = ask(client, standin_installation, SEGMENTS, text="Zdravo, Łukasz!")

    assert gsm["data"]["smsSegments"] == {"encoding": "GSM-7", "count": 2, "units": 161}
    assert unicode["data"]["smsSegments"] == {"encoding": "UCS-2", "count": 1, "units": 15}


def test_the_editor_counts_each_link_as_the_short_link_it_becomes(
    client, standin_installation, settings_app
):
    # given: 120 characters and a link of 60; the short link is 38 (the app's /s/<10>)
    text = "a" * 119 + " https://shop.example/autumn?utm_source=sms&utm_campaign=sale"

    # when
    counted = ask(client, standin_installation, SEGMENTS, text=text)

    # then: 158 characters as sent, one segment (180 as typed would be two)
    assert counted["data"]["smsSegments"] == {"encoding": "GSM-7", "count": 1, "units": 158}
