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
