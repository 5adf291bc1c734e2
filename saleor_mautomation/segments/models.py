from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q


class Segment(models.Model):
    """A saved, dynamic selection of contacts: its definition (``definition.py``) and what
    evaluating it needs to know without recompiling: which facts can change a contact's
    membership (``facts``: ``profile``, ``event:<type>``, ``segment:<id>``), whether time alone
    can (``time_dependent``: sliding windows, ages, birthdays), and its depth among segments
    that refer to other segments (evaluated after the ones they refer to)."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        ARCHIVED = "archived"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, default="")
    definition = models.JSONField()
    revision = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Stable within the installation (what the write-back to Saleor carries); built-in
    # segments (lifecycle stages, RFM classes) have fixed keys such as ``champions``.
    key = models.SlugField(max_length=64)
    is_builtin = models.BooleanField(default=False)
    # The storefront may ask whether the current visitor is in it (its key only, never its
    # definition): graphql/personalisation.
    storefront_visible = models.BooleanField(default=False)
    facts = models.JSONField(default=list)
    time_dependent = models.BooleanField(default=False)
    depth = models.PositiveSmallIntegerField(default=0)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[Segment]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "key"], name="segment_unique_key")
        ]
        indexes = [models.Index(fields=["installation", "status"], name="segment_status")]

    def __str__(self) -> str:
        return self.name


class SegmentRevision(models.Model):
    """Every saved definition of a segment, so a change can be traced and undone."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    definition = models.JSONField()
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[SegmentRevision]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "revision"], name="segment_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} r{self.revision}"


class Membership(models.Model):
    """One stay of a contact in a segment: open (``exited_at`` empty) while it lasts.

    A contact who leaves and comes back gets a new row, so the rows are the history; at most
    one open row per segment and contact (the partial unique constraint makes concurrent
    evaluations of the same contact safe: the second insert does nothing; its index also
    serves counting a segment's members).
    """

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    contact = models.ForeignKey("mautomation.Contact", on_delete=models.CASCADE)
    entered_at = models.DateTimeField()
    exited_at = models.DateTimeField(null=True, blank=True)
    # A bulk rebuild's entry the segment's journeys have not read yet: the next step
    # (``flows``) reads these rows, so a worker dying between the two loses no entry.
    entry_pending = models.BooleanField(default=False)

    objects: ClassVar[models.Manager[Membership]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "contact"],
                condition=Q(exited_at__isnull=True),
                name="membership_unique_open",
            )
        ]
        indexes = [
            models.Index(fields=["contact", "segment"], name="membership_contact"),
            models.Index(fields=["segment", "entered_at"], name="membership_segment_time"),
            models.Index(
                fields=["segment"], name="membership_entry_pending", condition=Q(entry_pending=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.segment_id}"


class StaticList(models.Model):
    """A list contacts are put on and taken off explicitly (by journeys, imports or the admin),
    as opposed to a segment, whose members follow from its conditions."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[models.Manager[StaticList]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "key"], name="static_list_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class StaticListMember(models.Model):
    static_list = models.ForeignKey(StaticList, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey("mautomation.Contact", on_delete=models.CASCADE)
    added_at = models.DateTimeField()
    source = models.CharField(max_length=64, blank=True, default="")

    objects: ClassVar[models.Manager[StaticListMember]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["static_list", "contact"], name="static_list_member_unique"
            )
        ]
        indexes = [models.Index(fields=["contact"], name="static_list_member_contact")]

    def __str__(self) -> str:
        return f"{self.contact_id} on {self.static_list_id}"
