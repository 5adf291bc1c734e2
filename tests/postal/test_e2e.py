"""From Saleor's signed customer deliveries to the print partner's CSV bytes: the captured
CUSTOMER_UPDATED (Saleor's own bytes and signature; a default billing address) and one signed
by the tests' key (a German customer with a default shipping address), drained; a journey's
postal step adds both to the day's batch; the Dashboard downloads it (which closes it) and
marks it sent to print."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.journeys.models import RunStep
from saleor_mautomation.journeys.services import journey_enroll
from saleor_mautomation.postal.models import PostalBatch, PostalItem
from saleor_mautomation.project.wsgi import application
from tests.postal.conftest import addressed, postal_journey, with_consent
from tests.support.keys import dashboard_claims, signing_key
from tests.support.samples import webhook_sample
from tests.support.wsgi import WsgiClient

ISSUED = datetime.fromisoformat("2026-11-23T15:35:36.269853+00:00")  # the captured delivery's
T = ISSUED + timedelta(hours=1)  # 16:35 UTC: before the step's 18:00 cut-off
HEADER = (
    "name,company,address_line_1,address_line_2,postal_code,city,city_area,country_area,"
    "country,template,language,greeting,message,voucher_code\r\n"
)


@pytest.fixture
def shop(sample_installation, time_machine):
    """The captured deliveries' installation (named Linden in Saleor), trusting the tests'
    key too (the German customer's delivery, the Dashboard's token)."""
    time_machine.move_to(ISSUED, tick=False)
    jwks = dict(sample_installation.jwks)
    jwks["keys"] = [*jwks["keys"], signing_key(0).public_jwk]
    sample_installation.jwks = jwks
    sample_installation.shop_name = "Linden"
    sample_installation.save()
    return sample_installation


def captured() -> None:
    sample = webhook_sample("CUSTOMER_UPDATED")
    headers = {k: v for k, v in sample["headers"].items() if k != "Content-Type"}
    response = WsgiClient(application).post(
        "/api/webhooks/saleor",
        data=sample["raw_body"].encode(),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content


def german_customer(shop) -> None:
    """The captured body made another customer's: Jörg, German, shipping to Berlin (his
    billing address is his office's: the shipping one is where a card goes)."""
    body = json.loads(webhook_sample("CUSTOMER_UPDATED")["raw_body"])
    office = {**body["user"]["defaultBillingAddress"], "streetAddress1": "Büroweg 1"}
    body["user"] |= {
        "id": "VXNlcjo0Nw==",
        "email": "joerg@example.com",
        "firstName": "Jörg",
        "lastName": "Müller",
        "languageCode": "DE",
        "defaultBillingAddress": office,
        "defaultShippingAddress": {
            "id": "QWRkcmVzczo2Nw==",
            "firstName": "Jörg",
            "lastName": "Müller",
            "companyName": "Müller & Söhne GmbH",
            "streetAddress1": "Torstraße 5",
            "streetAddress2": "Hinterhaus",
            "city": "BERLIN",
            "cityArea": "",
            "postalCode": "10119",
            "country": {"code": "DE", "country": "Germany"},
            "countryArea": "",
            "phone": "+493012345678",
        },
    }
    raw = json.dumps(body).encode()
    delivery_receive(
        saleor_api_url=shop.saleor_api_url,
        event="customer_updated",
        signature=signing_key(0).sign_webhook(raw),
        body=raw,
        on_stored=lambda: None,
    )


def dashboard(shop) -> dict[str, str]:
    token = signing_key(0).mint_token(
        dashboard_claims(api_url=shop.saleor_api_url, app_id=shop.app_id)
    )
    return {"Saleor-Api-Url": shop.saleor_api_url, "Authorization-Bearer": token}


def graphql(client, shop, query: str, **variables):
    response = client.post(
        "/graphql/",
        data={"query": query, "variables": variables},
        content_type="application/json",
        headers=dashboard(shop),
    )
    return response.json()


BATCHES = "{ postalBatches { id node template sequence status cards closedReason csvPath } }"
MARK = "mutation($id: ID!) { markPostalBatchSent(id: $id) { batch { status sentAt } } }"


def test_two_customers_deliveries_end_as_the_rows_of_the_print_partners_csv(
    client, shop, time_machine
):
    # given: both deliveries drained; both agreed to cards by post; a win-back card step
    # with an 18:00 cut-off
    captured()
    german_customer(shop)
    deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)
    jane = Contact.objects.get(installation=shop, email="jane.marketing@example.com")
    joerg = Contact.objects.get(installation=shop, email="joerg@example.com")
    assert joerg.postal_address["street_address_1"] == "Torstraße 5"
    for contact in (jane, joerg):
        with_consent(contact, now=ISSUED)
    journey = postal_journey(shop, cutoff_hour=18)

    # when: both enter, each with the code a voucher step gave them
    time_machine.move_to(T, tick=False)
    journey_enroll(journey=journey, contact=jane, now=T, context={"voucher": {"code": "WB-JANE"}})
    journey_enroll(journey=journey, contact=joerg, now=T, context={"voucher": {"code": "WB-J"}})

    # then: one open batch of the day with both cards, each run's step log naming it
    batch = PostalBatch.objects.get(installation=shop)
    assert (batch.status, batch.items_count, batch.day.isoformat(), batch.sequence) == (
        "open",
        2,
        "2026-11-23",
        1,
    )
    assert batch.closes_at == datetime.fromisoformat("2026-11-23T18:00:00+00:00")
    steps = RunStep.objects.filter(kind="send_postal").order_by("run__contact__email")
    items = dict(PostalItem.objects.values_list("contact__email", "pk"))
    assert [s.detail for s in steps] == [
        {
            "template": "win-back-card",
            "status": "added",
            "item_id": items["jane.marketing@example.com"],
            "batch_id": batch.pk,
        },
        {
            "template": "win-back-card",
            "status": "added",
            "item_id": items["joerg@example.com"],
            "batch_id": batch.pk,
        },
    ]

    # when: the Dashboard downloads the batch
    listed = graphql(client, shop, BATCHES)["data"]["postalBatches"]
    response = client.get(listed[0]["csvPath"], headers=dashboard(shop))

    # then: the exact bytes: Jane's billing address (no shipping one), Jörg's shipping one,
    # each card in the customer's language
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="postal-2026-11-23-card-1.csv"'
    )
    assert b"".join(response.streaming_content).decode() == (
        HEADER + "Jane Marketing,,1600 Amphitheatre Pkwy,,94043,MOUNTAIN VIEW,,CA,US,win-back-card,"
        'en,"Dear Janet,","it has been a while, and we miss you at Linden. Use the code '
        'WB-JANE on your next order: it is yours alone.",WB-JANE\r\n'
        "Jörg Müller,Müller & Söhne GmbH,Torstraße 5,Hinterhaus,10119,BERLIN,,,DE,"
        'win-back-card,de,"Liebe(r) Jörg,","es ist eine Weile her, und wir vermissen Sie bei '
        "Linden. Lösen Sie bei Ihrer nächsten Bestellung den Code WB-J ein: Er gilt nur für "
        'Sie.",WB-J\r\n'
    )

    # then: the download closed it; the next card opens the day's second batch
    kim = addressed(shop, 7, email="kim@example.com")
    journey_enroll(journey=journey, contact=kim, now=T + timedelta(minutes=5))
    listed = graphql(client, shop, BATCHES)["data"]["postalBatches"]
    assert [(b["sequence"], b["status"], b["cards"], b["closedReason"]) for b in listed] == [
        (2, "OPEN", 1, ""),
        (1, "CLOSED", 2, "download"),
    ]

    # when: the admin marks the first sent to print, and tries the open one
    sent = graphql(client, shop, MARK, id=listed[1]["id"])
    refused = graphql(client, shop, MARK, id=listed[0]["id"])

    # then
    assert sent["data"]["markPostalBatchSent"]["batch"] == {
        "status": "SENT",
        "sentAt": T.isoformat(),
    }
    assert refused["errors"][0]["extensions"]["code"] == "BATCH_OPEN"
    assert PostalBatch.objects.get(sequence=2).status == "open"
