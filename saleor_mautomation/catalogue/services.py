"""Writes of the catalogue: what a product, variant, category or collection from Saleor changes.

Webhook deliveries and the full sync both come here. Saleor's ``updatedAt`` guards a record's
own fields (an older delivery never overwrites them); listings, stocks and prices change without
moving it, so they are guarded by when Saleor said them (``observed``: a delivery's issuedAt, a
sync page's request time). The commerce moments a change makes (back in stock, out of stock,
stock low, price drop) are written to the ``CatalogueEvent`` outbox in the same transaction,
each once (``dedupe_key``); a first sighting makes none, there being nothing to compare with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from saleor_mautomation.catalogue.models import (
    CatalogueEvent,
    CatalogueSettings,
    Category,
    Collection,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor import payloads

Kind = CatalogueEvent.Kind


def _newer(incoming: datetime | None, stored: datetime | None) -> bool:
    """Whether what came at ``incoming`` may replace what was stored at ``stored``."""
    return stored is None or incoming is None or incoming >= stored


def _metadata(items: Sequence[payloads.MetadataItem] | None) -> dict[str, str]:
    return {item.key: item.value for item in items or []}


def category_upsert(
    *, installation_id: int, node: payloads.CatalogueCategory, now: datetime, seen_sync: int = 0
) -> Category:
    """Store a category (a parent not known yet is made as a bare row its own data fills)."""
    parent = None
    if node.parent is not None:
        parent, _ = Category.objects.get_or_create(
            installation_id=installation_id,
            saleor_id=node.parent.id,
            defaults={"name": "", "synced_at": now},
        )
    fields: dict[str, Any] = {"parent": parent, "synced_at": now}
    if node.name:
        fields |= {"name": node.name, "slug": node.slug}
    if seen_sync:
        fields["seen_sync"] = seen_sync
    category, _ = Category.objects.update_or_create(
        installation_id=installation_id, saleor_id=node.id, defaults=fields
    )
    return category


def category_delete(*, installation_id: int, saleor_id: str) -> int:
    _, per_model = Category.objects.filter(
        installation_id=installation_id, saleor_id=saleor_id
    ).delete()
    return per_model.get(Category._meta.label, 0)


def collection_upsert(
    *,
    installation_id: int,
    node: payloads.CatalogueCollection,
    now: datetime,
    seen_sync: int = 0,
) -> Collection:
    fields: dict[str, Any] = {"name": node.name, "slug": node.slug, "synced_at": now}
    if seen_sync:
        fields["seen_sync"] = seen_sync
    collection, _ = Collection.objects.update_or_create(
        installation_id=installation_id, saleor_id=node.id, defaults=fields
    )
    return collection


def collection_delete(*, installation_id: int, saleor_id: str) -> int:
    _, per_model = Collection.objects.filter(
        installation_id=installation_id, saleor_id=saleor_id
    ).delete()
    return per_model.get(Collection._meta.label, 0)


@dataclass(frozen=True)
class VariantState:
    """What events compare: stock and the price a customer pays per channel."""

    in_stock: bool
    quantity: int
    prices: dict[str, tuple[Decimal, str]]  # channel slug -> (price, currency)


def _state(variant: Variant) -> VariantState:
    return VariantState(
        in_stock=variant.in_stock,
        quantity=variant.quantity_available,
        prices={
            listing.channel_slug: (listing.price, listing.currency)
            for listing in variant.listings.all()
            if listing.price is not None
        },
    )


def _event_row(
    *,
    variant: Variant,
    kind: str,
    data: dict[str, Any],
    occurred_at: datetime,
    key: str,
    channel_slug: str = "",
) -> CatalogueEvent:
    return CatalogueEvent(
        installation_id=variant.installation_id,
        kind=kind,
        product_id=variant.product_id,
        variant=variant,
        product_saleor_id=variant.product.saleor_id,
        variant_saleor_id=variant.saleor_id,
        channel_slug=channel_slug,
        data=data,
        occurred_at=occurred_at,
        dedupe_key=key[:300],
    )


def _event_save(event: CatalogueEvent) -> None:
    """One outbox row, once: a replayed change finds its key taken and writes nothing."""
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        pass


def _low_stock_threshold(installation_id: int) -> int:
    found = (
        CatalogueSettings.objects.filter(installation_id=installation_id)
        .values_list("low_stock_threshold", flat=True)
        .first()
    )
    return (
        found
        if found is not None
        else CatalogueSettings._meta.get_field("low_stock_threshold").get_default()
    )


def _percent(old: Decimal, new: Decimal) -> str:
    return str(((old - new) / old * 100).quantize(Decimal("0.1")))


def events_compare(
    variant: Variant, before: VariantState, after: VariantState, *, at: datetime
) -> None:
    """Write the moments between two states of a variant (``events_between``), each once."""
    for event in events_between(
        variant,
        before,
        after,
        at=at,
        threshold=lambda: _low_stock_threshold(variant.installation_id),
    ):
        _event_save(event)


def events_between(
    variant: Variant,
    before: VariantState,
    after: VariantState,
    *,
    at: datetime,
    threshold: Callable[[], int],
) -> list[CatalogueEvent]:
    """The moments between two states of a variant (unsaved): stock crossing zero or the
    low-stock ``threshold`` (asked only when it matters), a channel's price going down."""
    stamp = at.isoformat()
    stock = {"quantity": after.quantity, "previous": before.quantity}
    vid = variant.saleor_id
    events: list[CatalogueEvent] = []
    if not before.in_stock and after.in_stock:
        events.append(
            _event_row(
                variant=variant,
                kind=Kind.BACK_IN_STOCK,
                data=stock,
                occurred_at=at,
                key=f"back_in_stock:{vid}:{stamp}",
            )
        )
    elif before.in_stock and not after.in_stock:
        events.append(
            _event_row(
                variant=variant,
                kind=Kind.OUT_OF_STOCK,
                data=stock,
                occurred_at=at,
                key=f"out_of_stock:{vid}:{stamp}",
            )
        )
    elif variant.track_inventory and after.in_stock:
        low = threshold()
        if before.quantity >= low > after.quantity > 0:
            events.append(
                _event_row(
                    variant=variant,
                    kind=Kind.STOCK_LOW,
                    data={**stock, "threshold": low},
                    occurred_at=at,
                    key=f"stock_low:{vid}:{stamp}",
                )
            )
    for channel, (new, currency) in after.prices.items():
        old = before.prices.get(channel)
        if old is None or old[1] != currency or new >= old[0] or old[0] <= 0:
            continue
        events.append(
            _event_row(
                variant=variant,
                kind=Kind.PRICE_DROP,
                data={
                    "old": f"{old[0]:.2f}",
                    "new": f"{new:.2f}",
                    "currency": currency,
                    "drop_percent": _percent(old[0], new),
                },
                occurred_at=at,
                key=f"price_drop:{vid}:{channel}:{new:.4f}:{stamp}",
                channel_slug=channel,
            )
        )
    return events


def effective_price(listing: VariantChannelListing) -> Decimal | None:
    """What a customer pays: the lower of the listing's price and its discounted price."""
    prices = [p for p in (listing.base_price, listing.discounted_price) if p is not None]
    return min(prices) if prices else None


_effective = effective_price  # the name bulk.py imports


def _variant_listings(variant: Variant, listings: Sequence[payloads.VariantListing]) -> None:
    """The variant's listings become the given channels' (others deleted), base prices set."""
    stored = {listing.channel_slug: listing for listing in variant.listings.all()}
    for given in listings:
        listing = stored.pop(given.channel.slug, None) or VariantChannelListing(
            variant=variant, channel_slug=given.channel.slug
        )
        listing.currency = (
            given.price.currency if given.price is not None else given.channel.currency_code
        )
        listing.base_price = given.price.amount if given.price is not None else None
        if listing.discounted_price is not None and listing.base_price is None:
            listing.discounted_price = None
        listing.price = _effective(listing)
        listing.save()
    if stored:
        VariantChannelListing.objects.filter(pk__in=[x.pk for x in stored.values()]).delete()


def _quantity(node: payloads.CatalogueVariant) -> int | None:
    if node.stocks is not None:
        return sum(max(0, stock.quantity - stock.quantity_allocated) for stock in node.stocks)
    return node.quantity_available


def _variant_store(
    *,
    product: Product,
    node: payloads.CatalogueVariant,
    observed: datetime,
) -> Variant:
    """Create or update one variant of ``product`` and write the moments its change makes."""
    variant = (
        Variant.objects.select_for_update()
        .filter(installation_id=product.installation_id, saleor_id=node.id)
        .prefetch_related("listings")
        .first()
    )
    created = variant is None
    if variant is None:
        variant = Variant(
            installation_id=product.installation_id,
            saleor_id=node.id,
            product=product,
            source_updated_at=node.updated_at or observed,
        )
        before = None
    else:
        before = _state(variant)
    variant.product = product
    fresh = variant_fields_set(variant, node, observed=observed, created=created)
    variant.save()
    if fresh and node.channel_listings is not None:
        _variant_listings(variant, node.channel_listings)
    if before is not None:
        events_compare(variant, before, _state(_reloaded(variant)), at=observed)
    return variant


def _reloaded(variant: Variant) -> Variant:
    return Variant.objects.prefetch_related("listings").select_related("product").get(pk=variant.pk)


def _product_listings(
    product: Product, listings: Sequence[payloads.ProductListing], observed: datetime
) -> None:
    stored = {listing.channel_slug: listing for listing in product.listings.all()}
    for given in listings:
        listing = stored.pop(given.channel.slug, None) or ProductChannelListing(
            product=product, channel_slug=given.channel.slug
        )
        opens = given.available_for_purchase_at
        listing.currency = given.channel.currency_code or listing.currency
        listing.is_published = given.is_published
        listing.visible_in_listings = given.visible_in_listings
        listing.available_for_purchase_at = opens
        if given.is_available_for_purchase is not None:
            listing.is_available_for_purchase = given.is_available_for_purchase
        else:
            listing.is_available_for_purchase = opens is not None and opens <= observed
        listing.save()
    if stored:
        ProductChannelListing.objects.filter(pk__in=[x.pk for x in stored.values()]).delete()


def product_prices_refresh(product: Product) -> None:
    """Each listing's ``price_min``: the lowest price of the product's variants there."""
    lowest: dict[str, Decimal] = {}
    rows = VariantChannelListing.objects.filter(
        variant__product=product, price__isnull=False
    ).values_list("channel_slug", "price")
    for channel, price in rows:
        if price is None:
            continue
        if channel not in lowest or price < lowest[channel]:
            lowest[channel] = price
    for listing in ProductChannelListing.objects.filter(product=product):
        price_min = lowest.get(listing.channel_slug)
        if listing.price_min != price_min:
            listing.price_min = price_min
            listing.save(update_fields=["price_min"])


def _product_core(
    product: Product, node: payloads.CatalogueProduct, now: datetime, seen_sync: int
) -> None:
    installation_id = product.installation_id
    if node.category is not None:
        product.category = category_upsert(
            installation_id=installation_id, node=node.category, now=now, seen_sync=seen_sync
        )
    elif node.name:
        product.category = None
    product_fields_set(product, node)


def product_fields_set(product: Product, node: payloads.CatalogueProduct) -> None:
    """A product's own fields from Saleor's (its category apart)."""
    product.name = node.name or product.name
    product.slug = node.slug or product.slug
    if node.product_type is not None:
        product.product_type_name = node.product_type.name or ""
    if node.name:
        product.thumbnail_url = node.thumbnail.url if node.thumbnail else ""
        product.thumbnail_alt = (node.thumbnail.alt or "") if node.thumbnail else ""
    if node.metadata is not None:
        product.metadata = _metadata(node.metadata)
    product.source_updated_at = node.updated_at or product.source_updated_at


def product_apply(
    *,
    installation_id: int,
    node: payloads.CatalogueProduct,
    observed: datetime,
    now: datetime,
    seen_sync: int = 0,
) -> Product:
    """Store a product as Saleor describes it: its own fields when not older than the stored
    ones, its listings and variants when said later than the stored ones (a product delivery
    names all its variants: those it leaves out were deleted)."""
    with transaction.atomic():
        product = (
            Product.objects.select_for_update()
            .filter(installation_id=installation_id, saleor_id=node.id)
            .first()
        )
        created = product is None
        if product is None:
            product = Product(
                installation_id=installation_id,
                saleor_id=node.id,
                source_updated_at=node.updated_at or observed,
            )
        core = created or _newer(node.updated_at, product.source_updated_at)
        if core:
            _product_core(product, node, now, seen_sync)
        fresh = _newer(observed, product.observed_at)
        if fresh:
            product.observed_at = observed
        if seen_sync:
            product.seen_sync = seen_sync
        product.synced_at = now
        product.save()
        if core and node.collections is not None:
            product.collections.set(
                [
                    collection_upsert(
                        installation_id=installation_id, node=c, now=now, seen_sync=seen_sync
                    )
                    for c in node.collections
                ]
            )
        if fresh and node.channel_listings is not None:
            _product_listings(product, node.channel_listings, observed)
        if node.variants is not None:
            kept = [
                _variant_store(product=product, node=variant, observed=observed).pk
                for variant in node.variants
            ]
            if fresh:
                Variant.objects.filter(product=product).exclude(pk__in=kept).delete()
        product_prices_refresh(product)
    return product


def variant_apply(
    *,
    installation_id: int,
    node: payloads.CatalogueVariantOf,
    observed: datetime,
    now: datetime,
) -> Variant | None:
    """Store a variant and its product's own fields from a variant delivery; ``None`` when the
    delivery names no product and the variant is unknown (nothing to attach it to)."""
    with transaction.atomic():
        if node.product is not None and node.product.name:
            product: Product | None = product_apply(
                installation_id=installation_id, node=node.product, observed=observed, now=now
            )
        else:
            product_id = node.product.id if node.product is not None else None
            product = (
                Product.objects.filter(
                    installation_id=installation_id, saleor_id=product_id
                ).first()
                if product_id
                else None
            )
        if product is None:
            return None
        variant = _variant_store(product=product, node=node, observed=observed)
        product_prices_refresh(product)
    return variant


def variant_discounted_price_apply(
    *,
    installation_id: int,
    variant_id: str,
    channel: payloads.ChannelRef,
    new_price: payloads.Amount,
    observed: datetime,
) -> bool:
    """Saleor's discounted price of a variant in a channel; False when the variant or its
    listing there is unknown (the next sync or listing delivery brings it) or this is older
    than the discounted price stored."""
    with transaction.atomic():
        variant = (
            Variant.objects.select_for_update()
            .filter(installation_id=installation_id, saleor_id=variant_id)
            .select_related("product")
            .prefetch_related("listings")
            .first()
        )
        if variant is None:
            return False
        listing = next((x for x in variant.listings.all() if x.channel_slug == channel.slug), None)
        if listing is None or not _newer(observed, listing.discounted_at):
            return False
        before = _state(variant)
        listing.discounted_price = new_price.amount
        listing.discounted_at = observed
        listing.currency = new_price.currency
        listing.price = _effective(listing)
        listing.save()
        events_compare(variant, before, _state(_reloaded(variant)), at=observed)
        product_prices_refresh(variant.product)
    return True


def product_delete(*, installation_id: int, saleor_id: str) -> int:
    _, per_model = Product.objects.filter(
        installation_id=installation_id, saleor_id=saleor_id
    ).delete()
    return per_model.get(Product._meta.label, 0)


def variant_delete(*, installation_id: int, saleor_id: str) -> int:
    with transaction.atomic():
        variant = (
            Variant.objects.filter(installation_id=installation_id, saleor_id=saleor_id)
            .select_related("product")
            .first()
        )
        if variant is None:
            return 0
        product = variant.product
        variant.delete()
        product_prices_refresh(product)
    return 1


def catalogue_sweep(*, installation_id: int, sync_number: int, started_at: datetime) -> int:
    """Delete what a complete sync ``sync_number`` did not see: gone from Saleor while no
    delivery said so (a webhook lost, the app installed later). A row a delivery wrote after
    the sync began is kept: it was created behind the sync's pages, not left over."""
    deleted = 0
    for model in (Product, Collection, Category):
        gone = model.objects.filter(
            installation_id=installation_id, seen_sync__lt=sync_number, synced_at__lt=started_at
        )
        deleted += gone.count()
        gone.delete()
    return deleted


class CatalogueSettingsInvalid(PermanentError):
    """A catalogue setting the admin gave that the app cannot use."""


PLACEHOLDERS = ("{channel}", "{slug}", "{id}", "{variant_id}")
MAX_PATTERNS = 100
MAX_PRODUCT_TYPES = 200
MAX_LOW_STOCK_THRESHOLD = 1_000_000


def _pattern_clean(channel: object, pattern: object) -> tuple[str, str]:
    if not isinstance(channel, str) or not channel.strip() or len(channel) > 100:
        raise CatalogueSettingsInvalid(
            f"Not a channel slug: {channel!r}", code="invalid_url_pattern"
        )
    if not isinstance(pattern, str):
        raise CatalogueSettingsInvalid(
            f"The pattern of {channel} is not text", code="invalid_url_pattern"
        )
    pattern = pattern.strip()
    filled = pattern
    for placeholder in PLACEHOLDERS:
        filled = filled.replace(placeholder, "x")
    parts = urlsplit(filled)
    if parts.scheme not in ("http", "https") or not parts.netloc or "{" in filled or "}" in filled:
        raise CatalogueSettingsInvalid(
            f"The pattern of {channel} is not an http(s) URL with only the placeholders "
            f"{', '.join(PLACEHOLDERS)}: {pattern!r}",
            code="invalid_url_pattern",
        )
    if len(pattern) > 500:
        raise CatalogueSettingsInvalid(
            f"The pattern of {channel} is longer than 500 characters", code="invalid_url_pattern"
        )
    return channel.strip(), pattern


def catalogue_settings_update(
    *,
    installation_id: int,
    product_url_patterns: object = None,
    low_stock_threshold: int | None = None,
    consumable_product_types: object = None,
) -> CatalogueSettings:
    """Change the given settings (``None``: kept); refused whole with the first invalid one."""
    settings, _ = CatalogueSettings.objects.select_for_update().get_or_create(
        installation_id=installation_id
    )
    if product_url_patterns is not None:
        if not isinstance(product_url_patterns, dict) or len(product_url_patterns) > MAX_PATTERNS:
            raise CatalogueSettingsInvalid(
                f"productUrlPatterns is an object of at most {MAX_PATTERNS} channel slugs "
                '(or "*") to URL patterns',
                code="invalid_url_pattern",
            )
        settings.product_url_patterns = dict(
            _pattern_clean(channel, pattern) for channel, pattern in product_url_patterns.items()
        )
    if low_stock_threshold is not None:
        if not 0 <= low_stock_threshold <= MAX_LOW_STOCK_THRESHOLD:
            raise CatalogueSettingsInvalid(
                f"lowStockThreshold is between 0 and {MAX_LOW_STOCK_THRESHOLD}",
                code="invalid_low_stock_threshold",
            )
        settings.low_stock_threshold = low_stock_threshold
    if consumable_product_types is not None:
        names = consumable_product_types
        if (
            not isinstance(names, list)
            or len(names) > MAX_PRODUCT_TYPES
            or not all(isinstance(n, str) and 0 < len(n.strip()) <= 250 for n in names)
        ):
            raise CatalogueSettingsInvalid(
                f"consumableProductTypes is a list of at most {MAX_PRODUCT_TYPES} product type "
                "names",
                code="invalid_product_types",
            )
        settings.consumable_product_types = list(dict.fromkeys(n.strip() for n in names))
    settings.save()
    return settings


def variant_fields_set(
    variant: Variant, node: payloads.CatalogueVariant, *, observed: datetime, created: bool
) -> bool:
    """A variant's name, SKU and inventory tracking from ``node`` when it is newer, its stock
    when ``observed`` is; True if the stock was fresh (its listings are then applied too)."""
    if created or _newer(node.updated_at, variant.source_updated_at):
        variant.name = node.name or ""
        variant.sku = node.sku or ""
        if node.track_inventory is not None:
            variant.track_inventory = node.track_inventory
        variant.source_updated_at = node.updated_at or variant.source_updated_at
    fresh = _newer(observed, variant.observed_at)
    if fresh:
        quantity = _quantity(node)
        if quantity is not None:
            variant.quantity_available = quantity
        variant.observed_at = observed
    variant.in_stock = variant.quantity_available > 0 or not variant.track_inventory
    return fresh
