"""The preset "Win-back card by post" end to end: a customer registered with a default
shipping address by a signed delivery, who agreed to post and stopped ordering, gets a voucher
code of her own from the stand-in Saleor, a card with it in the day's print batch (its CSV row
exact), and the last-call email two weeks later."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from saleor_mautomation.contacts.channels_consent import channel_consent_set
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.journeys.models import RunStep
from saleor_mautomation.postal.models import PostalBatch
from saleor_mautomation.postal.selectors import batch_csv
from tests.journeys.e2e import day
from tests.journeys.test_e2e_presets import EMAIL, MINUTE, USER, ada, ordered, outline
from tests.support import deliveries as d

SHIPPING = {
    "id": "QWRkcmVzczo5MDE=",
    "firstName": "Ada",
    "lastName": "Lovelace",
    "companyName": "",
    "streetAddress1": "Kastanienallee 12",
    "streetAddress2": "",
    "city": "BERLIN",
    "cityArea": "",
    "postalCode": "10435",
    "country": {"code": "DE", "country": "Germany"},
    "countryArea": "",
    "phone": None,
}


def registered() -> d.Minted:
    """Ada registers: German, a shipping address in Berlin, email consent in metadata."""
    return d.customer(
        "CUSTOMER_CREATED",
        user_id=USER,
        email=EMAIL,
        day=0,
        firstName="Ada",
        lastName="Lovelace",
        languageCode="DE",
        defaultShippingAddress=SHIPPING,
        privateMetadata=[
            {"key": "marketing_consent", "value": "granted"},
            {"key": "time_zone", "value": "Europe/Berlin"},
        ],
    )


def test_a_lapsed_customer_gets_a_card_with_her_code_then_a_last_call(shop):
    # given: Ada registers, agrees to post, orders once on day 0.25
    shop.install("win-back-card")
    shop.deliver(registered(), ordered(days=0.25))
    channel_consent_set(
        contact=ada(), channel="postal", granted=True, evidence=Evidence(source="test"), now=day(0)
    )
    lapsed = day(180.25)  # 180 days after the last order: the installation's lapsing line

    # when: she lapses (the voucher code is made after the step's transaction, the card then)
    assert shop.tick(lapsed) == []
    assert shop.tick(lapsed + MINUTE) == []
    assert shop.tick(lapsed + 20 * MINUTE) == []

    # then: her card, with her own code, in a batch: made after the day's 15:00 UTC cut-off,
    # so in the next day's
    (code,) = shop.standin.codes
    batch = PostalBatch.objects.get()
    assert (batch.template, batch.items_count, batch.status) == ("win-back-card", 1, "open")
    assert batch.closes_at.isoformat() == "2026-07-10T15:00:00+00:00"
    rows = list(csv.reader(io.StringIO("".join(batch_csv(batch)))))
    assert rows[1] == [
        "Ada Lovelace",
        "",
        "Kastanienallee 12",
        "",
        "10435",
        "BERLIN",
        "",
        "",
        "DE",
        "win-back-card",
        "de",
        "Liebe(r) Ada,",
        "es ist eine Weile her, und wir vermissen Sie bei "
        f"{shop.shop.shop_name}. Lösen Sie bei Ihrer nächsten Bestellung den Code {code} ein:"
        " Er gilt nur für Sie.",
        code,
    ]
    assert RunStep.objects.get(kind="send_postal").detail["status"] == "added"

    # then: two weeks later the last call by email, nothing before
    assert shop.tick(lapsed + timedelta(days=14) - 2 * MINUTE) == []
    last = shop.tick(lapsed + timedelta(days=14, hours=1))
    assert [(m.template, m.to) for m in last] == [("win-back-3", EMAIL)]
    assert outline(last)[0][0] == "win-back-3"
