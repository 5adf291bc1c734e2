"""Error bodies in Saleor's shape, ``{"error": {"message": ..., "code": ...}}``.

Saleor shows ``error.message`` to the admin when an installation fails, so it says why.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import JsonResponse, StreamingHttpResponse

UNAVAILABLE = "Temporarily unavailable, please retry"
RETRY_AFTER = {"Retry-After": "5"}


def error_body(message: str, code: str) -> dict[str, object]:
    return {"error": {"message": message, "code": code}}


def error_response(status: int, message: str, code: str, **headers: str) -> JsonResponse:
    response = JsonResponse(error_body(message, code), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def unavailable(message: str = UNAVAILABLE) -> JsonResponse:
    return error_response(503, message, "unavailable", **RETRY_AFTER)


def csv_download(chunks: Iterator[str], filename: str) -> StreamingHttpResponse:
    """A CSV file streamed as it is written, saved by the browser as ``filename``, never cached."""
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
