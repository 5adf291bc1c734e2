"""The storefront's ``personalisation``: for the current visitor only, the offers that fit
them in the channel (valid now, their condition holding) and the keys of the flagged segments
they are in; never an unflagged segment, an archived one, or anything of another shop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.contacts.models import Contact, ContactAlias
from saleor_mautomation.graphql.contacts import to_global_id
from saleor_mautomation.messages.models import Offer
from saleor_mautomation.segments.models import Membership, Segment
from saleor_mautomation.segments.services import segment_create
from tests.conftest import make_installation
from tests.contacts.factories import make_contact
from tests.graphql.test_storefront import call, customer_token
from tests.support.keys import dashboard_claims, signing_key

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
QUERY = """query P($channel: String!, $anon: String) {
  personalisation(channel: $channel, anonymousId: $anon) {
    offers { title text url endsAt } segments } }"""
ANON = "anon-7f3e9c2a1b"
GERMANS = {"root": {"type": "profile", "field": "country", "op": "eq", "value": "DE"}}
FRENCH = {"root": {"type": "profile", "field": "country", "op": "eq", "value": "FR"}}
FREE_SHIPPING = {
    "title": "Free shipping",
    "text": "On every order this week",
    "url": "https://shop.example/free-shipping",
    "endsAt": "2026-06-21T00:00:00+00:00",
}
GERMAN_DEAL = {
    "title": "Für Sie: 20 %",
    "text": "",
    "url": "https://shop.example/de/deal",
    "endsAt": None,
}


def segment(shop, key: str, *, visible: bool, members: list[Contact], definition=GERMANS):
    made = segment_create(installation_id=shop.pk, name=key, definition=definition, now=T)
    Segment.objects.filter(pk=made.pk).update(key=key, storefront_visible=visible)
    Membership.objects.bulk_create(
        Membership(installation=shop, segment=made, contact=c, entered_at=T) for c in members
    )
    return made


@pytest.fixture
def shop(standin_installation, time_machine):
    """Jane (a signed-in customer in Germany) and Bo (anonymous, in France) in a shop whose
    pool has offers of every kind, and segments flagged and not; another shop with the same
    visitors' ids and offers and segments of its own."""
    time_machine.move_to(T, tick=False)
    shop = standin_installation
    jane = make_contact(shop, saleor_user_id="VXNlcjo0Ng==", email="jane@example.com", country="DE")
    bo = make_contact(shop, email=None, country="FR")
    ContactAlias.objects.create(installation=shop, contact=bo, anonymous_id=ANON)
    segment(shop, "germans", visible=True, members=[jane])
    segment(shop, "lapsing", visible=False, members=[jane, bo])
    segment(shop, "newsletter", visible=True, members=[])
    Segment.objects.filter(pk=segment(shop, "old", visible=True, members=[jane]).pk).update(
        status="archived"
    )
    offers: list[tuple[dict[str, Any], int, dict[str, Any]]] = [
        (
            {"title": "Free shipping", "text": "On every order this week"},
            1,
            {"ends_at": T + timedelta(days=5, hours=12)},
        ),
        ({"title": "Für Sie: 20 %", "condition": GERMANS}, 5, {}),
        ({"title": "Pour vous", "condition": FRENCH}, 4, {"channels": ["channel-fr"]}),
        ({"title": "Expired"}, 9, {"ends_at": T}),
        ({"title": "Not yet"}, 9, {"starts_at": T + timedelta(seconds=1)}),
        ({"title": "US only"}, 9, {"channels": ["channel-us"]}),
        ({"title": "Switched off"}, 9, {"active": False}),
    ]
    urls = {
        "Free shipping": "https://shop.example/free-shipping",
        "Für Sie: 20 %": "https://shop.example/de/deal",
    }
    for fields, priority, more in offers:
        Offer.objects.create(
            installation=shop,
            url=urls.get(fields["title"], "https://shop.example/x"),
            priority=priority,
            **fields,
            **more,
        )
    other = make_installation(saleor_api_url="https://birch.example/graphql/", jwks=shop.jwks)
    twin = make_contact(other, saleor_user_id="VXNlcjo0Ng==", email="jane@example.com")
    ContactAlias.objects.create(installation=other, contact=twin, anonymous_id=ANON)
    segment(other, "birch-vips", visible=True, members=[twin])
    Offer.objects.create(installation=other, title="Birch deal", url="https://birch.example/d")
    return shop


def personalisation(client, shop, *, channel="default-channel", anon=None, token=None):
    response = call(client, shop, QUERY, {"channel": channel, "anon": anon}, token=token)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["personalisation"]


def test_a_signed_in_customer_gets_the_offers_that_fit_and_their_flagged_segments(client, shop):
    # when
    found = personalisation(client, shop, token=customer_token(shop))

    # then: the German deal (priority 5) before free shipping; only the flagged, active
    # segment she is in
    assert found == {"offers": [GERMAN_DEAL, FREE_SHIPPING], "segments": ["germans"]}


def test_an_anonymous_visitor_gets_their_offers_in_their_channel_and_no_unflagged_segment(
    client, shop
):
    # when: Bo in the French channel, then in the default one
    french = personalisation(client, shop, channel="channel-fr", anon=ANON)
    default = personalisation(client, shop, anon=ANON)

    # then: the French offer is for the French channel only; Bo is in no flagged segment
    # (he is in "lapsing", which is not flagged)
    assert [o["title"] for o in french["offers"]] == ["Pour vous", "Free shipping"]
    assert default == {"offers": [FREE_SHIPPING], "segments": []}


def test_an_unknown_visitor_gets_the_offers_without_a_condition_and_no_contact_is_made(
    client, shop
):
    # given
    contacts = Contact.objects.count()

    # when: an id never seen, and no id at all
    unknown = personalisation(client, shop, anon="anon-never-seen")
    nobody = personalisation(client, shop)

    # then
    assert unknown == nobody == {"offers": [FREE_SHIPPING], "segments": []}
    assert Contact.objects.count() == contacts


def test_another_shops_offers_and_segments_never_come_back(client, shop):
    # given: the other shop, asked for with the same customer and anonymous id
    other = Contact.objects.exclude(installation=shop).get().installation

    # when
    signed_in = personalisation(client, other, token=customer_token(other))
    anonymous = personalisation(client, other, anon=ANON)

    # then: the other shop's own, nothing of this shop's
    expected = {
        "offers": [
            {"title": "Birch deal", "text": "", "url": "https://birch.example/d", "endsAt": None}
        ],
        "segments": ["birch-vips"],
    }
    assert signed_in == anonymous == expected


def test_the_dashboard_flags_a_segment_for_storefronts(client, shop):
    # given: the unflagged segment Jane is in
    lapsing = Segment.objects.get(installation=shop, key="lapsing")
    token = signing_key(0).mint_token(
        dashboard_claims(api_url=shop.saleor_api_url, app_id=shop.app_id)
    )
    mutation = """mutation($id: ID!) { setSegmentStorefrontVisible(id: $id, visible: true) {
      segment { key storefrontVisible definition } } }"""
    # when
    response = client.post(
        "/graphql/",
        data={"query": mutation, "variables": {"id": to_global_id("Segment", lapsing.pk)}},
        content_type="application/json",
        headers={"Saleor-Api-Url": shop.saleor_api_url, "Authorization-Bearer": token},
    )

    # then: flagged (its definition unchanged), and storefronts now see it
    assert response.json()["data"]["setSegmentStorefrontVisible"]["segment"] == {
        "key": "lapsing",
        "storefrontVisible": True,
        "definition": lapsing.definition,
    }
    found = personalisation(client, shop, token=customer_token(shop))
    assert found["segments"] == ["germans", "lapsing"]
