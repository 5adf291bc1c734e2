"""``POST /api/triggers/<key>``: an external system starts journeys entered by that trigger.

Body: ``{"email": ...}`` or ``{"saleor_user_id": ...}`` or ``{"segment_id": N}``, optionally
``"context": {...}`` for the messages and, for one contact, ``"attributes": {"loyalty_points":
1200}`` (custom attributes set first: text, numbers, null removes one); header
``Authorization: Bearer <the journey's trigger secret>``. Answers 202 with the runs started, 401
for an unknown trigger or a wrong secret, 400 for a body that names nobody or bad attributes.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_mautomation.api.responses import error_response
from saleor_mautomation.contacts.attributes import AttributesInvalid, attributes_parse
from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.services import (
    TriggerRefused,
    TriggerTargetMissing,
    trigger_fire,
)
from saleor_mautomation.saleor.auth import bearer_token


@csrf_exempt
@require_POST
def trigger(request: HttpRequest, key: str) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise TypeError
        segment_id = body.get("segment_id")
        if segment_id is not None and not isinstance(segment_id, int):
            raise TypeError
        context = body.get("context") or {}
        if not isinstance(context, dict):
            raise TypeError
        attributes = attributes_parse(body["attributes"]) if "attributes" in body else None
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError):
        return error_response(400, "Expected a JSON object", "bad_request")
    except AttributesInvalid as exc:
        return error_response(400, str(exc), "bad_request")
    try:
        now = clock.now()
        with unit_of_work(now=now):  # the runs' first steps may change what segments read
            started = trigger_fire(
                key=key,
                secret=bearer_token(request.headers),
                now=now,
                email=body.get("email") if isinstance(body.get("email"), str) else None,
                saleor_user_id=(
                    body.get("saleor_user_id")
                    if isinstance(body.get("saleor_user_id"), str)
                    else None
                ),
                segment_id=segment_id,
                context=context,
                attributes=attributes,
            )
    except TriggerRefused as exc:
        status = 400 if isinstance(exc, TriggerTargetMissing) else 401
        return error_response(status, exc.message, exc.code)
    return JsonResponse({"started": started}, status=202)
