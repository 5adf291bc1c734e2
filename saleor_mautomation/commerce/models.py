from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models


def money_field() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))


class CheckoutRecord(models.Model):
    """A Saleor checkout as journeys need it: who, what (lines), when it last changed.

    ``source_updated_at`` is Saleor's ``updatedAt``: a delivery older than what is stored never
    overwrites it, so late and replayed deliveries leave the newest state in place.
    """

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    saleor_id = models.CharField(max_length=200)
    token = models.CharField(max_length=64, blank=True, default="")
    contact = models.ForeignKey(
        "mautomation.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    email = models.CharField(max_length=254, blank=True, default="")
    saleor_user_id = models.CharField(max_length=100, blank=True, default="")
    channel_slug = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    lines = models.JSONField(default=list, blank=True)
    subtotal = money_field()
    total = money_field()
    created_at = models.DateTimeField()
    last_change_at = models.DateTimeField()
    source_updated_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    order_saleor_id = models.CharField(max_length=200, blank=True, default="")

    objects: ClassVar[models.Manager[CheckoutRecord]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "saleor_id"], name="checkout_unique")
        ]
        indexes = [models.Index(fields=["contact", "last_change_at"], name="checkout_contact")]

    def __str__(self) -> str:
        return f"Checkout {self.saleor_id}"


class OrderRecord(models.Model):
    """A Saleor order: the facts engagement, attribution and journeys compute from.

    ``contact`` is empty for orders of an erased person: they still count in revenue.
    """

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    saleor_id = models.CharField(max_length=200)
    number = models.CharField(max_length=32)
    contact = models.ForeignKey(
        "mautomation.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    email = models.CharField(max_length=254, blank=True, default="")
    saleor_user_id = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(max_length=32)
    is_paid = models.BooleanField(default=False)
    channel_slug = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    total_gross = money_field()
    total_net = money_field()
    total_refunded = money_field()
    lines = models.JSONField(default=list, blank=True)
    checkout_saleor_id = models.CharField(max_length=200, blank=True, default="")
    voucher_code = models.CharField(max_length=255, blank=True, default="")
    placed_at = models.DateTimeField()
    source_updated_at = models.DateTimeField()

    objects: ClassVar[models.Manager[OrderRecord]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "saleor_id"], name="order_unique")
        ]
        indexes = [
            models.Index(fields=["contact", "placed_at"], name="order_contact"),
            models.Index(fields=["installation", "placed_at"], name="order_time"),
        ]

    def __str__(self) -> str:
        return f"Order #{self.number}"

    @property
    def net_revenue(self) -> Decimal:
        """What the order is worth after refunds (cancelled orders are worth nothing)."""
        if self.status in {"CANCELED", "DRAFT", "EXPIRED"}:
            return Decimal(0)
        return self.total_gross - self.total_refunded
