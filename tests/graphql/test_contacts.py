import base64
import json
from datetime import timedelta

import pytest
import time_machine

from saleor_mautomation.contacts.models import EmailConsent, LifecycleStage
from tests.contacts.factories import (
    T0,
    make_contact,
    make_event,
    make_order,
    make_shop,
    make_spend,
)
from tests.support.keys import dashboard_claims, signing_key

CONTACTS = """
query Contacts($first: Int, $after: String, $search: String, $filter: ContactFilterInput,
               $sortBy: ContactSortField) {
  contacts(first: $first, after: $after, search: $search, filter: $filter, sortBy: $sortBy) {
    edges { cursor node { id email } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""

CONTACT = """
query Contact($id: ID!, $first: Int, $after: String, $types: [String!]) {
  contact(id: $id) {
    id email saleorUserId firstName lastName country city languageCode timeZone birthday
    gender emailConsent lifecycleStage ordersCount firstOrderAt lastOrderAt
    spend { currency orders total averageOrderValue }
    rfm { recency frequency monetary }
    favouriteCategories predictedNextOrderAt predictionBasis createdAt lastSeenAt
    timeline(first: $first, after: $after, types: $types) {
      edges { cursor node { id type occurredAt source properties } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

EXPORT = "query Export($id: ID!) { contactExport(id: $id) }"


def ask(client, installation, query, token=True, **variables):
    headers = {"Saleor-Api-Url": installation.saleor_api_url}
    if token:
        claims = dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id)
        headers["Authorization-Bearer"] = signing_key(0).mint_token(claims)
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    return response.json()


def global_id(contact):
    return base64.b64encode(f"Contact:{contact.pk}".encode()).decode()


def last_timeline_cursor(body):
    return body["data"]["contact"]["timeline"]["edges"][-1]["cursor"]


def emails(body):
    return [edge["node"]["email"] for edge in body["data"]["contacts"]["edges"]]


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def test_contacts_pages_forward_by_cursor(client, shop):
    # given
    for i in range(3):
        make_contact(shop, email=f"c{i}@example.com", created_at=T0 + timedelta(days=i))

    # when
    first = ask(client, shop, CONTACTS, first=2)
    after = first["data"]["contacts"]["pageInfo"]["endCursor"]
    second = ask(client, shop, CONTACTS, first=2, after=after)

    # then
    assert emails(first) == ["c2@example.com", "c1@example.com"]
    assert first["data"]["contacts"]["pageInfo"]["hasNextPage"] is True
    assert first["data"]["contacts"]["totalCount"] == 3
    assert emails(second) == ["c0@example.com"]
    assert second["data"]["contacts"]["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": second["data"]["contacts"]["edges"][0]["cursor"],
    }


def test_contacts_search_filter_and_sort(client, shop):
    # given
    vip = make_contact(
        shop,
        email="ada@example.com",
        lifecycle_stage=LifecycleStage.VIP,
        email_consent=EmailConsent.GRANTED,
        country="GB",
        orders_count=9,
        last_order_at=T0,
    )
    make_spend(vip, "GBP", "500.0000")
    make_contact(shop, email="adam@example.com", country="GB", orders_count=1, last_order_at=T0)
    make_contact(
        shop,
        email="adele@example.com",
        lifecycle_stage=LifecycleStage.VIP,
        email_consent=EmailConsent.GRANTED,
        country="GB",
        orders_count=12,
        last_order_at=T0 + timedelta(days=1),
    )
    make_contact(shop, email="bob@example.com", lifecycle_stage=LifecycleStage.VIP)

    # when
    body = ask(
        client,
        shop,
        CONTACTS,
        search="ad",
        sortBy="TOTAL_ORDERS",
        filter={
            "lifecycleStages": ["VIP"],
            "hasOrdered": True,
            "countries": ["gb"],
            "emailConsents": ["GRANTED"],
            "lastOrderAfter": T0.isoformat(),
            "lastOrderBefore": (T0 + timedelta(days=2)).isoformat(),
        },
    )
    by_spend = ask(
        client, shop, CONTACTS, filter={"spendAtLeast": {"currency": "GBP", "amount": "500"}}
    )

    # then
    assert "errors" not in body
    assert emails(body) == ["adele@example.com", "ada@example.com"]
    assert emails(by_spend) == ["ada@example.com"]


def test_a_null_page_size_means_the_default_of_20(client, shop):
    # given
    for i in range(21):
        make_contact(shop, email=f"c{i:02}@example.com", created_at=T0 + timedelta(days=i))

    # when
    body = ask(client, shop, CONTACTS, first=None)

    # then
    assert emails(body) == [f"c{i:02}@example.com" for i in range(20, 0, -1)]
    assert body["data"]["contacts"]["pageInfo"]["hasNextPage"] is True


def test_a_bad_cursor_is_a_graphql_error(client, shop):
    # given
    make_contact(shop)

    # when
    body = ask(client, shop, CONTACTS, after="garbage")

    # then
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    assert body["errors"][0]["path"] == ["contacts"]


def test_a_negative_page_size_is_a_graphql_error(client, shop):
    body = ask(client, shop, CONTACTS, first=-5)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"


def test_contacts_of_another_installation_are_invisible(client, shop):
    # given
    mine = make_contact(shop, email="mine@example.com")
    theirs = make_contact(make_shop("other"), email="theirs@example.com")
    make_order(theirs)

    # when
    listed = ask(client, shop, CONTACTS, search="example")
    detail = ask(client, shop, CONTACT, id=global_id(theirs))
    export = ask(client, shop, EXPORT, id=global_id(theirs))

    # then
    assert emails(listed) == [mine.email]
    assert listed["data"]["contacts"]["totalCount"] == 1
    assert detail == {"data": {"contact": None}}
    assert export == {"data": {"contactExport": None}}


@pytest.mark.parametrize(
    "bad_id",
    [
        "42",
        "not base64!",
        "Contäct:1",
        base64.b64encode(b"Order:1").decode(),
        base64.b64encode(b"Contact:x").decode(),
        base64.b64encode(b"Contact:" + b"9" * 40).decode(),
    ],
)
def test_a_malformed_contact_id_is_a_graphql_error(client, shop, bad_id):
    body = ask(client, shop, CONTACT, id=bad_id)

    assert body["data"] == {"contact": None}
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"


def test_contact_profile_with_figures_and_timeline(client, shop):
    # given
    contact = make_contact(
        shop,
        email="ada@example.com",
        saleor_user_id="VXNlcjox",
        first_name="Ada",
        last_name="Lovelace",
        country="GB",
        city="London",
        birthday=T0.date(),
        email_consent=EmailConsent.GRANTED,
        lifecycle_stage=LifecycleStage.REPEAT,
        orders_count=2,
        first_order_at=T0,
        last_order_at=T0 + timedelta(days=30),
        rfm_recency=5,
        rfm_frequency=3,
        rfm_monetary=4,
        favourite_categories=["Shoes", "Hats"],
        predicted_next_order_at=T0 + timedelta(days=60),
        prediction_basis={"gaps_days": [30], "median_days": 30, "orders": 2},
        created_at=T0,
    )
    make_spend(contact, "USD", "40.0000", orders=2, average="20.0000")
    placed = make_event(contact, "order.placed", T0, properties={"number": "7"})
    make_event(contact, "checkout.updated", T0 + timedelta(hours=1))
    opened = make_event(contact, "email.opened", T0 + timedelta(hours=2))

    # when
    body = ask(
        client,
        shop,
        CONTACT,
        id=global_id(contact),
        first=1,
        types=["order.placed", "email.opened"],
    )
    after = body["data"]["contact"]["timeline"]["pageInfo"]["endCursor"]
    rest = ask(
        client,
        shop,
        CONTACT,
        id=global_id(contact),
        first=5,
        after=after,
        types=["order.placed", "email.opened"],
    )

    # then
    profile = body["data"]["contact"]
    timeline = profile.pop("timeline")
    assert profile == {
        "id": global_id(contact),
        "email": "ada@example.com",
        "saleorUserId": "VXNlcjox",
        "firstName": "Ada",
        "lastName": "Lovelace",
        "country": "GB",
        "city": "London",
        "languageCode": "",
        "timeZone": "",
        "birthday": "2025-01-01",
        "gender": "",
        "emailConsent": "GRANTED",
        "lifecycleStage": "REPEAT",
        "ordersCount": 2,
        "firstOrderAt": "2025-01-01T00:00:00+00:00",
        "lastOrderAt": "2025-01-31T00:00:00+00:00",
        "spend": [
            {"currency": "USD", "orders": 2, "total": "40.0000", "averageOrderValue": "20.0000"}
        ],
        "rfm": {"recency": 5, "frequency": 3, "monetary": 4},
        "favouriteCategories": ["Shoes", "Hats"],
        "predictedNextOrderAt": "2025-03-02T00:00:00+00:00",
        "predictionBasis": {"gaps_days": [30], "median_days": 30, "orders": 2},
        "createdAt": "2025-01-01T00:00:00+00:00",
        "lastSeenAt": None,
    }
    assert timeline["edges"] == [
        {
            "cursor": timeline["pageInfo"]["endCursor"],
            "node": {
                "id": base64.b64encode(f"Event:{opened.pk}".encode()).decode(),
                "type": "email.opened",
                "occurredAt": "2025-01-01T02:00:00+00:00",
                "source": "webhook",
                "properties": {},
            },
        }
    ]
    assert timeline["pageInfo"]["hasNextPage"] is True
    assert rest["data"]["contact"]["timeline"] == {
        "edges": [
            {
                "cursor": last_timeline_cursor(rest),
                "node": {
                    "id": base64.b64encode(f"Event:{placed.pk}".encode()).decode(),
                    "type": "order.placed",
                    "occurredAt": "2025-01-01T00:00:00+00:00",
                    "source": "webhook",
                    "properties": {"number": "7"},
                },
            }
        ],
        "pageInfo": {"hasNextPage": False, "endCursor": last_timeline_cursor(rest)},
    }


def test_an_unscored_contact_has_no_rfm(client, shop):
    # given
    contact = make_contact(shop)

    # when
    body = ask(
        client,
        shop,
        "query($id: ID!) { contact(id: $id) { rfm { recency } } }",
        id=global_id(contact),
    )

    # then
    assert body == {"data": {"contact": {"rfm": None}}}


def test_contact_export_through_graphql(client, shop):
    # given
    contact = make_contact(shop, email="ada@example.com")
    make_order(contact, lines=[{"sku": "SHOE-1", "quantity": 2}])
    other = make_contact(shop, email="other@example.com")
    make_order(other, lines=[{"sku": "HAT-1", "quantity": 1}])

    # when
    with time_machine.travel(T0, tick=False):
        body = ask(client, shop, EXPORT, id=global_id(contact))

    # then
    export = body["data"]["contactExport"]
    assert export["exported_at"] == "2025-01-01T00:00:00+00:00"
    assert export["contact"]["email"] == "ada@example.com"
    assert [order["lines"] for order in export["orders"]] == [[{"sku": "SHOE-1", "quantity": 2}]]
    assert "other@example.com" not in json.dumps(export)


@pytest.mark.parametrize(("query", "by_id"), [(CONTACTS, False), (CONTACT, True), (EXPORT, True)])
def test_without_a_dashboard_token_contacts_are_refused(client, shop, query, by_id):
    # given
    contact = make_contact(shop, email="ada@example.com")
    variables = {"id": global_id(contact)} if by_id else {}

    # when
    body = ask(client, shop, query, token=False, **variables)

    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "ada@example.com" not in json.dumps(body)
