from urllib.parse import quote

import pytest

from saleor_mautomation.saleor.models import Installation
from tests.conftest import make_installation
from tests.graphql.test_settings import ask

SHOP_API = "https://shop.eu.saleor.cloud/graphql/"


def opened_for(path, api_url):
    return f"{path}?saleorApiUrl={quote(api_url, safe='')}&theme=light"


@pytest.fixture
def built(settings, tmp_path):
    (tmp_path / "index.html").write_text('<div id="root"></div>')
    settings.DASHBOARD_DIST = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_the_app_page_serves_the_built_extension_framable_by_the_dashboard(client, built):
    # given
    make_installation(saleor_api_url=SHOP_API)

    # when
    response = client.get(opened_for("/dashboard/", SHOP_API))

    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'<div id="root"></div>'
    assert response["Content-Security-Policy"] == "frame-ancestors https://shop.eu.saleor.cloud"
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"] == "no-cache"


@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/journeys/7", "/dashboard/widgets/customer"]
)
@pytest.mark.django_db
def test_every_dashboard_page_is_framable_only_by_the_installations_dashboard_origins(
    client, built, path
):
    # given: the shop's Dashboard lives elsewhere than its API; another shop has its own
    make_installation(
        saleor_api_url=SHOP_API,
        dashboard_origins=["https://dashboard.example.com", "https://admin.example.com:8443"],
    )
    make_installation(saleor_api_url="https://other.example.net/graphql/", app_id="QXBwOjI=")

    # when
    response = client.get(opened_for(path, SHOP_API))

    # then
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "frame-ancestors https://dashboard.example.com https://admin.example.com:8443"
    )
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?saleorApiUrl=https%3A%2F%2Fattacker.example%2Fgraphql%2F",
        "?saleorApiUrl=https%3A%2F%2Fgone.example.com%2Fgraphql%2F",
    ],
)
@pytest.mark.parametrize(
    "path", ["/dashboard/", "/dashboard/contacts/42", "/dashboard/widgets/customer"]
)
@pytest.mark.django_db
def test_a_dashboard_page_for_no_known_installation_is_framable_by_nobody(
    client, built, path, query
):
    # given: an uninstalled installation is no longer known
    make_installation(
        saleor_api_url="https://gone.example.com/graphql/",
        status=Installation.Status.UNINSTALLED,
    )

    # when
    response = client.get(f"{path}{query}")

    # then
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_customer_widget_answers_its_get_at_once_framable_by_its_dashboard(client, built):
    # given
    make_installation(saleor_api_url=SHOP_API)
    query = f"customerId=VXNlcjox&saleorApiUrl={quote(SHOP_API, safe='')}&id=QXBwOjE%3D&theme=dark"

    # when: the Dashboard's iframe opens the GET widget with the customer in the query
    response = client.get(f"/dashboard/widgets/customer?{query}")

    # then: the page itself, not a redirect (which once turned the Dashboard's POST into a GET)
    assert response.status_code == 200
    assert "Location" not in response
    assert b"".join(response.streaming_content) == b'<div id="root"></div>'
    assert response["Content-Security-Policy"] == "frame-ancestors https://shop.eu.saleor.cloud"
    assert "X-Frame-Options" not in response


@pytest.mark.django_db
def test_the_customer_widget_is_a_get_widget_only(client, built):
    # given
    make_installation(saleor_api_url=SHOP_API)

    # when: the form POST of the old widget
    response = client.post(
        "/dashboard/widgets/customer",
        data={"saleorApiUrl": SHOP_API, "customerId": "VXNlcjox", "accessToken": "t"},
    )

    # then
    assert response.status_code == 405


@pytest.mark.parametrize("path", ["/dashboard/privacy", "/dashboard/support"])
@pytest.mark.django_db
def test_the_privacy_and_support_pages_open_outside_the_dashboard(client, built, path):
    # when: a top-level visit, as from the Dashboard's app list or a search engine
    response = client.get(path)

    # then: the page, framable by nobody
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'<div id="root"></div>'
    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_the_admin_sets_the_dashboard_origins_and_the_pages_follow(
    client, standin_installation, built
):
    # given: by default the Saleor API's own origin
    read = ask(client, standin_installation, "{ appSettings { dashboardOrigins } }")
    api_origin = standin_installation.saleor_api_url.removesuffix("/graphql/")
    assert read.json() == {"data": {"appSettings": {"dashboardOrigins": [api_origin]}}}

    # when
    response = ask(
        client,
        standin_installation,
        "mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {"
        " settings { dashboardOrigins } } }",
        {"input": {"dashboardOrigins": ["https://Shop.EU.saleor.cloud/", "http://[::1]:9000"]}},
    )
    page = client.get(opened_for("/dashboard/", standin_installation.saleor_api_url))

    # then
    assert response.json() == {
        "data": {
            "updateAppSettings": {
                "settings": {
                    "dashboardOrigins": ["https://shop.eu.saleor.cloud", "http://[::1]:9000"]
                }
            }
        }
    }
    assert page["Content-Security-Policy"] == (
        "frame-ancestors https://shop.eu.saleor.cloud http://[::1]:9000"
    )

    # when: an empty list goes back to the default
    ask(
        client,
        standin_installation,
        "mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {"
        " settings { dashboardOrigins } } }",
        {"input": {"dashboardOrigins": []}},
    )

    # then
    page = client.get(opened_for("/dashboard/", standin_installation.saleor_api_url))
    assert page["Content-Security-Policy"] == f"frame-ancestors {api_origin}"


@pytest.mark.parametrize(
    "origin",
    [
        "https://dashboard.example.com; script-src *",
        "https://dashboard.example.com 'unsafe-inline'",
        "https://dashboard.example.com/path",
        "https://user@dashboard.example.com",
        "javascript:alert(1)",
        "*",
        "https://*.saleor.cloud",
        "https://dashboard.example.com:99999",
    ],
)
def test_an_invalid_dashboard_origin_is_refused_and_nothing_changes(
    client, standin_installation, origin
):
    # when
    response = ask(
        client,
        standin_installation,
        "mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {"
        " settings { dashboardOrigins } } }",
        {"input": {"dashboardOrigins": ["https://ok.example.com", origin]}},
    )

    # then
    body = response.json()
    assert body["data"] == {"updateAppSettings": None}
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ORIGIN"
    standin_installation.refresh_from_db()
    assert standin_installation.dashboard_origins == []


def test_client_side_routes_get_the_same_page(client, settings, tmp_path):
    (tmp_path / "index.html").write_text("app")
    settings.DASHBOARD_DIST = tmp_path

    response = client.get("/dashboard/contacts/42")

    assert response.status_code == 200


def test_an_unbuilt_extension_says_how_to_build_it(client, settings, tmp_path):
    settings.DASHBOARD_DIST = tmp_path

    response = client.get("/dashboard/")

    assert response.status_code == 503
    assert b"make install" in response.content


def test_other_pages_are_not_framable(client):
    response = client.get("/healthz")

    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/nowhere", "/u/not-a-token", "/p/not-a-token"])
@pytest.mark.django_db
def test_every_other_html_response_is_not_framable(client, path):
    response = client.get(path)

    assert response["X-Frame-Options"] == "DENY"
