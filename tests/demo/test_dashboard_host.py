"""The demo Saleor's stand-in Dashboard (its sign-in, the host page that frames the app, the
staff token) and the storefront pages the links of the app's emails land on."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import jwt
from graphql import parse, validate

from saleor_mautomation.demo import config, dashboard_host, storefront
from saleor_mautomation.graphql.schema import schema
from saleor_mautomation.messages.context import storefront_url
from saleor_mautomation.saleor.models import Installation
from tests.support.demo_saleor import APP_URL

pytest_plugins = ["tests.demo.saleor_fixtures"]  # demo_saleor, shop

APP_PAGE = "/dashboard/extensions/app/QXBwOjE%3D/"


def _host_config(page: str) -> dict[str, Any]:
    found = re.search(r'<script id="host-config" type="application/json">(.*?)</script>', page)
    assert found is not None
    config_: dict[str, Any] = json.loads(found.group(1))
    return config_


def _local(url: str) -> str:
    """The path and query of ``url`` (asked of the demo Saleor on its test port)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _signed_in(demo_saleor) -> str:
    """Signed in with the demo's password; the client keeps the cookie."""
    response = demo_saleor.http.post(
        "/dashboard/sign-in", data={"password": config.sign_in_password(), "next": "/dashboard/"}
    )
    assert response.status_code == 303
    return response.cookies[dashboard_host.COOKIE]


def test_the_dashboard_without_the_cookie_shows_the_sign_in(demo_saleor):
    # when
    response = demo_saleor.http.get(APP_PAGE)

    # then
    assert response.status_code == 200
    assert 'action="/dashboard/sign-in"' in response.text
    assert 'value="admin@demo.example" readonly' in response.text
    assert f'name="next" value="{APP_PAGE}"' in response.text
    assert "host-config" not in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_password_is_refused_with_a_clear_error_and_no_cookie(demo_saleor):
    # when
    response = demo_saleor.http.post("/dashboard/sign-in", data={"password": "guess"})

    # then
    assert response.status_code == 403
    assert '<p class="error" role="alert">That is not the password.</p>' in response.text
    assert "set-cookie" not in response.headers


def test_the_right_password_sets_a_signed_http_only_cookie_and_leads_where_asked(demo_saleor):
    # when
    response = demo_saleor.http.post(
        "/dashboard/sign-in",
        data={"password": config.sign_in_password(), "next": "/dashboard/customers/VXNlcjoy"},
    )

    # then
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/customers/VXNlcjoy"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{dashboard_host.COOKIE}=")
    assert cookie.endswith("; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax")
    value = response.cookies[dashboard_host.COOKIE]
    assert dashboard_host.session_valid(value)
    issued, _, mac = value.partition(".")
    assert not dashboard_host.session_valid(f"{int(issued) + 1}.{mac}")  # signed


def test_the_sign_in_never_leads_off_the_dashboard(demo_saleor):
    for elsewhere in ("https://evil.example/", "//evil.example/dashboard/", "/shop/x", ""):
        response = demo_saleor.http.post(
            "/dashboard/sign-in", data={"password": config.sign_in_password(), "next": elsewhere}
        )
        assert response.headers["Location"] == "/dashboard/"


def test_signed_in_the_dashboard_frames_the_app_with_its_navigation(demo_saleor):
    # given
    _signed_in(demo_saleor)  # the client keeps the cookie

    # when
    start = demo_saleor.http.get("/dashboard/")
    page = demo_saleor.http.get(APP_PAGE)

    # then: the start leads to the app's page, whose host knows the app and its pages
    assert start.status_code == 303
    assert start.headers["Location"] == APP_PAGE
    assert page.status_code == 200
    assert page.headers["X-Frame-Options"] == "DENY"
    host = _host_config(page.text)
    assert host["appUrl"] == f"{APP_URL}/dashboard/"
    assert host["appOrigin"] == APP_URL
    assert host["saleorApiUrl"] == f"http://localhost:{demo_saleor.port}/graphql/"
    assert host["appId"] == "QXBwOjE="
    assert host["tokenUrl"] == "/dashboard/token"
    assert host["refreshTokens"] is True
    assert [item["path"] for item in host["navigation"]] == [
        "/",
        "/contacts",
        "/segments",
        "/journeys",
        "/templates",
        "/broadcasts",
        "/analytics",
        "/settings",
        "/operations",
    ]
    assert host["links"] == [
        {"label": "Mail", "next": "/demo/mail/"},
        {"label": "GraphQL explorer", "next": "/graphql/"},
    ]
    widget = [e for e in host["manifest"]["extensions"] if e["mount"] == "CUSTOMER_DETAILS_WIDGETS"]
    assert widget[0]["url"] == f"{APP_URL}/dashboard/widgets/customer"
    assert host["record"] is None


def test_the_token_is_the_staff_user_s_app_bridge_token_for_the_signed_in_only(demo_saleor):
    # when
    refused = demo_saleor.http.get("/dashboard/token")
    _signed_in(demo_saleor)  # the client keeps the cookie
    given = demo_saleor.http.get("/dashboard/token")

    # then
    assert refused.status_code == 401
    assert given.status_code == 200
    assert given.headers["Cache-Control"] == "no-store"
    jwks = demo_saleor.http.get("/.well-known/jwks.json").json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    claims = jwt.decode(
        given.json()["token"], key, algorithms=["RS256"], issuer=config.saleor_api_url()
    )
    assert claims["type"] == "thirdparty"
    assert claims["app"] == "QXBwOjE="
    assert claims["email"] == "admin@demo.example"
    assert claims["exp"] - claims["iat"] == 3600


def test_an_old_session_cookie_is_signed_out():
    # given: a cookie issued past the session's life
    value = dashboard_host.session_value(now=1_000_000)

    # then
    assert dashboard_host.session_valid(value, now=1_000_000 + 60)
    assert not dashboard_host.session_valid(value, now=1_000_000 + dashboard_host.SESSION_SECONDS)


def test_sign_out_clears_the_cookie(demo_saleor):
    response = demo_saleor.http.post("/dashboard/sign-out")

    assert response.status_code == 303
    assert response.headers["Set-Cookie"] == (
        f"{dashboard_host.COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
    )


def test_the_dashboard_answers_on_its_canonical_origin_only(demo_saleor):
    # when: opened as 127.0.0.1 (not the installation's Dashboard origin)
    response = demo_saleor.http.get(
        "/dashboard/", headers={"Host": f"127.0.0.1:{demo_saleor.port}"}
    )

    # then
    assert response.status_code == 303
    assert response.headers["Location"] == f"http://localhost:{demo_saleor.port}/dashboard/"


def test_saleor_s_customer_page_shows_the_customer_with_the_app_s_widget(demo_saleor):
    # given
    _signed_in(demo_saleor)
    customer = demo_saleor.shop.customers[3]

    # when
    page = demo_saleor.http.get(f"/dashboard/customers/{customer['id']}")

    # then
    record = _host_config(page.text)["record"]
    assert record["title"] == f"{customer['firstName']} {customer['lastName']}"
    assert ["Email", customer["email"]] in record["rows"]


def test_the_host_serves_its_script_and_style_and_nothing_else(demo_saleor):
    script = demo_saleor.http.get("/host/host.js")
    style = demo_saleor.http.get("/host/host.css")
    outside = demo_saleor.http.get("/host/..%2Fsaleor_server.py")
    page = demo_saleor.http.get("/host/index.html")

    assert script.status_code == 200
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "window.e2eHost = host" in script.text
    assert style.status_code == 200
    assert outside.status_code == 404
    assert page.status_code == 200  # the page without a configuration: nothing to frame
    assert "<!--host-config-->" in page.text


def test_the_host_page_inlines_its_configuration_safely():
    page = dashboard_host.host_page({"appUrl": "</script><script>alert(1)</script>"}).decode()

    assert "</script><script>alert(1)" not in page
    assert _host_config(page) == {"appUrl": "</script><script>alert(1)</script>"}


def test_every_link_the_app_builds_for_a_demo_mail_lands_on_a_page(demo_saleor):
    # given: the demo installation's storefront URL, and the app's own link builder
    installation = Installation(
        saleor_api_url=config.saleor_api_url(), storefront_urls={"*": storefront.storefront_url()}
    )
    shop = demo_saleor.shop
    checkout = shop.checkouts[0]
    order = shop.orders[-1]
    channel = checkout["channel"]["slug"]
    base = storefront_url(installation, channel)
    order_base = storefront_url(installation, order["channel"]["slug"])
    line = checkout["lines"][0]["variant"]["product"]
    links = {
        "shop": base,
        "no channel": storefront_url(installation, None),
        "resume": f"{base}/checkout?checkout={checkout['token']}",
        "product": f"{base}/products/{line['slug']}",
        "order": f"{order_base}/orders/{order['number']}",
        "thumbnail": line["thumbnail"]["url"],
    }

    # when
    answers = {name: demo_saleor.http.get(_local(url)) for name, url in links.items()}

    # then
    assert base == f"http://localhost:{demo_saleor.port}/shop/{channel}"
    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        links, 200
    )
    assert line["name"] in answers["resume"].text
    assert line["name"] in answers["product"].text
    assert f"Order #{order['number']}" in answers["order"].text
    assert answers["thumbnail"].headers["Content-Type"] == "image/svg+xml"
    assert answers["thumbnail"].text.startswith("<svg")


def test_a_checkout_or_product_the_shop_does_not_have_is_not_found(demo_saleor):
    channel = demo_saleor.shop.channels[0]["slug"]

    assert demo_saleor.http.get(f"/shop/{channel}/products/no-such-thing").status_code == 404
    assert demo_saleor.http.get(f"/shop/{channel}/checkout?checkout=nope").status_code == 404
    assert demo_saleor.http.get("/shop/no-channel").status_code == 404
    assert demo_saleor.http.get("/thumbnails/no-such-thing.svg").status_code == 404


def test_a_product_page_sends_a_product_view_the_app_s_api_takes(demo_saleor):
    # given
    product = demo_saleor.shop.products[7]
    channel = demo_saleor.shop.channels[0]["slug"]

    # when
    page = demo_saleor.http.get(f"/shop/{channel}/products/{product['slug']}").text

    # then: the view names the product for the app's storefront API, in a document it takes
    found = re.search(r'<script id="product-view" type="application/json">(.*?)</script>', page)
    assert found is not None
    assert json.loads(found.group(1)) == {
        "api": f"{APP_URL}/graphql/",
        "saleorApiUrl": config.saleor_api_url(),
        "properties": {
            "product_id": product["id"],
            "category_id": product["category"]["id"],
            "slug": product["slug"],
            "channel": channel,
        },
    }
    document = re.search(r"const query = `(.*?)`;", storefront.TRACK_SCRIPT, re.S)
    assert document is not None
    assert validate(schema.graphql_schema, parse(document.group(1))) == []
