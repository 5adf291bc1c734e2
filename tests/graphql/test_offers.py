"""The offer pool in the Dashboard: created with a checked condition, switched off."""

from saleor_mautomation.messages.models import Offer
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
