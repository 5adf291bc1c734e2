"""Print batches of postal mail: the contacts a journey's postal step added, per step and day,
with the address and the card's personalised fields as they were when added (what the print
partner prints), downloaded as CSV and marked sent to print by the shop's admin."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

# A card's address as the print partner reads it, in its CSV's order.
ADDRESS_FIELDS = (
    "name",
    "company",
    "address_line_1",
    "address_line_2",
    "postal_code",
    "city",
    "city_area",
    "country_area",
    "country",
)


class PostalBatch(models.Model):
    """One print run of one journey step: open until its cut-off (``closes_at``) or its
    download, whichever comes first; then closed (nothing more is added: the step's next
    contacts open a new batch, ``sequence`` + 1 for the same day), then ``sent`` when the
    admin says it went to the printer. ``journey_id`` is the journey's id (journeys sit above
    this package, so no foreign key)."""

    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"
        SENT = "sent"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    journey_id = models.BigIntegerField()
    journey_name = models.CharField(max_length=120)
    node = models.CharField(max_length=40)
    template = models.CharField(max_length=64)
    day = models.DateField()  # the UTC day of the cut-off that ends the batch
    sequence = models.PositiveSmallIntegerField(default=1)
    max_items = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    items_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=16, blank=True, default="")  # cut_off, download
    downloaded_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[PostalBatch]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "journey_id", "node", "day", "sequence"],
                name="postal_batch_unique_run",
            ),
            # One open batch per step at a time: two workers never open two.
            models.UniqueConstraint(
                fields=["installation", "journey_id", "node"],
                condition=Q(status="open"),
                name="postal_batch_one_open",
            ),
        ]
        indexes = [models.Index(fields=["installation", "-created_at"], name="postal_batch_list")]

    def __str__(self) -> str:
        return f"postal batch {self.pk} ({self.status})"


class PostalItem(models.Model):
    """One card for one contact, or the record of why the contact got none (``skipped``,
    with the reason). ``dedupe_key`` is the step's cause (run, node, visit), unique per
    installation: inserted in the run's transaction, so a retried or crashed step never adds
    a contact twice. The address columns are a copy taken when added (the print run must
    not change under the partner); an erasure empties them."""

    class Status(models.TextChoices):
        ADDED = "added"
        SKIPPED = "skipped"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    batch = models.ForeignKey(
        PostalBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    contact = models.ForeignKey(
        "mautomation.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    dedupe_key = models.CharField(max_length=200)
    journey_id = models.BigIntegerField()
    node = models.CharField(max_length=40)
    status = models.CharField(max_length=8, choices=Status.choices)
    reason = models.CharField(max_length=200, blank=True, default="")
    name = models.CharField(max_length=520, blank=True, default="")
    company = models.CharField(max_length=256, blank=True, default="")
    address_line_1 = models.CharField(max_length=256, blank=True, default="")
    address_line_2 = models.CharField(max_length=256, blank=True, default="")
    postal_code = models.CharField(max_length=20, blank=True, default="")
    city = models.CharField(max_length=256, blank=True, default="")
    city_area = models.CharField(max_length=128, blank=True, default="")
    country_area = models.CharField(max_length=128, blank=True, default="")
    country = models.CharField(max_length=2, blank=True, default="")
    language = models.CharField(max_length=8, blank=True, default="")
    fields = models.JSONField(default=dict, blank=True)  # the card's personalised fields
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[PostalItem]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "dedupe_key"], name="postal_item_unique_cause"
            )
        ]
        indexes = [
            models.Index(fields=["batch", "id"], name="postal_item_batch"),
            models.Index(fields=["contact", "created_at"], name="postal_item_contact"),
        ]

    def __str__(self) -> str:
        return f"postal item {self.pk} ({self.status})"
