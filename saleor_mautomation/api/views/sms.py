"""Twilio's webhooks: ``POST /api/sms/twilio/<installation>/status`` (each message's status
callback) and ``POST /api/sms/twilio/<installation>/inbound`` (texts to the shop's number).

Both are signed with the installation's auth token (``X-Twilio-Signature`` over the URL
Twilio called, which is ours: ``APP_URL`` and the path, whatever proxy is in front) and
answer 403 when the signature does not verify, 200 for anything applied or deliberately
ignored, 503 only when the database is unavailable (Twilio may try again).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_mautomation.api.responses import error_response, unavailable
from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages.sms import (
    sms_inbound_apply,
    sms_signature_valid,
    sms_status_apply,
)

logger = logging.getLogger(__name__)
# An empty TwiML answer: no reply text from the app (Twilio sends its own STOP confirmation).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _signed(request: HttpRequest, installation_id: int) -> bool:
    return sms_signature_valid(
        installation_id=installation_id,
        url=f"{settings.APP_URL.rstrip('/')}{request.get_full_path()}",
        params=request.POST,
        signature=request.headers.get("X-Twilio-Signature", ""),
    )


def _error_code(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest, installation_id: int) -> HttpResponse:
    try:
        if not _signed(request, installation_id):
            return error_response(403, "The Twilio signature does not verify", "bad_signature")
        now = clock.now()
        with unit_of_work(now=now):  # a bounce reaches segments and journeys
            sms_status_apply(
                installation_id=installation_id,
                message_sid=request.POST.get("MessageSid", ""),
                status=request.POST.get("MessageStatus", ""),
                error_code=_error_code(request.POST.get("ErrorCode", "")),
                now=now,
            )
    except DatabaseError:
        logger.exception("A Twilio status callback could not be applied")
        return unavailable()
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest, installation_id: int) -> HttpResponse:
    try:
        if not _signed(request, installation_id):
            return error_response(403, "The Twilio signature does not verify", "bad_signature")
        now = clock.now()
        with unit_of_work(now=now):  # STOP and START change consent: segments follow
            sms_inbound_apply(
                installation_id=installation_id,
                from_number=request.POST.get("From", ""),
                body=request.POST.get("Body", ""),
                now=now,
                message_sid=request.POST.get("MessageSid", ""),
            )
    except DatabaseError:
        logger.exception("An incoming text could not be applied")
        return unavailable()
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")
