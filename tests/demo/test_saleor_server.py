"""The demo Saleor's API: every document the app and its Dashboard pages send, answered from
the generated shop in shapes Saleor's schema allows, paged, authorised and refused as Saleor
3.23 does it."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from saleor_mautomation.core.http import HttpPolicy
from saleor_mautomation.demo import config
from saleor_mautomation.intake.registry import WEBHOOKS
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.client import RetryPolicy, SaleorClient
from saleor_mautomation.saleor.errors import SaleorPermissionDenied
from saleor_mautomation.saleor.manifest import build_manifest
from saleor_mautomation.saleor.metadata import (
    MetadataWrite,
    private_metadata_document,
    private_metadata_write,
)
from saleor_mautomation.saleor.webhook_sync import webhooks_compare
from tests.support.demo_saleor import (
    APP_URL,
    CUSTOMERS,
    assert_valid_answer,
    dashboard_documents,
)
from tests.support.samples import graphql_response

pytest_plugins = ["tests.demo.saleor_fixtures"]  # demo_saleor, shop

PAGE_DOCUMENTS = {
    "backfill_customers": "customers",
    "backfill_orders": "orders",
    "backfill_checkouts": "checkouts",
}


def _client(demo_saleor, token: str | None = None) -> SaleorClient:
    return SaleorClient(
        api_url=f"http://127.0.0.1:{demo_saleor.port}/graphql/",
        token=config.app_token() if token is None else token,
        http_policy=HttpPolicy(timeout=10, allow_private=True),
        retry=RetryPolicy(attempts=1),
    )


def test_the_jwks_is_the_demo_signing_key(demo_saleor):
    # when
    response = demo_saleor.http.get("/.well-known/jwks.json")

    # then
    assert response.status_code == 200
    assert response.json() == {"keys": [config.signing_key().public_jwk]}


@pytest.mark.parametrize("name", ["app_id", "shop", "channels"])
def test_the_app_s_queries_are_answered_in_saleor_s_shapes(demo_saleor, name):
    # given
    document = documents.load(name)

    # when
    answer = demo_saleor.as_app(document)

    # then
    assert "errors" not in answer
    assert_valid_answer(document, {}, answer["data"])


def test_the_app_id_and_shop_name_are_the_demo_s(demo_saleor):
    app = demo_saleor.as_app(documents.load("app_id"))["data"]["app"]
    shop = demo_saleor.as_app(documents.load("shop"))["data"]["shop"]

    assert app == {
        "id": "QXBwOjE=",
        "name": "Marketing Automation",
        "identifier": "app.saleor-mautomation",
        "permissions": [{"code": code} for code in config.PERMISSIONS],
    }
    assert shop == {"name": demo_saleor.shop.name}


@pytest.mark.parametrize("name", sorted(PAGE_DOCUMENTS))
def test_every_backfill_page_is_valid_and_the_pages_add_up_to_the_shop(demo_saleor, name):
    # given
    document = documents.load(name)
    root = PAGE_DOCUMENTS[name]
    expected = getattr(demo_saleor.shop, root)

    # when: paged through with the app's own client
    seen: list[str] = []
    cursor, pages = None, 0
    while True:
        variables = {"first": 25, "after": cursor}
        data = demo_saleor.as_app(document, variables)["data"]
        assert_valid_answer(document, variables, data)
        connection = data[root]
        seen.extend(edge["node"]["id"] for edge in connection["edges"])
        assert connection["totalCount"] == len(expected)
        pages += 1
        cursor = connection["pageInfo"]["endCursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break

    # then: every node once, oldest first
    assert len(seen) == len(expected)
    assert set(seen) == {node["id"] for node in expected}
    assert pages == -(-len(expected) // 25)


def test_customers_cursors_are_saleor_s_sort_values(demo_saleor):
    # when
    data = demo_saleor.as_app(documents.load("backfill_customers"), {"first": 2})["data"]

    # then: base64 of the JSON list of date_joined and pk as strings (connection.py)
    first = sorted(demo_saleor.shop.customers, key=lambda c: c["dateJoined"])[1]
    joined = datetime.fromisoformat(first["dateJoined"])
    pk = base64.b64decode(first["id"]).decode().split(":")[1]
    cursor = data["customers"]["pageInfo"]["endCursor"]
    assert json.loads(base64.b64decode(cursor)) == [str(joined), pk]
    assert data["customers"]["pageInfo"]["hasNextPage"] is True


def test_the_backfill_resumes_from_a_stored_cursor_and_sees_customers_added_meanwhile(
    demo_saleor,
):
    # given: the app imported 20 customers and kept the cursor
    client = _client(demo_saleor)
    document = documents.load("backfill_customers")
    cursors: list[str | None] = []
    first_part: list[str] = []
    for node in client.paginate(document, ["customers"], page_size=20, on_page=cursors.append):
        if len(first_part) == 20:  # the first page done (its cursor kept), the import dies
            break
        first_part.append(node["id"])
    # ... and a customer joins meanwhile
    newcomer = {**demo_saleor.shop.customers[0], "id": "VXNlcjo5OTk5OTk=", "email": "new@x.test"}
    newcomer["dateJoined"] = (datetime(2026, 6, 2, tzinfo=UTC)).isoformat()
    demo_saleor.shop.add_customer(newcomer)

    # when: the import resumes from the stored cursor
    rest = [
        node["id"]
        for node in client.paginate(document, ["customers"], page_size=20, after=cursors[0])
    ]

    # then: nothing twice, nothing lost, the newcomer last
    assert len(first_part) + len(rest) == CUSTOMERS + 1
    assert not set(first_part) & set(rest)
    assert rest[-1] == "VXNlcjo5OTk5OTk="


def test_a_page_larger_than_saleor_s_limit_is_refused_as_saleor_refuses_it(demo_saleor):
    # when
    answer = demo_saleor.as_app(documents.load("backfill_orders"), {"first": 101})

    # then
    assert answer["data"] == {"orders": None}
    assert answer["errors"] == [
        {
            "message": "Requesting 101 records on the `orders` connection exceeds the `first` "
            "limit of 100 records.",
            "locations": [{"line": 3, "column": 3}],
            "path": ["orders"],
            "extensions": {"exception": {"code": "GraphQLError"}},
        }
    ]


def test_a_cursor_saleor_never_gave_is_invalid(demo_saleor):
    # when
    answer = demo_saleor.as_app(
        documents.load("backfill_checkouts"), {"first": 10, "after": "bm90IGEgY3Vyc29y"}
    )

    # then
    assert answer["data"] == {"checkouts": None}
    assert [e["message"] for e in answer["errors"]] == ["Received cursor is invalid."]


def test_a_wrong_token_gets_saleor_s_own_error(demo_saleor):
    # given
    captured = graphql_response("error-invalid-token")

    # when
    response = demo_saleor.graphql(captured["operation"], token="not-the-app-token")

    # then
    assert response.status_code == captured["status"]
    body = response.json()
    assert body["errors"] == captured["response"]["errors"]
    assert body["data"] == captured["response"]["data"]


def test_the_app_s_client_reads_a_wrong_token_as_a_permission_error(demo_saleor):
    with pytest.raises(SaleorPermissionDenied, match="MANAGE_ORDERS, MANAGE_USERS"):
        _client(demo_saleor, token="stale").execute(
            documents.load("backfill_customers"), {"first": 1}
        )


def test_an_expired_staff_token_is_refused_as_a_whole(demo_saleor):
    # given
    claims = config.staff_claims(now=int((datetime.now(UTC) - timedelta(hours=2)).timestamp()))
    token = config.signing_key().mint_token(claims)

    # when
    response = demo_saleor.graphql(documents.load("channels"), token=token)

    # then
    assert response.status_code == 200
    assert response.json() == {
        "errors": [
            {
                "message": "Signature has expired",
                "extensions": {"exception": {"code": "ExpiredSignatureError"}},
            }
        ]
    }


def test_an_operation_the_demo_does_not_answer_is_an_error_naming_it(demo_saleor):
    # when
    response = demo_saleor.graphql(
        "query StaffList { staffUsers(first: 1) { edges { node { email } } } }",
        token=config.app_token(),
    )

    # then
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "The demo Saleor does not answer StaffList: it has no 'staffUsers'",
                "extensions": {"exception": {"code": "GraphQLError"}},
            }
        ],
    }


def test_the_write_back_writes_each_customer_and_refuses_a_user_saleor_does_not_have(
    demo_saleor,
):
    # given
    customers = demo_saleor.shop.customers[:2]
    writes = [
        MetadataWrite(customers[0]["id"], {"mautomation.orders": "3"}),
        MetadataWrite("VXNlcjo4ODg4ODg4", {"mautomation.orders": "1"}),  # User:8888888
        MetadataWrite(customers[1]["id"], {"mautomation.rfm": "545"}),
    ]

    # when
    results = private_metadata_write(_client(demo_saleor), writes)

    # then
    assert [(r.ok, r.access_denied) for r in results] == [
        (True, False),
        (False, False),
        (True, False),
    ]
    assert "You do not have permission to perform this action" in results[1].error
    assert demo_saleor.shop.node(customers[0]["id"])["privateMetadata"] == [
        {"key": "mautomation.orders", "value": "3"}
    ]
    assert demo_saleor.shop.node(customers[1]["id"])["privateMetadata"] == [
        {"key": "mautomation.rfm", "value": "545"}
    ]


def test_the_write_back_answer_is_valid_for_saleor_s_schema(demo_saleor):
    # given
    document = private_metadata_document(2)
    customers = demo_saleor.shop.customers[:2]
    variables = {
        "id0": customers[0]["id"],
        "input0": [{"key": "mautomation.orders", "value": "3"}],
        "id1": customers[1]["id"],
        "input1": [{"key": "mautomation.lifecycle", "value": "new"}],
    }

    # when
    answer = demo_saleor.as_app(document, variables)

    # then
    assert "errors" not in answer
    assert_valid_answer(document, variables, answer["data"])
    assert answer["data"]["m0"] == {"item": {"__typename": "User"}, "errors": []}


def test_vouchers_made_used_and_looked_up_as_the_app_does_are_valid_answers(demo_saleor):
    # given
    channels = {c["slug"]: c["id"] for c in demo_saleor.shop.channels}
    end = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    steps: list[tuple[str, dict[str, Any]]] = [
        (
            "voucher_create",
            {
                "input": {
                    "name": "Win-back",
                    "type": "ENTIRE_ORDER",
                    "discountValueType": "PERCENTAGE",
                    "singleUse": True,
                    "endDate": end,
                    "addCodes": ["WB-1", "WB-2"],
                }
            },
        ),
        (
            "voucher_channel_listing",
            {
                "id": "Vm91Y2hlcjox",
                "input": {
                    "addChannels": [
                        {"channelId": channels["default-channel"], "discountValue": 10},
                        {"channelId": channels["channel-eur"], "discountValue": 12},
                    ]
                },
            },
        ),
        ("voucher_add_codes", {"id": "Vm91Y2hlcjox", "input": {"addCodes": ["WB-3"]}}),
        ("voucher_by_code", {"code": "wb-3"}),
    ]

    # when / then
    answers = []
    for name, variables in steps:
        answer = demo_saleor.as_app(documents.load(name), variables)
        assert "errors" not in answer
        assert_valid_answer(documents.load(name), variables, answer["data"])
        answers.append(answer["data"])
    assert answers[0]["voucherCreate"]["errors"] == []
    assert answers[0]["voucherCreate"]["voucher"]["id"] == "Vm91Y2hlcjox"
    assert answers[1]["voucherChannelListingUpdate"]["voucher"]["channelListings"] == [
        {"channel": {"slug": "default-channel"}, "discountValue": 10.0, "currency": "USD"},
        {"channel": {"slug": "channel-eur"}, "discountValue": 12.0, "currency": "EUR"},
    ]
    assert answers[3] == {
        "vouchers": {"edges": [{"node": {"id": "Vm91Y2hlcjox", "name": "Win-back"}}]}
    }


def test_a_code_the_shop_has_is_refused_with_saleor_s_error(demo_saleor):
    # given
    made = {"name": "A", "singleUse": True, "addCodes": ["SAME"]}
    demo_saleor.as_app(documents.load("voucher_create"), {"input": made})

    # when
    answer = demo_saleor.as_app(
        documents.load("voucher_create"), {"input": {**made, "addCodes": ["same"]}}
    )

    # then
    assert answer["data"]["voucherCreate"] == {
        "voucher": None,
        "errors": [
            {
                "field": "codes",
                "message": "Promo code already exists.",
                "code": "ALREADY_EXISTS",
                "voucherCodes": ["same"],
            }
        ],
    }


DASHBOARD_VARIABLES: dict[str, list[dict[str, Any]]] = {
    "SALEOR_CHANNELS_QUERY": [{}],
    "SALEOR_PRODUCTS_QUERY": [{"search": "a"}, {"ids": ["UHJvZHVjdDox", "UHJvZHVjdDoy"]}],
    "RULE_PRODUCTS_QUERY": [
        {"search": "a", "first": 20},
        {"where": {"ids": ["UHJvZHVjdDox"]}, "first": 100},
    ],
    "RULE_VARIANTS_SEARCH_QUERY": [{"search": "a"}],
    "RULE_VARIANTS_QUERY": [{"ids": ["UHJvZHVjdFZhcmlhbnQ6MQ==", "UHJvZHVjdFZhcmlhbnQ6Mg=="]}],
    "RULE_CATEGORIES_QUERY": [
        {"filter": {"search": "e"}, "first": 20},
        {"filter": {"ids": ["Q2F0ZWdvcnk6MQ=="]}, "first": 100},
    ],
}


def test_every_dashboard_document_is_covered():
    assert sorted(dashboard_documents()) == sorted(DASHBOARD_VARIABLES)


@pytest.mark.parametrize(
    ("name", "variables"),
    [(name, v) for name, given in sorted(DASHBOARD_VARIABLES.items()) for v in given],
)
def test_the_dashboard_pickers_are_answered_with_the_staff_token_and_cors(
    demo_saleor, name, variables
):
    # given
    document = dashboard_documents()[name]
    origin = "http://localhost:8080"

    # when
    response = demo_saleor.graphql(
        document, variables, token=config.staff_token(), headers={"Origin": origin}
    )

    # then
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    body = response.json()
    assert "errors" not in body
    assert_valid_answer(document, variables, body["data"])
    edges = next(iter(body["data"].values()))
    assert edges  # something found


def test_the_pickers_find_what_they_search_and_name_saved_ids(demo_saleor):
    # given
    catalogue = dashboard_documents()
    product = demo_saleor.shop.products[5]
    word = product["name"].split()[-1]

    # when
    found = demo_saleor.graphql(
        catalogue["RULE_PRODUCTS_QUERY"], {"search": word, "first": 20}, token=config.staff_token()
    ).json()["data"]["products"]["edges"]
    named = demo_saleor.graphql(
        catalogue["RULE_VARIANTS_QUERY"],
        {"ids": [product["variants"][0]["id"]]},
        token=config.staff_token(),
    ).json()["data"]["productVariants"]["edges"]

    # then
    assert {"node": {"id": product["id"], "name": product["name"]}} in found
    assert all(word.lower() in edge["node"]["name"].lower() for edge in found)
    assert named == [
        {
            "node": {
                "id": product["variants"][0]["id"],
                "name": product["variants"][0]["name"],
                "sku": product["variants"][0]["sku"],
                "product": {"id": product["id"], "name": product["name"]},
            }
        }
    ]


def test_a_browser_s_preflight_is_answered_as_saleor_answers_it(demo_saleor):
    # when
    response = demo_saleor.http.options(
        "/graphql/",
        headers={
            "Origin": "http://localhost:8080",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )

    # then
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert response.headers["Access-Control-Allow-Headers"] == (
        "Origin, Content-Type, Accept, Authorization, Source-Service-Name, Authorization-Bearer"
    )
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_a_staff_token_of_another_app_is_nobody(demo_saleor):
    # given
    claims = {**config.staff_claims(), "app": "QXBwOjI="}
    token = config.signing_key().mint_token(claims)

    # when
    body = demo_saleor.graphql(documents.load("channels"), token=token).json()

    # then
    assert body["data"] == {"channels": None}
    assert body["errors"][0]["extensions"] == {"exception": {"code": "PermissionDenied"}}
    assert jwt.get_unverified_header(token)["kid"] == config.signing_key().kid


APP_WEBHOOKS = """
query AppWebhooks {
  app {
    id
    webhooks {
      id name isActive targetUrl
      asyncEvents { eventType }
      syncEvents { eventType }
      subscriptionQuery
    }
  }
}
"""


def test_the_app_s_webhooks_are_those_saleor_made_from_its_manifest(demo_saleor):
    # given
    wanted = build_manifest(
        app_url=APP_URL,
        version="demo",
        required_saleor_version="",
        specs=[webhook.spec for webhook in WEBHOOKS.values()],
    ).as_json()["webhooks"]

    # when
    answer = demo_saleor.as_app(APP_WEBHOOKS)

    # then
    assert "errors" not in answer
    assert_valid_answer(APP_WEBHOOKS, {}, answer["data"])
    webhooks = answer["data"]["app"]["webhooks"]
    assert [
        (w["name"], w["isActive"], w["targetUrl"], w["subscriptionQuery"]) for w in webhooks
    ] == [(w["name"], True, f"{APP_URL}/api/webhooks/saleor", w["query"]) for w in wanted]
    assert [[e["eventType"] for e in w["asyncEvents"]] for w in webhooks] == [
        w["asyncEvents"] for w in wanted
    ]


def test_sync_webhooks_finds_the_demo_s_webhooks_in_line_with_the_manifest(demo_saleor):
    # given: the app's own document is the one answered
    document = documents.load("app_webhooks")
    assert_valid_answer(document, {}, demo_saleor.as_app(document)["data"])

    # when
    plan = webhooks_compare(_client(demo_saleor), app_url=APP_URL)

    # then
    assert (plan.create, plan.update, plan.extra) == ((), (), ())
    assert plan.in_line == len(WEBHOOKS)


def test_a_staff_user_may_not_read_the_app_s_webhooks(demo_saleor):
    # when
    body = demo_saleor.graphql(APP_WEBHOOKS, token=config.staff_token()).json()

    # then
    assert body["data"]["app"]["id"] == "QXBwOjE="
    assert body["data"]["app"]["webhooks"] is None
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["app", "webhooks"], {"exception": {"code": "PermissionDenied"}})
    ]


# The app's documents the tests above answer, and those the demo Saleor refuses by name: the
# webhook mutations of sync-webhooks, which the demo never needs (its webhooks are Saleor's own
# from the manifest, in line), modelled for the tests by tests/support/saleor_webhooks.py.
ANSWERED = {
    "app_id",
    "app_webhooks",
    "backfill_checkouts",
    "backfill_customers",
    "backfill_orders",
    "catalogue_categories",
    "catalogue_collections",
    "catalogue_products",
    "catalogue_variant_prices",
    "channels",
    "shop",
    "voucher_add_codes",
    "voucher_by_code",
    "voucher_channel_listing",
    "voucher_create",
}
REFUSED = {
    "webhook_create": "webhookCreate",
    "webhook_update": "webhookUpdate",
    "webhook_delete": "webhookDelete",
}


def test_every_document_the_app_sends_is_answered_or_refused_by_name():
    assert set(documents.query_documents()) == ANSWERED | set(REFUSED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_document_the_demo_does_not_answer_is_refused_naming_it(demo_saleor, name):
    # when
    body = demo_saleor.graphql(documents.load(name), {}, token=config.app_token()).json()

    # then
    operation = documents.load(name).split("mutation ", 1)[1].split("(", 1)[0]
    assert body["data"] is None
    assert body["errors"][0]["message"] == (
        f"The demo Saleor does not answer {operation}: it has no {REFUSED[name]!r}"
    )
