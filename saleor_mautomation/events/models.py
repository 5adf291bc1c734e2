from __future__ import annotations

from typing import ClassVar

from django.db import models


class Event(models.Model):
    """The append-only history of what contacts did and what happened to them.

    ``dedupe_key`` makes recording idempotent: a replayed delivery or a backfill of something
    already seen writes nothing. ``contact`` is a lazy reference (rows, not imports, link the
    layers); erasing a contact deletes its events.
    """

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    contact = models.ForeignKey(
        "mautomation.Contact", null=True, blank=True, on_delete=models.CASCADE
    )
    type = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=32)
    properties = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200)

    objects: ClassVar[models.Manager[Event]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "dedupe_key"], name="event_dedupe")
        ]
        indexes = [
            models.Index(fields=["contact", "occurred_at"], name="event_contact_time"),
            # With the contact (PostgreSQL: INCLUDE), "who did X in this window" is read
            # from the index alone: segment counts never touch the event rows.
            models.Index(
                fields=["installation", "type", "occurred_at"],
                include=["contact"],
                name="event_type_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} at {self.occurred_at:%Y-%m-%d %H:%M}"


class DailyTally(models.Model):
    """Daily rollups for reports: one counter (and an amount, in one currency) per day, shop,
    origin and metric, added to as things happen (``events.tallies``), never rescanned.

    The origin columns are plain numbers (0: none) and strings ('' : none), not foreign keys: a
    tally outlives what it counts (an erased person's messages and runs still count, a deleted
    template's sends too) and unique keys must not hold NULLs. ``day`` is the UTC day.
    ``amount_sq`` sums the squares of the amounts (revenue per recipient's variance).
    """

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    day = models.DateField()
    metric = models.CharField(max_length=24)
    journey_id = models.BigIntegerField(default=0)
    version_id = models.BigIntegerField(default=0)
    node = models.CharField(max_length=40, blank=True, default="")
    template_id = models.BigIntegerField(default=0)
    broadcast = models.BooleanField(default=False)
    channel = models.CharField(max_length=16, blank=True, default="")
    split_node = models.CharField(max_length=40, blank=True, default="")
    split_branch = models.SmallIntegerField(default=-1)
    holdout = models.BooleanField(default=False)
    currency = models.CharField(max_length=3, blank=True, default="")
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=4, default=0)
    amount_sq = models.DecimalField(max_digits=24, decimal_places=4, default=0)

    objects: ClassVar[models.Manager[DailyTally]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "installation",
                    "day",
                    "metric",
                    "journey_id",
                    "version_id",
                    "node",
                    "template_id",
                    "broadcast",
                    "channel",
                    "split_node",
                    "split_branch",
                    "holdout",
                    "currency",
                ],
                name="daily_tally_key",
            )
        ]
        indexes = [
            # A few metrics over a range (recovered checkouts, list growth): read alone.
            models.Index(fields=["installation", "metric", "day"], name="daily_tally_metric"),
            models.Index(fields=["installation", "journey_id", "day"], name="daily_tally_journey"),
            models.Index(
                fields=["installation", "template_id", "day"], name="daily_tally_template"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.count}"
