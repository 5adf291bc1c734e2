from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_mautomation.api.responses import RETRY_AFTER, UNAVAILABLE, error_body
from saleor_mautomation.core.errors import RetryableError
from saleor_mautomation.intake.errors import DeliveryRejected
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.intake.tasks import drain_nudge
from saleor_mautomation.saleor.errors import InstallationNotFound, SignatureInvalid

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, object]
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, message: str, code: str, **headers: str) -> Answer:
    return Answer(status, error_body(message, code), headers)


def webhook_answer(*, api_url: str, event: str, signature: str, body: bytes) -> Answer:
    """Every async Saleor event: 200 once stored, 401 unverified, 400 unusable, 503 transient.

    Served by ``api.wsgi.WebhookIntake`` in production and by the view below otherwise.
    """
    try:
        received = delivery_receive(
            saleor_api_url=api_url,
            event=event,
            signature=signature,
            body=body,
            on_stored=drain_nudge,
        )
    except (InstallationNotFound, SignatureInvalid) as exc:
        return _error(401, exc.message, exc.code)
    except DeliveryRejected as exc:
        return _error(400, exc.message, exc.code)
    except RetryableError as exc:
        logger.warning("Webhook not verified (transient): %s", exc.message)
        return _error(503, exc.message, "unavailable", **RETRY_AFTER)
    except (OperationalError, InterfaceError):
        logger.exception("Webhook not stored: database unavailable")
        return _error(503, UNAVAILABLE, "unavailable", **RETRY_AFTER)
    except DatabaseError:
        logger.exception("Webhook not stored: database error")
        return _error(503, UNAVAILABLE, "unavailable", **RETRY_AFTER)
    return Answer(200, {"status": received.value})


@csrf_exempt
@require_POST
def saleor_webhook(request: HttpRequest) -> JsonResponse:
    headers = request.headers
    answer = webhook_answer(
        api_url=headers.get("Saleor-Api-Url", ""),
        event=headers.get("Saleor-Event", "") or headers.get("X-Saleor-Event", ""),
        signature=headers.get("Saleor-Signature", "") or headers.get("X-Saleor-Signature", ""),
        body=request.body,
    )
    response = JsonResponse(answer.body, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
