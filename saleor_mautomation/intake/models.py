from __future__ import annotations

from typing import ClassVar

from django.db import models

from saleor_mautomation.saleor.models import Installation


class Delivery(models.Model):
    """One webhook delivery from Saleor, stored verbatim before it is answered.

    The raw body is kept byte for byte (the signature covers those bytes), deduplicated per
    installation by its SHA-256, and processed later by the drain task. Deliveries that were
    signed but could not be understood are kept as ``rejected`` for inspection.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        PROCESSED = "processed"
        IGNORED = "ignored"
        FAILED = "failed"
        REJECTED = "rejected"

    # The unique (installation, body_sha256) index serves look-ups by installation: a second
    # index would cost every stored delivery one more index insert.
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, db_index=False)
    event = models.CharField(max_length=64)
    body = models.BinaryField()
    body_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    received_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Delivery]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "body_sha256"], name="delivery_unique_body"
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                name="delivery_pending",
                condition=models.Q(status="pending"),
            ),
            # The Dashboard's failures list (per installation, latest first) and the failed
            # count of /readyz: a few rows among every delivery kept for the retention.
            models.Index(
                fields=["installation", "processed_at"],
                name="delivery_failed",
                condition=models.Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk} ({self.status})"
