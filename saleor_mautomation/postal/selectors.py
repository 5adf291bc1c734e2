"""Reads of print batches: the list for the Dashboard, and a batch's cards as CSV rows for
the print partner, read in keyset pages so a batch of any size streams in bounded memory."""

from __future__ import annotations

from collections.abc import Iterator

from saleor_mautomation.core.csv_stream import csv_stream
from saleor_mautomation.postal.models import ADDRESS_FIELDS, PostalBatch, PostalItem

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
