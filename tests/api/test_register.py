import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.flows.installations import credentials_sweep
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import installations_shop_refresh
from saleor_mautomation.segments.models import Segment
from tests.conftest import make_installation


def post_register(client, api_url, token="app-token-1"):
    return client.post(
        "/api/register",
        data=json.dumps({"auth_token": token}),
        content_type="application/json",
        headers={"Saleor-Api-Url": api_url, "Saleor-Domain": "127.0.0.1:8000"},
    )


@pytest.mark.django_db
def test_register_proves_the_token_fetches_the_jwks_and_stores_the_installation(client, standin):
    # when
    response = post_register(client, standin.api_url)

    # then
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert installation.saleor_api_url == standin.api_url
    assert installation.app_id == "QXBwOjE="
    assert installation.auth_token == "app-token-1"
    assert installation.jwks == standin.jwks()
    assert installation.status == Installation.Status.ACTIVE
    graphql = standin.requests_to("/graphql/")
    assert "app" in graphql[0].json()["query"]
    assert graphql[0].headers["Authorization"] == "Bearer app-token-1"
    assert len(standin.requests_to("/.well-known/jwks.json")) == 1
    # day one: a segment per lifecycle stage and the RFM classes
    keys = set(Segment.objects.filter(installation=installation).values_list("key", flat=True))
    assert keys == {
        "stage-subscriber",
        "stage-prospect",
        "stage-first-time-buyer",
        "stage-repeat",
        "stage-vip",
        "stage-lapsing",
        "stage-lapsed",
        "champions",
        "loyal",
        "potential-loyalists",
        "new-customers",
        "at-risk",
        "hibernating",
    }


@pytest.mark.django_db
def test_the_token_is_encrypted_at_rest(client, standin):
    post_register(client, standin.api_url)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT auth_token FROM {Installation._meta.db_table}")  # noqa: S608
        (stored,) = cursor.fetchone()
    assert "app-token-1" not in stored
    assert stored.startswith("gAAAA")


@pytest.mark.django_db
def test_reinstall_replaces_the_token_and_app_id(client, standin):
    make_installation(
        saleor_api_url=standin.api_url,
        app_id="QXBwOjk=",
        auth_token="old",
        status=Installation.Status.UNINSTALLED,
    )
    standin.valid_tokens = {"app-token-2"}
    standin.app_id = "QXBwOjEw"

    response = post_register(client, standin.api_url, token="app-token-2")

    assert response.status_code == 200
    installation = Installation.objects.get()
    assert (installation.app_id, installation.auth_token, installation.status) == (
        "QXBwOjEw",
        "app-token-2",
        Installation.Status.ACTIVE,
    )


@pytest.mark.django_db
def test_many_saleors_install_side_by_side(client, standin):
    from tests.support.standin import StandInSaleor, serve

    other = StandInSaleor(keys=standin.keys, app_id="QXBwOjc=")
    stop = serve(other)
    try:
        assert post_register(client, standin.api_url).status_code == 200
        assert post_register(client, other.api_url).status_code == 200
    finally:
        stop()

    assert sorted(Installation.objects.values_list("app_id", flat=True)) == ["QXBwOjE=", "QXBwOjc="]


@pytest.mark.django_db
def test_a_saleor_outside_the_allow_list_is_refused_with_a_message(client, standin, settings):
    settings.ALLOWED_SALEOR_URLS = ["https://*.saleor.cloud/graphql/"]

    response = post_register(client, standin.api_url)

    assert response.status_code == 403
    assert "ALLOWED_SALEOR_URLS" in response.json()["error"]["message"]
    assert standin.requests == []
    assert not Installation.objects.exists()


@pytest.mark.parametrize(
    "api_url",
    [
        "http://attacker/.saleor.cloud/graphql/",
        "https://attacker/.saleor.cloud/graphql/",
        "http://attacker/x?.saleor.cloud/graphql/",
        "https://attacker.example/graphql/?.saleor.cloud/graphql/",
        "https://attacker.example/graphql/#.saleor.cloud/graphql/",
        "https://shop.saleor.cloud@attacker.example/graphql/",
        "https://attacker.example\\@shop.saleor.cloud/graphql/",
        "http://shop.saleor.cloud/graphql/",
        "https://shop.saleor.cloud:8443/graphql/",
        "https://shop.saleor.cloud/graphql/x",
        "https://shop.saleor.cloud/other/graphql/",
        "https://shop.saleor.cloud/graphql/?x=1",
        "https://saleor.cloud.attacker.example/graphql/",
    ],
)
@pytest.mark.django_db
def test_the_allow_list_matches_the_host_only_with_https_and_the_exact_path(
    client, standin, settings, api_url
):
    # given
    settings.ALLOWED_SALEOR_URLS = ["https://*.saleor.cloud/graphql/"]

    # when
    response = post_register(client, api_url)

    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "saleor_url_not_allowed"
    assert standin.requests == []
    assert not Installation.objects.exists()


@pytest.mark.parametrize(
    ("pattern", "status"),
    [
        ("http://127.0.0.1:{port}/graphql/", 200),
        ("http://127.0.0.*:*/graphql/", 200),
        ("http://127.0.0.1:*", 200),
        ("http://127.0.0.1/graphql/", 403),
        ("https://127.0.0.1:{port}/graphql/", 403),
        ("127.0.0.1:{port}", 403),
        ("http://127.0.0.1:{port}/other/", 403),
        ("http://127.0.0.2:{port}/graphql/", 403),
    ],
)
@pytest.mark.django_db
def test_an_allowed_host_installs_and_plain_http_only_where_the_pattern_says_so(
    client, standin, settings, pattern, status
):
    # given: the stand-in serves plain http on 127.0.0.1
    settings.ALLOWED_SALEOR_URLS = [
        "https://*.saleor.cloud/graphql/",
        pattern.format(port=standin.port),
    ]

    # when
    response = post_register(client, standin.api_url)

    # then
    assert response.status_code == status
    assert Installation.objects.count() == (1 if status == 200 else 0)


@pytest.mark.django_db
def test_loopback_saleor_is_refused_unless_allowed(client, standin, settings):
    settings.SALEOR_ALLOW_LOOPBACK = False

    response = post_register(client, standin.api_url)

    assert response.status_code == 403
    assert "SALEOR_ALLOW_LOOPBACK" in response.json()["error"]["message"]
    assert standin.requests == []
    assert not Installation.objects.exists()


@pytest.mark.django_db
def test_a_token_saleor_does_not_accept_is_refused(client, standin):
    response = post_register(client, standin.api_url, token="forged")

    assert response.status_code == 400
    assert "did not accept the app token" in response.json()["error"]["message"]
    assert not Installation.objects.exists()


@pytest.mark.django_db
def test_an_unreachable_saleor_answers_503_and_stores_nothing(client, standin):
    standin.fail_next(*[(503, {})] * 3)

    response = post_register(client, standin.api_url)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "saleor_unavailable"
    assert not Installation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [b"", b"{}", b'{"auth_token": 5}', b"not json"])
def test_a_malformed_registration_is_a_400(client, standin, body):
    response = client.post(
        "/api/register",
        data=body,
        content_type="application/json",
        headers={"Saleor-Api-Url": standin.api_url},
    )

    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert standin.requests == []


# -- another app of an installed Saleor (issue 13, finding 7) ------------------------------------


def seed_contact(installation):
    return Contact.objects.create(installation=installation, email="ada@example.com")


def uninstalled_days_ago(standin, days):
    """App 9's installation of the stand-in Saleor, uninstalled (APP_DELETED) ``days`` ago."""
    return make_installation(
        saleor_api_url=standin.api_url,
        app_id="QXBwOjk=",
        auth_token="old",
        status=Installation.Status.UNINSTALLED,
        uninstalled_at=datetime.now(tz=UTC) - timedelta(days=days),
    )


@pytest.mark.django_db
def test_another_app_is_refused_while_the_installed_apps_token_works(client, standin):
    # given: installed as app 9, its token still accepted; a second app of the shop registers
    installed = make_installation(
        saleor_api_url=standin.api_url, app_id="QXBwOjk=", auth_token="old", jwks=standin.jwks()
    )
    ada = seed_contact(installed)
    standin.valid_tokens = {"old", "app-token-2"}
    standin.app_id = "QXBwOjEw"

    # when
    response = post_register(client, standin.api_url, token="app-token-2")

    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_installed"
    installation = Installation.objects.get()
    assert (installation.app_id, installation.auth_token, installation.status) == (
        "QXBwOjk=",
        "old",
        Installation.Status.ACTIVE,
    )
    assert ada.installation_id == installation.pk
    tokens = [r.headers["Authorization"] for r in standin.requests_to("/graphql/")]
    assert tokens == ["Bearer app-token-2", "Bearer old"]


@pytest.mark.django_db
def test_another_app_takes_over_when_the_installed_apps_token_no_longer_works(client, standin):
    # given: app 9 was deleted in Saleor, its APP_DELETED never arrived
    installed = make_installation(
        saleor_api_url=standin.api_url, app_id="QXBwOjk=", auth_token="old", jwks=standin.jwks()
    )
    ada = seed_contact(installed)
    standin.valid_tokens = {"app-token-2"}
    standin.app_id = "QXBwOjEw"

    # when
    response = post_register(client, standin.api_url, token="app-token-2")

    # then: the data stays with the shop (the uninstall is just now)
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert (installation.pk, installation.app_id, installation.auth_token) == (
        installed.pk,
        "QXBwOjEw",
        "app-token-2",
    )
    assert installation.status == Installation.Status.ACTIVE
    ada.refresh_from_db()
    assert ada.installation_id == installed.pk


@pytest.mark.django_db
def test_a_reinstall_after_app_deleted_within_the_grace_period_keeps_the_data(
    client, standin, settings
):
    # given: uninstalled (APP_DELETED) 29 days ago, grace 30 days
    settings.UNINSTALL_GRACE = timedelta(days=30)
    installed = uninstalled_days_ago(standin, 29)
    ada = seed_contact(installed)
    standin.valid_tokens = {"old", "app-token-2"}  # even if the old token still worked
    standin.app_id = "QXBwOjEw"

    # when
    response = post_register(client, standin.api_url, token="app-token-2")

    # then
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert (installation.pk, installation.app_id, installation.status) == (
        installed.pk,
        "QXBwOjEw",
        Installation.Status.ACTIVE,
    )
    assert installation.uninstalled_at is None
    ada.refresh_from_db()
    assert ada.installation_id == installed.pk


@pytest.mark.django_db
def test_a_reinstall_after_the_grace_period_starts_afresh_and_keeps_the_old_for_deletion(
    client, standin, settings
):
    # given: uninstalled 31 days ago
    settings.UNINSTALL_GRACE = timedelta(days=30)
    installed = uninstalled_days_ago(standin, 31)
    ada = seed_contact(installed)
    standin.valid_tokens = {"app-token-2"}
    standin.app_id = "QXBwOjEw"

    # when
    response = post_register(client, standin.api_url, token="app-token-2")

    # then: a new installation without the old data; the old one retired, its data with it
    assert response.status_code == 200
    fresh = Installation.objects.get(saleor_api_url=standin.api_url)
    assert fresh.pk != installed.pk
    assert (fresh.app_id, fresh.status) == ("QXBwOjEw", Installation.Status.ACTIVE)
    assert not Contact.objects.filter(installation=fresh).exists()
    old = Installation.objects.get(pk=installed.pk)
    assert old.saleor_api_url == f"retired:{installed.pk}:{standin.api_url}"
    assert (old.app_id, old.status) == ("QXBwOjk=", Installation.Status.UNINSTALLED)
    ada.refresh_from_db()
    assert ada.installation_id == installed.pk
    assert Installation.objects.count() == 2


@pytest.mark.django_db
def test_a_reinstall_after_the_credentials_were_deleted_keeps_the_data_and_works(
    client, standin, settings
):
    # given: uninstalled 8 days ago, its credentials deleted by the sweep (grace 7 days)
    settings.UNINSTALL_GRACE = timedelta(days=30)
    installed = uninstalled_days_ago(standin, 8)
    ada = seed_contact(installed)
    assert credentials_sweep(now=datetime.now(tz=UTC), grace=timedelta(days=7)) == [installed.pk]
    standin.valid_tokens = {"app-token-2"}
    standin.app_id = "QXBwOjEw"

    # when
    response = post_register(client, standin.api_url, token="app-token-2")

    # then: re-attached with the new token, nothing left marked deleted
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert (installation.pk, installation.auth_token, installation.status) == (
        installed.pk,
        "app-token-2",
        Installation.Status.ACTIVE,
    )
    assert installation.credentials_deleted_at is None
    assert installation.jwks == standin.jwks()
    ada.refresh_from_db()
    assert ada.installation_id == installed.pk


# -- the shop's identity (issue 14, finding 4) ---------------------------------------------------


def shop_named(name):
    return lambda variables: (200, {"data": {"shop": {"name": name}}})


@pytest.mark.django_db
def test_registration_reads_the_shops_name(client, standin):
    # given
    standin.answers["ShopName"] = shop_named("Saleor e-commerce")

    # when
    response = post_register(client, standin.api_url)

    # then
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert installation.shop_name == "Saleor e-commerce"
    assert installation.shop_name_fetched_at is not None
    queries = [r.json()["query"] for r in standin.requests_to("/graphql/")]
    assert "shop { name }" in queries[1]


@pytest.mark.django_db
def test_registration_goes_on_when_the_shops_name_cannot_be_read_and_reads_it_later(
    client, standin
):
    # given: Saleor fails the shop query
    standin.answers["ShopName"] = lambda variables: (
        200,
        {"data": None, "errors": [{"message": "Internal Server Error"}]},
    )

    # when
    response = post_register(client, standin.api_url)

    # then: installed without a name
    assert response.status_code == 200
    installation = Installation.objects.get()
    assert (installation.status, installation.shop_name) == (Installation.Status.ACTIVE, "")
    assert installation.shop_name_fetched_at is None

    # when: the hourly sweep, Saleor answering again
    standin.answers["ShopName"] = shop_named("Saleor e-commerce")
    read = installations_shop_refresh()

    # then
    assert read == 1
    installation.refresh_from_db()
    assert installation.shop_name == "Saleor e-commerce"
    assert installations_shop_refresh() == 0  # read once
