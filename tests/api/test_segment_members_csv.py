"""``GET /api/segments/<id>/members.csv``: the current members, row by row, to the
dashboard's token of the segment's own installation only."""

import csv
import io

import pytest

from saleor_mautomation.contacts.models import LifecycleStage
from saleor_mautomation.segments import selectors
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import T0, make_contact, make_shop
from tests.graphql.test_segments import WOMEN
from tests.support.keys import dashboard_claims, signing_key

ENTERED = "2025-01-01T00:00:00+00:00"


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def download(client, installation, segment_id, key=0, **claims):
    token = signing_key(key).mint_token(
        dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id, **claims)
    )
    return client.get(
        f"/api/segments/{segment_id}/members.csv",
        headers={"Saleor-Api-Url": installation.saleor_api_url, "Authorization-Bearer": token},
    )


def rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def join(shop, segment, exited=False, **fields):
    Membership.objects.create(
        installation=shop,
        segment=segment,
        contact=make_contact(shop, **fields),
        entered_at=T0,
        exited_at=T0 if exited else None,
    )


def test_the_current_members_row_by_row_in_pages(client, shop, monkeypatch):
    # given: three pages of one row
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 1)
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=T0)
    join(
        shop,
        segment,
        email="ann@example.com",
        saleor_user_id="VXNlcjox",
        first_name="Ann",
        last_name="Lee",
        country="DE",
        lifecycle_stage=LifecycleStage.VIP,
        orders_count=7,
    )
    join(shop, segment, email="gone@example.com", exited=True)
    join(shop, segment, email="bo@example.com", first_name="@Bo", last_name="Ng", country="FR")

    # when
    response = download(client, shop, segment.pk)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows(response) == [
        [
            "email",
            "saleor_user_id",
            "first_name",
            "last_name",
            "country",
            "lifecycle_stage",
            "orders_count",
            "entered_at",
        ],
        ["ann@example.com", "VXNlcjox", "Ann", "Lee", "DE", "vip", "7", ENTERED],
        ["bo@example.com", "", "'@Bo", "Ng", "FR", "prospect", "0", ENTERED],
    ]


def test_a_token_the_shop_did_not_sign_is_refused(client, shop):
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=T0)

    response = download(client, shop, segment.pk, key=1)

    assert response.status_code == 401
    assert b"Women" not in response.content


def test_staff_without_manage_users_are_refused(client, shop):
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=T0)

    response = download(client, shop, segment.pk, user_permissions=["MANAGE_ORDERS"])

    assert response.status_code == 403


def test_another_installations_segment_is_not_found(client, shop):
    other = make_shop("other")
    theirs = segment_create(installation_id=other.pk, name="Theirs", definition=WOMEN, now=T0)
    join(other, theirs, email="theirs@example.com")

    response = download(client, shop, theirs.pk)

    assert response.status_code == 404
    assert b"theirs@example.com" not in response.content
