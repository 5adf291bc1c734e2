"""Catalogue rows for the commerce triggers' and the messages' tests, made with the models."""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import Any

from saleor_mautomation.catalogue.models import (
    CatalogueEvent,
    CatalogueSettings,
    Category,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.saleor.models import Installation

_serial = itertools.count(1)

PATTERN = "https://shop.example/{channel}/products/{slug}/"


def catalogue_urls(installation: Installation, pattern: str = PATTERN) -> None:
    CatalogueSettings.objects.update_or_create(
        installation=installation, defaults={"product_url_patterns": {"*": pattern}}
    )


def make_product(
    installation: Installation,
    saleor_id: str,
    name: str,
    *,
    price: str | None = "20.00",
    quantity: int = 5,
    channels: tuple[str, ...] = ("default-channel",),
    currency: str = "USD",
    category: str = "",
    at: datetime,
    **listing: Any,
) -> Product:
    """A product with one variant (``<saleor_id>-V``) listed and priced in each channel."""
    slug = name.lower().replace(" ", "-")
    product = Product.objects.create(
        installation=installation,
        saleor_id=saleor_id,
        name=name,
        slug=slug,
        category=Category.objects.get_or_create(
            installation=installation,
            saleor_id=f"Q2F0ZWdvcnk6{category}",
            defaults={"name": category, "slug": category.lower(), "synced_at": at},
        )[0]
        if category
        else None,
        thumbnail_url=f"https://media.shop.example/{slug}.png",
        source_updated_at=at,
        synced_at=at,
    )
    variant = Variant.objects.create(
        installation=installation,
        product=product,
        saleor_id=f"{saleor_id}-V",
        name="M",
        quantity_available=quantity,
        in_stock=quantity > 0,
        source_updated_at=at,
    )
    for channel in channels:
        ProductChannelListing.objects.create(
            product=product,
            channel_slug=channel,
            currency=currency,
            is_published=True,
            visible_in_listings=True,
            is_available_for_purchase=True,
            price_min=Decimal(price) if price else None,
            **listing,
        )
        VariantChannelListing.objects.create(
            variant=variant,
            channel_slug=channel,
            currency=currency,
            price=Decimal(price) if price else None,
        )
    return product


def make_catalogue_event(
    product: Product, kind: str, *, at: datetime, channel: str = "", **data: Any
) -> CatalogueEvent:
    variant = product.variants.first()
    return CatalogueEvent.objects.create(
        installation_id=product.installation_id,
        kind=kind,
        product=product,
        variant=variant,
        product_saleor_id=product.saleor_id,
        variant_saleor_id=variant.saleor_id if variant else "",
        channel_slug=channel,
        data=data,
        occurred_at=at,
        dedupe_key=f"{kind}:{product.saleor_id}:{next(_serial)}",
    )
