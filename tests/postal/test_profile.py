"""Postal consent on the contact's profile: ``Contact.postal`` (the state, when, the evidence),
the ledger's postal rows, and ``setContactPostalConsent``: the admin records an agreement with
how it was given (refused without), or a wish to stop; another shop's contact is not found."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saleor_mautomation.contacts.models import ConsentRecord, Contact
from tests.conftest import make_installation
from tests.contacts.factories import make_contact
from tests.graphql.test_contacts import ask, global_id
from tests.graphql.test_storefront import call, customer_token
from tests.postal.conftest import BERLIN, T

POSTAL = """query($id: ID!) { contact(id: $id) {
  emailConsent
  postalConsent: postal {
    consent changedAt source textVersion evidence recordedBy hasAddress }
  consentLedger { channel action source textVersion occurredAt } } }"""
SET = """mutation($contactId: ID!, $granted: Boolean!, $evidence: String) {
  setContactPostalConsent(contactId: $contactId, granted: $granted, evidence: $evidence) {
    postal { consent changedAt source evidence recordedBy hasAddress } } }"""
AGREE = """mutation { setPostalConsent(granted: true, consentTextVersion: "post-2026") {
  postalConsent } }"""


@pytest.fixture
def shop(standin_installation, time_machine):
    time_machine.move_to(T, tick=False)
    return standin_installation


def test_a_contact_never_asked_shows_no_postal_consent_and_no_change(client, shop):
    # given
    ada = make_contact(shop, postal_address=BERLIN)

    # when
    body = ask(client, shop, POSTAL, id=global_id(ada))

    # then
    assert body == {
        "data": {
            "contact": {
                "emailConsent": "UNKNOWN",
                "postalConsent": {
                    "consent": "UNKNOWN",
                    "changedAt": None,
                    "source": "",
                    "textVersion": None,
                    "evidence": None,
                    "recordedBy": None,
                    "hasAddress": True,
                },
                "consentLedger": [],
            }
        }
    }


def test_the_customers_own_agreement_shows_with_its_evidence_and_in_the_ledger(client, shop):
    # given: Jane agreed on the storefront
    jane = make_contact(
        shop, saleor_user_id="VXNlcjo0Ng==", email="jane@example.com", postal_address=BERLIN
    )
    assert call(client, shop, AGREE, token=customer_token(shop)).status_code == 200

    # when
    body = ask(client, shop, POSTAL, id=global_id(jane))

    # then: the postal row in the ledger (its channel was one the API could not name)
    contact = body["data"]["contact"]
    assert contact["postalConsent"] == {
        "consent": "GRANTED",
        "changedAt": "2026-06-15T09:00:00+00:00",
        "source": "storefront.postal",
        "textVersion": "post-2026",
        "evidence": None,
        "recordedBy": None,
        "hasAddress": True,
    }
    assert contact["consentLedger"] == [
        {
            "channel": "POSTAL",
            "action": "CONFIRMED",
            "source": "storefront.postal",
            "textVersion": "post-2026",
            "occurredAt": "2026-06-15T09:00:00+00:00",
        }
    ]


def test_the_admin_records_an_agreement_with_its_evidence_then_a_wish_to_stop(
    client, shop, time_machine
):
    # given: Ada, without an address yet
    ada = make_contact(shop)

    # when: the admin records her signed form, then, a day later, her call to stop
    granted = ask(
        client,
        shop,
        SET,
        contactId=global_id(ada),
        granted=True,
        evidence="  Signed form at the Berlin shop,\n14 June  ",
    )
    time_machine.move_to(T + timedelta(days=1), tick=False)
    withdrawn = ask(client, shop, SET, contactId=global_id(ada), granted=False)

    # then
    assert granted["data"]["setContactPostalConsent"]["postal"] == {
        "consent": "GRANTED",
        "changedAt": "2026-06-15T09:00:00+00:00",
        "source": "dashboard",
        "evidence": "Signed form at the Berlin shop, 14 June",
        "recordedBy": "admin@example.com",
        "hasAddress": False,
    }
    assert withdrawn["data"]["setContactPostalConsent"]["postal"] == {
        "consent": "WITHDRAWN",
        "changedAt": "2026-06-16T09:00:00+00:00",
        "source": "dashboard",
        "evidence": None,
        "recordedBy": "admin@example.com",
        "hasAddress": False,
    }
    ledger = ConsentRecord.objects.filter(contact=ada).order_by("pk")
    assert list(ledger.values_list("channel", "action", "source", "ip_address", "details")) == [
        (
            "postal",
            "confirmed",
            "dashboard",
            None,
            {"by": "admin@example.com", "evidence": "Signed form at the Berlin shop, 14 June"},
        ),
        ("postal", "withdrawn", "dashboard", None, {"by": "admin@example.com", "evidence": ""}),
    ]
    assert Contact.objects.get(pk=ada.pk).postal_consent == "withdrawn"


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ("", "Say how the person agreed, e.g. a signed form at the shop"),
        (" ok ", "Say how the person agreed, e.g. a signed form at the shop"),
        ("x" * 201, "At most 200 characters"),
    ],
)
def test_an_agreement_without_its_evidence_is_refused_and_nothing_changes(
    client, shop, evidence, message
):
    # given
    ada = make_contact(shop)

    # when
    body = ask(client, shop, SET, contactId=global_id(ada), granted=True, evidence=evidence)

    # then
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "EVIDENCE_INVALID")
    ]
    assert Contact.objects.get(pk=ada.pk).postal_consent == "unknown"
    assert not ConsentRecord.objects.exists()


def test_another_shops_contact_is_not_found_and_keeps_its_consent(client, shop):
    # given
    other = make_contact(make_installation(saleor_api_url="https://other.example/graphql/"))

    # when
    body = ask(client, shop, SET, contactId=global_id(other), granted=True, evidence="A form")

    # then
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert Contact.objects.get(pk=other.pk).postal_consent == "unknown"
    assert not ConsentRecord.objects.exists()


def test_recording_postal_consent_needs_a_dashboard_token(client, shop):
    # given
    ada = make_contact(shop)

    # when
    body = ask(client, shop, SET, token=False, contactId=global_id(ada), granted=False)

    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not ConsentRecord.objects.exists()
