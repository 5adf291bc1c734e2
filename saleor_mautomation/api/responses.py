"""Error bodies in Saleor's shape, ``{"error": {"message": ..., "code": ...}}``.

Saleor shows ``error.message`` to the admin when an installation fails, so it says why.
"""

from __future__ import annotations

from django.http import JsonResponse

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
