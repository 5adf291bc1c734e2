"""The stand-in's webhook mutations refuse what Saleor 3.23.28 refuses, in its error shapes
(``tests/support/saleor_webhooks.py`` names the source of each rule)."""

import pytest

from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.client import SaleorClient
from saleor_mautomation.saleor.jwks import http_policy, retry_policy
from saleor_mautomation.saleor.webhooks import SPECS
from tests.ops.conftest import APP_ID, OTHER_APP
from tests.support.saleor_webhooks import subscription_events, url_valid

URL = "https://app.example.com/api/webhooks/saleor"


@pytest.fixture
def client(saleor):
    return SaleorClient(
        api_url=saleor.api_url, token="app-token-1", http_policy=http_policy(), retry=retry_policy()
    )


def _create(client, **fields):
    data = client.execute(documents.load("webhook_create"), {"input": fields})
    return data["webhookCreate"]


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.event)
def test_saleor_derives_each_subscriptions_event(spec):
    assert subscription_events(spec.subscription) == [spec.event]


def test_a_webhook_created_from_a_query_alone_gets_the_querys_events(client, saleor):
    # when
    answer = _create(client, name="n", targetUrl=URL, query=SPECS[0].subscription)

    # then
    assert answer["errors"] == []
    (webhook,) = saleor.saleor_webhooks.of(APP_ID)
    assert webhook.events == [SPECS[0].event]
    assert webhook.is_active is True


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("subscription { event { ", "SYNTAX", "Syntax Error: Expected Name, found <EOF>."),
        (
            "subscription { event { ... on OrderCreated { nope } } }",
            "GRAPHQL_ERROR",
            "Cannot query field 'nope' on type 'OrderCreated'.",
        ),
        (
            "query { shop { name } }",
            "MISSING_SUBSCRIPTION",
            "Subscription operation can't be found.",
        ),
        ("subscription { event { issuedAt } }", "MISSING_EVENT", "Can't find a single event."),
    ],
)
def test_a_query_saleor_refuses(client, saleor, query, code, message):
    answer = _create(client, name="n", targetUrl=URL, query=query)

    assert answer == {
        "webhook": None,
        "errors": [{"field": "query", "message": message, "code": code}],
    }
    assert saleor.saleor_webhooks.of(APP_ID) == []


@pytest.mark.parametrize(
    ("target_url", "error"),
    [
        ("", {"field": "targetUrl", "message": "This field cannot be blank.", "code": "REQUIRED"}),
        (
            "ftp://a.example.com/",
            {"field": "targetUrl", "message": "Enter a valid URL.", "code": "INVALID"},
        ),
        (
            "http://a_b:8080/",
            {"field": "targetUrl", "message": "Enter a valid URL.", "code": "INVALID"},
        ),
    ],
)
def test_a_target_url_saleor_refuses(client, target_url, error):
    answer = _create(client, name="n", targetUrl=target_url, asyncEvents=["ORDER_CREATED"])

    assert answer["errors"] == [error]


def test_target_urls_saleor_takes():
    assert url_valid("http://localhost:8080/api/webhooks/saleor")
    assert url_valid("http://web:8080/api/webhooks/saleor")
    assert url_valid("http://127.0.0.1:8080/x")
    assert url_valid("https://[::1]/x")
    assert not url_valid("https://exa mple.com/")
    assert not url_valid("https://example.com:1/")


def test_an_app_updates_and_deletes_its_own_webhooks_only(client, saleor):
    # given
    theirs = saleor.saleor_webhooks.add(OTHER_APP, name="theirs", target_url=URL)

    # when
    updated = client.execute(
        documents.load("webhook_update"), {"id": theirs.id, "input": {"name": "mine now"}}
    )["webhookUpdate"]
    deleted = client.execute(documents.load("webhook_delete"), {"id": theirs.id})["webhookDelete"]

    # then
    assert updated["errors"] == [
        {"field": "id", "message": f"Couldn't resolve to a node: {theirs.id}", "code": "NOT_FOUND"}
    ]
    assert deleted["errors"] == [
        {
            "field": None,
            "message": f"Couldn't resolve to a node: {theirs.id}",
            "code": "GRAPHQL_ERROR",
        }
    ]
    assert saleor.saleor_webhooks.webhooks[theirs.pk].name == "theirs"


def test_an_update_with_events_replaces_them_and_without_keeps_them(client, saleor):
    # given
    webhook = saleor.saleor_webhooks.add(
        APP_ID,
        name="n",
        target_url=URL,
        events=["ORDER_CREATED", "CHECKOUT_FILTER_SHIPPING_METHODS"],
    )

    # when
    client.execute(documents.load("webhook_update"), {"id": webhook.id, "input": {"name": "m"}})
    kept = list(saleor.saleor_webhooks.webhooks[webhook.pk].events)
    client.execute(
        documents.load("webhook_update"),
        {"id": webhook.id, "input": {"asyncEvents": ["ORDER_UPDATED"]}},
    )

    # then
    assert kept == ["ORDER_CREATED", "CHECKOUT_FILTER_SHIPPING_METHODS"]
    assert saleor.saleor_webhooks.webhooks[webhook.pk].events == ["ORDER_UPDATED"]
    assert saleor.saleor_webhooks.webhooks[webhook.pk].name == "m"


def test_notify_user_stays_alone(client):
    answer = _create(client, name="n", targetUrl=URL, asyncEvents=["NOTIFY_USER", "ORDER_CREATED"])

    assert answer["errors"] == [
        {
            "field": "asyncEvents",
            "message": "The NOTIFY_USER webhook cannot be combined with other events.",
            "code": "INVALID_NOTIFY_WITH_SUBSCRIPTION",
        }
    ]


def test_an_unknown_event_is_refused_by_the_schema_before_the_mutation_runs(client, saleor):
    data = client.execute_partial(
        documents.load("webhook_create"),
        {"input": {"name": "n", "targetUrl": URL, "asyncEvents": ["ORDER_EXPLODED"]}},
    )

    assert data.data is None
    assert "ORDER_EXPLODED" in data.errors[0]["message"]
    assert saleor.saleor_webhooks.calls == []


def test_events_given_win_over_the_querys_as_in_saleor(client, saleor):
    # Saleor 3.23.28 derives events from the query only when none are given
    # (WebhookCreate._clean_webhook_events); it does not check one against the other, which is
    # why the sync sends both and compares both.
    answer = _create(
        client,
        name="n",
        targetUrl=URL,
        query=SPECS[0].subscription,
        asyncEvents=["ORDER_CREATED"],
    )

    assert answer["errors"] == []
    assert saleor.saleor_webhooks.of(APP_ID)[0].events == ["ORDER_CREATED"]


def test_a_name_longer_than_the_column_is_refused(client):
    answer = _create(client, name="n" * 256, targetUrl=URL, asyncEvents=["ORDER_CREATED"])

    assert answer["errors"] == [
        {
            "field": "name",
            "message": "Ensure this value has at most 255 characters (it has 256).",
            "code": "INVALID",
        }
    ]
