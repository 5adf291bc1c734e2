from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.crypto import EncryptedTextField


class Journey(models.Model):
    """A journey the admin edits (``draft``) and publishes as immutable versions."""

    class Status(models.TextChoices):
        DRAFT = "draft"
        ACTIVE = "active"
        PAUSED = "paused"
        ARCHIVED = "archived"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    key = models.SlugField(max_length=64)
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    draft = models.JSONField(default=dict, blank=True)
    # Where the editor draws the draft's nodes (``journeys.layout``); the engine never reads it.
    layout = models.JSONField(default=dict, blank=True)
    # For an external trigger entry: the secret a caller of /api/triggers/<key> shows.
    trigger_secret = EncryptedTextField(blank=True, default="")
    current_version = models.ForeignKey(
        "JourneyVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[models.Manager[Journey]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "key"], name="journey_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class JourneyVersion(models.Model):
    """A published definition: never changed; runs stay on the version they entered."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    layout = models.JSONField(default=dict, blank=True)  # the draft's, as it was published
    published_at = models.DateTimeField()
    # A broadcast entry: when this version's segment snapshot was enrolled (once per version).
    broadcast_enrolled_at = models.DateTimeField(null=True, blank=True)
    # A broadcast with a test share (``entry.test``): when its winner was chosen, the branch,
    # whether it won significantly (else: the best rate seen), and when the rest (``Broad-
    # castRest``) had all entered with it.
    test_decided_at = models.DateTimeField(null=True, blank=True)
    test_winner = models.PositiveSmallIntegerField(null=True, blank=True)
    test_significant = models.BooleanField(default=False)
    test_rest_entered_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[JourneyVersion]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journey", "number"], name="journey_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.journey_id} v{self.number}"


class BroadcastRest(models.Model):
    """A contact of a broadcast's snapshot outside its test share: waits for the winner. The
    row goes when the contact enters (``entries.broadcast_rest_enter``); erasing the contact
    takes it away too."""

    version = models.ForeignKey(JourneyVersion, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("mautomation.Contact", on_delete=models.CASCADE, related_name="+")

    objects: ClassVar[models.Manager[BroadcastRest]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "contact"], name="broadcast_rest_unique")
        ]

    def __str__(self) -> str:
        return f"rest of {self.version_id}: {self.contact_id}"


class JourneyRun(models.Model):
    """One contact's way through one journey version.

    At most one run per journey, contact and entry key is open (``waiting``) at a time (the
    partial unique constraint; e.g. one per abandoned checkout); the scheduler wakes runs whose
    ``wake_at`` passed, claiming them with SKIP LOCKED.
    """

    class Status(models.TextChoices):
        WAITING = "waiting"
        EXITED = "exited"
        FAILED = "failed"  # its step kept failing (``journeys.failures``)

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(JourneyVersion, on_delete=models.PROTECT, related_name="runs")
    # Empty once its person is erased: the run stays, blanked, so what the journey did (runs
    # entered, goals reached, their revenue) still counts in reports (``journeys.privacy``).
    contact = models.ForeignKey(
        "mautomation.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    entry_key = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    node = models.CharField(max_length=40)
    node_entered_at = models.DateTimeField()
    wake_at = models.DateTimeField(null=True, blank=True)
    holdout = models.BooleanField(default=False)
    exit_reason = models.CharField(max_length=32, blank=True, default="")
    context = models.JSONField(default=dict, blank=True)
    entered_at = models.DateTimeField()
    exited_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)  # failed attempts at its step
    error = models.TextField(blank=True, default="")
    # The branch it took at each split it passed ({"<node>": 0}): A/B results per branch.
    branches = models.JSONField(default=dict, blank=True)
    # Reached the journey's goal: when, and what the goal's order was worth (0 for a goal
    # that is not an order), in its currency.
    converted_at = models.DateTimeField(null=True, blank=True)
    goal_revenue = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    goal_currency = models.CharField(max_length=3, blank=True, default="")

    objects: ClassVar[models.Manager[JourneyRun]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "contact", "entry_key"],
                condition=Q(status="waiting"),
                name="journey_run_unique_open",
            )
        ]
        indexes = [
            models.Index(fields=["wake_at"], name="journey_run_due", condition=Q(status="waiting")),
            models.Index(fields=["contact", "status"], name="journey_run_contact"),
            models.Index(
                fields=["installation", "exited_at"],
                name="journey_run_failed",
                condition=Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} at {self.node}"

    @property
    def person_id(self) -> int:
        """The contact of a run that still has one: every run the engine moves (an erased
        run has exited and never moves again)."""
        assert self.contact_id is not None, f"run {self.pk} was erased"
        return self.contact_id

    @property
    def person(self) -> Contact:
        contact = self.contact
        assert contact is not None, f"run {self.pk} was erased"
        return contact


class RunStep(models.Model):
    """The step log: every node a run passed and what it did there."""

    run = models.ForeignKey(JourneyRun, on_delete=models.CASCADE, related_name="steps")
    node = models.CharField(max_length=40)
    kind = models.CharField(max_length=24)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    objects: ClassVar[models.Manager[RunStep]]

    class Meta:
        indexes = [models.Index(fields=["run", "at"], name="run_step_time")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.node} {self.kind}"


class JourneyVoucher(models.Model):
    """The Saleor voucher behind one give-voucher step of one version: created once (single
    use, an end date, a value per channel); each run adds its own code to it."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    version = models.ForeignKey(JourneyVersion, on_delete=models.CASCADE, related_name="vouchers")
    node = models.CharField(max_length=40)
    saleor_voucher_id = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    objects: ClassVar[models.Manager[JourneyVoucher]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "node"], name="journey_voucher_unique")
        ]

    def __str__(self) -> str:
        return f"voucher {self.saleor_voucher_id} of {self.version_id}/{self.node}"


class ThresholdLine(models.Model):
    """A line on a numeric custom attribute that an active journey names (or once named):
    ``journeys/attribute_thresholds.py``. ``watched`` while an active journey names it; when
    it becomes watched, every contact's side is read afresh without recording crossings (the
    baseline). ``swept_at``: the safety-net sweep's watermark (contacts whose row changed
    since, less an overlap, are read again)."""

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    attribute = models.CharField(max_length=100)
    threshold = models.DecimalField(max_digits=30, decimal_places=10)
    watched = models.BooleanField(default=True)
    baselined_at = models.DateTimeField()
    swept_at = models.DateTimeField()

    objects: ClassVar[models.Manager[ThresholdLine]]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "attribute", "threshold"], name="threshold_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attribute} at {self.threshold} ({self.installation_id})"


class ThresholdSide(models.Model):
    """A contact at or above a line (a contact without a row is below it), and the crossings
    recorded for it so far (the next crossing's number, in its event's dedupe key)."""

    line = models.ForeignKey(ThresholdLine, on_delete=models.CASCADE, db_index=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    above = models.BooleanField()
    crossings = models.PositiveIntegerField(default=0)

    objects: ClassVar[models.Manager[ThresholdSide]]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "contact"], name="threshold_side_unique")
        ]

    def __str__(self) -> str:
        return f"contact {self.contact_id} {'above' if self.above else 'below'} {self.line_id}"
