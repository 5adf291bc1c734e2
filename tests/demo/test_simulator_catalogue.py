"""The simulator's catalogue deliveries end to end: a tick sends signed deliveries through the
app's real intake, the catalogue takes them, its moments become the commerce triggers of the
customers who viewed the product, and the demo's back-in-stock and price-drop presets run for
them; a full sync afterwards finds what the deliveries said."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_mautomation.catalogue.models import (
    CatalogueEvent,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.demo import config
from saleor_mautomation.demo.shop import Shop, percent_off
from saleor_mautomation.demo.simulator import Action, Simulator
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.catalogue_events import catalogue_events_sweep
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.presets import journey_preset_install
from saleor_mautomation.messages.models import Message
from tests.demo import test_simulator as simulated
from tests.demo.test_simulator import catalogue_synced, drain

# The simulator tests' fixtures: the shop, the demo Saleor over it, the installation.
demo_settings = simulated.demo_settings
shop = simulated.shop
demo_saleor = simulated.demo_saleor
demo_installation = simulated.demo_installation


def consenting(shop: Shop, channel: str) -> dict:
    """A customer of ``channel`` who agreed to email, with an address."""
    return next(
        c
        for c in shop.customers
        if c["defaultBillingAddress"] is not None
        and shop.channel_of(c)["slug"] == channel
        and {"key": "marketing_consent", "value": "granted"} in c["metadata"]
    )


def known(simulator: Simulator, customer: dict) -> None:
    """The customer known to the app, as Saleor's CUSTOMER_CREATED makes them."""
    action = Action("register", customer["id"])
    simulator._send(action, "CUSTOMER_CREATED", customer, datetime.now(tz=UTC), None)
    assert action.accepted, action.line()


def catalogue_state(installation_id: int) -> dict:
    """What the app's catalogue holds of stock, prices and listings."""
    return {
        "variants": sorted(
            Variant.objects.filter(installation_id=installation_id).values_list(
                "saleor_id", "quantity_available", "in_stock"
            )
        ),
        "prices": sorted(
            VariantChannelListing.objects.filter(
                variant__installation_id=installation_id
            ).values_list("variant__saleor_id", "channel_slug", "base_price", "price", "currency")
        ),
        "listings": sorted(
            ProductChannelListing.objects.filter(
                product__installation_id=installation_id
            ).values_list("product__saleor_id", "channel_slug", "visible_in_listings", "price_min")
        ),
    }


RECENTLY_VIEWED = """
query Shown($channel: String!) {
  recommendations(strategy: RECENTLY_VIEWED, channel: $channel, first: 10) {
    product { id price currency }
  }
}
"""


def recently_viewed(simulator: Simulator, customer: dict, channel: str) -> list[dict]:
    """The storefront's recommendations for the signed-in customer, as the demo storefront
    asks for them."""
    response = simulator.client.post(
        f"{simulator.app_url}/graphql/",
        json={"query": RECENTLY_VIEWED, "variables": {"channel": channel}},
        headers={
            "Saleor-Api-Url": config.saleor_api_url(),
            "Origin": config.saleor_origin(),
            "Authorization": f"Bearer {simulator._customer_token(customer)}",
        },
    )
    body = response.json()
    assert "errors" not in body, body
    return [item["product"] for item in body["data"]["recommendations"]]


@pytest.fixture
def ready(live_app, demo_installation, shop):
    """The app installed into the demo shop with its catalogue synced, and a simulator."""
    catalogue_synced(demo_installation)
    return Simulator(live_app, shop, random.Random(8))


def test_a_variant_a_customer_viewed_sells_out_comes_back_and_they_are_told(
    ready, demo_installation, shop
):
    # given: the back-in-stock preset live; a consenting customer viewed a product
    journey = journey_preset_install(
        installation_id=demo_installation.pk, key="back-in-stock", now=datetime.now(tz=UTC)
    )
    customer = consenting(shop, "default-channel")
    known(ready, customer)
    product = next(p for p in shop.products if shop.stock(p["variants"][0]["id"]) > 0)
    variant_id = product["variants"][0]["id"]
    ready.view(customer, product["category"], [product])
    drain()

    # when: the simulator's stock scenario sells the variant out, then restocks it
    sold = ready.stock_set(variant_id, 0)
    back = ready.stock_set(variant_id, 25)
    drain()
    swept = catalogue_events_sweep()

    # then: the deliveries Saleor sends for each, accepted
    assert sold.events == ["PRODUCT_VARIANT_OUT_OF_STOCK", "PRODUCT_VARIANT_STOCK_UPDATED"]
    assert back.events == ["PRODUCT_VARIANT_BACK_IN_STOCK", "PRODUCT_VARIANT_STOCK_UPDATED"]
    assert sold.accepted
    assert back.accepted
    # the catalogue took them: in stock again, one moment each way
    variant = Variant.objects.get(saleor_id=variant_id)
    assert (variant.quantity_available, variant.in_stock) == (25, True)
    assert sorted(
        CatalogueEvent.objects.filter(variant_saleor_id=variant_id).values_list("kind", flat=True)
    ) == ["back_in_stock", "out_of_stock"]
    # the customer who viewed it has the trigger, and the preset runs for them with its mail
    contact = Contact.objects.get(saleor_user_id=customer["id"])
    assert swept["recorded"] == 1
    told = Event.objects.get(type="product.back_in_stock")
    assert (told.contact_id, told.properties["product_id"], told.properties["interest"]) == (
        contact.pk,
        product["id"],
        "viewed",
    )
    assert list(
        JourneyRun.objects.filter(journey=journey).values_list("contact_id", "entry_key")
    ) == [(contact.pk, product["id"])]
    message = Message.objects.get(contact=contact)
    assert message.context["event"]["product_id"] == product["id"]


def test_a_price_drop_in_the_viewer_s_channel_reaches_them_and_a_full_sync_agrees(
    ready, demo_installation, shop
):
    # given: the price-drop preset live; a consenting EUR customer viewed a product that is
    # on no promotion
    journey = journey_preset_install(
        installation_id=demo_installation.pk, key="price-drop", now=datetime.now(tz=UTC)
    )
    customer = consenting(shop, "channel-eur")
    known(ready, customer)
    discounted = {v for v, _c in shop.discounts()}
    product = next(p for p in shop.products if p["variants"][0]["id"] not in discounted)
    variant_id = product["variants"][0]["id"]
    listing = shop.listing_price(variant_id, "channel-eur")
    ready.view(customer, product["category"], [product])
    drain()

    # when: a promotion of 20 % starts in the EUR channel
    action = ready.price_set(variant_id, "channel-eur", percent_off(listing, 20))
    drain()
    swept = catalogue_events_sweep()

    # then: the delivery says the price paid before and now
    assert action.events == ["PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED"]
    assert action.accepted
    assert shop.discounted_price(variant_id, "channel-eur") == percent_off(listing, 20)
    # the catalogue's EUR price is the promotion's, its USD price untouched
    prices = dict(
        VariantChannelListing.objects.filter(variant__saleor_id=variant_id).values_list(
            "channel_slug", "price"
        )
    )
    assert prices == {
        "channel-eur": Decimal(str(percent_off(listing, 20))),
        "default-channel": Decimal(str(shop.listing_price(variant_id, "default-channel"))),
    }
    # the viewer has the price drop in their channel, and the preset's run
    contact = Contact.objects.get(saleor_user_id=customer["id"])
    assert swept["recorded"] == 1
    dropped = Event.objects.get(type="product.price_dropped")
    assert dropped.contact_id == contact.pk
    assert {k: dropped.properties[k] for k in ("channel", "currency", "drop_percent")} == {
        "channel": "channel-eur",
        "currency": "EUR",
        "drop_percent": 20.0,
    }
    assert list(
        JourneyRun.objects.filter(journey=journey).values_list("contact_id", flat=True)
    ) == [contact.pk]
    # the storefront's recommendations show the customer what they viewed at its EUR price now
    shown = recently_viewed(ready, customer, "channel-eur")
    in_stock = [v["id"] for v in product["variants"] if shop.stock(v["id"]) > 0]
    lowest = min(shop.discounted_price(v, "channel-eur") for v in in_stock)
    assert [(p["id"], Decimal(p["price"]), p["currency"]) for p in shown] == [
        (product["id"], Decimal(str(lowest)), "EUR")
    ]
    assert lowest == percent_off(listing, 20)


def test_after_every_kind_of_move_a_full_sync_finds_what_the_deliveries_said(
    ready, demo_installation, shop
):
    # given: a sell-out, a restock of a variant sold out from the start, a promotion started
    # and one ended, a product taken out of a channel's listings
    variants = [v for p in shop.products for v in p["variants"]]
    selling = next(v["id"] for v in variants if shop.stock(v["id"]) > 0)
    sold_out = next(v["id"] for v in variants if shop.stock(v["id"]) == 0)
    running = sorted(shop.discounts())[0]
    new = next(v["id"] for v in variants if (v["id"], "default-channel") not in shop.discounts())
    actions = [
        ready.stock_set(selling, 0),
        ready.stock_set(sold_out, 12),
        ready.stock_set(variants[-1]["id"], 2),
        ready.price_set(
            new, "default-channel", percent_off(shop.listing_price(new, "default-channel"), 15)
        ),
        ready.price_set(*running, None),
        ready.listing_set(shop.products[7]["id"], "channel-eur", False),
    ]
    drain()
    assert [a.line() for a in actions if not a.accepted] == []
    after_deliveries = catalogue_state(demo_installation.pk)
    moments = CatalogueEvent.objects.count()

    # when: the app syncs the whole catalogue again
    catalogue_synced(demo_installation)

    # then: nothing differs, and no moment is made twice
    assert catalogue_state(demo_installation.pk) == after_deliveries
    assert CatalogueEvent.objects.count() == moments
    assert (
        ProductChannelListing.objects.get(
            product__saleor_id=shop.products[7]["id"], channel_slug="channel-eur"
        ).visible_in_listings
        is False
    )
    assert Variant.objects.get(saleor_id=sold_out).in_stock is True
    assert VariantChannelListing.objects.get(
        variant__saleor_id=running[0], channel_slug=running[1]
    ).price == Decimal(str(shop.listing_price(*running)))


def test_a_carted_variant_running_low_starts_the_low_stock_journey(ready, demo_installation, shop):
    # given: the low-stock preset live; a checkout the simulator left holds a variant in stock
    journey = journey_preset_install(
        installation_id=demo_installation.pk, key="low-stock", now=datetime.now(tz=UTC)
    )
    left = ready._abandon()
    checkout = shop.node(left.subject)
    assert checkout is not None
    variant_id = checkout["lines"][0]["variant"]["id"]
    if shop.stock(variant_id) < 5:
        ready.stock_set(variant_id, 20)
    drain()
    before = shop.stock(variant_id)

    # when: the stock scenario runs it down to 2 (the app's threshold is 5)
    low = ready.stock_set(variant_id, 2)
    drain()
    swept = catalogue_events_sweep()

    # then: a stock update alone, the catalogue's low-stock moment, the carted contact's trigger
    assert low.events == ["PRODUCT_VARIANT_STOCK_UPDATED"]
    assert low.accepted
    assert list(
        CatalogueEvent.objects.filter(kind="stock_low").values_list("variant_saleor_id", "data")
    ) == [(variant_id, {"quantity": 2, "previous": before, "threshold": 5})]
    contact = Contact.objects.get(email=checkout["email"])
    assert swept["recorded"] == 1
    told = Event.objects.get(type="product.stock_low")
    assert (told.contact_id, told.properties["interest"], told.properties["quantity"]) == (
        contact.pk,
        "carted",
        2,
    )
    assert list(
        JourneyRun.objects.filter(journey=journey).values_list("contact_id", flat=True)
    ) == [contact.pk]
