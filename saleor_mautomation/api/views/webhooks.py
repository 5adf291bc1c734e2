from __future__ import annotations

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_mautomation.api.responses import error_response, unavailable
from saleor_mautomation.core.errors import RetryableError
from saleor_mautomation.intake.errors import DeliveryRejected
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.intake.tasks import drain_nudge
from saleor_mautomation.saleor.errors import InstallationNotFound, SignatureInvalid

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def saleor_webhook(request: HttpRequest) -> JsonResponse:
    """Every async Saleor event: 200 once stored, 401 unverified, 400 unusable, 503 transient."""
    headers = request.headers
    try:
        received = delivery_receive(
            saleor_api_url=headers.get("Saleor-Api-Url", ""),
            event=headers.get("Saleor-Event", "") or headers.get("X-Saleor-Event", ""),
            signature=headers.get("Saleor-Signature", "") or headers.get("X-Saleor-Signature", ""),
            body=request.body,
            on_stored=drain_nudge,
        )
    except (InstallationNotFound, SignatureInvalid) as exc:
        return error_response(401, exc.message, exc.code)
    except DeliveryRejected as exc:
        return error_response(400, exc.message, exc.code)
    except RetryableError as exc:
        logger.warning("Webhook not verified (transient): %s", exc.message)
        return unavailable(exc.message)
    except (OperationalError, InterfaceError):
        logger.exception("Webhook not stored: database unavailable")
        return unavailable()
    except DatabaseError:
        logger.exception("Webhook not stored: database error")
        return unavailable()
    return JsonResponse({"status": received.value})
