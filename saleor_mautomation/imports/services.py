"""Importing a CSV file: the job is stored, then its rows are applied in batches.

Each batch is applied in one transaction that also moves the job's ``done`` and its counts,
with the job's row locked (``SKIP LOCKED``: two workers never apply the same batch), so a
crash leaves the job at a batch boundary and the next task resumes after it. Rows go through
the domains' own services (``contacts.profile``, ``contacts.consent``,
``messages.services.suppression_add``), so an import is idempotent as they are: a row that says
what the app holds already changes nothing, and re-importing a file counts every row unchanged.

Consents are evidence, weighed against what the app holds: a subscription needs a date and the
source the admin named (on the ledger as source ``import``, with that name, the file and the
row in ``details``, at the date of the file), and never overrides a withdrawal the app holds
from the same day or later; an unsubscription older than a confirmation the app holds is
skipped too. Both skips are reported at their row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum

from django.db import transaction

from saleor_mautomation.contacts.attributes import attributes_apply
from saleor_mautomation.contacts.channels_consent import channel_consent_set
from saleor_mautomation.contacts.consent import Evidence, consent_imported
from saleor_mautomation.contacts.models import ConsentRecord, Contact, EmailConsent
from saleor_mautomation.contacts.profile import ProfileChange, profile_assign
from saleor_mautomation.contacts.services import contact_resolve, contacts_prefetched
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.imports.models import ImportJob, ImportRowError
from saleor_mautomation.imports.parsing import Kind, ParsedFile, Row, RowError, csv_parse
from saleor_mautomation.messages.models import Suppression
from saleor_mautomation.messages.services import suppression_add

logger = logging.getLogger(__name__)

SOURCE = "import"
BATCH_SIZE = 500
MAX_SOURCE_NAME = 200
Status = ImportJob.Status


class ImportInvalid(PermanentError):
    code = "import_invalid"


class Outcome(StrEnum):
    DONE = "done"
    PAUSED = "paused"  # the time slice ended: a continuation resumes
    BUSY = "busy"  # another worker holds the job
    IDLE = "idle"  # finished already, or no such job


class Result(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


class RowSkipped(Exception):
    """A valid row the app's own data refuses (an erased person, newer consent evidence),
    reported at the column of ``field``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def import_create(
    *,
    installation_id: int,
    kind: Kind,
    data: bytes,
    file_name: str,
    source_name: str,
    now: datetime,
) -> ImportJob:
    """The job for a file, checked as the preview checks it (``FileRefused`` for a file that
    cannot be read; ``ImportInvalid`` for consents without a named source)."""
    source_name = source_name.strip()
    if kind is Kind.CONSENTS and not source_name:
        raise ImportInvalid(
            "Name where these consents come from (e.g. 'Mailchimp export 2026-11'): "
            "it is recorded on the consent ledger",
            code="source_missing",
        )
    if len(source_name) > MAX_SOURCE_NAME:
        message = f"The source name has at most {MAX_SOURCE_NAME} characters"
        raise ImportInvalid(message, code="source_invalid")
    parsed = csv_parse(kind=kind, data=data, now=now)
    if not parsed.rows:
        raise ImportInvalid("The file has no rows below its header", code="file_empty")
    return ImportJob.objects.create(
        installation_id=installation_id,
        kind=kind,
        file_name=file_name.strip()[:255],
        source_name=source_name if kind is Kind.CONSENTS else "",
        content=data.decode("utf-8"),
        total=len(parsed.rows),
        created_at=now,
        updated_at=now,
    )


def import_execute(*, job_id: int, deadline: float, batch_size: int = BATCH_SIZE) -> Outcome:
    """Apply the job's remaining rows batch by batch until done or ``deadline`` (monotonic)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (Status.DONE, Status.FAILED):
        return Outcome.IDLE
    parsed = csv_parse(kind=Kind(job.kind), data=job.content.encode("utf-8"), now=clock.now())
    while True:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if locked is None:
                return Outcome.BUSY
            if locked.status in (Status.DONE, Status.FAILED):
                return Outcome.IDLE
            batch = parsed.rows[locked.done : locked.done + batch_size]
            _batch_apply(locked, batch, parsed)
            finished = locked.done >= len(parsed.rows)
            _job_advance(locked, len(batch), finished)
        if finished:
            return Outcome.DONE
        if clock.monotonic() >= deadline:
            return Outcome.PAUSED


def imports_stalled(*, before: datetime) -> list[int]:
    """Unfinished imports not advanced since ``before`` (their task was lost)."""
    return list(
        ImportJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING], updated_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def import_fail(*, job_id: int, message: str) -> None:
    """A job that cannot go on (its stored file no longer parses): failed, with the reason."""
    now = clock.now()
    ImportJob.objects.filter(pk=job_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=message, content="", finished_at=now, updated_at=now
    )


def _job_advance(job: ImportJob, handled: int, finished: bool) -> None:
    now = clock.now()
    job.done += handled
    job.updated_at = now
    job.started_at = job.started_at or now
    job.status = Status.DONE if finished else Status.RUNNING
    if finished:
        job.finished_at = now
        job.content = ""  # the people in it are imported or reported; the file goes
    job.save()


def _batch_apply(job: ImportJob, rows: Sequence[Row], parsed: ParsedFile) -> None:
    """The batch's rows in file order. The contacts they name are found and locked by one
    query (``contacts_prefetched``, which also knows the erased addresses among them), so a
    row costs only its own writes."""
    apply = APPLY[Kind(job.kind)]
    headers = {column.field: column.header for column in parsed.columns if column.field}
    emails = [str(row.values["email"]) for row in rows if row.valid]
    identities = [(job.installation_id, None, email) for email in emails]
    known = _known(job, emails)
    errors: list[ImportRowError] = []
    with contacts_prefetched(identities if job.kind != Kind.SUPPRESSIONS else []):
        for row in rows:
            if not row.valid:
                result = Result.SKIPPED
                errors += [_error(job, error) for error in row.errors]
            else:
                try:
                    result = apply(job, row, known)
                except RowSkipped as skipped:
                    result = Result.SKIPPED
                    column = headers.get(skipped.field, skipped.field)
                    errors.append(_error(job, RowError(row.row, column, skipped.message)))
            setattr(job, result.value, getattr(job, result.value) + 1)
    ImportRowError.objects.bulk_create(errors)


def _known(job: ImportJob, emails: list[str]) -> set[str]:
    """Of ``emails``, those the app has already: as contacts, or (suppressions) suppressed."""
    scoped = {"installation_id": job.installation_id}
    if job.kind == Kind.SUPPRESSIONS:
        suppressed = Suppression.objects.filter(**scoped, address__in=emails)
        return set(suppressed.values_list("address", flat=True))
    contacts = Contact.objects.filter(**scoped, email__in=emails)
    return {email for email in contacts.values_list("email", flat=True) if email}


def _error(job: ImportJob, error: RowError) -> ImportRowError:
    return ImportRowError(job=job, row=error.row, column=error.column, message=error.message)


def _contact(job: ImportJob, email: str, known: set[str]) -> tuple[Contact, bool]:
    """The contact of ``email``, made if new (``True``); an erased person's address is skipped:
    an import is not the person's own wish to be known again. (A row is refused before any
    write of its own, so a skipped row leaves nothing behind.)"""
    contact = contact_resolve(installation_id=job.installation_id, saleor_user_id=None, email=email)
    if contact is None:
        raise RowSkipped("email", "This address belongs to an erased person: not imported")
    created = email not in known
    known.add(email)
    return contact, created


def _contact_apply(job: ImportJob, row: Row, known: set[str]) -> Result:
    contact, created = _contact(job, row.values["email"], known)
    fields = {
        name: value
        for name, value in row.values.items()
        if name not in ("email", "phone") and getattr(contact, name) != value
    }
    changed = profile_assign(contact, ProfileChange(fields=fields))
    phone = row.values.get("phone")
    if phone and contact.phone != phone:
        contact.phone = phone
        changed.append("phone")
    if attributes_apply(contact, row.attributes, now=clock.now()):
        changed += ["metadata", "attribute_writes"]
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    if created:
        return Result.CREATED
    return Result.UPDATED if changed else Result.UNCHANGED


def _latest(contact: Contact, channel: str, action: ConsentRecord.Action) -> datetime | None:
    return (
        ConsentRecord.objects.filter(contact=contact, channel=channel, action=action)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )


def _consent_apply(job: ImportJob, row: Row, known: set[str]) -> Result:
    contact, created = _contact(job, row.values["email"], known)
    channel, granted = str(row.values["channel"]), bool(row.values["granted"])
    state = getattr(contact, f"{channel}_consent")
    wanted = EmailConsent.GRANTED if granted else EmailConsent.WITHDRAWN
    if state == wanted:
        return Result.CREATED if created else Result.UNCHANGED
    when: datetime = row.values.get("date") or clock.now()
    if granted:
        withdrawn = _latest(contact, channel, ConsentRecord.Action.WITHDRAWN)
        if (withdrawn is not None and withdrawn >= when) or (
            withdrawn is None and state == EmailConsent.WITHDRAWN
        ):
            since = f" on {withdrawn:%Y-%m-%d}" if withdrawn else ""
            raise RowSkipped(
                "status",
                f"Unsubscribed{since}, after this consent: not subscribed again",
            )
    else:
        confirmed = _latest(contact, channel, ConsentRecord.Action.CONFIRMED)
        if state == EmailConsent.GRANTED and confirmed is not None and confirmed > when:
            raise RowSkipped(
                "status",
                f"Subscribed again on {confirmed:%Y-%m-%d}, after this withdrawal: kept",
            )
    evidence = Evidence(source=SOURCE, text_version=str(row.values.get("text_version", "")))
    details: dict[str, object] = {"source": job.source_name, "file": job.file_name}
    details |= {"row": row.row, "import": job.pk}
    if channel == "email":
        consent_imported(
            contact=contact, granted=granted, evidence=evidence, occurred_at=when, details=details
        )
    else:
        channel_consent_set(
            contact=contact,
            channel="sms",
            granted=granted,
            evidence=evidence,
            now=when,
            details=details,
        )
    return Result.CREATED if created else Result.UPDATED


def _suppression_apply(job: ImportJob, row: Row, known: set[str]) -> Result:
    address = str(row.values["email"])
    if address in known:
        return Result.UNCHANGED
    detail = f"Imported from {job.file_name or 'a CSV file'}"
    if row.values["detail"]:
        detail = f"{detail}: {row.values['detail']}"
    suppression_add(
        installation_id=job.installation_id,
        address=address,
        reason=str(row.values["reason"]),
        detail=detail,
        now=clock.now(),
    )
    return Result.CREATED


APPLY: dict[Kind, Callable[[ImportJob, Row, set[str]], Result]] = {
    Kind.CONTACTS: _contact_apply,
    Kind.CONSENTS: _consent_apply,
    Kind.SUPPRESSIONS: _suppression_apply,
}


def import_preview(*, kind: Kind, data: bytes, now: datetime) -> ParsedFile:
    """What an import of the file would read: nothing is written."""
    return csv_parse(kind=kind, data=data, now=now)
