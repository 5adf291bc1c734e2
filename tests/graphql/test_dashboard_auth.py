import json
import time

import pytest

from saleor_mautomation.saleor.models import Installation
from tests.support.keys import dashboard_claims, signing_key

QUERY = "query Installation { installation { saleorApiUrl appId } }"


def ask(client, installation, token, header="Authorization-Bearer", api_url=None):
    headers = {"Saleor-Api-Url": api_url or installation.saleor_api_url}
    headers[header] = token if header == "Authorization-Bearer" else f"Bearer {token}"
    return client.post(
        "/graphql/",
        data=json.dumps({"query": QUERY}),
        content_type="application/json",
        headers=headers,
    )


def token_for(installation, key=None, **overrides):
    claims = dashboard_claims(
        api_url=installation.saleor_api_url, app_id=installation.app_id, **overrides
    )
    return (key or signing_key(0)).mint_token(claims)


@pytest.mark.parametrize("header", ["Authorization-Bearer", "Authorization"])
def test_installation_query_proves_the_dashboard_token(client, standin_installation, header):
    response = ask(client, standin_installation, token_for(standin_installation), header=header)

    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "installation": {
                "saleorApiUrl": standin_installation.saleor_api_url,
                "appId": "QXBwOjE=",
            }
        }
    }


def test_the_api_sets_no_cookie(client, standin_installation):
    # the token authenticates every call: graphene-django's CSRF cookie would serve nothing
    response = ask(client, standin_installation, token_for(standin_installation))

    assert response.status_code == 200
    assert dict(response.cookies) == {}
    assert "Set-Cookie" not in response.headers


def test_an_expired_token_is_a_401(client, standin_installation):
    token = token_for(standin_installation, exp=int(time.time()) - 60)

    response = ask(client, standin_installation, token)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in response.json()["errors"][0]["message"]


def test_a_token_for_another_app_is_a_401(client, standin_installation):
    response = ask(client, standin_installation, token_for(standin_installation, app="QXBwOjk5"))

    assert response.status_code == 401
    assert "another app" in response.json()["errors"][0]["message"]


def test_a_token_from_another_saleor_is_a_401(client, standin_installation):
    token = token_for(standin_installation, iss="https://evil.example/graphql/")

    assert ask(client, standin_installation, token).status_code == 401


def test_a_customer_token_is_not_a_dashboard_token(client, standin_installation):
    # A valid storefront customer token authenticates a customer, never a Dashboard user.
    token = token_for(standin_installation, type="access")

    response = ask(client, standin_installation, token)

    assert response.json()["data"] is None
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_token_signed_by_another_key_is_a_401(client, standin_installation, settings):
    settings.SALEOR_JWKS_REFRESH_INTERVAL = 3600

    response = ask(client, standin_installation, token_for(standin_installation, signing_key(2)))

    assert response.status_code == 401


def test_a_user_without_manage_users_is_a_403(client, standin_installation):
    token = token_for(standin_installation, user_permissions=["MANAGE_ORDERS"])

    response = ask(client, standin_installation, token)

    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_an_unknown_saleor_is_a_401(client, standin_installation):
    response = ask(
        client,
        standin_installation,
        token_for(standin_installation),
        api_url="https://unknown.example/graphql/",
    )

    assert response.status_code == 401


def test_an_uninstalled_installation_is_a_401(client, standin_installation):
    Installation.objects.update(status=Installation.Status.UNINSTALLED)

    assert ask(client, standin_installation, token_for(standin_installation)).status_code == 401


def test_a_rotated_key_is_fetched_once_then_accepted(
    client, standin, standin_installation, settings
):
    settings.SALEOR_JWKS_REFRESH_INTERVAL = 0
    standin.keys = [signing_key(1)]

    response = ask(client, standin_installation, token_for(standin_installation, signing_key(1)))

    assert response.status_code == 200
    assert len(standin.requests_to("/.well-known/jwks.json")) == 1


def test_without_a_token_the_dashboard_field_is_refused(client, standin_installation):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": QUERY}),
        content_type="application/json",
        headers={"Saleor-Api-Url": standin_installation.saleor_api_url},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.json()["data"] is None
