from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q


class BackfillRun(models.Model):
    """One import of one kind of Saleor object (customers, orders or checkouts) for a shop.

    ``cursor`` is the end cursor of the last page whose nodes were ingested in the same
    transaction that stored it, so a crash never skips nor double-counts a page: the next run
    resumes after it. At most one run per installation and resource is unfinished (the
    constraint below); a finished run is kept as history and a new request starts a new run.

    ``owner`` and ``updated_at`` form a lease: the worker running the import writes both with
    every page, and another worker takes a ``running`` run over only once ``updated_at`` is
    older than the lease (its worker died), never while it is alive.
    """

    class Resource(models.TextChoices):
        # In import order: customers first, so orders and checkouts attach to full profiles.
        CUSTOMERS = "customers"
        ORDERS = "orders"
        CHECKOUTS = "checkouts"

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    resource = models.CharField(max_length=16, choices=Resource.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    cursor = models.TextField(blank=True, default="")
    total = models.PositiveIntegerField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # Fields Saleor could not serialise on some page, left out of that page's request (paths
    # below the node, e.g. ``chargeStatus`` or ``lines.thumbnail``), in the order met.
    dropped_fields = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")
    owner = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[BackfillRun]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "resource"],
                condition=~Q(status="done"),
                name="backfill_one_current_run",
            )
        ]

    def __str__(self) -> str:
        return f"Backfill of {self.resource} ({self.status}, {self.done}/{self.total})"
