"""The storefront's recommendations(strategy, productId, first) for anonymous and signed-in
visitors, and the Dashboard's contactRecommendations with the reasons."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from saleor_mautomation.contacts.models import ContactAlias
from saleor_mautomation.recommendations.services import recommendations_rebuild
from tests.conftest import make_installation
from tests.recommendations import rows
from tests.support.keys import customer_claims, dashboard_claims, signing_key

RECOMMEND = """query R($s: RecommendationStrategy!, $p: String, $ps: [String!], $first: Int,
                 $a: String) {
  recommendations(strategy: $s, channel: "default-channel", productId: $p, productIds: $ps,
                  first: $first, anonymousId: $a) {
    product { id name slug url image price currency category } reason score } }"""
FOR_CONTACT = """query C($c: ID!, $s: RecommendationStrategy!) {
  contactRecommendations(contactId: $c, strategy: $s, channel: "default-channel") {
    product { id } reason } }"""
ANON = "anon-5c1d7e9f02"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(rows.NOW, tick=False)


def shop(name="shop"):
    installation = make_installation(
        saleor_api_url=f"https://{name}.example/graphql/",
        jwks={"keys": [signing_key(0).public_jwk]},
    )
    rows.catalogue_urls(installation)
    return installation


@pytest.fixture
def installation(db):
    """Three customers bought the tee with the socks, two of them the pin too; Jane (Saleor
    user VXNlcjo0Ng==) bought the tee and the socks."""
    installation = shop()
    for product_id, name in [("Tee", "Monospace Tee"), ("Socks", "Socks"), ("Pin", "Tee Pin")]:
        rows.product(installation, product_id, name, in_category="Shirts")
    jane = rows.contact(installation, saleor_user_id="VXNlcjo0Ng==", email="jane@example.com")
    rows.order(installation, jane, [rows.line("Tee"), rows.line("Socks")])
    for _ in range(2):
        person = rows.contact(installation)
        rows.order(installation, person, [rows.line("Tee"), rows.line("Socks"), rows.line("Pin")])
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)
    return installation


def call(client, installation, query, headers=None, **variables):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers={"Saleor-Api-Url": installation.saleor_api_url, **(headers or {})},
    )
    assert response.status_code == 200
    return response.json()


def customer(installation):
    token = signing_key(0).mint_token(
        customer_claims(
            api_url=installation.saleor_api_url, user_id="VXNlcjo0Ng==", email="jane@example.com"
        )
    )
    return {"Authorization": f"Bearer {token}"}


def dashboard(installation):
    claims = dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id)
    return {"Authorization-Bearer": signing_key(0).mint_token(claims)}


def test_an_anonymous_visitor_on_a_product_page(client, installation):
    # when a visitor nobody knows opens the tee's page
    body = call(client, installation, RECOMMEND, s="BOUGHT_TOGETHER", p="Tee")

    # then the socks (all 3 buyers of the tee bought them) above the pin (2 of the 3), as
    # cards in the channel
    assert body == {
        "data": {
            "recommendations": [
                {
                    "product": {
                        "id": "Socks",
                        "name": "Socks",
                        "slug": "socks",
                        "url": "https://shop.example/default-channel/products/socks/",
                        "image": "https://media.shop.example/Socks.png",
                        "price": "20.0000",
                        "currency": "USD",
                        "category": "Shirts",
                    },
                    "reason": "Bought together with Monospace Tee in 3 orders",
                    "score": 0.6,
                },
                {
                    "product": {
                        "id": "Pin",
                        "name": "Tee Pin",
                        "slug": "tee-pin",
                        "url": "https://shop.example/default-channel/products/tee-pin/",
                        "image": "https://media.shop.example/Pin.png",
                        "price": "20.0000",
                        "currency": "USD",
                        "category": "Shirts",
                    },
                    "reason": "Bought together with Monospace Tee in 2 orders",
                    "score": 0.408248,
                },
            ]
        }
    }


def test_a_signed_in_customer_is_not_offered_what_they_bought(client, installation):
    # when Jane, signed in, opens the tee's page
    body = call(
        client,
        installation,
        RECOMMEND,
        headers=customer(installation),
        s="BOUGHT_TOGETHER",
        p="Tee",
    )

    # then only the pin: she bought the socks
    assert [r["product"]["id"] for r in body["data"]["recommendations"]] == ["Pin"]


def test_an_anonymous_visitor_by_their_id_sees_what_they_viewed(client, installation):
    # given a browser whose anonymous id viewed the pin, then the socks
    visitor = rows.contact(installation, email="")
    ContactAlias.objects.create(installation=installation, anonymous_id=ANON, contact=visitor)
    rows.viewed(visitor, "Pin", rows.NOW - timedelta(minutes=2))
    rows.viewed(visitor, "Socks", rows.NOW - timedelta(minutes=1))

    # when its recently viewed products are asked for, on the cart page holding the socks
    body = call(client, installation, RECOMMEND, s="RECENTLY_VIEWED", ps=["Socks"], a=ANON)
    unknown = call(client, installation, RECOMMEND, s="RECENTLY_VIEWED", a="anon-never-seen")

    # then the pin; an id never seen has nothing viewed (and no contact is made for it)
    assert [r["product"]["id"] for r in body["data"]["recommendations"]] == ["Pin"]
    assert unknown == {"data": {"recommendations": []}}
    assert not ContactAlias.objects.filter(anonymous_id="anon-never-seen").exists()


def test_first_is_bounded(client, installation):
    # given 25 more products, each ordered once
    for i in range(25):
        rows.product(installation, f"P{i:02}", f"Product {i}")
        rows.order(installation, None, [rows.line(f"P{i:02}")])
    recommendations_rebuild(installation_id=installation.pk, now=rows.NOW)

    # when 100 best-sellers are asked for, or -1
    many = call(client, installation, RECOMMEND, s="BESTSELLERS", first=100)
    negative = call(client, installation, RECOMMEND, s="BESTSELLERS", first=-1)

    # then 20 come, and -1 is refused
    assert len(many["data"]["recommendations"]) == 20
    assert negative["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"


def test_too_many_context_products_are_refused(client, installation):
    body = call(client, installation, RECOMMEND, s="SIMILAR", ps=[f"P{i}" for i in range(21)])

    assert body["errors"][0]["extensions"]["code"] == "INVALID"


def test_the_dashboard_reads_a_contacts_recommendations_in_its_own_shop_only(client, installation):
    # given Jane, and another shop's Dashboard
    jane = installation.contact_set.get(saleor_user_id="VXNlcjo0Ng==")
    jane_id = base64.b64encode(f"Contact:{jane.pk}".encode()).decode()
    other = shop("other")

    # when both ask for Jane's personalised recommendations
    body = call(
        client,
        installation,
        FOR_CONTACT,
        headers=dashboard(installation),
        c=jane_id,
        s="PERSONALISED",
    )
    refused = call(
        client, other, FOR_CONTACT, headers=dashboard(other), c=jane_id, s="PERSONALISED"
    )
    anonymous = call(client, installation, FOR_CONTACT, c=jane_id, s="PERSONALISED")

    # then her shop sees the pin with the reason; the other shop and a storefront are refused
    assert body == {
        "data": {
            "contactRecommendations": [
                {
                    "product": {"id": "Pin"},
                    "reason": "Bought together with Monospace Tee in 2 orders",
                }
            ]
        }
    }
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


LOCALISED = """query L($s: RecommendationStrategy!, $p: String, $l: String) {
  recommendations(strategy: $s, channel: "default-channel", productId: $p, language: $l) {
    product { id } reason } }"""
FOR_CONTACT_IN = """query C($c: ID!, $l: String) {
  contactRecommendations(contactId: $c, strategy: PERSONALISED, channel: "default-channel",
                         language: $l) { product { id } reason } }"""


@pytest.mark.parametrize("language", ["de", "de-AT", "DE_DE", " De "])
def test_a_storefront_asks_for_the_reasons_in_german(client, installation, language):
    # when a German product page asks for what goes with the tee, and for best-sellers
    together = call(client, installation, LOCALISED, s="BOUGHT_TOGETHER", p="Tee", l=language)
    sellers = call(client, installation, LOCALISED, s="BESTSELLERS", l=language)

    # then the reasons are German, with the counts and the product's name
    assert together == {
        "data": {
            "recommendations": [
                {
                    "product": {"id": "Socks"},
                    "reason": "Zusammen mit Monospace Tee gekauft in 3 Bestellungen",
                },
                {
                    "product": {"id": "Pin"},
                    "reason": "Zusammen mit Monospace Tee gekauft in 2 Bestellungen",
                },
            ]
        }
    }
    assert [r["reason"] for r in sellers["data"]["recommendations"]] == [
        "Bestseller: 3-mal bestellt in 30 Tagen",
        "Bestseller: 3-mal bestellt in 30 Tagen",
        "Bestseller: 2-mal bestellt in 30 Tagen",
    ]


@pytest.mark.parametrize("language", [None, "", "en-GB", "fr", "deu", "x" * 500])
def test_any_other_language_or_none_gives_english(client, installation, language):
    body = call(client, installation, LOCALISED, s="BOUGHT_TOGETHER", p="Tee", l=language)

    assert [r["reason"] for r in body["data"]["recommendations"]] == [
        "Bought together with Monospace Tee in 3 orders",
        "Bought together with Monospace Tee in 2 orders",
    ]


def test_the_dashboard_reads_a_contacts_reasons_in_its_language(client, installation):
    # given Jane (she bought the tee and the socks; the pin goes with the tee)
    jane = installation.contact_set.get(saleor_user_id="VXNlcjo0Ng==")
    jane_id = base64.b64encode(f"Contact:{jane.pk}".encode()).decode()

    # when a German Dashboard and an English one read her recommendations
    german = call(
        client, installation, FOR_CONTACT_IN, headers=dashboard(installation), c=jane_id, l="de"
    )
    english = call(
        client, installation, FOR_CONTACT_IN, headers=dashboard(installation), c=jane_id, l="en"
    )

    # then the same product, its reason in each language
    assert german == {
        "data": {
            "contactRecommendations": [
                {
                    "product": {"id": "Pin"},
                    "reason": "Zusammen mit Monospace Tee gekauft in 2 Bestellungen",
                }
            ]
        }
    }
    assert english["data"]["contactRecommendations"] == [
        {"product": {"id": "Pin"}, "reason": "Bought together with Monospace Tee in 2 orders"}
    ]
