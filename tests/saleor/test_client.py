import pytest

from saleor_mautomation.core.http import HttpPolicy
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.client import RetryPolicy, SaleorClient
from saleor_mautomation.saleor.errors import (
    SaleorGraphQLError,
    SaleorPermissionDenied,
    SaleorUnavailable,
)
from tests.support.samples import graphql_response


def client_for(standin, token="app-token-1", attempts=3):
    return SaleorClient(
        api_url=standin.api_url,
        token=token,
        http_policy=HttpPolicy(timeout=5, allow_private=True),
        retry=RetryPolicy(attempts=attempts, backoff=0, sleep=lambda s: None),
    )


def test_execute_returns_data_and_sends_the_app_token(standin):
    data = client_for(standin).execute(documents.load("app_id"))

    assert data["app"]["id"] == "QXBwOjE="
    assert standin.requests[0].headers["Authorization"] == "Bearer app-token-1"


def test_5xx_and_dropped_connections_are_retried_then_succeed(standin):
    standin.fail_next((503, {"error": "busy"}), "drop")

    data = client_for(standin).execute(documents.load("app_id"))

    assert data["app"]["id"] == "QXBwOjE="
    assert len(standin.requests_to("/graphql/")) == 3


def test_retries_are_bounded_and_end_in_a_retryable_error(standin):
    standin.fail_next(*[(502, {})] * 5)

    with pytest.raises(SaleorUnavailable):
        client_for(standin, attempts=3).execute(documents.load("app_id"))

    assert len(standin.requests_to("/graphql/")) == 3


def test_429_is_retried(standin):
    standin.fail_next((429, {}))

    client_for(standin).execute(documents.load("app_id"))

    assert len(standin.requests_to("/graphql/")) == 2


def test_4xx_is_not_retried(standin):
    standin.fail_next((400, {"errors": [{"message": "Syntax Error"}]}))

    with pytest.raises(SaleorGraphQLError, match="Syntax Error"):
        client_for(standin).execute(documents.load("app_id"))

    assert len(standin.requests_to("/graphql/")) == 1


def test_permission_error_is_typed(standin):
    standin.answers["Staff"] = lambda variables: (
        200,
        graphql_response("error-permission-denied")["response"],
    )

    with pytest.raises(SaleorPermissionDenied) as info:
        client_for(standin).execute(graphql_response("error-permission-denied")["operation"])

    assert info.value.codes == ("PermissionDenied",)
    assert "MANAGE_STAFF" in info.value.message


def test_unknown_token_surfaces_as_permission_denied(standin):
    with pytest.raises(SaleorPermissionDenied):
        client_for(standin, token="not-a-token").execute(documents.load("app_id"))


def test_paginate_follows_cursors_and_reports_each_page(standin):
    first = graphql_response("customers-page")
    second = graphql_response("customers-page-2")
    last_page = {**second["response"]}
    last_page["data"] = {
        "customers": {
            **second["response"]["data"]["customers"],
            "pageInfo": {"hasNextPage": False, "endCursor": "END"},
        }
    }
    pages = {
        None: first["response"],
        first["response"]["data"]["customers"]["pageInfo"]["endCursor"]: last_page,
    }
    standin.answers["Customers"] = lambda variables: (200, pages[variables.get("after")])
    cursors: list[str | None] = []

    nodes = list(
        client_for(standin).paginate(
            first["operation"], ["customers"], page_size=3, on_page=cursors.append
        )
    )

    assert [n["email"] for n in nodes] == [
        e["node"]["email"]
        for e in first["response"]["data"]["customers"]["edges"]
        + second["response"]["data"]["customers"]["edges"]
    ]
    assert cursors == [first["response"]["data"]["customers"]["pageInfo"]["endCursor"], "END"]
    assert [r.json()["variables"]["first"] for r in standin.requests] == [3, 3]
