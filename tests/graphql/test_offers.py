"""The offer pool in the Dashboard: created and edited with a checked condition, switched off,
deleted; another shop's offer is out of reach."""

import base64
from datetime import UTC, datetime

from saleor_mautomation.contacts.models import ShopSendTime
from saleor_mautomation.messages.models import Offer
from tests.conftest import make_installation
from tests.graphql.test_contacts import ask

CREATE = """mutation C($input: OfferInput!) { createOffer(input: $input) {
  offer { id title priority active condition } } }"""
TOGGLE = """mutation T($id: ID!) { setOfferActive(id: $id, active: false) { offer { active } } }"""
GERMANS = {"root": {"type": "profile", "field": "country", "op": "eq", "value": "DE"}}


def test_an_offer_is_created_listed_and_switched_off(client, standin_installation):
    created = ask(
        client,
        standin_installation,
        CREATE,
        input={
            "title": "Berlin pop-up",
            "url": "https://shop.example/popup",
            "condition": GERMANS,
            "priority": 5,
        },
    )
    offer = created["data"]["createOffer"]["offer"]
    assert (offer["title"], offer["priority"], offer["active"]) == ("Berlin pop-up", 5, True)

    listed = ask(client, standin_installation, "{ offers { title } }")
    assert listed["data"]["offers"] == [{"title": "Berlin pop-up"}]
    off = ask(client, standin_installation, TOGGLE, id=offer["id"])
    assert off["data"]["setOfferActive"]["offer"]["active"] is False


def test_a_bad_condition_or_link_is_refused(client, standin_installation):
    bad_condition = ask(
        client,
        standin_installation,
        CREATE,
        input={"title": "x", "url": "https://s.example", "condition": {"root": {"type": "?"}}},
    )
    bad_url = ask(
        client, standin_installation, CREATE, input={"title": "x", "url": "javascript:alert(1)"}
    )

    assert bad_condition["errors"][0]["extensions"]["code"] == "INVALID_DEFINITION"
    assert bad_url["errors"][0]["extensions"]["code"] == "INVALID_URL"
    assert not Offer.objects.exists()


UPDATE = """mutation U($id: ID!, $input: OfferInput!) { updateOffer(id: $id, input: $input) {
  offer { id title text url priority active condition } } }"""
DELETE = """mutation D($id: ID!) { deleteOffer(id: $id) { deletedId } }"""


def _offer(installation, **fields):
    return Offer.objects.create(
        installation=installation, title="Ten off", url="https://shop.example/ten", **fields
    )


def _gid(offer):
    return base64.b64encode(f"Offer:{offer.pk}".encode()).decode()


def test_an_offer_is_edited_in_place_and_keeps_its_state(client, standin_installation):
    offer = _offer(standin_installation, active=False, condition=GERMANS, priority=2)

    edited = ask(
        client,
        standin_installation,
        UPDATE,
        id=_gid(offer),
        input={"title": "  Fifteen off ", "url": "https://shop.example/15", "text": "This week"},
    )

    assert edited["data"]["updateOffer"]["offer"] == {
        "id": _gid(offer),
        "title": "Fifteen off",
        "text": "This week",
        "url": "https://shop.example/15",
        "priority": 0,
        "active": False,
        "condition": None,
    }
    stored = Offer.objects.get(pk=offer.pk)
    assert (stored.title, stored.url, stored.condition, stored.active) == (
        "Fifteen off",
        "https://shop.example/15",
        None,
        False,
    )


def test_an_edit_with_a_bad_field_is_refused_at_it_and_changes_nothing(
    client, standin_installation
):
    offer = _offer(standin_installation)
    refusals = [
        ask(client, standin_installation, UPDATE, id=_gid(offer), input=given)["errors"][0]
        for given in (
            {"title": " ", "url": "https://shop.example/x"},
            {"title": "x", "url": "http://shop.example/x"},
            {"title": "x", "url": "https://shop.example/x", "condition": {"root": {"type": "?"}}},
        )
    ]

    assert [r["extensions"]["code"] for r in refusals] == [
        "INVALID",
        "INVALID_URL",
        "INVALID_DEFINITION",
    ]
    assert refusals[0]["message"] == "A title of 1 to 120 characters"
    assert Offer.objects.get(pk=offer.pk).title == "Ten off"


def test_an_offer_is_deleted_and_gone_from_the_pool(client, standin_installation):
    kept, gone = _offer(standin_installation), _offer(standin_installation, priority=9)

    deleted = ask(client, standin_installation, DELETE, id=_gid(gone))
    again = ask(client, standin_installation, DELETE, id=_gid(gone))

    assert deleted["data"]["deleteOffer"] == {"deletedId": _gid(gone)}
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert list(Offer.objects.values_list("pk", flat=True)) == [kept.pk]
    listed = ask(client, standin_installation, "{ offers { id } }")
    assert listed["data"]["offers"] == [{"id": _gid(kept)}]


def test_another_shops_offer_can_be_neither_edited_nor_deleted(client, standin_installation):
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    theirs = _offer(other)

    edit = ask(
        client,
        standin_installation,
        UPDATE,
        id=_gid(theirs),
        input={"title": "Mine now", "url": "https://shop.example/x"},
    )
    delete = ask(client, standin_installation, DELETE, id=_gid(theirs))

    assert edit["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert delete["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert Offer.objects.get(pk=theirs.pk).title == "Ten off"


def test_the_shops_time_zone_is_its_contacts_zone_else_utc(client, standin_installation):
    # given: before the nightly pass, then after it picked the contacts' zone
    before = ask(client, standin_installation, "{ shopTimeZone }")
    ShopSendTime.objects.create(
        installation=standin_installation, time_zone="Europe/Berlin", computed_at=NOW
    )
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    ShopSendTime.objects.create(installation=other, time_zone="America/Chicago", computed_at=NOW)

    # when
    after = ask(client, standin_installation, "{ shopTimeZone }")

    # then
    assert before["data"] == {"shopTimeZone": "UTC"}
    assert after["data"] == {"shopTimeZone": "Europe/Berlin"}


def test_an_edit_keeps_the_dates_and_channels_it_is_given(client, standin_installation):
    # given
    offer = _offer(standin_installation)
    offer_id = base64.b64encode(f"Offer:{offer.pk}".encode()).decode()

    # when
    edited = ask(
        client,
        standin_installation,
        UPDATE_WHEN,
        id=offer_id,
        input={
            "title": "Ten off",
            "url": "https://shop.example/ten",
            "startsAt": "2026-12-01T08:00:00+00:00",
            "endsAt": "2026-12-24T23:00:00+00:00",
            "channels": ["channel-pln", "default-channel"],
        },
    )
    refused = ask(
        client,
        standin_installation,
        UPDATE_WHEN,
        id=offer_id,
        input={
            "title": "Ten off",
            "url": "https://shop.example/ten",
            "startsAt": "2026-12-24T23:00:00+00:00",
            "endsAt": "2026-12-24T23:00:00+00:00",
        },
    )

    # then
    assert edited["data"]["updateOffer"]["offer"] == {
        "startsAt": "2026-12-01T08:00:00+00:00",
        "endsAt": "2026-12-24T23:00:00+00:00",
        "channels": ["channel-pln", "default-channel"],
    }
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_DATES"
    offer.refresh_from_db()
    assert (offer.starts_at, offer.ends_at) == (
        datetime(2026, 12, 1, 8, tzinfo=UTC),
        datetime(2026, 12, 24, 23, tzinfo=UTC),
    )


UPDATE_WHEN = """mutation U($id: ID!, $input: OfferInput!) { updateOffer(id: $id, input: $input) {
  offer { startsAt endsAt channels } } }"""
NOW = datetime(2026, 12, 1, 3, tzinfo=UTC)
