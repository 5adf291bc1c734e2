from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models


class AttributionSettings(models.Model):
    """Per installation: which message an order is credited to.

    The last message the person clicked within ``click_days`` before the order; failing
    that (unless ``click_only``), the last one a person opened (never a privacy proxy or a
    scanner) within ``open_days``.
    """

    installation = models.OneToOneField("mautomation.Installation", on_delete=models.CASCADE)
    click_days = models.PositiveSmallIntegerField(default=5)
    open_days = models.PositiveSmallIntegerField(default=1)
    click_only = models.BooleanField(default=False)

    objects: ClassVar[models.Manager[AttributionSettings]]

    def __str__(self) -> str:
        return f"attribution of installation {self.installation_id}"


class OrderAttribution(models.Model):
    """The message an order is credited to, and what the order was worth when credited
    (net of refunds, in its currency); kept when the person is erased, like the order."""

    class Via(models.TextChoices):
        CLICK = "click"
        OPEN = "open"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    order = models.OneToOneField(
        "mautomation.OrderRecord", on_delete=models.CASCADE, related_name="attribution"
    )
    message = models.ForeignKey(
        "mautomation.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=8, choices=Via.choices)
    touched_at = models.DateTimeField()  # the click or open credited
    placed_at = models.DateTimeField()  # the order's, the day it counts on
    currency = models.CharField(max_length=3)
    revenue = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))

    objects: ClassVar[models.Manager[OrderAttribution]]

    def __str__(self) -> str:
        return f"order {self.order_id} -> message {self.message_id} ({self.via})"
