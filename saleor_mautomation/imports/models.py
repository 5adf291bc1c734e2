from __future__ import annotations

from typing import ClassVar

from django.db import models


class ImportJob(models.Model):
    """One CSV file imported for a shop: its rows applied in batches, in the background.

    ``done`` counts the file's rows handled so far (skipped ones too), moved in the same
    transaction as each batch's writes, so a crash never applies a batch twice nor skips one:
    the next task resumes after the last committed batch. ``content`` holds the file until the
    import ends and is then emptied (the row errors stay, as ``ImportRowError``).
    """

    class Kind(models.TextChoices):
        CONTACTS = "contacts"
        CONSENTS = "consents"
        SUPPRESSIONS = "suppressions"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    installation = models.ForeignKey("mautomation.Installation", on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=255, blank=True, default="")
    # The admin's name for where consents in the file come from ("Mailchimp export 2026-11"),
    # written to each consent's ledger row; empty for contacts and suppressions.
    source_name = models.CharField(max_length=200, blank=True, default="")
    content = models.TextField(blank=True, default="")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[ImportJob]]

    class Meta:
        indexes = [models.Index(fields=["installation", "-id"], name="import_job_recent")]

    def __str__(self) -> str:
        return f"Import of {self.kind} ({self.status}, {self.done}/{self.total})"


class ImportRowError(models.Model):
    """Why one row of an imported file was skipped: at its row (line in the file) and column."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=255, blank=True, default="")
    message = models.TextField()

    objects: ClassVar[models.Manager[ImportRowError]]

    class Meta:
        indexes = [models.Index(fields=["job", "row"], name="import_row_error_job")]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.message}"
