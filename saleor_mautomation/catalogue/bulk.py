"""A full sync's page of products applied in bulk: a few set-based statements per page.

``services.product_apply`` costs some forty statements a product (a savepoint, a locked read
and a write per row, a reload per variant to compare); a page of 100 products here reads the
page's existing rows once per table (locked, as the per-product path locks them) and writes each
table with one insert of the new rows, one update of the changed ones and one delete of the
rows Saleor no longer lists. The outcome is the per-product path's: the same rows, the same
``CatalogueEvent`` rows (``services.events_between``, inserted once each by their dedupe key).

A page this cannot take as a whole (a product or variant twice, a variant moving between
products: the order of the per-product path would matter) is refused with ``PageNotBulk``
before any write; the caller applies such a page, or one the database refuses, product by
product (``catalogue.sync``), so a failing product is skipped alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Q

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
from saleor_mautomation.catalogue.services import (
    VariantState,
    _effective,
    _newer,
    events_between,
    product_fields_set,
    variant_fields_set,
)
from saleor_mautomation.core.sql import model_arrays, model_columns, sql_rows, unnest_upsert
from saleor_mautomation.saleor import payloads

PRODUCT_FIELDS = [
    "name",
    "slug",
    "category",
    "product_type_name",
    "thumbnail_url",
    "thumbnail_alt",
    "metadata",
    "source_updated_at",
    "observed_at",
    "seen_sync",
    "synced_at",
]
VARIANT_FIELDS = [
    "product",
    "name",
    "sku",
    "quantity_available",
    "track_inventory",
    "in_stock",
    "source_updated_at",
    "observed_at",
]
PRODUCT_LISTING_FIELDS = [
    "currency",
    "is_published",
    "visible_in_listings",
    "available_for_purchase_at",
    "is_available_for_purchase",
]
VARIANT_LISTING_FIELDS = ["currency", "base_price", "discounted_price", "price"]


CENT = Decimal("0.0001")


class PageNotBulk(Exception):
    """A page whose outcome would depend on the order its products are applied in."""


def _check(nodes: Sequence[payloads.CatalogueProduct]) -> None:
    products = [node.id for node in nodes]
    variants = [v.id for node in nodes for v in node.variants or []]
    if len(set(products)) != len(products) or len(set(variants)) != len(variants):
        raise PageNotBulk("a product or variant appears twice in the page")


def _categories(
    installation_id: int,
    nodes: Iterable[payloads.CatalogueCategory],
    now: datetime,
    seen_sync: int,
) -> dict[str, int]:
    """``services.category_upsert`` for each (the last of an id wins); their ids by Saleor's."""
    given = {node.id: node for node in nodes}
    if not given:
        return {}
    parents = {node.parent.id for node in given.values() if node.parent is not None}
    Category.objects.bulk_create(
        [
            Category(installation_id=installation_id, saleor_id=pid, name="", synced_at=now)
            for pid in parents
        ],
        ignore_conflicts=True,
    )
    ids = dict(
        Category.objects.filter(
            installation_id=installation_id, saleor_id__in=parents | set(given)
        ).values_list("saleor_id", "pk")
    )
    named: list[Category] = []
    bare: list[Category] = []
    for node in given.values():
        row = Category(
            installation_id=installation_id,
            saleor_id=node.id,
            parent_id=ids[node.parent.id] if node.parent is not None else None,
            synced_at=now,
            name=node.name,
            slug=node.slug if node.name else "",
            seen_sync=seen_sync,
        )
        (named if node.name else bare).append(row)
    for rows, fields in ((named, ["name", "slug"]), (bare, [])):
        if rows:
            _upsert(
                Category,
                rows,
                unique=["installation", "saleor_id"],
                fields=["parent", "synced_at", *fields] + (["seen_sync"] if seen_sync else []),
            )
    return dict(
        Category.objects.filter(installation_id=installation_id, saleor_id__in=given).values_list(
            "saleor_id", "pk"
        )
    )


def _collections(
    installation_id: int,
    nodes: Iterable[payloads.CatalogueCollection],
    now: datetime,
    seen_sync: int,
) -> dict[str, int]:
    given = {node.id: node for node in nodes}
    if not given:
        return {}
    _upsert(
        Collection,
        [
            Collection(
                installation_id=installation_id,
                saleor_id=node.id,
                name=node.name,
                slug=node.slug,
                synced_at=now,
                seen_sync=seen_sync,
            )
            for node in given.values()
        ],
        unique=["installation", "saleor_id"],
        fields=["name", "slug", "synced_at"] + (["seen_sync"] if seen_sync else []),
    )
    return dict(
        Collection.objects.filter(installation_id=installation_id, saleor_id__in=given).values_list(
            "saleor_id", "pk"
        )
    )


@dataclass
class _Writes:
    """Rows of one table to insert and to update, and ids to delete."""

    new: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)


def _product_listings(
    product: Product,
    given: Sequence[payloads.ProductListing],
    stored: dict[str, ProductChannelListing],
    observed: datetime,
    writes: _Writes,
) -> None:
    """``services._product_listings`` without its writes."""
    stored = dict(stored)
    for item in given:
        listing = stored.pop(item.channel.slug, None)
        is_new = listing is None
        if listing is None:
            listing = ProductChannelListing(product=product, channel_slug=item.channel.slug)
        opens = item.available_for_purchase_at
        listing.currency = item.channel.currency_code or listing.currency
        listing.is_published = item.is_published
        listing.visible_in_listings = item.visible_in_listings
        listing.available_for_purchase_at = opens
        if item.is_available_for_purchase is not None:
            listing.is_available_for_purchase = item.is_available_for_purchase
        else:
            listing.is_available_for_purchase = opens is not None and opens <= observed
        (writes.new if is_new else writes.changed).append(listing)
    writes.gone.extend(listing.pk for listing in stored.values())


def _variant_listings(
    variant: Variant,
    given: Sequence[payloads.VariantListing],
    stored: dict[str, VariantChannelListing],
    writes: _Writes,
) -> list[VariantChannelListing]:
    """``services._variant_listings`` without its writes; the variant's listings after it."""
    stored = dict(stored)
    after = []
    for item in given:
        listing = stored.pop(item.channel.slug, None)
        is_new = listing is None
        if listing is None:
            listing = VariantChannelListing(variant=variant, channel_slug=item.channel.slug)
        listing.currency = (
            item.price.currency if item.price is not None else item.channel.currency_code
        )
        listing.base_price = item.price.amount if item.price is not None else None
        if listing.discounted_price is not None and listing.base_price is None:
            listing.discounted_price = None
        listing.price = _effective(listing)
        (writes.new if is_new else writes.changed).append(listing)
        after.append(listing)
    writes.gone.extend(listing.pk for listing in stored.values())
    return after


def _state(variant: Variant, listings: Iterable[VariantChannelListing]) -> VariantState:
    return VariantState(
        in_stock=variant.in_stock,
        quantity=variant.quantity_available,
        # As the per-product path reads them back: stored with 4 decimal places.
        prices={
            x.channel_slug: (x.price.quantize(CENT), x.currency)
            for x in listings
            if x.price is not None
        },
    )


def _variant(
    product: Product, node: payloads.CatalogueVariant, variant: Variant | None, observed: datetime
) -> tuple[Variant, bool, bool]:
    """``services._variant_store``'s fields: the variant, whether new, whether ``observed`` is
    fresh for its stock and listings."""
    created = variant is None
    if variant is None:
        variant = Variant(
            installation_id=product.installation_id,
            saleor_id=node.id,
            source_updated_at=node.updated_at or observed,
        )
    variant.product = product
    fresh = variant_fields_set(variant, node, observed=observed, created=created)
    return variant, created, fresh


def _upsert(model: type[Any], rows: list[Any], *, unique: list[str], fields: list[str]) -> None:
    """Rows inserted, or where one meets a stored row on ``unique``, that row's ``fields`` set:
    on PostgreSQL one ``core.sql.unnest_upsert`` statement (its text the same for any number of
    rows), elsewhere Django's ``bulk_create`` with ``update_conflicts``, which means the same.
    Rows without a primary key get one from the table."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=unique, update_fields=fields
        )
        return
    keyed = rows[0].pk is not None
    names = [f.attname for f in model._meta.concrete_fields if keyed or not f.primary_key]
    sql = unnest_upsert(
        model._meta.db_table,
        model_columns(model, names),
        conflict=[column for column, _ in model_columns(model, unique)],
        update=[column for column, _ in model_columns(model, fields)],
    )
    sql_rows(sql, model_arrays(model, names, rows, add=True), prepare=True)


def _update(model: type[Any], rows: list[Any], fields: list[str]) -> None:
    """Rows that exist written back in one statement: an insert that meets each on its id
    (Django's ``bulk_update`` builds a CASE per field whose cost grows with the square of the
    rows in Python: 2 s for a page of 300 variants)."""
    _upsert(model, rows, unique=["id"], fields=fields)


def _write(model: type[Any], writes: _Writes, fields: list[str]) -> None:
    if writes.gone:
        model.objects.filter(pk__in=writes.gone).delete()
    if writes.new:
        model.objects.bulk_create(writes.new)
    _update(model, writes.changed, fields)


def _threshold(installation_id: int) -> int:
    found = (
        CatalogueSettings.objects.filter(installation_id=installation_id)
        .values_list("low_stock_threshold", flat=True)
        .first()
    )
    if found is not None:
        return found
    default: int = CatalogueSettings._meta.get_field("low_stock_threshold").get_default()
    return default


def _prices_refresh(products: list[Product]) -> None:
    """``services.product_prices_refresh`` of every product of the page."""
    lowest: dict[tuple[int, str], Decimal] = {}
    rows = VariantChannelListing.objects.filter(
        variant__product__in=products, price__isnull=False
    ).values_list("variant__product_id", "channel_slug", "price")
    for product_id, channel, price in rows:
        key = (product_id, channel)
        if price is not None and (key not in lowest or price < lowest[key]):
            lowest[key] = price
    changed = []
    for listing in ProductChannelListing.objects.filter(product__in=products):
        price_min = lowest.get((listing.product_id, listing.channel_slug))
        if listing.price_min != price_min:
            listing.price_min = price_min
            changed.append(listing)
    _update(ProductChannelListing, changed, ["price_min"])


def products_apply(
    *,
    installation_id: int,
    nodes: Sequence[payloads.CatalogueProduct],
    observed: datetime,
    now: datetime,
    seen_sync: int = 0,
) -> int:
    """Apply a page of products as ``services.product_apply`` applies each, in the caller's
    transaction; the number applied. Raises ``PageNotBulk`` before writing anything when the
    page needs the per-product path."""
    _check(nodes)
    if not nodes:
        return 0
    stored = {
        p.saleor_id: p
        for p in Product.objects.select_for_update().filter(
            installation_id=installation_id, saleor_id__in=[n.id for n in nodes]
        )
    }
    variant_ids = [v.id for node in nodes for v in node.variants or []]
    variants = {
        v.saleor_id: v
        for v in Variant.objects.select_for_update()
        .filter(installation_id=installation_id, saleor_id__in=variant_ids)
        .prefetch_related("listings")
    }
    for node in nodes:
        owner = stored.get(node.id)
        for given in node.variants or []:
            found = variants.get(given.id)
            if found is not None and (owner is None or found.product_id != owner.pk):
                raise PageNotBulk(f"variant {given.id} moves to product {node.id}")

    # Products' own fields (categories and collections first, as their references).
    cores = []
    products: list[Product] = []
    for node in nodes:
        product = stored.get(node.id)
        created = product is None
        if product is None:
            product = Product(
                installation_id=installation_id,
                saleor_id=node.id,
                source_updated_at=node.updated_at or observed,
            )
        core = created or _newer(node.updated_at, product.source_updated_at)
        cores.append(core)
        products.append(product)
    categories = _categories(
        installation_id,
        [n.category for n, core in zip(nodes, cores, strict=True) if core and n.category],
        now,
        seen_sync,
    )
    collections = _collections(
        installation_id,
        [c for n, core in zip(nodes, cores, strict=True) if core for c in n.collections or []],
        now,
        seen_sync,
    )
    fresh_products = []
    for node, product, core in zip(nodes, products, cores, strict=True):
        if core:
            if node.category is not None:
                product.category_id = categories[node.category.id]
            elif node.name:
                product.category = None
            product_fields_set(product, node)
        fresh = _newer(observed, product.observed_at)
        if fresh:
            product.observed_at = observed
        fresh_products.append(fresh)
        if seen_sync:
            product.seen_sync = seen_sync
        product.synced_at = now
    existing = [p for p in products if p.pk is not None]
    Product.objects.bulk_create([p for p in products if p.pk is None])
    _update(Product, existing, PRODUCT_FIELDS)
    old = {p.pk for p in existing}

    # Collections of the products whose own fields changed: exactly those Saleor lists.
    through = Product.collections.through
    wanted = {
        (product.pk, collections[c.id])
        for node, product, core in zip(nodes, products, cores, strict=True)
        if core and node.collections is not None
        for c in node.collections
    }
    set_on = [
        p.pk
        for n, p, core in zip(nodes, products, cores, strict=True)
        if core and n.collections is not None
    ]
    if set_on:
        have = set(
            through.objects.filter(product_id__in=set_on).values_list("product_id", "collection_id")
        )
        extra = have - wanted
        if extra:
            drop = Q()
            for product_id, collection_id in extra:
                drop |= Q(product_id=product_id, collection_id=collection_id)
            through.objects.filter(drop).delete()
        through.objects.bulk_create(
            [through(product_id=p, collection_id=c) for p, c in sorted(wanted - have)]
        )

    # Product listings, when said later than the stored ones.
    listed = [
        (node, product)
        for node, product, fresh in zip(nodes, products, fresh_products, strict=True)
        if fresh and node.channel_listings is not None
    ]
    product_listings: dict[int, dict[str, ProductChannelListing]] = {}
    for listing in ProductChannelListing.objects.filter(
        product__in=[p for _, p in listed if p.pk in old]
    ):
        product_listings.setdefault(listing.product_id, {})[listing.channel_slug] = listing
    writes = _Writes()
    for node, product in listed:
        assert node.channel_listings is not None
        _product_listings(
            product, node.channel_listings, product_listings.get(product.pk, {}), observed, writes
        )
    _write(ProductChannelListing, writes, PRODUCT_LISTING_FIELDS)

    # Variants, their listings and the moments their changes make.
    applied: list[tuple[Variant, VariantState | None, bool, payloads.CatalogueVariant]] = []
    for node, product in zip(nodes, products, strict=True):
        for given in node.variants or []:
            found = variants.get(given.id)
            before = _state(found, found.listings.all()) if found is not None else None
            variant, created, fresh = _variant(product, given, found, observed)
            applied.append((variant, before, fresh, given))
    new_variants = [v for v, before, _, _ in applied if before is None]
    Variant.objects.bulk_create(new_variants)
    _update(Variant, [v for v, before, _, _ in applied if before is not None], VARIANT_FIELDS)
    writes = _Writes()
    events: list[CatalogueEvent] = []
    threshold: list[int] = []

    def low() -> int:
        if not threshold:
            threshold.append(_threshold(installation_id))
        return threshold[0]

    for variant, before, fresh, given in applied:
        stored_listings = (
            {x.channel_slug: x for x in variant.listings.all()} if before is not None else {}
        )
        if fresh and given.channel_listings is not None:
            after = _variant_listings(variant, given.channel_listings, stored_listings, writes)
        else:
            after = list(stored_listings.values())
        if before is not None:
            events += events_between(
                variant, before, _state(variant, after), at=observed, threshold=low
            )
    _write(VariantChannelListing, writes, VARIANT_LISTING_FIELDS)
    kept = {v.pk for v, _, _, _ in applied}
    trimmed = [
        p.pk
        for node, p, fresh in zip(nodes, products, fresh_products, strict=True)
        if fresh and node.variants is not None and p.pk in old
    ]
    if trimmed:
        Variant.objects.filter(product_id__in=trimmed).exclude(pk__in=kept).delete()
    if events:
        CatalogueEvent.objects.bulk_create(events, ignore_conflicts=True)
    _prices_refresh(products)
    return len(nodes)
