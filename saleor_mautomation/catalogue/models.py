"""The shop's catalogue as messages, recommendations and commerce triggers need it.

Rows mirror Saleor's products, variants, categories and collections per installation; they are
written by the product webhooks and by the full sync (``catalogue.services`` and
``catalogue.sync``), never edited here. ``source_updated_at`` is Saleor's ``updatedAt``: a
delivery older than what is stored never overwrites it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.db.models import Q


def price_field() -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)


class Category(models.Model):
    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    saleor_id = models.CharField(max_length=200)
    name = models.CharField(max_length=250)
    slug = models.CharField(max_length=255, blank=True, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # The number of the full sync that last saw it (``CatalogueSync.number``); a complete sync
    # deletes what it did not see.
    seen_sync = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField()

    objects: ClassVar[models.Manager[Category]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_id"], name="catalogue_category_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Category {self.name}"


class Collection(models.Model):
    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    saleor_id = models.CharField(max_length=200)
    name = models.CharField(max_length=250)
    slug = models.CharField(max_length=255, blank=True, default="")
    seen_sync = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField()

    objects: ClassVar[models.Manager[Collection]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_id"], name="catalogue_collection_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Collection {self.name}"


class Product(models.Model):
    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    saleor_id = models.CharField(max_length=200)
    name = models.CharField(max_length=250)
    slug = models.CharField(max_length=255, blank=True, default="")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    collections = models.ManyToManyField(Collection, blank=True, related_name="products")
    product_type_name = models.CharField(max_length=250, blank=True, default="")
    thumbnail_url = models.URLField(max_length=1000, blank=True, default="")
    thumbnail_alt = models.CharField(max_length=250, blank=True, default="")
    metadata = models.JSONField(default=dict, blank=True)
    source_updated_at = models.DateTimeField()
    # When Saleor said what the listings hold (a delivery's issuedAt, a sync page's request):
    # listings change without moving the product's updatedAt, so they are guarded by this.
    observed_at = models.DateTimeField(null=True, blank=True)
    seen_sync = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField()

    objects: ClassVar[models.Manager[Product]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_id"], name="catalogue_product_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Product {self.name}"


class ProductChannelListing(models.Model):
    """Where a product is sold: Saleor's ``ProductChannelListing`` plus its lowest price there."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="listings")
    channel_slug = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, blank=True, default="")
    is_published = models.BooleanField(default=False)
    visible_in_listings = models.BooleanField(default=False)
    # Saleor's ``isAvailableForPurchase`` when stored; ``available_for_purchase_at`` is the
    # moment it becomes true (a date in the future passes without any delivery).
    is_available_for_purchase = models.BooleanField(default=False)
    available_for_purchase_at = models.DateTimeField(null=True, blank=True)
    # The lowest price of the product's variants in this channel (null: none priced there).
    price_min = price_field()

    objects: ClassVar[models.Manager[ProductChannelListing]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "channel_slug"], name="catalogue_product_listing_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.channel_slug}"


class Variant(models.Model):
    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    saleor_id = models.CharField(max_length=200)
    name = models.CharField(max_length=255, blank=True, default="")
    sku = models.CharField(max_length=255, blank=True, default="")
    # Sum over warehouses of quantity - quantityAllocated, never below 0 per warehouse.
    quantity_available = models.IntegerField(default=0)
    # False: Saleor sells it whatever the stock (``trackInventory``), so it is always in stock.
    track_inventory = models.BooleanField(default=True)
    in_stock = models.BooleanField(default=False)
    source_updated_at = models.DateTimeField()
    # When Saleor said what the stocks and prices are: a stock change leaves the variant's
    # updatedAt as it was (the captured deliveries show it), so they are guarded by this.
    observed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Variant]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_id"], name="catalogue_variant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Variant {self.saleor_id}"


class VariantChannelListing(models.Model):
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="listings")
    channel_slug = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, blank=True, default="")
    # The price a customer pays: the lower of the listing's price and the discounted price
    # (what Saleor charges once a promotion applies), whichever are known.
    price = price_field()
    # The listing's own price (``channelListings.price``), from deliveries and the sync.
    base_price = price_field()
    # Saleor's discounted price from PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED (null: none
    # heard), and that delivery's issuedAt (a late one does not overwrite a newer one).
    discounted_price = price_field()
    discounted_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[VariantChannelListing]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "channel_slug"], name="catalogue_variant_listing_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant_id} in {self.channel_slug}"


class CatalogueEvent(models.Model):
    """An outbox of commerce moments, written in the transaction of the change that made them.

    Consumed by the journeys' commerce triggers (``processed_at`` set once handled, or once
    discarded after failing). Saleor's
    ids are kept beside the foreign keys so an event outlives a deleted product.
    ``dedupe_key`` makes a replayed delivery or a repeated sync write it once.
    """

    class Kind(models.TextChoices):
        BACK_IN_STOCK = "back_in_stock"
        OUT_OF_STOCK = "out_of_stock"
        PRICE_DROP = "price_drop"
        STOCK_LOW = "stock_low"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.SET_NULL)
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.SET_NULL)
    product_saleor_id = models.CharField(max_length=200, blank=True, default="")
    variant_saleor_id = models.CharField(max_length=200, blank=True, default="")
    channel_slug = models.CharField(max_length=100, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=300)
    # Tries of its triggers that failed, the last one's error, when the next try may come
    # (``flows.catalogue_events``' backoff), and when it was given up after the last allowed
    # try (a failure listed for the Dashboard's retry or discard; null while pending).
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    retry_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[CatalogueEvent]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "dedupe_key"], name="catalogue_event_dedupe"
            )
        ]
        indexes = [
            models.Index(fields=["installation", "processed_at"], name="catalogue_event_pending")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.variant_saleor_id or self.product_saleor_id}"


class CatalogueSettings(models.Model):
    """An installation's catalogue settings, created on first read."""

    installation = models.OneToOneField(
        "mautomation.Installation", on_delete=models.CASCADE, related_name="catalogue_settings"
    )
    # Channel slug to a storefront product URL; "*" for every other channel. Placeholders:
    # {channel}, {slug}, {id} (Saleor's product id), {variant_id}.
    product_url_patterns = models.JSONField(default=dict, blank=True)
    # A variant's stock falling below this (from at or above it) writes a stock_low event.
    low_stock_threshold = models.PositiveIntegerField(default=5)
    # Product type names bought again and again: recommendations may offer them again.
    consumable_product_types = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[CatalogueSettings]]

    def __str__(self) -> str:
        return f"Catalogue settings of {self.installation_id}"


class CatalogueSync(models.Model):
    """One full sync of an installation's catalogue over GraphQL, resumable at ``cursor``.

    Phases run in order: categories, collections, products, then the sweep that deletes what
    a complete sync did not see (rows whose ``seen_sync`` is below ``number``). The cursor is
    that of the current phase's last page stored in the transaction that applied it. The
    lease (``owner``, ``updated_at``) works as the backfill's.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    class Phase(models.TextChoices):
        CATEGORIES = "categories"
        COLLECTIONS = "collections"
        PRODUCTS = "products"
        SWEEP = "sweep"
        DONE = "done"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.CATEGORIES)
    cursor = models.TextField(blank=True, default="")
    # Saleor's totalCount of products when the products phase began.
    total = models.PositiveIntegerField(null=True, blank=True)
    categories = models.PositiveIntegerField(default=0)
    collections = models.PositiveIntegerField(default=0)
    products = models.PositiveIntegerField(default=0)
    variants = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    owner = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[CatalogueSync]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation"],
                condition=~Q(status="done"),
                name="catalogue_sync_one_current",
            ),
            models.UniqueConstraint(
                fields=["installation", "number"], name="catalogue_sync_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Catalogue sync {self.number} ({self.status}, {self.phase})"
