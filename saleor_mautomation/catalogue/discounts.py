"""Discounted prices for the catalogue's full sync (issue 20): what a customer pays once
Saleor's promotions apply, per variant and channel, which deliveries of
PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED also bring.

Saleor keeps the discounted price on the variant's channel listing but shows it only as
``pricing`` in a channel's context, taxed: ``price`` is the discounted price and
``priceUndiscounted`` the listing's price, each with the channel's flat-rate tax (gross equals
the price entered with tax, net the one entered without; a tax app's channel: both the same).
So the untaxed discounted price is ``price``'s side whose ``priceUndiscounted`` equals the
listing's price; when neither side does (a price changed between the two reads), the variant is
left to the next sync or delivery. A page's prices are read after the page (no transaction
open) and applied with it; only a price that differs from the stored one is written (a
listing's first one silently, as its baseline; later ones through the delivery's own service),
so a price drop the deliveries missed fires its trigger once and an unchanged price nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from saleor_mautomation.catalogue import services
from saleor_mautomation.catalogue.models import Product, VariantChannelListing
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor import documents, payloads
from saleor_mautomation.saleor.client import SaleorClient

logger = logging.getLogger(__name__)

# Saleor refuses more than 100 records per connection page.
IDS_PER_QUERY = 100

Key = tuple[str, str]  # (variant id, channel slug)


def _amount(money: Any, side: str) -> tuple[Decimal, str] | None:
    part = money.get(side) if isinstance(money, dict) else None
    if not isinstance(part, dict) or part.get("amount") is None:
        return None
    return Decimal(str(part["amount"])), str(part.get("currency") or "")


def discounted_amount(pricing: Any, listing_price: Decimal) -> tuple[Decimal, str] | None:
    """The untaxed discounted price in ``pricing`` (Saleor's VariantPricingInfo) of a listing
    priced ``listing_price``, with its currency; None when it cannot be told."""
    if not isinstance(pricing, dict):
        return None
    for side in ("gross", "net"):
        undiscounted = _amount(pricing.get("priceUndiscounted"), side)
        price = _amount(pricing.get("price"), side)
        if undiscounted is not None and price is not None and undiscounted[0] == listing_price:
            return price
    return None


def _listed(products: Iterable[payloads.CatalogueProduct]) -> dict[str, dict[str, Decimal]]:
    """Per channel, the page's variants listed there with a price: variant id -> price."""
    by_channel: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for product in products:
        for variant in product.variants or []:
            for listing in variant.channel_listings or []:
                if listing.price is not None:
                    by_channel[listing.channel.slug][variant.id] = listing.price.amount
    return by_channel


def page_discounted_prices(
    client: SaleorClient, products: Sequence[payloads.CatalogueProduct]
) -> dict[Key, payloads.Amount]:
    """The discounted price of each listed variant of a page in each of its channels."""
    found: dict[Key, payloads.Amount] = {}
    document = documents.load("catalogue_variant_prices")
    for channel, prices in sorted(_listed(products).items()):
        ids = sorted(prices)
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            data = client.execute(document, {"channel": channel, "ids": chunk, "first": len(chunk)})
            connection = data.get("productVariants")
            if not isinstance(connection, dict):
                raise PermanentError(
                    "Saleor answered no productVariants connection", code="catalogue_page"
                )
            for edge in connection.get("edges") or []:
                node = edge.get("node") if isinstance(edge, dict) else None
                if not isinstance(node, dict) or node.get("id") not in prices:
                    continue
                amount = discounted_amount(node.get("pricing"), prices[node["id"]])
                if amount is not None:
                    found[(node["id"], channel)] = payloads.Amount(
                        amount=amount[0], currency=amount[1]
                    )
    return found


def discounted_prices_apply(
    *, installation_id: int, prices: dict[Key, payloads.Amount], observed: datetime
) -> int:
    """Write the prices that differ from the stored discounted ones; how many were written.

    A listing's first discounted price (none heard yet: a product new to the app, or one
    synced before the sync read them) is its baseline, written without events, so the first
    sync of a shop does not mark every promotion running as a price drop. A later one goes
    through the delivery's service: a lower price paid is a price drop."""
    if not prices:
        return 0
    stored = {
        (variant_id, channel): listing
        for variant_id, channel, listing in (
            (listing.variant.saleor_id, listing.channel_slug, listing)
            for listing in VariantChannelListing.objects.filter(
                variant__installation_id=installation_id,
                variant__saleor_id__in={key[0] for key in prices},
            ).select_related("variant__product")
        )
    }
    written = 0
    refresh: dict[int, Product] = {}
    for (variant_id, channel), amount in sorted(prices.items()):
        listing = stored.get((variant_id, channel))
        if listing is None or (listing.discounted_price, listing.currency) == (
            amount.amount,
            amount.currency,
        ):
            continue
        if listing.discounted_at is None:
            listing.discounted_price, listing.discounted_at = amount.amount, observed
            listing.currency = amount.currency
            listing.price = services.effective_price(listing)
            listing.save(update_fields=["discounted_price", "discounted_at", "currency", "price"])
            refresh[listing.variant.product_id] = listing.variant.product
            written += 1
            continue
        written += int(
            services.variant_discounted_price_apply(
                installation_id=installation_id,
                variant_id=variant_id,
                channel=payloads.ChannelRef(slug=channel),
                new_price=amount,
                observed=observed,
            )
        )
    for product in refresh.values():
        services.product_prices_refresh(product)
    return written
