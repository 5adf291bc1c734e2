"""Delivery bodies for the catalogue events no real Saleor was recorded sending, built in the
shape of the app's own subscription documents (``test_bodies`` checks each against its
document and Saleor's schema with ``tests.support.payload_shapes``)."""

from __future__ import annotations

from typing import Any

PRINCIPAL = {"__typename": "User", "id": "VXNlcjoyMQ==", "email": "admin@example.com"}
TEE = "UHJvZHVjdDoxMzQ="
TEE_L = "UHJvZHVjdFZhcmlhbnQ6MzUw"
T_SHIRTS = {"id": "Q2F0ZWdvcnk6Mzk=", "name": "T-shirts", "slug": "t-shirts"}


def envelope(typename: str, issued_at: str, **fields: Any) -> dict[str, Any]:
    return {
        "__typename": typename,
        "issuedAt": issued_at,
        "version": "3.23.28",
        "issuingPrincipal": PRINCIPAL,
        **fields,
    }


def category(
    saleor_id: str = T_SHIRTS["id"],
    name: str = T_SHIRTS["name"],
    slug: str = T_SHIRTS["slug"],
    parent: str | None = None,
    updated_at: str = "2026-11-23T15:00:00+00:00",
) -> dict[str, Any]:
    return {
        "id": saleor_id,
        "name": name,
        "slug": slug,
        "updatedAt": updated_at,
        "parent": {"id": parent} if parent else None,
    }


def listing(channel: str = "default-channel", currency: str = "USD", **flags: Any):
    return {
        "channel": {"slug": channel, "currencyCode": currency},
        "isPublished": flags.get("published", True),
        "visibleInListings": flags.get("visible", True),
        "isAvailableForPurchase": flags.get("available", True),
        "availableForPurchaseAt": flags.get("available_at", "2026-01-01T00:00:00+00:00"),
    }


def variant_core(
    saleor_id: str = TEE_L,
    *,
    name: str = "L",
    sku: str | None = "328223582",
    updated_at: str = "2026-11-23T15:32:52.318533+00:00",
    stocks: tuple[tuple[int, int], ...] = ((25, 0),),
    prices: dict[str, tuple[float | None, str]] | None = None,
    track_inventory: bool = True,
) -> dict[str, Any]:
    prices = {"default-channel": (20.0, "USD")} if prices is None else prices
    return {
        "id": saleor_id,
        "name": name,
        "sku": sku,
        "updatedAt": updated_at,
        "trackInventory": track_inventory,
        "stocks": [{"quantity": q, "quantityAllocated": a} for q, a in stocks],
        "channelListings": [
            {
                "channel": {"slug": channel, "currencyCode": currency},
                "price": None if amount is None else {"amount": amount, "currency": currency},
            }
            for channel, (amount, currency) in prices.items()
        ],
    }


def product_core(
    saleor_id: str = TEE,
    *,
    name: str = "Monospace Tee",
    slug: str = "ascii-tee",
    updated_at: str = "2026-11-23T16:42:14.440531+00:00",
    listings: list[dict[str, Any]] | None = None,
    collections: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "id": saleor_id,
        "name": name,
        "slug": slug,
        "updatedAt": updated_at,
        "category": category(),
        "collections": collections
        if collections is not None
        else [{"id": "Q29sbGVjdGlvbjo0", "name": "Featured Products", "slug": "featured-products"}],
        "productType": {"id": "UHJvZHVjdFR5cGU6MjA=", "name": "Top"},
        "thumbnail": {"url": "https://cdn.example/tee.webp", "alt": "A tee"},
        "metadata": [{"key": "season", "value": "winter"}],
        "channelListings": listings if listings is not None else [listing()],
    }


def product_event(
    typename: str, issued_at: str, *, variants: list[dict[str, Any]] | None = None, **core: Any
) -> dict[str, Any]:
    product = product_core(**core)
    product["variants"] = variants if variants is not None else [variant_core()]
    return envelope(typename, issued_at, product=product)


def variant_event(
    typename: str, issued_at: str, *, product: dict[str, Any] | None = None, **variant: Any
) -> dict[str, Any]:
    body = variant_core(**variant)
    body["product"] = product if product is not None else product_core()
    return envelope(typename, issued_at, productVariant=body)


def product_deleted(issued_at: str, saleor_id: str = TEE) -> dict[str, Any]:
    return envelope("ProductDeleted", issued_at, product={"id": saleor_id})


def variant_deleted(issued_at: str, saleor_id: str = TEE_L, product: str = TEE):
    return envelope(
        "ProductVariantDeleted",
        issued_at,
        productVariant={
            "id": saleor_id,
            "updatedAt": "2026-11-23T15:32:52.318533+00:00",
            "product": {"id": product},
        },
    )


def discounted_price(
    issued_at: str,
    *,
    previous: float,
    new: float,
    channel: str = "default-channel",
    currency: str = "USD",
    saleor_id: str = TEE_L,
) -> dict[str, Any]:
    return envelope(
        "ProductVariantDiscountedPriceUpdated",
        issued_at,
        productVariant={
            "id": saleor_id,
            "updatedAt": "2026-11-23T15:32:52.318533+00:00",
            "product": {"id": TEE},
        },
        channel={"slug": channel, "currencyCode": currency},
        previousPrice={"amount": previous, "currency": currency},
        newPrice={"amount": new, "currency": currency},
    )


def category_event(typename: str, issued_at: str, **fields: Any) -> dict[str, Any]:
    if typename == "CategoryDeleted":
        return envelope(typename, issued_at, category={"id": fields.get("saleor_id", "")})
    return envelope(typename, issued_at, category=category(**fields))


def collection_event(
    typename: str, issued_at: str, saleor_id: str, name: str = "", slug: str = ""
) -> dict[str, Any]:
    if typename == "CollectionDeleted":
        return envelope(typename, issued_at, collection={"id": saleor_id})
    return envelope(typename, issued_at, collection={"id": saleor_id, "name": name, "slug": slug})
