"""Consent texts: versions added in the Dashboard (never changed), the current one served to the
storefront and sent back on subscribe; the consent ledger on the contact."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from saleor_mautomation.contacts.consent_texts import consent_text_add
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    ConsentText,
    ConsentTextImmutable,
    Contact,
)
from tests.conftest import make_installation
from tests.contacts.factories import make_contact
from tests.graphql.test_contacts import ask, global_id
from tests.graphql.test_storefront import SUBSCRIBE, call

T = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ADD = """mutation A($input: AddConsentTextInput!) { addConsentTextVersion(input: $input) {
  consentText { channel language version text createdAt current } } }"""
LIST = """query L($channel: ConsentChannel) { consentTexts(channel: $channel) {
  channel language version text current } }"""
CURRENT = """query C($language: String!, $channel: ConsentChannel) {
  consentText(language: $language, channel: $channel) { channel language version text } }"""
LEDGER = """query P($id: ID!) { contact(id: $id) { consentLedger {
  channel action source textVersion ipAddress occurredAt } } }"""
NEWSLETTER = "Send me the newsletter. I can unsubscribe at any time."


def add(client, installation, **given):
    values = {"channel": "EMAIL", "language": "en", "version": "2026-06", "text": NEWSLETTER}
    return ask(client, installation, ADD, input={**values, **given})


def test_versions_are_added_listed_newest_first_and_the_newest_is_current(
    client, standin_installation
):
    with time_machine.travel(T, tick=False):
        first = add(client, standin_installation, version="2026-01", text="Old wording")
    with time_machine.travel(T + timedelta(days=1), tick=False):
        add(client, standin_installation, language="DE", version="2026-06", text="Newsletter, ja")
        add(client, standin_installation, channel="SMS", version="sms-1", text="Texts, please")
    with time_machine.travel(T + timedelta(days=2), tick=False):
        add(client, standin_installation, version="2026-06")

    assert first["data"]["addConsentTextVersion"]["consentText"] == {
        "channel": "EMAIL",
        "language": "en",
        "version": "2026-01",
        "text": "Old wording",
        "createdAt": "2026-06-01T09:00:00+00:00",
        "current": True,
    }
    listed = ask(client, standin_installation, LIST)["data"]["consentTexts"]
    assert [(t["channel"], t["language"], t["version"], t["current"]) for t in listed] == [
        ("EMAIL", "de", "2026-06", True),
        ("EMAIL", "en", "2026-06", True),
        ("EMAIL", "en", "2026-01", False),
        ("SMS", "en", "sms-1", True),
    ]
    sms = ask(client, standin_installation, LIST, channel="SMS")["data"]["consentTexts"]
    assert [t["version"] for t in sms] == ["sms-1"]


def test_each_bad_field_is_refused_with_its_code(client, standin_installation):
    add(client, standin_installation)

    refusals = {
        name: add(client, standin_installation, **given)["errors"][0]
        for name, given in {
            "language": {"language": "english!"},
            "version": {"version": "june 2026"},
            "taken": {"version": " 2026-06 "},
            "text": {"version": "2026-07", "text": "   "},
        }.items()
    }

    assert {name: r["extensions"]["code"] for name, r in refusals.items()} == {
        "language": "INVALID_LANGUAGE",
        "version": "INVALID_VERSION",
        "taken": "VERSION_TAKEN",
        "text": "INVALID_TEXT",
    }
    assert refusals["taken"]["message"] == (
        "Version 2026-06 of the email text in en exists: versions never change, give the new "
        "wording a new label"
    )
    assert ConsentText.objects.count() == 1


def test_a_version_can_be_neither_changed_nor_deleted(standin_installation):
    text = consent_text_add(
        installation_id=standin_installation.pk,
        channel="email",
        language="en",
        version="v1",
        text=NEWSLETTER,
        now=T,
    )
    text.text = "Something else"

    with pytest.raises(ConsentTextImmutable):
        text.save()
    with pytest.raises(ConsentTextImmutable):
        text.delete()
    assert ConsentText.objects.get().text == NEWSLETTER


def test_the_storefront_gets_the_current_text_and_sends_its_version_back(
    client, standin_installation
):
    # given
    with time_machine.travel(T, tick=False):
        add(client, standin_installation, version="2026-01", text="Old wording")
    with time_machine.travel(T + timedelta(days=1), tick=False):
        add(client, standin_installation, version="2026-06")
        add(client, standin_installation, language="de", version="de-1", text="Newsletter, ja")

    # when: no Dashboard token, the shop named by its Saleor-Api-Url
    english = call(client, standin_installation, CURRENT, {"language": "en"}).json()
    austrian = call(client, standin_installation, CURRENT, {"language": "de-AT"}).json()
    sms = call(client, standin_installation, CURRENT, {"language": "en", "channel": "SMS"}).json()
    nobody = call(client, None, CURRENT, {"language": "en"}).json()

    # then
    assert english["data"]["consentText"] == {
        "channel": "EMAIL",
        "language": "en",
        "version": "2026-06",
        "text": NEWSLETTER,
    }
    assert austrian["data"]["consentText"]["version"] == "de-1"
    assert sms["data"]["consentText"] is None
    assert nobody["errors"][0]["extensions"]["code"] == "SHOP_UNKNOWN"

    # when: the visitor subscribes with the version shown (the test's document sends v3)
    call(client, standin_installation, SUBSCRIBE, {"email": "ada@example.com"})

    # then: the ledger keeps the version, shown on the contact's profile
    contact = Contact.objects.get(email="ada@example.com")
    ledger = ask(client, standin_installation, LEDGER, id=global_id(contact))
    assert [
        (r["channel"], r["action"], r["source"], r["textVersion"], r["ipAddress"])
        for r in ledger["data"]["contact"]["consentLedger"]
    ] == [("EMAIL", "REQUESTED", "storefront.subscribe", "v3", "203.0.113.9")]


def test_the_ledger_is_newest_first_with_every_channel(client, standin_installation):
    contact = make_contact(standin_installation, email="bo@example.com")
    rows = [
        ("email", "requested", "storefront.subscribe", "2026-06", "198.51.100.4", 0),
        ("email", "confirmed", "confirm-page", "", None, 1),
        ("sms", "confirmed", "storefront.phone", "sms-1", None, 2),
        ("email", "withdrawn", "one-click", "", None, 3),
    ]
    for channel, action, source, version, ip, day in rows:
        ConsentRecord.objects.create(
            installation=standin_installation,
            contact=contact,
            channel=channel,
            action=action,
            source=source,
            text_version=version,
            ip_address=ip,
            occurred_at=T + timedelta(days=day),
        )

    ledger = ask(client, standin_installation, LEDGER, id=global_id(contact))

    assert ledger["data"]["contact"]["consentLedger"] == [
        {
            "channel": "EMAIL",
            "action": "WITHDRAWN",
            "source": "one-click",
            "textVersion": None,
            "ipAddress": None,
            "occurredAt": "2026-06-04T09:00:00+00:00",
        },
        {
            "channel": "SMS",
            "action": "CONFIRMED",
            "source": "storefront.phone",
            "textVersion": "sms-1",
            "ipAddress": None,
            "occurredAt": "2026-06-03T09:00:00+00:00",
        },
        {
            "channel": "EMAIL",
            "action": "CONFIRMED",
            "source": "confirm-page",
            "textVersion": None,
            "ipAddress": None,
            "occurredAt": "2026-06-02T09:00:00+00:00",
        },
        {
            "channel": "EMAIL",
            "action": "REQUESTED",
            "source": "storefront.subscribe",
            "textVersion": "2026-06",
            "ipAddress": "198.51.100.4",
            "occurredAt": "2026-06-01T09:00:00+00:00",
        },
    ]


def test_texts_are_the_callers_shops_only(client, standin_installation):
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    consent_text_add(
        installation_id=other.pk, channel="email", language="en", version="x", text="Theirs", now=T
    )
    add(client, standin_installation, version="mine")

    listed = ask(client, standin_installation, LIST)["data"]["consentTexts"]
    current = call(client, standin_installation, CURRENT, {"language": "en"}).json()
    # the same label in another shop is not taken
    again = add(client, standin_installation, version="x")

    assert [t["version"] for t in listed] == ["mine"]
    assert current["data"]["consentText"]["version"] == "mine"
    assert again["data"]["addConsentTextVersion"]["consentText"]["version"] == "x"
