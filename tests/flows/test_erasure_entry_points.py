"""Every way an erasure is asked for: Saleor's CUSTOMER_DELETED through the drain, the
Dashboard's eraseContact, the person on the preference page; and the export that names
everything erasure must reach."""

from __future__ import annotations

import pytest

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.contacts.models import ConsentRecord, Contact, ErasureRequest
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.tasks import erasures_sweep
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.retention import ERASED_BODY
from saleor_mautomation.messages.failures import messages_failed
from saleor_mautomation.messages.models import Message
from tests.conftest import make_installation
from tests.contacts.factories import make_contact, make_order
from tests.flows.people import EMAIL, SUBJECT, USER, T, a_person
from tests.flows.test_erasure import linked_to_contact, traces_left
from tests.graphql.test_contacts import EXPORT, ask, global_id
from tests.support import deliveries as d

ERASE = "mutation Erase($id: ID!) { eraseContact(id: $id) { erased } }"

# Where the export shows each model that links a contact: a model added later fails the
# test below until the export (and this list) carries it.
EXPORT_SECTIONS = {
    "BroadcastRest": "broadcast_waits",
    "CheckoutRecord": "checkouts",
    "ConsentRecord": "consent_ledger",
    "ContactAlias": "anonymous_ids",
    "ContactPrediction": "predictions",
    "ContactProduct": "purchased_products",
    "ContactSpend": "spend",
    "ContactValuePrediction": "value_predictions",
    "DrawEntry": "draw_entries",
    "ErasureRequest": "erasure_requests",
    "Event": "events",
    "JourneyRun": "journey_runs",
    "Membership": "segment_memberships",
    "Message": "messages",
    "OrderProduct": "counted_order_products",
    "OrderRecord": "orders",
    "PostalItem": "postal_cards",
    "PushSubscription": "push_subscriptions",
    "StaticListMember": "static_lists",
    "SurveyAnswer": "survey_answers",
    "ThresholdSide": "threshold_sides",
}


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def test_the_export_names_every_model_that_links_a_contact(client, shop):
    # given
    person = a_person(shop)
    ErasureRequest.objects.create(
        installation=shop, contact=person.contact, source="dashboard", requested_at=T
    )

    # when
    body = ask(client, shop, EXPORT, id=global_id(person.contact))

    # then
    export = body["data"]["contactExport"]
    assert set(EXPORT_SECTIONS) == {model.__name__ for model in linked_to_contact()}
    assert [name for name, key in EXPORT_SECTIONS.items() if not export[key]] == []
    assert export["contact"]["email"] == EMAIL
    message = export["messages"][0]
    assert (message["subject"], message["to_address"]) == (SUBJECT, EMAIL)
    assert [a["outcome"] for a in message["attempts"]] == ["sent"]
    run = export["journey_runs"][0]
    assert (run["journey"], run["version"], [s["kind"] for s in run["steps"]]) == (
        "Win-back",
        1,
        ["send"],
    )
    assert [m["segment"] for m in export["segment_memberships"]] == ["Buyers"]
    assert [m["list"] for m in export["static_lists"]] == ["VIP"]
    push = export["push_subscriptions"][0]
    assert ("p256dh" in push, "auth" in push) == (False, False)
    assert "email" not in export["erasure_requests"][0]


def test_customer_deleted_through_the_drain_erases_everywhere(client, key, shop):
    # given
    person = a_person(shop)
    deleted = d.customer("CUSTOMER_DELETED", user_id=USER, email=EMAIL, day=70)

    # when
    assert d.post(client, key, shop.saleor_api_url, deleted).status_code == 200
    deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)
    erasures_sweep()

    # then
    assert traces_left(person.traces) == []
    request = ErasureRequest.objects.get()
    assert (request.source, request.contact_id, request.completed_at is not None) == (
        "saleor",
        None,
        True,
    )
    assert Delivery.objects.get(event="CUSTOMER_DELETED").status == "processed"
    assert bytes(Delivery.objects.get(event="CUSTOMER_DELETED").body) == ERASED_BODY


def test_the_dashboard_erases_a_guest_at_once(client, shop):
    # given: a guest buyer (no Saleor account) and a newsletter-only subscriber
    guest = make_contact(shop, email="guest@example.com", first_name="Gwen")
    make_order(guest, total_gross="25.00")
    subscriber = make_contact(shop, email="news@example.com", email_consent="granted")

    # when
    erased = [ask(client, shop, ERASE, id=global_id(c)) for c in (guest, subscriber)]

    # then
    assert erased == [{"data": {"eraseContact": {"erased": True}}}] * 2
    assert not Contact.objects.exists()
    order = OrderRecord.objects.get()
    assert (order.contact_id, order.email, str(order.total_gross)) == (None, "", "25.0000")
    assert list(ErasureRequest.objects.values_list("source", "email")) == [
        ("dashboard", ""),
        ("dashboard", ""),
    ]
    assert ask(client, shop, EXPORT, id=global_id(guest)) == {"data": {"contactExport": None}}


def test_the_dashboard_cannot_erase_another_shops_contact(client, shop):
    # given
    other = make_contact(make_installation(saleor_api_url="https://other.example/graphql/"))

    # when
    body = ask(client, shop, ERASE, id=global_id(other))

    # then
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert list(Contact.objects.all()) == [other]
    assert not ErasureRequest.objects.exists()


def test_erasing_needs_a_dashboard_token(client, shop):
    # given
    contact = make_contact(shop)

    # when
    body = ask(client, shop, ERASE, token=False, id=global_id(contact))

    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert list(Contact.objects.all()) == [contact]


def test_the_person_erases_their_data_from_the_preference_centre(client, shop):
    # given
    person = a_person(shop)
    token = consent_token(person.contact, Purpose.PREFERENCES)

    # when
    shown = client.get(f"/p/{token}").content.decode()
    asked = client.post(f"/p/{token}", data={"erase": "ask"}).content.decode()
    still_there = Contact.objects.filter(pk=person.contact.pk).exists()
    done = client.post(f"/p/{token}", data={"erase": "confirm"})
    again = client.get(f"/p/{token}")

    # then
    assert '<input type="hidden" name="erase" value="ask">' in shown
    assert '<button type="submit">Erase my data</button>' in shown
    assert "<h1>Erase your data?</h1>" in asked
    assert '<input type="hidden" name="erase" value="confirm">' in asked
    assert still_there  # asking alone erases nothing
    assert done.status_code == 200
    assert "<h1>Your data is erased</h1>" in done.content.decode()
    assert again.status_code == 400  # the link leads to no one any more
    assert traces_left(person.traces) == []
    request = ErasureRequest.objects.get()
    assert (request.source, request.completed_at is not None) == ("self_service", True)
    assert ConsentRecord.objects.filter(contact=None).count() == 1
    assert Message.objects.count() == 2


def test_asking_on_the_page_without_confirming_changes_nothing(client, shop):
    # given
    contact = make_contact(shop, email="ada@example.com")
    token = consent_token(contact, Purpose.PREFERENCES)

    # when
    client.post(f"/p/{token}", data={"erase": "ask"})

    # then
    assert Contact.objects.get().email == "ada@example.com"
    assert not ErasureRequest.objects.exists()
    assert not ConsentRecord.objects.exists()


def test_an_erased_persons_failed_message_leaves_the_failures(client, shop):
    # given: a message that failed for good, and another person's
    ada, bob = (make_contact(shop, email=f"{name}@example.com") for name in ("ada", "bob"))
    for contact in (ada, bob):
        Message.objects.create(
            installation=shop,
            contact=contact,
            dedupe_key=f"failed:{contact.pk}",
            kind="marketing",
            to_address=contact.email or "",
            subject="Hello",
            status=Message.Status.FAILED,
            status_reason="UnknownChannel: fax",
            send_after=T,
            created_at=T,
        )
    assert messages_failed(installation_id=shop.pk).count() == 2

    # when
    ask(client, shop, ERASE, id=global_id(ada))

    # then: hers is no failure to retry any more; his is
    assert list(messages_failed(installation_id=shop.pk).values_list("contact_id", flat=True)) == [
        bob.pk
    ]
