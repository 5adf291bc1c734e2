"""Reads of the catalogue: product cards for messages and storefronts, what may be recommended."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from saleor_mautomation.catalogue.models import (
    CatalogueSettings,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)

# The key of the pattern used for channels without their own.
ANY_CHANNEL = "*"


@dataclass(frozen=True)
class ProductCard:
    """What messages, the storefront query and recommendations show of a product."""

    id: str
    name: str
    slug: str
    url: str
    image: str
    price: Decimal | None
    currency: str
    category: str
    available: bool


def catalogue_settings(installation_id: int) -> CatalogueSettings:
    """The installation's settings, created with the defaults on first read."""
    settings, _ = CatalogueSettings.objects.get_or_create(installation_id=installation_id)
    return settings


def product_url(
    settings: CatalogueSettings, channel_slug: str, product: Product, variant_id: str = ""
) -> str:
    """The storefront URL of ``product`` in the channel, "" when no pattern applies."""
    patterns = settings.product_url_patterns or {}
    pattern = patterns.get(channel_slug) or patterns.get(ANY_CHANNEL) or ""
    if not pattern:
        return ""
    values = {
        "channel": quote(channel_slug, safe=""),
        "slug": quote(product.slug, safe=""),
        "id": quote(product.saleor_id, safe=""),
        "variant_id": quote(variant_id, safe=""),
    }
    # Plain replacement, not str.format: a pattern is the admin's text, never a format spec.
    url = str(pattern)
    for name, value in values.items():
        url = url.replace("{" + name + "}", value)
    return url


def _listing_open(prefix: str, channel_slug: str) -> Q:
    """The product listing in the channel is published, visible and open for purchase."""
    now = timezone.now()
    return Q(
        **{
            f"{prefix}channel_slug": channel_slug,
            f"{prefix}is_published": True,
            f"{prefix}visible_in_listings": True,
        }
    ) & (
        Q(**{f"{prefix}is_available_for_purchase": True})
        | Q(**{f"{prefix}available_for_purchase_at__lte": now})
    )


def _sellable_variants(channel_slug: str) -> QuerySet[Variant]:
    """Variants in stock with a price in the channel."""
    return Variant.objects.filter(
        in_stock=True,
        listings__channel_slug=channel_slug,
        listings__price__isnull=False,
    )


def recommendable_products(installation_id: int, channel_slug: str) -> QuerySet[Product]:
    """Products that may be shown in the channel: listed there, visible, purchasable, and with
    at least one variant in stock priced in that channel."""
    listed = ProductChannelListing.objects.filter(
        _listing_open("", channel_slug), product=OuterRef("pk")
    )
    sellable = _sellable_variants(channel_slug).filter(product=OuterRef("pk"))
    return Product.objects.filter(installation_id=installation_id).filter(
        Exists(listed), Exists(sellable)
    )


def _lowest_price(
    variants: Iterable[Variant], channel_slug: str, in_stock_only: bool
) -> tuple[Decimal | None, str]:
    best: tuple[Decimal | None, str] = (None, "")
    for variant in variants:
        if in_stock_only and not variant.in_stock:
            continue
        for listing in variant.listings.all():
            if listing.channel_slug != channel_slug or listing.price is None:
                continue
            if best[0] is None or listing.price < best[0]:
                best = (listing.price, listing.currency)
    return best


def product_cards(
    installation_id: int, channel_slug: str, product_ids: Sequence[str]
) -> dict[str, ProductCard]:
    """Cards of the given Saleor product ids in the channel; ids not in the catalogue are absent.

    ``price`` is the lowest price of an in-stock variant there (of any variant when none is in
    stock, so a card of a sold-out product still shows what it cost); ``available`` says whether
    the product is recommendable in the channel.
    """
    if not product_ids:
        return {}
    settings = catalogue_settings(installation_id)
    products = list(
        Product.objects.filter(installation_id=installation_id, saleor_id__in=set(product_ids))
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "listings",
                queryset=ProductChannelListing.objects.filter(channel_slug=channel_slug),
            ),
            Prefetch(
                "variants__listings",
                queryset=VariantChannelListing.objects.filter(channel_slug=channel_slug),
            ),
        )
    )
    available = set(
        recommendable_products(installation_id, channel_slug)
        .filter(pk__in=[product.pk for product in products])
        .values_list("pk", flat=True)
    )
    cards: dict[str, ProductCard] = {}
    for product in products:
        variants = list(product.variants.all())
        price, currency = _lowest_price(variants, channel_slug, in_stock_only=True)
        if price is None:
            price, currency = _lowest_price(variants, channel_slug, in_stock_only=False)
        listing = next(iter(product.listings.all()), None)
        if not currency and listing is not None:
            currency = listing.currency
        cards[product.saleor_id] = ProductCard(
            id=product.saleor_id,
            name=product.name,
            slug=product.slug,
            url=product_url(settings, channel_slug, product),
            image=product.thumbnail_url,
            price=price,
            currency=currency,
            category=product.category.name if product.category else "",
            available=product.pk in available,
        )
    return cards


def variant_products(installation_id: int, variant_ids: Sequence[str]) -> dict[str, str]:
    """Saleor variant id to its product's Saleor id, for the variants in the catalogue."""
    if not variant_ids:
        return {}
    rows = Variant.objects.filter(
        installation_id=installation_id, saleor_id__in=set(variant_ids)
    ).values_list("saleor_id", "product__saleor_id")
    return dict(rows)
