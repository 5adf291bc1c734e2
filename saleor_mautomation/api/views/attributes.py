"""``POST /api/installations/<id>/attributes``: another system sets one contact's custom
attributes, authorized by a shop-level API key (``saleor/api_keys.py``), entering no journey.

Body: ``{"email": ...}`` or ``{"saleor_user_id": ...}`` with ``"attributes": {"loyalty_points":
1200, "tier": "gold", "old_key": null}``; headers ``Authorization: Bearer <API key>`` and,
optionally, ``Idempotency-Key``. The crossings of the lines the shop's journeys watch are read
in the same transaction (``journeys/attribute_thresholds.py``). Answers 200 ``{"changed":
bool, "attributes": {...}}`` (a replay with ``Idempotent-Replayed: true``), 401 for a missing,
unknown or revoked key, 403 for another shop's key, 400 for a malformed body (saying what),
404 for an unknown contact, 422 for an idempotency key used with another body.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_mautomation.api.responses import error_response
from saleor_mautomation.contacts.attribute_requests import (
    CallInvalid,
    ContactUnknown,
    IdempotencyKeyReused,
    attributes_call_apply,
    attributes_call_parse,
    idempotency_key_parse,
)
from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.saleor.api_keys import ApiKeyOtherShop, ApiKeyRefused, api_key_check
from saleor_mautomation.saleor.auth import bearer_token


@csrf_exempt
@require_POST
def attributes(request: HttpRequest, installation_id: int) -> JsonResponse:
    now = clock.now()
    try:
        api_key_check(
            presented=bearer_token(request.headers), installation_id=installation_id, now=now
        )
    except ApiKeyRefused as exc:
        return error_response(401, exc.message, exc.code, WWW_Authenticate="Bearer")
    except ApiKeyOtherShop as exc:
        return error_response(403, exc.message, exc.code)
    try:
        call = attributes_call_parse(request.body)
        key = idempotency_key_parse(request.headers.get("Idempotency-Key"))
    except CallInvalid as exc:
        return error_response(400, exc.message, exc.code)
    try:
        with transaction.atomic(), unit_of_work(now=now):
            answer, replayed = attributes_call_apply(
                installation_id=installation_id,
                call=call,
                body=request.body,
                idempotency_key=key,
                now=now,
            )
    except ContactUnknown as exc:
        return error_response(404, exc.message, exc.code)
    except IdempotencyKeyReused as exc:
        return error_response(422, exc.message, exc.code)
    response = JsonResponse(answer)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response
