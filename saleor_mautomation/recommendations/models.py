"""The tables recommendations read: what each counted order held, what each contact bought, how
many orders held each product and each pair of products.

Foreign keys here have no database constraint (``db_constraint=False``): the ORM still
cascades deletes to these rows, but a rebuild's millions of rows are not each checked by a
deferred trigger at its commit.

All of it is derived from ``OrderRecord`` rows and can be rebuilt from them at any time
(``recommendations.services.recommendations_rebuild``); between rebuilds it is kept current
order by order (``recommendations_refresh``), with the same result (a property test checks
both agree). Products are Saleor's global ids, not catalogue rows: orders may arrive before
the catalogue sync has stored their products, and a product deleted since still explains a
pair; the catalogue decides at read time what may be shown.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class OrderProduct(models.Model):
    """One product of a counted order (its lines of that product summed).

    The rows are the ledger of what the derived tables counted: a cancelled order's rows are
    taken back exactly, and best-sellers over a window are summed from them by day.
    """

    installation = models.ForeignKey(
        "mautomation.Installation", on_delete=models.CASCADE, db_constraint=False
    )
    order = models.ForeignKey(
        "mautomation.OrderRecord", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # The contact the order was counted for (null: an erased person's order, counted in
    # best-sellers only).
    contact = models.ForeignKey(
        "mautomation.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    channel_slug = models.CharField(max_length=100)
    day = models.DateField()
    product_id = models.CharField(max_length=200)
    # The product's category as the order line named it ("" when it named none).
    category_id = models.CharField(max_length=200, blank=True, default="")
    quantity = models.PositiveIntegerField(default=0)

    objects: ClassVar[models.Manager[OrderProduct]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "product_id"], name="rec_order_product")
        ]
        # Best-sellers (of a category too) over a window, read from the index alone (one
        # index to maintain rather than one per way of reading).
        indexes = [
            models.Index(
                fields=["installation", "channel_slug", "day"],
                include=["product_id", "category_id"],
                name="rec_sales_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in order {self.order_id}"


class ContactProduct(models.Model):
    """A contact's counted orders of one product: what "already bought" reads.

    Counts are plain integers (not positive ones): a row whose count falls to 0 is deleted, and
    one driven below by a merge or erasure since it was counted is deleted too (the nightly
    rebuild sets the truth again)."""

    installation = models.ForeignKey(
        "mautomation.Installation", on_delete=models.CASCADE, db_constraint=False
    )
    contact = models.ForeignKey(
        "mautomation.Contact", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    product_id = models.CharField(max_length=200)
    orders = models.IntegerField(default=0)

    objects: ClassVar[models.Manager[ContactProduct]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "product_id"], name="rec_contact_product")
        ]

    def __str__(self) -> str:
        return f"{self.product_id} bought by {self.contact_id}"


class ProductOrders(models.Model):
    """How many counted orders hold a product: the popularity pairs are scaled by."""

    installation = models.ForeignKey(
        "mautomation.Installation", on_delete=models.CASCADE, db_constraint=False
    )
    product_id = models.CharField(max_length=200)
    orders = models.IntegerField(default=0)

    objects: ClassVar[models.Manager[ProductOrders]]

    class Meta:
        # No count in the index (INCLUDE): SQLite would leave a unique constraint with one out
        # entirely, and the refresh's upsert needs it there too.
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "product_id"], name="rec_product_orders"
            )
        ]
        # A look-up's partners each read their orders from the index alone on PostgreSQL
        # (about 2,000 per ``personalised`` look-up: no table page each). SQLite makes it
        # without the count.
        indexes = [
            models.Index(
                fields=["installation", "product_id"],
                include=["orders"],
                name="rec_product_orders_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.orders} orders"


class ProductPair(models.Model):
    """How many counted orders hold both products (orders of more than ``MAX_BASKET``
    products excepted: a wholesale order says little about what goes with what, and would add
    its size squared). Both directions are stored, so a product's partners are one index
    range."""

    installation = models.ForeignKey(
        "mautomation.Installation", on_delete=models.CASCADE, db_constraint=False
    )
    product_id = models.CharField(max_length=200)
    other_id = models.CharField(max_length=200)
    orders = models.IntegerField(default=0)

    objects: ClassVar[models.Manager[ProductPair]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "product_id", "other_id"], name="rec_product_pair"
            )
        ]
        # A product's strongest partners first, read without a sort and from the index alone
        # (the partner in it): 200 partners are a few index pages, not 200 table pages.
        indexes = [
            models.Index(
                fields=["installation", "product_id", "-orders"],
                include=["other_id"],
                name="rec_pair_top_covering",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} with {self.other_id}: {self.orders}"


class RecommendationState(models.Model):
    """Where an installation's incremental refresh stands; its row is the refresh's lock.

    ``orders_seen`` and ``events_seen`` are the highest ``OrderRecord`` and ``Event`` ids read;
    each refresh reads again a margin below them (a row committed late, with a lower id than
    one read before, is not missed), and the ledger keeps an order from counting twice.
    ``version`` moves whenever the tables change: cached best-seller lists are keyed by it.
    """

    installation = models.OneToOneField(
        "mautomation.Installation", on_delete=models.CASCADE, related_name="+"
    )
    orders_seen = models.BigIntegerField(default=0)
    events_seen = models.BigIntegerField(default=0)
    version = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[RecommendationState]]

    def __str__(self) -> str:
        return f"Recommendations of {self.installation_id} at order {self.orders_seen}"
