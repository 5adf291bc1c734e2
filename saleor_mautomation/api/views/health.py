from __future__ import annotations

from celery import current_app as celery_app
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from kombu.exceptions import KombuError


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers."""
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"unavailable: {exc.__class__.__name__}"
    return "ok"


def _broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except (KombuError, OSError) as exc:
        return f"unavailable: {exc.__class__.__name__}"
    return "ok"


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: the database and the broker are reachable."""
    checks = {"database": _database(), "broker": _broker()}
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
