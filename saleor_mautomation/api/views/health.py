from __future__ import annotations

from celery import current_app as celery_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from saleor_mautomation.core.broker import broker_check
from saleor_mautomation.intake.failures import deliveries_failed
from saleor_mautomation.journeys.failures import runs_failed
from saleor_mautomation.messages.failures import messages_failed


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: the process answers (it touches neither the database nor the broker)."""
    return JsonResponse({"status": "ok"})


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"unavailable: {exc.__class__.__name__}"
    return "ok"


def _broker() -> str:
    """One connection attempt with the hand-off's short timeout, never kombu's retries."""
    return broker_check(celery_app, timeout=settings.BROKER_HANDOFF_TIMEOUT)


def _failed() -> dict[str, int] | str:
    """Failed items of every installation waiting for a retry or a discard (each count reads
    a partial or leading-status index, never the whole table)."""
    try:
        return {
            "deliveries": deliveries_failed(installation_id=None).count(),
            "runs": runs_failed(installation_id=None).count(),
            "messages": messages_failed(installation_id=None).count(),
        }
    except DatabaseError as exc:
        return f"unavailable: {exc.__class__.__name__}"


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: the database and the broker are reachable. The failed items are detail for
    whoever watches the service: each failed alone, the service is ready all the same."""
    checks = {"database": _database(), "broker": _broker()}
    ready = all(value == "ok" for value in checks.values())
    detail = {"failed": _failed()} if checks["database"] == "ok" else {}
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks, **detail},
        status=200 if ready else 503,
    )
