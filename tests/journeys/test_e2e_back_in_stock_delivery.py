"""From Saleor's captured PRODUCT_VARIANT_BACK_IN_STOCK delivery to the email at the loopback
SMTP server: the delivery through the webhook route (Saleor's own bytes and signature) and the
drain, the catalogue's outbox event, the commerce triggers' sweep, the back-in-stock preset's
run, and the sender."""

from __future__ import annotations

import email
import json
from datetime import datetime, timedelta
from email import policy

import pytest

from saleor_mautomation.catalogue.models import CatalogueEvent, CatalogueSettings
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.catalogue_events import catalogue_events_sweep
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.send import messages_send
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.presets import journey_preset_install
from saleor_mautomation.messages.models import Message
from saleor_mautomation.project.wsgi import application
from tests.contacts.factories import make_contact, make_event
from tests.support.keys import signing_key
from tests.support.samples import webhook_sample
from tests.support.wsgi import WsgiClient

TEE, TEE_L = "UHJvZHVjdDoxMzQ=", "UHJvZHVjdFZhcmlhbnQ6MzUw"
ISSUED = datetime.fromisoformat("2026-11-23T16:42:15.875078+00:00")  # the captured delivery's


@pytest.fixture
def shop(sample_installation):
    """The captured deliveries' installation, trusting the tests' key too (for the sell-out
    said before the capture), its storefront's product pages set."""
    jwks = dict(sample_installation.jwks)
    jwks["keys"] = [*jwks["keys"], signing_key(0).public_jwk]
    sample_installation.jwks = jwks
    sample_installation.save()
    CatalogueSettings.objects.update_or_create(
        installation=sample_installation,
        defaults={"product_url_patterns": {"*": "https://shop.example/{channel}/p/{slug}"}},
    )
    return sample_installation


def captured(name: str) -> None:
    """Saleor's own delivery through the webhook route."""
    sample = webhook_sample(name)
    headers = {k: v for k, v in sample["headers"].items() if k != "Content-Type"}
    response = WsgiClient(application).post(
        "/api/webhooks/saleor",
        data=sample["raw_body"].encode(),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200, response.content


def sold_out(shop) -> None:
    """The variant sold out everywhere, said between the captured PRODUCT_UPDATED (16:42:14.4)
    and the captured back in stock (16:42:15.9)."""
    body = json.loads(webhook_sample("PRODUCT_VARIANT_OUT_OF_STOCK")["raw_body"])
    for stock in body["productVariant"]["stocks"]:
        stock["quantity"], stock["quantityAllocated"] = 0, 0
    body["issuedAt"] = "2026-11-23T16:42:15+00:00"
    raw = json.dumps(body).encode()
    delivery_receive(
        saleor_api_url=shop.saleor_api_url,
        event="product_variant_out_of_stock",
        signature=signing_key(0).sign_webhook(raw),
        body=raw,
        on_stored=lambda: None,
    )


def drain() -> None:
    deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)


def test_the_captured_back_in_stock_delivery_mails_who_viewed_the_tee(shop, mailbox, time_machine):
    # given: the tee in the catalogue and sold out; Ada viewed it two days before, Bob a week
    # before the preset's 14 days; the back-in-stock preset live
    time_machine.move_to(ISSUED - timedelta(minutes=10), tick=False)
    captured("PRODUCT_UPDATED")
    sold_out(shop)
    drain()
    journey = journey_preset_install(installation_id=shop.pk, key="back-in-stock", now=ISSUED)
    ada = make_contact(shop, email="ada@example.com", first_name="Ada", email_consent="granted")
    bob = make_contact(shop, email="bob@example.com", first_name="Bob", email_consent="granted")
    view = {"product_id": TEE, "channel": "default-channel"}
    make_event(ada, "product.viewed", ISSUED - timedelta(days=2), properties=view)
    make_event(bob, "product.viewed", ISSUED - timedelta(days=20), properties=view)

    # when: Saleor says the variant is back; the drain, the scheduler's sweep, the sender
    time_machine.move_to(ISSUED + timedelta(seconds=30), tick=False)
    captured("PRODUCT_VARIANT_BACK_IN_STOCK")
    drain()
    time_machine.move_to(ISSUED + timedelta(minutes=1), tick=False)
    swept = catalogue_events_sweep()
    sent = messages_send()

    # then: the sell-out told nobody; Bob's view is in the app's 30 days but not the preset's
    # 14: recorded, not mailed
    assert swept == {"processed": 2, "recorded": 2, "failed": 0}
    assert sorted(
        Event.objects.filter(type="product.back_in_stock").values_list(
            "contact__email", "properties__interest_days"
        )
    ) == [("ada@example.com", 2), ("bob@example.com", 20)]
    assert sorted(CatalogueEvent.objects.values_list("kind", "processed_at")) == [
        ("back_in_stock", ISSUED + timedelta(minutes=1)),
        ("out_of_stock", ISSUED + timedelta(minutes=1)),
    ]
    assert list(JourneyRun.objects.filter(journey=journey).values_list("contact", "entry_key")) == [
        (ada.pk, TEE)
    ]
    assert sent["sent"] == 1
    ((_sender, recipients, raw),) = mailbox.received
    mime = email.message_from_bytes(raw, policy=policy.default)
    assert recipients == ["ada@example.com"]
    assert mime["Subject"] == "Monospace Tee is back in stock"
    body = mime.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Hi Ada," in text
    assert "Good news: Monospace Tee is available again at" in text
    assert "$20.00" in text  # the L's price in default-channel, the only one priced there
    message = Message.objects.get(contact=ada)
    assert message.context["event"]["product_id"] == TEE
