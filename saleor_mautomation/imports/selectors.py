"""Reads of imports, each scoped to its installation."""

from __future__ import annotations

from collections.abc import Iterator

from saleor_mautomation.imports.models import ImportJob, ImportRowError


def import_get(*, installation_id: int, job_id: int) -> ImportJob | None:
    return ImportJob.objects.filter(installation_id=installation_id, pk=job_id).first()


def imports_recent(*, installation_id: int, limit: int) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(installation_id=installation_id)
        .defer("content")
        .order_by("-id")[:limit]
    )


def row_errors(*, job: ImportJob, limit: int | None = None) -> list[ImportRowError]:
    query = ImportRowError.objects.filter(job=job).order_by("row", "id")
    return list(query[:limit] if limit is not None else query)


def row_error_count(*, job: ImportJob) -> int:
    return ImportRowError.objects.filter(job=job).count()


def row_errors_csv(*, job: ImportJob, chunk: int = 2000) -> Iterator[ImportRowError]:
    """Every row error of the job in file order, read in chunks (a file may have 200,000)."""
    yield from ImportRowError.objects.filter(job=job).order_by("row", "id").iterator(chunk)
