"""The commerce trigger presets (back in stock, price drop, low stock) end to end on PostgreSQL,
and the products the browse abandonment email shows.

Driven like ``test_e2e_presets``: Saleor's signed deliveries, the storefront's tracking calls,
the preset installed from the dashboard, the scheduler's periodic tasks at simulated moments
(the commerce triggers' sweep among them) and the emails at the loopback SMTP server. The
catalogue's rows and its outbox events are written as the catalogue sync writes them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

from saleor_mautomation.catalogue.models import CatalogueEvent
from saleor_mautomation.messages.models import Message
from tests.journeys.catalogue_rows import catalogue_urls, make_catalogue_event, make_product
from tests.journeys.e2e import day
from tests.journeys.test_e2e_presets import (
    BOB_EMAIL,
    BOB_USER,
    EMAIL,
    MINUTE,
    USER,
    assert_marketing,
    outline,
    signed_up,
    viewed,
)

TEE, MUG, CAP = "UHJvZHVjdDox", "UHJvZHVjdDoy", "UHJvZHVjdDoz"
URL = "https://linden.example/{channel}/p/{slug}"


def catalogue(shop):
    """The shop's catalogue as the sync stores it: a tee, a mug and a cap in default-channel."""
    catalogue_urls(shop.shop, URL)
    return {
        TEE: make_product(shop.shop, TEE, "Monospace Tee", price="25.00", quantity=0, at=day(0)),
        MUG: make_product(shop.shop, MUG, "Linen Mug", price="14.00", at=day(0)),
        CAP: make_product(shop.shop, CAP, "Wool Cap", price="19.00", at=day(0)),
    }


def restock(product, *, quantity=None, price=None):
    """What the catalogue sync stores before it writes the outbox event."""
    variant = product.variants.get()
    if quantity is not None:
        variant.quantity_available, variant.in_stock = quantity, quantity > 0
        variant.save()
    if price is not None:
        variant.listings.update(price=Decimal(price))
        product.listings.update(price_min=Decimal(price))


def link_targets(shop, html: str) -> list[str]:
    """Where the email's tracked links lead: each followed through the app's click redirect."""
    targets = []
    for url in dict.fromkeys(re.findall(r'href="([^"]*/t/c/[^"]*)"', html)):
        response = shop.client.get(urlsplit(url).path)
        assert response.status_code == 302, url
        targets.append(response["Location"])
    return targets


def carted(product: str, client_id: str) -> dict[str, object]:
    return {"type": "CART_ADDED", "clientId": client_id, "properties": {"product_id": product}}


def test_back_in_stock_mails_who_viewed_it_at_once_with_the_product(shop):
    # given: Ada viewed the sold-out tee on day 1, Bob viewed the mug only
    shop.install("back-in-stock")
    shop.deliver(signed_up(days=0), signed_up(user_id=BOB_USER, email=BOB_EMAIL, first_name="Bob"))
    products = catalogue(shop)
    shop.at(day(1))
    shop.track(user_id=USER, email=EMAIL, events=[viewed(TEE, "a-1")])
    shop.track(user_id=BOB_USER, email=BOB_EMAIL, events=[viewed(MUG, "b-1")])

    # when: the tee comes back on day 3
    shop.at(day(3))
    restock(products[TEE], quantity=25)
    make_catalogue_event(products[TEE], "back_in_stock", at=day(3), quantity=25, previous=0)
    mails = shop.tick(day(3) + MINUTE)

    # then: Ada alone, at the next sweep, with the tee's card
    assert outline(mails) == [
        ("back-in-stock", EMAIL, day(3) + MINUTE, "Monospace Tee is back in stock")
    ]
    assert_marketing(mails[0])
    html = mails[0].html
    assert "https://linden.example/default-channel/p/monospace-tee" in link_targets(shop, html)
    assert 'src="https://media.shop.example/monospace-tee.png"' in html
    assert "$25.00" in html
    assert "Good news: Monospace Tee is available again at Linden." in mails[0].text
    assert CatalogueEvent.objects.get().processed_at == day(3) + MINUTE
    assert shop.tick(day(10)) == []


def test_price_drop_mails_at_the_best_hour_only_for_a_drop_of_ten_percent_or_more(shop):
    # given: Ada carted the mug on day 1 (no channel named: the mug is sold in one)
    shop.install("price-drop")
    shop.deliver(signed_up(days=0))
    products = catalogue(shop)
    shop.at(day(1))
    shop.track(user_id=USER, email=EMAIL, events=[carted(MUG, "a-1")])

    # when: 5 % off on day 2 (below the preset's 10 %), then 20 % off on day 3
    shop.at(day(2))
    restock(products[MUG], price="13.30")
    make_catalogue_event(
        products[MUG], "price_drop", at=day(2), channel="default-channel", old="14.00", new="13.30"
    )
    assert shop.tick(day(2) + MINUTE) == []
    shop.at(day(3))
    restock(products[MUG], price="10.64")
    make_catalogue_event(
        products[MUG], "price_drop", at=day(3), channel="default-channel", old="13.30", new="10.64"
    )
    mails = shop.tick(day(3) + MINUTE)

    # then: one email, its old and new price, and the drop
    assert outline(mails) == [("price-drop", EMAIL, day(3) + MINUTE, "Linen Mug is now $10.64")]
    assert_marketing(mails[0])
    assert "Linen Mug now costs $10.64 instead of $13.30 \N{EN DASH} 20% less." in mails[0].text
    assert shop.tick(day(20)) == []


def test_low_stock_mails_who_carted_it_with_the_way_back_to_the_checkout(shop):
    # given: Ada carted the cap; Bob only viewed it
    shop.install("low-stock")
    shop.deliver(signed_up(days=0), signed_up(user_id=BOB_USER, email=BOB_EMAIL, first_name="Bob"))
    products = catalogue(shop)
    shop.at(day(1))
    shop.track(user_id=USER, email=EMAIL, events=[carted(CAP, "a-1")])
    shop.track(user_id=BOB_USER, email=BOB_EMAIL, events=[viewed(CAP, "b-1")])

    # when: two caps left on day 2
    shop.at(day(2))
    restock(products[CAP], quantity=2)
    make_catalogue_event(products[CAP], "stock_low", at=day(2), quantity=2, previous=6)
    mails = shop.tick(day(2) + MINUTE)

    # then
    assert outline(mails) == [("low-stock", EMAIL, day(2) + MINUTE, "Only a few left: Wool Cap")]
    assert_marketing(mails[0])
    assert "Wool Cap from your cart is selling fast: only 2 left." in mails[0].text
    assert not Message.objects.filter(to_address=BOB_EMAIL).exists()


def test_the_browse_abandonment_email_shows_the_products_viewed(shop):
    # given
    shop.install("browse-abandonment")
    shop.deliver(signed_up(days=0))
    catalogue(shop)

    # when: Ada views the mug, then the sold-out tee, then the cap
    shop.at(day(1))
    for n, product in enumerate((MUG, TEE, CAP)):
        shop.track(user_id=USER, email=EMAIL, events=[viewed(product, f"a-{n}")])
    mails = shop.tick(day(1) + timedelta(hours=2))

    # then: the available ones, newest first, with their links and prices
    assert outline(mails) == [
        ("browse-abandonment", EMAIL, day(1) + timedelta(hours=2), "Still thinking about it?")
    ]
    text = mails[0].text.replace("\r\n", "\n")
    assert text.index("Wool Cap") < text.index("Linen Mug")
    assert "Monospace Tee" not in text
    assert "\n$19.00\n" in text
    assert "\n$14.00\n" in text
    targets = link_targets(shop, mails[0].html)
    assert "https://linden.example/default-channel/p/wool-cap" in targets
    assert "https://linden.example/default-channel/p/linen-mug" in targets
