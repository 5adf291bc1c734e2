"""A call of the shop-level attributes endpoint (``POST /api/installations/<id>/attributes``):
one contact, named by email or Saleor user id, and its custom attributes, merged as the trigger
endpoint's are (``contacts/attributes.py``, ADR 0047). With an ``Idempotency-Key`` the call is
remembered (``AttributeRequest``): the same key and body again answer the first answer and
write nothing; the same key with another body is refused.

Nobody is created: an unknown contact is refused (the app learns people from Saleor, sign-ups
and imports), so a typo in an email never makes a person.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from saleor_mautomation.contacts.attributes import (
    AttributesInvalid,
    attributes_parse,
    contact_attributes_set,
)
from saleor_mautomation.contacts.models import AttributeRequest, Contact
from saleor_mautomation.core.errors import PermanentError

FIELDS = {"email", "saleor_user_id", "attributes"}
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")  # visible ASCII, as HTTP headers carry
KEPT = timedelta(days=7)


class CallInvalid(PermanentError):
    """The body or a header is malformed: 400, saying what."""

    code = "bad_request"


class ContactUnknown(PermanentError):
    code = "contact_not_found"


class IdempotencyKeyReused(PermanentError):
    code = "idempotency_key_reused"


@dataclass(frozen=True)
class AttributesCall:
    email: str | None
    saleor_user_id: str | None
    attributes: dict[str, str | None]


def attributes_call_parse(body: bytes) -> AttributesCall:
    """The call a request body makes, or CallInvalid naming the problem."""
    try:
        raw = json.loads(body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CallInvalid("The body is not JSON") from exc
    if not isinstance(raw, dict):
        raise CallInvalid("The body is not a JSON object")
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise CallInvalid(f"Unknown fields: {', '.join(unknown)}")
    named = [k for k in ("email", "saleor_user_id") if raw.get(k) is not None]
    if len(named) != 1 or not isinstance(raw[named[0]], str) or not raw[named[0]].strip():
        raise CallInvalid("Name the contact by one of email or saleor_user_id (text)")
    if "attributes" not in raw:
        raise CallInvalid("attributes: required")
    try:
        attributes = attributes_parse(raw["attributes"])
    except AttributesInvalid as exc:
        raise CallInvalid(str(exc)) from exc
    if not attributes:
        raise CallInvalid("attributes: at least one key")
    email = raw.get("email")
    user_id = raw.get("saleor_user_id")
    return AttributesCall(
        email=email.strip().lower() if isinstance(email, str) else None,
        saleor_user_id=user_id.strip() if isinstance(user_id, str) else None,
        attributes=attributes,
    )


def idempotency_key_parse(header: str | None) -> str | None:
    if header is None:
        return None
    if not IDEMPOTENCY_KEY.match(header):
        raise CallInvalid("Idempotency-Key: 1 to 100 visible ASCII characters")
    return header


def attributes_call_apply(
    *,
    installation_id: int,
    call: AttributesCall,
    body: bytes,
    idempotency_key: str | None,
    now: datetime,
) -> tuple[dict[str, Any], bool]:
    """Set the contact's attributes in the caller's transaction (its unit of work reads the
    crossings); returns the answer and whether it is a replay of an earlier call."""
    digest = hashlib.sha256(body).hexdigest()
    with transaction.atomic():
        request = None
        if idempotency_key is not None:
            try:
                with transaction.atomic():
                    request = AttributeRequest.objects.create(
                        installation_id=installation_id,
                        key=idempotency_key,
                        body_digest=digest,
                        created_at=now,
                    )
            except IntegrityError:
                earlier = AttributeRequest.objects.get(
                    installation_id=installation_id, key=idempotency_key
                )
                if earlier.body_digest != digest:
                    raise IdempotencyKeyReused(
                        "This Idempotency-Key was used with another body"
                    ) from None
                return earlier.response, True
        contacts = Contact.objects.select_for_update().filter(
            installation_id=installation_id, merged_into__isnull=True
        )
        if call.saleor_user_id is not None:
            contact = contacts.filter(saleor_user_id=call.saleor_user_id).first()
        else:
            contact = contacts.filter(email=call.email).first()
        if contact is None:
            raise ContactUnknown("No contact with this email or Saleor user id in this shop")
        changed = contact_attributes_set(contact=contact, attributes=call.attributes, now=now)
        answer = {
            "changed": changed,
            "attributes": {key: contact.metadata.get(key) for key in call.attributes},
        }
        if request is not None:
            AttributeRequest.objects.filter(pk=request.pk).update(response=answer)
    return answer, False


def attribute_requests_prune(*, now: datetime) -> int:
    """Forget the calls older than a week (their keys may be used again)."""
    deleted, _ = AttributeRequest.objects.filter(created_at__lt=now - KEPT).delete()
    return deleted
