"""The shop's identity in what is sent (issue 14, finding 4): Saleor's shop name, never the
API host's first label; links to the storefront of each channel; the sender's name."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from decimal import Decimal
from email import policy

import pytest

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.messages.context import recipient_context, storefront_url
from saleor_mautomation.messages.models import Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import sending_rules_update, templates_builtin_ensure
from saleor_mautomation.saleor.models import Installation
from tests.conftest import make_installation
from tests.contacts.factories import make_contact

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
APP = "https://marketing.example"


@pytest.fixture
def shop(db):
    """A shop whose API is api.linden.example (its first label: "Api")."""
    installation = make_installation(
        saleor_api_url="https://api.linden.example/graphql/", shop_name="Linden Goods"
    )
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def checkout(shop, contact, channel, **fields):
    return CheckoutRecord.objects.create(
        installation=shop,
        contact=contact,
        saleor_id=f"Q2hlY2tvdXQ6{channel}",
        token=f"token-{channel}",
        channel_slug=channel,
        currency="EUR",
        total=Decimal("30"),
        lines=[{"product_name": "Mug", "product_slug": "mug", "quantity": 1, "unit_price": "30"}],
        created_at=T,
        last_change_at=T,
        source_updated_at=T,
        **fields,
    )


def order(shop, contact, channel):
    return OrderRecord.objects.create(
        installation=shop,
        contact=contact,
        saleor_id=f"T3JkZXI6{channel}",
        number="1042",
        channel_slug=channel,
        status="unfulfilled",
        currency="EUR",
        total_gross=Decimal("30"),
        total_net=Decimal("30"),
        total_refunded=Decimal("0"),
        lines=[],
        placed_at=T,
        source_updated_at=T,
    )


def test_the_shop_is_named_as_saleor_names_it(shop):
    ada = make_contact(shop)

    context = recipient_context(contact=ada, app_url=APP, now=T)

    assert context["shop"]["name"] == "Linden Goods"


def test_links_go_to_the_storefront_of_the_checkouts_channel(shop):
    # given: a URL pattern for every channel
    Installation.objects.update(storefront_urls={"*": "https://linden.example/{channel}"})
    ada = make_contact(shop)
    checkout(shop, ada, "eu")

    # when
    context = recipient_context(contact=ada, app_url=APP, now=T)

    # then
    assert context["shop"]["url"] == "https://linden.example/eu"
    assert (
        context["checkout"]["resume_url"] == "https://linden.example/eu/checkout?checkout=token-eu"
    )
    assert context["checkout"]["lines"][0]["url"] == "https://linden.example/eu/products/mug"


def test_a_channel_of_its_own_and_the_order_links(shop):
    Installation.objects.update(
        storefront_urls={
            "*": "https://linden.example/{channel}",
            "b2b": "https://b2b.linden.example",
        }
    )
    ada = make_contact(shop)
    order(shop, ada, "b2b")

    context = recipient_context(contact=ada, app_url=APP, now=T)

    assert context["shop"]["url"] == "https://b2b.linden.example"
    assert context["order"]["url"] == "https://b2b.linden.example/orders/1042"


@pytest.mark.parametrize(
    ("urls", "origins", "channel", "expected"),
    [
        ({"*": "https://linden.example"}, [], None, "https://linden.example"),
        (
            {"*": "https://{channel}.linden.example", "us": "https://us.linden.example/"},
            [],
            None,
            "https://us.linden.example",
        ),
        ({"*": "https://linden.example/{channel}"}, [], None, "https://linden.example"),
        (
            {"us": "https://us.linden.example"},
            ["https://linden.example"],
            "eu",
            "https://linden.example",
        ),
        ({"*": "https://{channel}.linden.example"}, [], None, "https://api.linden.example"),
        ({}, [], "eu", "https://api.linden.example"),
    ],
)
def test_the_storefront_url_falls_back_in_order(shop, urls, origins, channel, expected):
    shop.storefront_urls, shop.storefront_origins = urls, origins

    assert storefront_url(shop, channel) == expected


def test_emails_come_from_the_shops_name_at_the_set_address(shop, mailbox):
    # given: no sender name set; an address set without a name
    sending_rules_update(installation_id=shop.pk, from_email="hello@linden.example")
    ada = make_contact(shop, email="ada@example.com", email_consent="granted")
    template = Template.objects.get(installation=shop, key="welcome-1")
    message_enqueue(contact=ada, template=template, dedupe_key="w1:ada", now=T)

    # when
    messages_send_due(now=T, app_url=APP, default_from="shop@localhost")

    # then
    ((sender, _, raw),) = mailbox.received
    mime = email.message_from_bytes(raw, policy=policy.default)
    assert (sender, mime["From"]) == ("hello@linden.example", "Linden Goods <hello@linden.example>")
    text = mime.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Linden Goods" in text.get_content()
    assert "Api" not in mime["Subject"]
