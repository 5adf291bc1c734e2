"""End to end: a guest's anonymous browsing joins them through their checkout, never through
an address typed into ``identify`` (issue 13, finding 6c).

The shop runs as in ``test_e2e_presets``: Saleor registers the app and posts signed deliveries,
the storefront calls the app's GraphQL API anonymously, the scheduler's tasks run at simulated
moments and emails arrive at a loopback SMTP server.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.models import Message
from tests.journeys.e2e import Shop, day
from tests.support import deliveries as d
from tests.support.deliveries import Minted

EMAIL = "grace@example.com"
BROWSER = "anon-graces-laptop"
CHECKOUT = "Q2hlY2tvdXQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwOTk5"
MINUTE = timedelta(minutes=1)
SUBSCRIBE = """mutation S($email: String!) { subscribe(email: $email) { status } }"""
CONFIRM = """mutation C($t: String!) {
  confirmSubscription(token: $t) { preferences { emailConsent } } }"""
TRACK = """mutation T($anon: String, $events: [TrackEventInput!]!) {
  trackEvents(anonymousId: $anon, events: $events) { accepted } }"""
IDENTIFY = """mutation I($anon: String!, $email: String) {
  identify(anonymousId: $anon, email: $email) { ok linked } }"""


def storefront(shop: Shop, query: str, ip: str = "203.0.113.9", **variables: Any) -> Any:
    """An anonymous storefront call (no customer token)."""
    response = shop.client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers={"Saleor-Api-Url": shop.shop.saleor_api_url},
        REMOTE_ADDR=ip,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def browse(shop: Shop, browser: str, *client_ids: str, ip: str = "203.0.113.9") -> None:
    events = [
        {"type": "PRODUCT_VIEWED", "clientId": c, "properties": {"product_id": "UHJvZHVjdDox"}}
        for c in client_ids
    ]
    answer = storefront(shop, TRACK, ip=ip, anon=browser, events=events)
    assert answer == {"trackEvents": {"accepted": len(client_ids)}}


def guest_checkout(*, days: float, metadata: list[dict[str, str]]) -> Minted:
    """Saleor's CHECKOUT_CREATED for a guest who typed their email, with the metadata the
    storefront set on the checkout."""
    minted = d.checkout(
        "CHECKOUT_CREATED", checkout_id=CHECKOUT, user_id=None, email=EMAIL, day=days
    )
    body = json.loads(minted.body)
    body["checkout"]["metadata"] = metadata
    return Minted(minted.event, json.dumps(body).encode())


def subscribed(shop: Shop) -> Contact:
    """Grace signs up for the newsletter (from another device) and confirms."""
    assert storefront(shop, SUBSCRIBE, email=EMAIL) == {"subscribe": {"status": "PENDING"}}
    grace = Contact.objects.get(email=EMAIL)
    confirmed = storefront(shop, CONFIRM, t=consent_token(grace, Purpose.CONFIRM))
    assert confirmed == {"confirmSubscription": {"preferences": {"emailConsent": "granted"}}}
    assert [m.template for m in shop.tick(day(0) + MINUTE)] == ["double-opt-in"]
    return grace


def test_browse_abandonment_reaches_a_guest_whose_checkout_carries_their_anonymous_id(shop):
    # given: Grace is a confirmed subscriber, browsing anonymously on day 1
    shop.install("browse-abandonment")
    grace = subscribed(shop)
    shop.at(day(1))
    browse(shop, BROWSER, "v-1", "v-2")

    # when: she types her email at checkout; the storefront puts its anonymous id on the
    # checkout's metadata (and its identify call proves nothing)
    assert storefront(shop, IDENTIFY, anon=BROWSER, email=EMAIL) == {
        "identify": {"ok": True, "linked": False}
    }
    shop.deliver(
        guest_checkout(days=1.01, metadata=[{"key": "mautomation.anonymous_id", "value": BROWSER}])
    )

    # then: her anonymous views are on her timeline now, and the checkout took over day 1
    views = Event.objects.filter(type="product.viewed")
    assert set(views.values_list("contact_id", flat=True)) == {grace.pk}
    assert views.count() == 2
    assert shop.tick(day(1.01) + timedelta(hours=3)) == []

    # when: two days later the same browser (still not signed in) views again
    shop.at(day(3))
    browse(shop, BROWSER, "v-3")

    # then: two hours after, the browse-abandonment email reaches Grace
    quiet = day(3) + timedelta(hours=2)
    assert shop.tick(quiet - MINUTE) == []
    nudged = shop.tick(quiet)
    assert [(m.template, m.to) for m in nudged] == [("browse-abandonment", EMAIL)]
    assert shop.tick(day(10)) == []


def test_a_stranger_who_types_her_address_starts_nothing_that_emails_her(shop):
    # given: Grace is a confirmed subscriber
    shop.install("browse-abandonment")
    grace = subscribed(shop)

    # when: a stranger's browser browses, claims her address, and browses on
    shop.at(day(1))
    browse(shop, "anon-strangers-pc", "s-1", ip="198.51.100.7")
    assert storefront(shop, IDENTIFY, ip="198.51.100.7", anon="anon-strangers-pc", email=EMAIL) == {
        "identify": {"ok": True, "linked": False}
    }
    browse(shop, "anon-strangers-pc", "s-2", ip="198.51.100.7")

    # then: none of it is hers, and no email reaches her
    assert not Event.objects.filter(contact=grace, type="product.viewed").exists()
    assert shop.tick(day(1) + timedelta(hours=3)) == []
    assert shop.tick(day(10)) == []
    assert list(Message.objects.values_list("template_version__template__key", flat=True)) == [
        "double-opt-in"
    ]
