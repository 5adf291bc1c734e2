from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_mautomation.api.responses import RETRY_AFTER, UNAVAILABLE, error_body
from saleor_mautomation.core.errors import RetryableError
from saleor_mautomation.flows.tasks import drain_nudge
from saleor_mautomation.intake.errors import DeliveryRejected
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.saleor.errors import InstallationNotFound, SignatureInvalid

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str, code: str, **headers: str) -> Answer:
    return Answer(status, error_body(message, code), headers)


def _unavailable(message: str = UNAVAILABLE) -> Answer:
    return _error(503, message, "unavailable", **RETRY_AFTER)


def _header(meta: Mapping[str, Any], name: str, *, legacy: bool = False) -> str:
    """A request header from its WSGI environ (Django's ``request.META`` is one); ``legacy``
    also takes the older ``X-``-prefixed name Saleor sent for the event and the signature."""
    value = meta.get(f"HTTP_{name}") or (meta.get(f"HTTP_X_{name}") if legacy else None)
    return str(value or "")


def webhook_answer(meta: Mapping[str, Any], body: bytes) -> Answer:
    """Every async Saleor event: 200 once stored, 401 unverified, 400 unusable, 503 transient.

    ``meta`` holds the request's headers as a WSGI environ does. Served by
    ``api.wsgi.WebhookIntake`` in production and by the view below otherwise.
    """
    try:
        received = delivery_receive(
            saleor_api_url=_header(meta, "SALEOR_API_URL"),
            event=_header(meta, "SALEOR_EVENT", legacy=True),
            signature=_header(meta, "SALEOR_SIGNATURE", legacy=True),
            body=body,
            on_stored=drain_nudge,
        )
    except (InstallationNotFound, SignatureInvalid) as exc:
        return _error(401, exc.message, exc.code)
    except DeliveryRejected as exc:
        return _error(400, exc.message, exc.code)
    except RetryableError as exc:
        logger.warning("Webhook not verified (transient): %s", exc.message)
        return _unavailable(exc.message)
    except (OperationalError, InterfaceError):
        logger.exception("Webhook not stored: database unavailable")
        return _unavailable()
    except DatabaseError:
        logger.exception("Webhook not stored: database error")
        return _unavailable()
    return Answer(200, {"status": received.value})


@csrf_exempt
@require_POST
def saleor_webhook(request: HttpRequest) -> JsonResponse:
    answer = webhook_answer(request.META, request.body)
    response = JsonResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
