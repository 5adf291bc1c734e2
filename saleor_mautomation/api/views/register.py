from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_mautomation.api.responses import error_response, unavailable
from saleor_mautomation.backfill.tasks import backfill_run
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.flows.handoff import handoff
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.saleor.services import installation_register
from saleor_mautomation.segments.builtin import segments_builtin_ensure

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    """Saleor's token exchange: ``{"auth_token": ...}`` with the ``Saleor-Api-Url`` header."""
    saleor_api_url = request.headers.get("Saleor-Api-Url", "")
    if not saleor_api_url:
        return error_response(400, "Missing Saleor-Api-Url header", "missing_api_url")
    try:
        body = json.loads(request.body)
        auth_token = body["auth_token"]
        if not isinstance(auth_token, str) or not auth_token:
            raise TypeError
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        return error_response(400, 'Expected a JSON body {"auth_token": "..."}', "bad_request")
    try:
        installation = installation_register(
            saleor_api_url=saleor_api_url,
            auth_token=auth_token,
            allowed_patterns=settings.ALLOWED_SALEOR_URLS,
            grace=settings.UNINSTALL_GRACE,
        )
    except RetryableError as exc:
        logger.warning("Registration from %s failed: %s", saleor_api_url, exc.message)
        return error_response(503, f"Cannot reach Saleor: {exc.message}", exc.code)
    except PermanentError as exc:
        logger.warning("Registration from %s refused: %s", saleor_api_url, exc.message)
        status = {
            "saleor_url_not_allowed": 403,
            "address_not_allowed": 403,
            "already_installed": 409,
        }.get(exc.code, 400)
        return error_response(status, exc.message, exc.code)
    except DatabaseError:
        logger.exception("Registration from %s: database unavailable", saleor_api_url)
        return unavailable()
    # Day one: the built-in segments and templates, then the shop's existing customers, orders and
    # checkouts (a re-install imports again; a re-install within the uninstall grace period keeps
    # the data it had, one after it starts afresh: saleor.services.installation_register).
    segments_builtin_ensure(installation_id=installation.pk, now=clock.now())
    templates_builtin_ensure(installation_id=installation.pk, now=clock.now())
    # Never waits on a broker that is down (the import is then started by `mautomation
    # backfill` or a later registration).
    transaction.on_commit(lambda: handoff(backfill_run, installation.pk))
    return JsonResponse({"success": True, "appId": installation.app_id})
