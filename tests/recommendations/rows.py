"""Catalogue, orders and views for the recommendations' tests, made with the models."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from saleor_mautomation.catalogue.models import (
    CatalogueSettings,
    Category,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.saleor.models import Installation

_serial = itertools.count(1)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PATTERN = "https://shop.example/{channel}/products/{slug}/"


def catalogue_urls(installation: Installation, **fields: Any) -> None:
    CatalogueSettings.objects.update_or_create(
        installation=installation,
        defaults={"product_url_patterns": {"*": PATTERN}, **fields},
    )


def category(installation: Installation, name: str) -> Category:
    return Category.objects.get_or_create(
        installation=installation,
        saleor_id=f"Category:{name}",
        defaults={"name": name, "slug": name.lower(), "synced_at": NOW},
    )[0]


def product(
    installation: Installation,
    saleor_id: str,
    name: str,
    *,
    in_category: str = "",
    prices: dict[str, tuple[str, str]] | None = None,
    in_stock: bool = True,
    product_type: str = "Apparel",
    **listing: Any,
) -> Product:
    """A product with one variant priced in each channel of ``prices`` (channel to (price,
    currency); default: 20.00 USD in default-channel), listed there with ``listing``'s flags."""
    row = Product.objects.create(
        installation=installation,
        saleor_id=saleor_id,
        name=name,
        slug=name.lower().replace(" ", "-"),
        category=category(installation, in_category) if in_category else None,
        product_type_name=product_type,
        thumbnail_url=f"https://media.shop.example/{saleor_id}.png",
        source_updated_at=NOW,
        synced_at=NOW,
    )
    variant = Variant.objects.create(
        installation=installation,
        product=row,
        saleor_id=f"{saleor_id}-V",
        quantity_available=5 if in_stock else 0,
        in_stock=in_stock,
        source_updated_at=NOW,
    )
    flags = {
        "is_published": True,
        "visible_in_listings": True,
        "is_available_for_purchase": True,
        **listing,
    }
    for channel, (price, currency) in (prices or {"default-channel": ("20.00", "USD")}).items():
        ProductChannelListing.objects.create(
            product=row, channel_slug=channel, currency=currency, price_min=Decimal(price), **flags
        )
        VariantChannelListing.objects.create(
            variant=variant, channel_slug=channel, currency=currency, price=Decimal(price)
        )
    return row


def line(product_id: str, quantity: int = 1, category_id: str = "") -> dict[str, Any]:
    return {"product_id": product_id, "quantity": quantity, "category_id": category_id or None}


def order(
    installation: Installation,
    contact: Contact | None,
    lines: list[dict[str, Any]],
    *,
    status: str = "UNFULFILLED",
    channel: str = "default-channel",
    placed_at: datetime = NOW,
) -> OrderRecord:
    n = next(_serial)
    return OrderRecord.objects.create(
        installation=installation,
        saleor_id=f"Order:{n}",
        number=str(n),
        contact=contact,
        status=status,
        channel_slug=channel,
        currency="USD",
        total_gross=Decimal("10"),
        total_net=Decimal("8"),
        lines=lines,
        placed_at=placed_at,
        source_updated_at=placed_at,
    )


def contact(installation: Installation, **fields: Any) -> Contact:
    n = next(_serial)
    fields.setdefault("email", f"buyer{n}@example.com")
    return Contact.objects.create(installation=installation, **fields)


def viewed(person: Contact, product_id: str, at: datetime, category_id: str = "") -> Event:
    properties = {"product_id": product_id}
    if category_id:
        properties["category_id"] = category_id
    return Event.objects.create(
        installation_id=person.installation_id,
        contact=person,
        type="product.viewed",
        occurred_at=at,
        source="storefront",
        properties=properties,
        dedupe_key=f"view:{next(_serial)}",
    )


def cancelled(record: OrderRecord, at: datetime = NOW) -> Event:
    """The order cancelled in Saleor, as the intake leaves it: its status and its event."""
    OrderRecord.objects.filter(pk=record.pk).update(status="CANCELED")
    return Event.objects.get_or_create(
        installation_id=record.installation_id,
        dedupe_key=f"order.cancelled:{record.saleor_id}",
        defaults={
            "contact_id": record.contact_id,
            "type": "order.cancelled",
            "occurred_at": at,
            "source": "webhook",
            "properties": {"order_id": record.saleor_id},
        },
    )[0]
