"""CSV imports from the Dashboard: ``POST /api/imports/preview``, ``POST /api/imports`` and
``GET /api/imports/<id>/errors.csv``.

The file is the request body as it is (``Content-Type: text/csv``), not a GraphQL string: a file
of up to 20 MB does not fit the API's body limit (1 MB, ADR 0016), would be escaped into JSON
on the way, and would be parsed by the GraphQL layer first. The body's length is checked
before it is read. Authenticated like the Dashboard's GraphQL calls (``dashboard_auth``),
everything scoped to that installation. The import's progress and result are read through
GraphQL (``csvImport``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import DatabaseError, transaction
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from saleor_mautomation.api.responses import csv_download, error_response, unavailable
from saleor_mautomation.api.views.dashboard_auth import Refused, dashboard_installation
from saleor_mautomation.core import clock
from saleor_mautomation.core.csv_stream import csv_stream
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.flows.handoff import handoff
from saleor_mautomation.imports import selectors, services
from saleor_mautomation.imports.ids import import_global_id, import_pk
from saleor_mautomation.imports.parsing import MAX_BYTES, PREVIEW_ROWS, Kind, ParsedFile
from saleor_mautomation.imports.tasks import csv_import_run

MAX_PREVIEW_ERRORS = 500


def _kind(request: HttpRequest) -> Kind:
    try:
        return Kind(request.GET.get("kind", ""))
    except ValueError:
        message = "Say what the file holds: kind=contacts, consents or suppressions"
        raise Refused(error_response(400, message, "kind_invalid")) from None


def _body(request: HttpRequest) -> bytes:
    """The file, read only once its announced length is within the limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refused(error_response(400, "Invalid Content-Length", "bad_request")) from None
    if length > MAX_BYTES:
        message = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it"
        raise Refused(error_response(413, message, "file_too_large"))
    return request.read(MAX_BYTES + 1)


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def preview_body(parsed: ParsedFile, preview_rows: int) -> dict[str, Any]:
    errors = parsed.errors
    return {
        "kind": str(parsed.kind),
        "delimiter": parsed.delimiter,
        "columns": [
            {"header": c.header, "field": c.field, "attribute": c.attribute} for c in parsed.columns
        ],
        "rows": [
            {
                "row": row.row,
                "values": {name: _value(value) for name, value in row.values.items()},
                "attributes": row.attributes,
                "errors": [{"column": e.column, "message": e.message} for e in row.errors],
            }
            for row in parsed.rows[:preview_rows]
        ],
        "total": len(parsed.rows),
        "valid": len(parsed.rows) - parsed.invalid,
        "invalid": parsed.invalid,
        "errors": [
            {"row": e.row, "column": e.column, "message": e.message}
            for e in errors[:MAX_PREVIEW_ERRORS]
        ],
        "errorCount": len(errors),
    }


@csrf_exempt
@require_POST
def import_preview(request: HttpRequest) -> HttpResponseBase:
    """What an import of the body would read: columns, the first rows, the rows' errors.
    Nothing is written."""
    try:
        dashboard_installation(request)
        kind = _kind(request)
        parsed = services.import_preview(kind=kind, data=_body(request), now=clock.now())
    except Refused as refused:
        return refused.response
    except PermanentError as exc:
        return error_response(400, exc.message, exc.code)
    return JsonResponse(preview_body(parsed, PREVIEW_ROWS))


@csrf_exempt
@require_POST
def import_start(request: HttpRequest) -> HttpResponseBase:
    """Store the body as an import job and hand it to the bulk queue: 202 with its ``id``."""
    try:
        installation = dashboard_installation(request)
        kind = _kind(request)
        data = _body(request)
        with transaction.atomic():
            job = services.import_create(
                installation_id=installation.pk,
                kind=kind,
                data=data,
                file_name=request.GET.get("fileName", ""),
                source_name=request.GET.get("source", ""),
                now=clock.now(),
            )
            transaction.on_commit(lambda: handoff(csv_import_run, job.pk))
    except Refused as refused:
        return refused.response
    except PermanentError as exc:
        return error_response(400, exc.message, exc.code)
    except DatabaseError:
        return unavailable()
    return JsonResponse({"id": import_global_id(job.pk), "total": job.total}, status=202)


@require_GET
def import_errors_csv(request: HttpRequest, import_id: str) -> HttpResponseBase:
    """The rows an import skipped, with why, as CSV (row, column, message) in file order."""
    try:
        installation = dashboard_installation(request)
    except Refused as refused:
        return refused.response
    job_id = import_pk(import_id)
    job = (
        None
        if job_id is None
        else selectors.import_get(installation_id=installation.pk, job_id=job_id)
    )
    if job is None:
        return error_response(404, "No such import", "not_found")
    rows = ((e.row, e.column, e.message) for e in selectors.row_errors_csv(job=job))
    chunks = csv_stream(["row", "column", "message"], rows)
    return csv_download(chunks, f"import-{job.pk}-errors.csv")
