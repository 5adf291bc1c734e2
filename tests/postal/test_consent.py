"""``setPostalConsent``: a signed-in customer's own agreement, in the ledger with the
storefront's evidence; refused without a customer token."""

from __future__ import annotations

from saleor_mautomation.contacts.models import ConsentRecord
from tests.contacts.factories import make_contact
from tests.graphql.test_storefront import call, customer_token
from tests.postal.conftest import BERLIN

SET = """mutation($granted: Boolean!) {
  setPostalConsent(granted: $granted, consentTextVersion: "post-2026") {
    postalConsent hasAddress } }"""


def test_a_customer_agrees_to_cards_and_withdraws(client, standin_installation, time_machine):
    # given: Jane, whose Saleor account has an address
    shop = standin_installation
    jane = make_contact(
        shop, saleor_user_id="VXNlcjo0Ng==", email="jane@example.com", postal_address=BERLIN
    )
    token = customer_token(shop)

    # when
    granted = call(client, shop, SET, {"granted": True}, token=token).json()
    withdrawn = call(client, shop, SET, {"granted": False}, token=token).json()

    # then
    assert granted == {
        "data": {"setPostalConsent": {"postalConsent": "granted", "hasAddress": True}}
    }
    assert withdrawn["data"]["setPostalConsent"] == {
        "postalConsent": "withdrawn",
        "hasAddress": True,
    }
    ledger = ConsentRecord.objects.filter(contact=jane).order_by("pk")
    assert list(
        ledger.values_list("channel", "action", "source", "ip_address", "text_version")
    ) == [
        ("postal", "confirmed", "storefront.postal", "203.0.113.9", "post-2026"),
        ("postal", "withdrawn", "storefront.postal", "203.0.113.9", "post-2026"),
    ]


def test_an_anonymous_visitor_cannot_agree_for_anyone(client, standin_installation):
    # when
    body = call(client, standin_installation, SET, {"granted": True}).json()

    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not ConsentRecord.objects.exists()
