"""``POST /api/installations/<id>/attributes`` on PostgreSQL: a shop-level API key made in the
Dashboard (GraphQL, shown once, kept hashed) sets one contact's custom attributes, merged as
the trigger API's are, crossings read at once; 401, 403, 400 with the reason, 404; idempotent
by its ``Idempotency-Key``."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.contacts.models import AttributeRequest, Contact
from saleor_mautomation.core import clock
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.tasks import deliveries_retention_sweep_task
from saleor_mautomation.journeys.attribute_thresholds import ATTRIBUTE_THRESHOLD_CROSSED
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.saleor.api_keys import api_key_create
from saleor_mautomation.saleor.models import ApiKey
from tests.contacts.factories import make_contact, make_shop
from tests.graphql.test_contacts import ask
from tests.journeys.test_attribute_thresholds import POINTS, journey_on

T = datetime(2026, 6, 15, 12, tzinfo=UTC)
CREATE = """mutation ($name: String!) {
  createApiKey(name: $name) { key installationId apiKey { id name prefix revokedAt } }
}"""
REVOKE = "mutation ($id: ID!) { revokeApiKey(id: $id) { apiKey { revokedAt } } }"


@pytest.fixture
def made(client, standin_installation) -> dict[str, Any]:
    """A key made in the Dashboard: the whole key, once."""
    answer = ask(client, standin_installation, CREATE, name="Loyalty system")
    return answer["data"]["createApiKey"]


def post(client, installation_id: int, body: Any, key: str | None, **headers: str) -> Any:
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return client.post(
        f"/api/installations/{installation_id}/attributes",
        data=body if isinstance(body, bytes) else json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_a_key_made_in_the_dashboard_sets_attributes_without_entering_journeys(
    client, standin_installation, made
):
    # given
    ada = make_contact(
        standin_installation, email="ada@example.com", metadata={"tier": "gold", "old": "x"}
    )

    # when
    response = post(
        client,
        made["installationId"],
        {"email": "Ada@Example.com", "attributes": {"loyalty_points": 1200, "old": None}},
        made["key"],
    )

    # then
    assert (response.status_code, response.json()) == (
        200,
        {"changed": True, "attributes": {"loyalty_points": "1200", "old": None}},
    )
    ada.refresh_from_db()
    assert ada.metadata == {"tier": "gold", "loyalty_points": "1200"}
    assert set(ada.attribute_writes) == {"loyalty_points", "old"}
    assert not JourneyRun.objects.exists()
    # only the prefix and a hash are kept
    row = ApiKey.objects.get()
    assert made["key"].startswith(f"mau_{row.prefix}_")
    assert row.digest == hashlib.sha256(made["key"].encode()).hexdigest()
    assert made["apiKey"]["name"] == "Loyalty system"


def test_a_crossing_is_recorded_and_entered_in_the_call(client, standin_installation, made):
    # given: a milestone journey on 1000 points
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    milestone = journey_on(
        standin_installation, [*POINTS, {"property": "direction", "value": "up"}]
    )
    ada = make_contact(standin_installation, email="ada@example.com", saleor_user_id="VXNlcjox")

    # when
    response = post(
        client,
        standin_installation.pk,
        {"saleor_user_id": "VXNlcjox", "attributes": {"loyalty_points": "1000"}},
        made["key"],
    )

    # then
    assert response.status_code == 200
    assert list(
        Event.objects.filter(type=ATTRIBUTE_THRESHOLD_CROSSED).values_list(
            "contact_id", "properties"
        )
    ) == [
        (
            ada.pk,
            {"attribute": "loyalty_points", "threshold": 1000, "direction": "up", "value": 1000},
        )
    ]
    assert list(JourneyRun.objects.values_list("journey_id", "contact_id")) == [
        (milestone.pk, ada.pk)
    ]


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Send Authorization: Bearer <a shop API key>"),
        ("Basic abc", "Send Authorization: Bearer <a shop API key>"),
        ("Bearer mau_short_x", "Send Authorization: Bearer <a shop API key>"),
        ("Bearer mau_0000ffff_notthekey", "Unknown API key"),
        ("wrong secret", "Unknown API key"),
        ("revoked", "This API key was revoked"),
    ],
)
def test_a_missing_unknown_or_revoked_key_is_401_and_writes_nothing(
    client, standin_installation, made, authorization, message
):
    # given
    ada = make_contact(standin_installation, email="ada@example.com")
    headers: dict[str, str] = {}
    if authorization == "wrong secret":
        headers["Authorization"] = f"Bearer {made['key'][:-4]}abcd"
    elif authorization == "revoked":
        revoked = ask(client, standin_installation, REVOKE, id=made["apiKey"]["id"])
        assert revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"] is not None
        headers["Authorization"] = f"Bearer {made['key']}"
    elif authorization is not None:
        headers["Authorization"] = authorization

    # when
    response = post(
        client,
        standin_installation.pk,
        {"email": "ada@example.com", "attributes": {"points": 5}},
        None,
        **headers,
    )

    # then
    assert (response.status_code, response.json()["error"]) == (
        401,
        {"message": message, "code": "api_key_invalid"},
    )
    assert response["WWW-Authenticate"] == "Bearer"
    ada.refresh_from_db()
    assert ada.metadata == {}


def test_another_shops_key_is_403(client, standin_installation, made):
    # given: Ada in another shop, which has no key of its own here
    other = make_shop("other")
    bea = make_contact(other, email="ada@example.com")

    # when: the first shop's key on the other shop's path
    response = post(
        client, other.pk, {"email": "ada@example.com", "attributes": {"points": 5}}, made["key"]
    )

    # then
    assert (response.status_code, response.json()["error"]["code"]) == (403, "api_key_other_shop")
    bea.refresh_from_db()
    assert bea.metadata == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "The body is not JSON"),
        ([1, 2], "The body is not a JSON object"),
        (
            {"email": "ada@example.com", "attributes": {"a": 1}, "segment_id": 3},
            "Unknown fields: segment_id",
        ),
        ({"attributes": {"a": 1}}, "Name the contact by one of email or saleor_user_id (text)"),
        (
            {"email": "ada@example.com", "saleor_user_id": "VXNlcjox", "attributes": {"a": 1}},
            "Name the contact by one of email or saleor_user_id (text)",
        ),
        ({"email": "ada@example.com"}, "attributes: required"),
        ({"email": "ada@example.com", "attributes": {}}, "attributes: at least one key"),
        (
            {"email": "ada@example.com", "attributes": {"vip": True}},
            "attribute 'vip': text, a number or null",
        ),
        (
            {"email": "ada@example.com", "attributes": {"bad key": 1}},
            "attribute names: letters, digits, '_', '.', '-' (at most 100)",
        ),
    ],
)
def test_a_malformed_body_is_400_with_the_reason(client, standin_installation, made, body, message):
    ada = make_contact(standin_installation, email="ada@example.com")

    response = post(client, standin_installation.pk, body, made["key"])

    assert (response.status_code, response.json()["error"]) == (
        400,
        {"message": message, "code": "bad_request"},
    )
    ada.refresh_from_db()
    assert ada.metadata == {}


def test_an_unknown_contact_is_404_and_nobody_is_made(client, standin_installation, made):
    response = post(
        client,
        standin_installation.pk,
        {"email": "nobody@example.com", "attributes": {"points": 5}},
        made["key"],
        **{"Idempotency-Key": "k-404"},
    )

    assert (response.status_code, response.json()["error"]["code"]) == (404, "contact_not_found")
    assert not Contact.objects.exists()
    assert not AttributeRequest.objects.exists()  # the key may be used again


def test_the_same_idempotency_key_answers_the_first_answer_and_writes_nothing(
    client, standin_installation, made
):
    # given: a first call with a key
    ada = make_contact(standin_installation, email="ada@example.com")
    body = {"email": "ada@example.com", "attributes": {"points": 5}}
    first = post(client, standin_installation.pk, body, made["key"], **{"Idempotency-Key": "c-1"})
    assert first.json() == {"changed": True, "attributes": {"points": "5"}}
    # the points change meanwhile (another call without a key)
    post(client, standin_installation.pk, {**body, "attributes": {"points": 9}}, made["key"])

    # when: the first call is sent again
    again = post(client, standin_installation.pk, body, made["key"], **{"Idempotency-Key": "c-1"})

    # then: its first answer, nothing written
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (
        200,
        {"changed": True, "attributes": {"points": "5"}},
        "true",
    )
    ada.refresh_from_db()
    assert ada.metadata == {"points": "9"}

    # when: the key with another body
    other = post(
        client,
        standin_installation.pk,
        {**body, "attributes": {"points": 6}},
        made["key"],
        **{"Idempotency-Key": "c-1"},
    )

    # then
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    ada.refresh_from_db()
    assert ada.metadata == {"points": "9"}


def test_a_malformed_idempotency_key_is_400(client, standin_installation, made):
    make_contact(standin_installation, email="ada@example.com")

    response = post(
        client,
        standin_installation.pk,
        {"email": "ada@example.com", "attributes": {"points": 5}},
        made["key"],
        **{"Idempotency-Key": "has space"},
    )

    assert (response.status_code, response.json()["error"]["message"]) == (
        400,
        "Idempotency-Key: 1 to 100 visible ASCII characters",
    )


def test_an_uninstalled_shops_key_is_403(client, db):
    shop = make_shop("gone")
    make_contact(shop, email="ada@example.com")
    _, key = api_key_create(installation_id=shop.pk, name="x", now=T)
    shop.status = shop.Status.UNINSTALLED
    shop.save()

    response = post(client, shop.pk, {"email": "ada@example.com", "attributes": {"points": 5}}, key)

    assert response.status_code == 403


def test_idempotency_keys_are_forgotten_after_a_week_by_the_daily_retention_sweep(db):
    # given
    shop = make_shop("kept")
    now = clock.now()
    for key, days in (("old", 8), ("recent", 6)):
        AttributeRequest.objects.create(
            installation=shop, key=key, body_digest="0" * 64, created_at=now - timedelta(days=days)
        )

    # when
    swept = deliveries_retention_sweep_task()

    # then
    assert swept == 1
    assert list(AttributeRequest.objects.values_list("key", flat=True)) == ["recent"]
