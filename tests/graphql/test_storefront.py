import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.contacts.erasure import erasure_request
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    ContactAlias,
    ErasureRequest,
)
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.erasure import erasures_run
from saleor_mautomation.saleor.models import Installation
from tests.support.keys import customer_claims, signing_key

TRACK = """mutation Track($anon: String, $events: [TrackEventInput!]!) {
  trackEvents(anonymousId: $anon, events: $events) { accepted } }"""
SUBSCRIBE = """mutation Sub($email: String!, $anon: String) {
  subscribe(email: $email, anonymousId: $anon, consentTextVersion: "v3") { status } }"""
ANON = "anon-7f3e9c2a1b"
VIEW = {"type": "PRODUCT_VIEWED", "clientId": "e-1", "properties": {"product_id": "UHJvZHVjdDox"}}


def call(client, installation, query, variables=None, token=None, origin=None, ip="203.0.113.9"):
    headers = {"Saleor-Api-Url": installation.saleor_api_url if installation else ""}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if origin:
        headers["Origin"] = origin
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=ip,
    )
    return response


def customer_token(installation, user_id="VXNlcjo0Ng==", email="jane@example.com"):
    return signing_key(0).mint_token(
        customer_claims(api_url=installation.saleor_api_url, user_id=user_id, email=email)
    )


def test_anonymous_events_are_recorded_once_on_an_anonymous_contact(client, standin_installation):
    # when: a batch, then the same batch retried
    first = call(client, standin_installation, TRACK, {"anon": ANON, "events": [VIEW]})
    retry = call(client, standin_installation, TRACK, {"anon": ANON, "events": [VIEW]})

    # then
    assert first.json() == {"data": {"trackEvents": {"accepted": 1}}}
    assert retry.json() == {"data": {"trackEvents": {"accepted": 0}}}
    event = Event.objects.get()
    assert (event.type, event.properties, event.source) == (
        "product.viewed",
        {"product_id": "UHJvZHVjdDox"},
        "storefront",
    )
    alias = ContactAlias.objects.get()
    assert alias.anonymous_id == ANON
    assert (alias.contact.email, alias.contact.saleor_user_id) == (None, None)


def test_signing_in_merges_the_anonymous_history_into_the_customer(client, standin_installation):
    call(client, standin_installation, TRACK, {"anon": ANON, "events": [VIEW]})

    response = call(
        client,
        standin_installation,
        TRACK,
        {"anon": ANON, "events": [{"type": "CART_ADDED", "clientId": "e-2"}]},
        token=customer_token(standin_installation),
    )

    assert response.json()["data"]["trackEvents"]["accepted"] == 1
    contact = Contact.objects.get()
    assert (contact.saleor_user_id, contact.email) == ("VXNlcjo0Ng==", "jane@example.com")
    assert sorted(Event.objects.filter(contact=contact).values_list("type", flat=True)) == [
        "cart.added",
        "product.viewed",
    ]
    assert ContactAlias.objects.get().contact == contact


@pytest.mark.parametrize(
    ("events", "code"),
    [
        ([VIEW] * 51, "TOO_MANY_EVENTS"),
        ([{"type": "SEARCHED", "properties": {"q": "x" * 5000}}], "TOO_LARGE"),
        ([{"type": "CUSTOM", "name": "bad name!"}], "INVALID"),
    ],
)
def test_oversized_or_invalid_batches_are_refused_and_nothing_is_stored(
    client, standin_installation, events, code
):
    response = call(client, standin_installation, TRACK, {"anon": ANON, "events": events})

    assert response.json()["errors"][0]["extensions"]["code"] == code
    assert not Event.objects.exists()
    assert not Contact.objects.exists()


def test_tracking_is_rate_limited_per_client(client, standin_installation, settings):
    settings.STOREFRONT_EVENT_RATE = (3, 60)
    events = [{"type": "SEARCHED", "clientId": f"s-{n}"} for n in range(2)]

    first = call(client, standin_installation, TRACK, {"anon": ANON, "events": events})
    second = call(client, standin_installation, TRACK, {"anon": ANON, "events": events})
    other = call(client, standin_installation, TRACK, {"anon": "anon-other-1", "events": events})

    assert first.json()["data"]["trackEvents"]["accepted"] == 2
    assert second.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert other.json()["data"]["trackEvents"]["accepted"] == 2


def test_an_unknown_shop_is_refused(client, db):
    response = call(client, None, TRACK, {"anon": ANON, "events": [VIEW]})

    assert response.json()["errors"][0]["extensions"]["code"] == "SHOP_UNKNOWN"


def test_double_opt_in_with_a_consent_ledger(client, standin_installation):
    # when: sign-up, then the link from the confirmation message
    response = call(client, standin_installation, SUBSCRIBE, {"email": " Ada@Example.com "})
    contact = Contact.objects.get()
    token = consent_token(contact, Purpose.CONFIRM)
    confirmed = call(
        client,
        standin_installation,
        "mutation C($t: String!) { confirmSubscription(token: $t) "
        "{ preferences { email emailConsent } } }",
        {"t": token},
    )

    # then
    assert response.json() == {"data": {"subscribe": {"status": "PENDING"}}}
    assert confirmed.json() == {
        "data": {
            "confirmSubscription": {
                "preferences": {"email": "a***@example.com", "emailConsent": "granted"}
            }
        }
    }
    ledger = list(
        ConsentRecord.objects.order_by("occurred_at").values_list(
            "action", "source", "ip_address", "text_version"
        )
    )
    assert ledger == [
        ("requested", "storefront.subscribe", "203.0.113.9", "v3"),
        ("confirmed", "confirm", "203.0.113.9", ""),
    ]


def test_the_confirmation_link_expires_after_a_week(client, standin_installation):
    call(client, standin_installation, SUBSCRIBE, {"email": "ada@example.com"})
    token = consent_token(Contact.objects.get(), Purpose.CONFIRM)

    with time_machine.travel(datetime.now(tz=UTC) + timedelta(days=8)):
        response = call(
            client,
            standin_installation,
            "mutation C($t: String!) { confirmSubscription(token: $t) "
            "{ preferences { emailConsent } } }",
            {"t": token},
        )

    assert response.json()["errors"][0]["extensions"]["code"] == "CONSENT_TOKEN_EXPIRED"
    assert Contact.objects.get().email_consent == "pending"


def test_preferences_and_unsubscribe_by_token(client, standin_installation):
    call(client, standin_installation, SUBSCRIBE, {"email": "ada@example.com"})
    token = consent_token(Contact.objects.get(), Purpose.PREFERENCES)

    updated = call(
        client,
        standin_installation,
        "mutation P($t: String!) { updatePreferences(token: $t, topics: "
        "{newsletter: false, offers: true}) { preferences { topics } } }",
        {"t": token},
    )
    gone = call(
        client,
        standin_installation,
        "mutation U($t: String!) { unsubscribe(token: $t) { preferences { emailConsent } } }",
        {"t": token},
    )

    assert updated.json()["data"]["updatePreferences"]["preferences"]["topics"] == {
        "newsletter": False,
        "offers": True,
    }
    assert gone.json()["data"]["unsubscribe"]["preferences"]["emailConsent"] == "withdrawn"
    assert list(ConsentRecord.objects.order_by("occurred_at").values_list("action", flat=True)) == [
        "requested",
        "preferences",
        "withdrawn",
    ]


def test_a_forged_token_is_refused(client, standin_installation):
    response = call(
        client,
        standin_installation,
        "query P($t: String!) { preferences(token: $t) { email } }",
        {"t": "forged"},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "CONSENT_TOKEN_INVALID"


def test_a_signed_in_customer_sets_profile_fields(client, standin_installation):
    mutation = (
        'mutation { updateProfile(input: {birthday: "1990-04-02", timeZone: '
        '"Europe/Berlin", preferences: {newsletter: true}}) { ok } }'
    )

    anonymous = call(client, standin_installation, mutation)
    signed_in = call(
        client, standin_installation, mutation, token=customer_token(standin_installation)
    )

    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert signed_in.json() == {"data": {"updateProfile": {"ok": True}}}
    contact = Contact.objects.get()
    assert (str(contact.birthday), contact.time_zone, contact.preferences) == (
        "1990-04-02",
        "Europe/Berlin",
        {"newsletter": True},
    )


def test_an_invalid_time_zone_is_a_clear_error(client, standin_installation):
    response = call(
        client,
        standin_installation,
        'mutation { updateProfile(input: {timeZone: "Mars/Olympus"}) { ok } }',
        token=customer_token(standin_installation),
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_TIME_ZONE"


def test_cors_answers_only_the_shops_own_origins(client, standin_installation):
    Installation.objects.update(storefront_origins=["https://shop.example"])

    allowed = client.options(
        "/graphql/",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    refused = client.options("/graphql/", headers={"Origin": "https://evil.example"})
    posted = call(
        client,
        standin_installation,
        TRACK,
        {"anon": ANON, "events": [VIEW]},
        origin="https://shop.example",
    )

    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "saleor-api-url" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in refused
    assert posted["Access-Control-Allow-Origin"] == "https://shop.example"


def test_erasure_keeps_the_ledger_without_the_person(client, standin_installation):
    call(client, standin_installation, SUBSCRIBE, {"email": "ada@example.com"})

    erasure_request(
        installation_id=standin_installation.pk,
        source=ErasureRequest.Source.SALEOR,
        email="ada@example.com",
        now=datetime.now(tz=UTC),
    )
    erasures_run(now=datetime.now(tz=UTC))

    record = ConsentRecord.objects.get()
    assert (record.contact_id, record.ip_address, record.action) == (None, None, "requested")


def test_identify_joins_the_anonymous_history_to_the_signed_in_customer(
    client, standin_installation
):
    call(client, standin_installation, TRACK, {"anon": ANON, "events": [VIEW]})
    known = Contact.objects.create(
        installation=standin_installation, email="ada@example.com", saleor_user_id="VXNlcjo0Ng=="
    )

    response = call(
        client,
        standin_installation,
        "mutation I($a: String!) { identify(anonymousId: $a) { ok linked } }",
        {"a": ANON},
        token=customer_token(standin_installation, email="ada@example.com"),
    )

    assert response.json() == {"data": {"identify": {"ok": True, "linked": True}}}
    assert list(Contact.objects.all()) == [known]
    assert Event.objects.get().contact == known
    assert known.email_consent == "unknown"
