"""The storefront API against a rogue storefront (issue 13, finding 6): made-up anonymous ids from
one address, sign-up floods, identify without proof, event times far from now."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.contacts.models import Contact, ContactAlias
from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys.triggers import browse_abandon
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.support.keys import customer_claims, signing_key

TRACK = """mutation Track($anon: String, $events: [TrackEventInput!]!) {
  trackEvents(anonymousId: $anon, events: $events) { accepted } }"""
SUBSCRIBE = """mutation Sub($email: String!, $anon: String) {
  subscribe(email: $email, anonymousId: $anon) { status } }"""
IDENTIFY = """mutation I($a: String!, $e: String, $t: String) {
  identify(anonymousId: $a, email: $e, token: $t) { ok linked } }"""
CONFIRM = """mutation C($t: String!, $a: String) {
  confirmSubscription(token: $t, anonymousId: $a) { preferences { emailConsent } } }"""
ATTACKER = "anon-attacker-01"
NOW = datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC)


def view(client_id: str, product: str = "UHJvZHVjdDox", **fields):
    return {
        "type": "PRODUCT_VIEWED",
        "clientId": client_id,
        "properties": {"product_id": product},
        **fields,
    }


def call(client, installation, query, variables, ip="203.0.113.9", token=None):
    headers = {"Saleor-Api-Url": installation.saleor_api_url}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=ip,
    )
    assert response.status_code == 200, response.content
    return response.json()


def code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


@pytest.fixture
def shop(standin_installation, time_machine):
    """The installation at a fixed moment (one rate-limit window for the whole test)."""
    time_machine.move_to(NOW, tick=False)
    return standin_installation


@pytest.fixture
def ada(shop):
    """A subscriber of the shop, who never used the attacker's browser."""
    return Contact.objects.create(
        installation=shop, email="ada@example.com", email_consent="granted"
    )


# -- (a) tracking limits ------------------------------------------------------------------------


def test_rotating_anonymous_ids_from_one_address_is_limited(client, shop, settings):
    # given
    settings.STOREFRONT_EVENT_RATE_PER_ADDRESS = (5, 60)

    # when: one address makes up a new id for each of six calls, then another address calls
    answers = [
        call(client, shop, TRACK, {"anon": f"anon-rotated-{n}", "events": [view(f"e-{n}")]})
        for n in range(6)
    ]
    other = call(client, shop, TRACK, {"anon": "anon-elsewhere", "events": [view("e-x")]}, "::1")

    # then
    assert [a.get("data") for a in answers[:5]] == [{"trackEvents": {"accepted": 1}}] * 5
    assert code(answers[5]) == "RATE_LIMITED"
    assert answers[5]["data"] == {"trackEvents": None}
    assert other == {"data": {"trackEvents": {"accepted": 1}}}
    assert Event.objects.count() == 6
    assert Contact.objects.count() == 6


def test_new_anonymous_visitors_per_address_are_limited_but_known_ones_go_on(
    client, shop, settings
):
    # given
    settings.STOREFRONT_NEW_VISITOR_RATE_PER_ADDRESS = (2, 3600)
    first = call(client, shop, TRACK, {"anon": "anon-visitor-1", "events": [view("a")]})
    second = call(client, shop, TRACK, {"anon": "anon-visitor-2", "events": [view("b")]})

    # when
    third = call(client, shop, TRACK, {"anon": "anon-visitor-3", "events": [view("c")]})
    again = call(client, shop, TRACK, {"anon": "anon-visitor-1", "events": [view("d")]})

    # then
    assert [first["data"], second["data"]] == [{"trackEvents": {"accepted": 1}}] * 2
    assert code(third) == "RATE_LIMITED"
    assert again == {"data": {"trackEvents": {"accepted": 1}}}
    assert Contact.objects.count() == 2
    assert not ContactAlias.objects.filter(anonymous_id="anon-visitor-3").exists()


def test_tracking_is_limited_per_shop_across_addresses(client, shop, settings):
    # given
    settings.STOREFRONT_EVENT_RATE_PER_INSTALLATION = (3, 60)

    # when: four browsers at four addresses
    answers = [
        call(
            client,
            shop,
            TRACK,
            {"anon": f"anon-shop-{n}", "events": [view("e")]},
            f"198.51.100.{n}",
        )
        for n in range(4)
    ]

    # then
    assert [a.get("data") for a in answers[:3]] == [{"trackEvents": {"accepted": 1}}] * 3
    assert code(answers[3]) == "RATE_LIMITED"
    assert Event.objects.count() == 3


# -- (b) sign-up flood --------------------------------------------------------------------------


def test_a_sign_up_flood_from_one_address_queues_no_more_than_the_limit(client, shop, settings):
    # given
    settings.STOREFRONT_SUBSCRIBE_RATE_PER_ADDRESS = (3, 3600)
    templates_builtin_ensure(installation_id=shop.pk, now=NOW)

    # when: twenty victims' addresses from one address
    answers = [
        call(client, shop, SUBSCRIBE, {"email": f"victim{n}@example.com"}) for n in range(20)
    ]

    # then: three confirmations queued, the rest refused before anything was written
    assert [a.get("data") for a in answers[:3]] == [{"subscribe": {"status": "PENDING"}}] * 3
    assert {code(a) for a in answers[3:]} == {"RATE_LIMITED"}
    queued = Message.objects.values_list("contact__email", flat=True)
    assert sorted(str(email) for email in queued) == [
        "victim0@example.com",
        "victim1@example.com",
        "victim2@example.com",
    ]
    assert Contact.objects.count() == 3


def test_sign_ups_are_limited_per_shop_across_addresses(client, shop, settings):
    # given
    settings.STOREFRONT_SUBSCRIBE_RATE_PER_INSTALLATION = (2, 3600)
    templates_builtin_ensure(installation_id=shop.pk, now=NOW)

    # when
    answers = [
        call(client, shop, SUBSCRIBE, {"email": f"v{n}@example.com"}, f"198.51.100.{n}")
        for n in range(3)
    ]

    # then
    assert [a.get("data") for a in answers[:2]] == [{"subscribe": {"status": "PENDING"}}] * 2
    assert code(answers[2]) == "RATE_LIMITED"
    assert Message.objects.count() == 2


def test_the_same_address_signed_up_twice_in_an_hour_gets_one_confirmation(client, shop):
    # given
    templates_builtin_ensure(installation_id=shop.pk, now=NOW)

    # when
    first = call(client, shop, SUBSCRIBE, {"email": "ada@example.com"})
    second = call(client, shop, SUBSCRIBE, {"email": "ada@example.com"})

    # then
    assert first == second == {"data": {"subscribe": {"status": "PENDING"}}}
    assert Message.objects.count() == 1


# -- (c) identify without proof -----------------------------------------------------------------


def test_identify_without_proof_does_not_join_a_strangers_browsing_to_a_person(client, shop, ada):
    # given: the attacker's browser views a product
    call(client, shop, TRACK, {"anon": ATTACKER, "events": [view("e-1")]})

    # when: it claims Ada's address
    answer = call(client, shop, IDENTIFY, {"a": ATTACKER, "e": "Ada@example.com"})

    # then: nothing joins Ada, nothing about her is recorded
    assert answer == {"data": {"identify": {"ok": True, "linked": False}}}
    assert not Event.objects.filter(contact=ada).exists()
    assert ContactAlias.objects.get(anonymous_id=ATTACKER).contact_id != ada.pk
    assert Contact.objects.get(pk=ada.pk).email == "ada@example.com"
    assert Contact.objects.filter(email__isnull=False).count() == 1
    # and later browsing of that browser starts nothing that could email her
    call(client, shop, TRACK, {"anon": ATTACKER, "events": [view("e-2")]})
    assert browse_abandon(installation_id=shop.pk, now=NOW + timedelta(hours=3)) == 1
    abandoned = Event.objects.get(type="browse.abandoned")
    assert abandoned.contact_id == ContactAlias.objects.get(anonymous_id=ATTACKER).contact_id
    assert abandoned.contact_id != ada.pk


def test_identify_without_proof_records_the_email_on_no_one(client, shop):
    # given
    call(client, shop, TRACK, {"anon": ATTACKER, "events": [view("e-1")]})

    # when: an address nobody has yet
    answer = call(client, shop, IDENTIFY, {"a": ATTACKER, "e": "new@example.com"})

    # then
    assert answer == {"data": {"identify": {"ok": True, "linked": False}}}
    assert list(Contact.objects.values_list("email", flat=True)) == [None]


def test_subscribing_someone_else_does_not_join_the_browser_to_them(client, shop, ada):
    # given
    templates_builtin_ensure(installation_id=shop.pk, now=NOW)
    call(client, shop, TRACK, {"anon": ATTACKER, "events": [view("e-1")]})

    # when: the attacker's browser signs Ada up again
    call(client, shop, SUBSCRIBE, {"email": "ada@example.com", "anon": ATTACKER})

    # then
    assert not Event.objects.filter(contact=ada).exists()
    assert ContactAlias.objects.get(anonymous_id=ATTACKER).contact_id != ada.pk


def test_identify_with_a_confirmed_opt_in_token_joins_the_browser(client, shop, ada):
    # given
    call(client, shop, TRACK, {"anon": "anon-adas-phone", "events": [view("e-1")]})
    token = consent_token(ada, Purpose.CONFIRM)

    # when
    answer = call(client, shop, IDENTIFY, {"a": "anon-adas-phone", "t": token})

    # then
    assert answer == {"data": {"identify": {"ok": True, "linked": True}}}
    assert Event.objects.get().contact_id == ada.pk
    assert ContactAlias.objects.get().contact_id == ada.pk


def test_identify_with_the_token_of_an_unconfirmed_sign_up_links_nothing(client, shop):
    # given: the attacker signed the victim up; the confirmation went to the victim's inbox
    pending = Contact.objects.create(
        installation=shop, email="victim@example.com", email_consent="pending"
    )
    call(client, shop, TRACK, {"anon": ATTACKER, "events": [view("e-1")]})

    # when
    answer = call(
        client, shop, IDENTIFY, {"a": ATTACKER, "t": consent_token(pending, Purpose.CONFIRM)}
    )

    # then
    assert answer == {"data": {"identify": {"ok": True, "linked": False}}}
    assert not Event.objects.filter(contact=pending).exists()


def test_the_confirmation_link_opened_in_a_browser_joins_it(client, shop):
    # given: a sign-up, and the browser's earlier views
    pending = Contact.objects.create(
        installation=shop, email="ada@example.com", email_consent="pending"
    )
    call(client, shop, TRACK, {"anon": "anon-adas-phone", "events": [view("e-1")]})

    # when
    answer = call(
        client,
        shop,
        CONFIRM,
        {"t": consent_token(pending, Purpose.CONFIRM), "a": "anon-adas-phone"},
    )

    # then
    assert answer == {"data": {"confirmSubscription": {"preferences": {"emailConsent": "granted"}}}}
    # the browser's view joined the confirmed contact, beside the confirmation's own events
    assert sorted(Event.objects.values_list("type", "contact_id")) == [
        ("contact.signed_up", pending.pk),
        ("newsletter.subscribed", pending.pk),
        ("product.viewed", pending.pk),
    ]
    assert list(Contact.objects.all()) == [pending]


def test_identify_with_a_customer_token_joins_the_browser(client, shop):
    # given
    call(client, shop, TRACK, {"anon": "anon-adas-phone", "events": [view("e-1")]})
    token = signing_key(0).mint_token(
        customer_claims(
            api_url=shop.saleor_api_url, user_id="VXNlcjo0Ng==", email="ada@example.com"
        )
    )

    # when
    answer = call(client, shop, IDENTIFY, {"a": "anon-adas-phone"}, token=token)

    # then
    customer = Contact.objects.get()
    assert answer == {"data": {"identify": {"ok": True, "linked": True}}}
    assert (customer.saleor_user_id, customer.email) == ("VXNlcjo0Ng==", "ada@example.com")
    assert Event.objects.get().contact_id == customer.pk


# -- (d) event times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "occurred",
    [
        datetime(2999, 1, 1, tzinfo=UTC),
        NOW + timedelta(minutes=6),
        NOW - timedelta(days=31),
    ],
)
def test_events_dated_far_from_now_are_refused(client, shop, occurred):
    # when
    answer = call(
        client,
        shop,
        TRACK,
        {"anon": "anon-clock-off", "events": [view("e-1", occurredAt=occurred.isoformat())]},
    )

    # then
    assert code(answer) == "EVENT_TIME_OUT_OF_RANGE"
    assert not Event.objects.exists()
    assert not Contact.objects.exists()


def test_events_within_the_bounds_keep_their_time_and_a_clock_slightly_ahead_is_now(client, shop):
    # when
    answer = call(
        client,
        shop,
        TRACK,
        {
            "anon": "anon-clock-ok",
            "events": [
                view("e-1", occurredAt=(NOW - timedelta(days=29)).isoformat()),
                view("e-2", occurredAt=(NOW + timedelta(minutes=4)).isoformat()),
            ],
        },
    )

    # then
    assert answer == {"data": {"trackEvents": {"accepted": 2}}}
    times = sorted(Event.objects.values_list("occurred_at", flat=True))
    assert times == [NOW - timedelta(days=29), NOW]
