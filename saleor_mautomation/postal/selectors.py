"""Reads of print batches: the list for the Dashboard, and a batch's cards as CSV rows for
the print partner, read in keyset pages so a batch of any size streams in bounded memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from saleor_mautomation.contacts.models import ConsentRecord, Contact
from saleor_mautomation.core.csv_stream import csv_stream
from saleor_mautomation.postal.models import ADDRESS_FIELDS, PostalBatch, PostalItem
from saleor_mautomation.postal.services import CHANNEL, postal_address

EXPORT_CHUNK = 2_000
CSV_COLUMNS = (
    *ADDRESS_FIELDS,
    "template",
    "language",
    "greeting",
    "message",
    "voucher_code",
)
FIELDS = ("greeting", "message", "voucher_code")


def batches_list(*, installation_id: int, first: int = 100) -> list[PostalBatch]:
    """The newest batches first."""
    return list(
        PostalBatch.objects.filter(installation_id=installation_id).order_by("-created_at", "-pk")[
            :first
        ]
    )


def batch_get(*, installation_id: int, batch_id: int) -> PostalBatch | None:
    return PostalBatch.objects.filter(installation_id=installation_id, pk=batch_id).first()


def batch_csv(batch: PostalBatch) -> Iterator[str]:
    """The batch's cards as CSV text (``CSV_COLUMNS``), in the order they were added."""
    return csv_stream(CSV_COLUMNS, _rows(batch))


def _rows(batch: PostalBatch) -> Iterator[list[object]]:
    after = 0
    while True:
        page = list(
            PostalItem.objects.filter(batch=batch, status=PostalItem.Status.ADDED, pk__gt=after)
            .order_by("pk")
            .values_list("pk", *ADDRESS_FIELDS, "language", "fields")[:EXPORT_CHUNK]
        )
        if not page:
            return
        for _pk, *address, language, fields in page:
            yield [*address, batch.template, language, *(fields.get(f, "") for f in FIELDS)]
        after = page[-1][0]


@dataclass(frozen=True)
class PostalConsent:
    """A contact's postal consent as the profile shows it: the state, and the ledger's newest
    postal row that explains it (none when never asked); whether a card has an address."""

    consent: str
    changed_at: datetime | None
    source: str
    text_version: str
    evidence: str  # what the admin wrote (source ``dashboard``), else ""
    recorded_by: str  # the admin who recorded it (source ``dashboard``), else ""
    has_address: bool


def postal_consent_of(contact: Contact) -> PostalConsent:
    record = (
        ConsentRecord.objects.filter(contact=contact, channel=CHANNEL)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    details = record.details if record is not None and isinstance(record.details, dict) else {}
    return PostalConsent(
        consent=contact.postal_consent,
        changed_at=record.occurred_at if record is not None else None,
        source=record.source if record is not None else "",
        text_version=record.text_version if record is not None else "",
        evidence=str(details.get("evidence") or ""),
        recorded_by=str(details.get("by") or ""),
        has_address=postal_address(contact) is not None,
    )
