"""The demo sign-in on the app's origin and the GraphQL explorer in demo mode."""

from __future__ import annotations

import json
import re
import time
from http.cookies import SimpleCookie

import pytest
from django.test import Client

from saleor_mautomation.demo import config
from saleor_mautomation.demo.keys import SigningKey
from saleor_mautomation.demo.views import COOKIE, EXAMPLE_QUERY
from saleor_mautomation.journeys.models import Journey
from tests.conftest import make_installation
from tests.contacts.factories import make_contact

# What GET /graphql/ answers a browser outside demo mode (as before the explorer existed).
NO_QUERY = {
    "errors": [{"message": "Must provide query string.", "extensions": {"code": "BAD_REQUEST"}}]
}


@pytest.fixture
def demo(settings, tmp_path):
    settings.DEMO_MODE = True
    settings.DEMO_DIR = tmp_path / "demo"


@pytest.fixture
def demo_shop(db, demo):
    """The app installed in the demo Saleor, as ``mautomation demo`` installs it."""
    return make_installation(
        saleor_api_url=config.saleor_api_url(),
        app_id=config.APP_ID,
        jwks={"keys": [config.signing_key().public_jwk]},
    )


def signed_in(client: Client) -> Client:
    response = client.post("/demo/sign-in", {"password": config.sign_in_password()})
    assert response.status_code == 302
    return client


def cookie_set(response) -> bool:
    return COOKIE in response.cookies and response.cookies[COOKIE].value != ""


def test_the_password_signs_in_with_a_signed_http_only_lax_cookie(client, demo):
    # given
    assert client.get("/demo/mail/")["Location"] == "/demo/sign-in?next=%2Fdemo%2Fmail%2F"
    form = client.get("/demo/sign-in?next=/demo/mail/%3Fto%3Dada")
    assert form.status_code == 200
    assert '<input type="hidden" name="next" value="/demo/mail/?to=ada">' in form.content.decode()
    assert '<label for="password">Demo password' in form.content.decode()

    # when
    response = client.post(
        "/demo/sign-in", {"password": config.sign_in_password(), "next": "/demo/mail/?to=ada"}
    )

    # then
    assert (response.status_code, response["Location"]) == (302, "/demo/mail/?to=ada")
    cookie = response.cookies[COOKIE]
    assert (cookie["httponly"], cookie["samesite"], cookie["path"]) == (True, "Lax", "/")
    assert cookie["max-age"] == 12 * 3600
    assert cookie.value.count(":") == 2  # value:timestamp:signature
    assert client.get("/demo/mail/").status_code == 200


def test_a_wrong_password_is_refused(client, demo):
    response = client.post("/demo/sign-in", {"password": "guess", "next": "/demo/mail/"})

    assert response.status_code == 403
    assert "That is not the password." in response.content.decode()
    assert not cookie_set(response)
    assert client.get("/demo/mail/").status_code == 302


def test_a_tampered_or_foreign_cookie_is_not_signed_in(client, demo, settings, tmp_path):
    # given a cookie from the sign-in
    value = signed_in(client).cookies[COOKIE].value

    # when it is altered, then it is refused
    client.cookies = SimpleCookie({COOKIE: value[:-2] + ("AA" if value[-2:] != "AA" else "BB")})
    assert client.get("/demo/mail/").status_code == 302
    # and a new demo directory (a new password) signs everyone out
    client.cookies = SimpleCookie({COOKIE: value})
    assert client.get("/demo/mail/").status_code == 200
    settings.DEMO_DIR = tmp_path / "another-demo"
    assert client.get("/demo/mail/").status_code == 302


def test_the_demo_dashboards_staff_token_signs_in(client, demo):
    # when
    token = config.staff_token()
    response = client.get("/demo/sign-in", {"token": token, "next": "/graphql/"})

    # then
    assert (response.status_code, response["Location"]) == (302, "/graphql/")
    assert response["Referrer-Policy"] == "no-referrer"
    assert cookie_set(response)
    assert client.get("/demo/mail/").status_code == 200


def expired_token() -> str:
    issued = int(time.time()) - 7200
    return config.signing_key().mint_token(config.staff_claims(ttl=3600, now=issued))


def forged_token() -> str:
    return SigningKey.generate().mint_token(config.staff_claims())


def customer_token() -> str:
    return config.signing_key().mint_token({**config.staff_claims(), "type": "access"})


def foreign_issuer_token() -> str:
    claims = {**config.staff_claims(), "iss": "https://other.example/graphql/"}
    return config.signing_key().mint_token(claims)


@pytest.mark.parametrize(
    "token",
    [expired_token, forged_token, customer_token, foreign_issuer_token, lambda: "not-a-jwt"],
    ids=["expired", "forged", "customer", "foreign issuer", "malformed"],
)
def test_a_token_not_from_the_demo_saleor_is_refused(client, demo, token):
    response = client.get("/demo/sign-in", {"token": token(), "next": "/demo/mail/"})

    assert response.status_code == 403
    assert "The sign-in link is not valid" in response.content.decode()
    assert not cookie_set(response)
    assert client.get("/demo/mail/").status_code == 302


@pytest.mark.parametrize(
    "next_",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_sign_in_refuses_a_next_off_this_site(client, demo, next_):
    # given the right password and a valid token
    by_form = client.post("/demo/sign-in", {"password": config.sign_in_password(), "next": next_})
    by_token = client.get("/demo/sign-in", {"token": config.staff_token(), "next": next_})

    # then neither goes there, nor signs in
    for response in (by_form, by_token):
        assert response.status_code == 400
        assert "must be on this site" in response.content.decode()
        assert not response.has_header("Location")
        assert not cookie_set(response)


def explorer_settings(html: str) -> dict:
    found = re.search(r'<script id="explorer" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_graphiql_in_demo_mode_runs_queries_as_the_demo_admin(client, demo_shop):
    # given a contact and a journey in the demo shop
    make_contact(demo_shop, email="ada@example.com", city="Berlin", email_consent="granted")
    Journey.objects.create(installation=demo_shop, key="welcome", name="Welcome", status="active")

    # when a signed-in browser opens /graphql/
    page = signed_in(client).get("/graphql/", HTTP_ACCEPT="text/html,application/xhtml+xml")

    # then GraphiQL, its headers filled in with the demo admin's token and the demo Saleor
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert "https://cdn.jsdelivr.net/npm/graphiql@2.4.7/graphiql.min.js" in html
    explorer = explorer_settings(html)
    headers = json.loads(explorer["headers"])
    assert sorted(headers) == ["Authorization-Bearer", "Saleor-Api-Url"]
    assert headers["Saleor-Api-Url"] == "http://localhost:8081/graphql/"
    assert (explorer["url"], explorer["query"]) == ("/graphql/", EXAMPLE_QUERY)
    # and the example query, sent with those headers as GraphiQL sends it, answers at once
    answer = client.post(
        "/graphql/",
        {"query": explorer["query"]},
        content_type="application/json",
        headers=headers,
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "data": {
            "contacts": {
                "totalCount": 1,
                "edges": [
                    {
                        "node": {
                            "email": "ada@example.com",
                            "emailConsent": "GRANTED",
                            "city": "Berlin",
                        }
                    }
                ],
            },
            "journeys": [{"name": "Welcome", "status": "active"}],
        }
    }


def test_graphiql_needs_the_demo_sign_in(client, demo_shop):
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")

    assert (response.status_code, response["Location"]) == (
        302,
        "/demo/sign-in?next=%2Fgraphql%2F",
    )


def test_outside_demo_mode_get_graphql_answers_as_before(client, demo_shop, settings):
    # given a browser signed in while the demo ran
    signed_in(client)

    # when demo mode is off
    settings.DEMO_MODE = False
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")

    # then no GraphiQL: the API's answer to a GET without a query
    assert response.status_code == 400
    assert response.json() == NO_QUERY
    assert "graphiql" not in response.content.decode().lower()


def test_in_demo_mode_api_requests_are_unchanged(client, demo_shop):
    # given a signed-in browser
    signed_in(client)
    headers = {
        "Authorization-Bearer": config.staff_token(),
        "Saleor-Api-Url": config.saleor_api_url(),
    }

    # when it asks for JSON, or raw, or posts
    as_json = client.get("/graphql/", HTTP_ACCEPT="application/json")
    raw = client.get("/graphql/?raw", HTTP_ACCEPT="text/html")
    get_query = client.get("/graphql/", {"query": "{ journeys { name } }"}, headers=headers)
    posted = client.post(
        "/graphql/",
        {"query": "{ journeys { name } }"},
        content_type="application/json",
        headers=headers,
    )
    unsigned = client.post(
        "/graphql/", {"query": "{ journeys { name } }"}, content_type="application/json"
    )

    # then the API answers as outside demo mode
    assert (as_json.status_code, as_json.json()) == (400, NO_QUERY)
    assert (raw.status_code, raw.json()) == (400, NO_QUERY)
    assert (get_query.status_code, get_query.json()) == (200, {"data": {"journeys": []}})
    assert (posted.status_code, posted.json()) == (200, {"data": {"journeys": []}})
    assert (unsigned.status_code, unsigned.json()["errors"][0]["extensions"]["code"]) == (
        200,
        "UNAUTHENTICATED",
    )
