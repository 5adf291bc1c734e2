"""Key figures written back to the Saleor customer's private metadata, batched and debounced.

A change of a contact's figures only marks it due (``writeback_due_at``, a debounce window
ahead); a periodic task claims due contacts in batches with SKIP LOCKED, writes each batch in
one Saleor request, and remembers a hash of what it wrote so unchanged figures are never
written twice. The CUSTOMER_METADATA_UPDATED and CUSTOMER_UPDATED deliveries our own writes
cause are issued by this app and ignored at intake, so there is no loop.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Q

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import RetryableError
from saleor_mautomation.saleor.metadata import MetadataWrite, private_metadata_write
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client

logger = logging.getLogger(__name__)

PREFIX = "mautomation."
DEBOUNCE = timedelta(seconds=60)
RETRY_AFTER = timedelta(minutes=5)


def writeback_items(contact: Contact) -> dict[str, str]:
    rfm = (contact.rfm_recency, contact.rfm_frequency, contact.rfm_monetary)
    items = {
        f"{PREFIX}lifecycle": contact.lifecycle_stage,
        f"{PREFIX}consent.email": contact.email_consent,
        f"{PREFIX}orders": str(contact.orders_count),
    }
    if contact.segments:
        items[f"{PREFIX}segments"] = ",".join(contact.segments)
    if all(score is not None for score in rfm):
        items[f"{PREFIX}rfm"] = "".join(str(score) for score in rfm)
    engaged = [
        moment
        for moment in (
            contact.last_seen_at,
            contact.last_order_at,
            contact.last_email_open_at,
            contact.last_email_click_at,
        )
        if moment is not None
    ]
    # Keys journeys set (update-profile steps); the app's own keys win a clash.
    items = {**{k: str(v) for k, v in (contact.writeback_extra or {}).items()}, **items}
    if engaged:
        # A date (UTC), not a moment: a visit a minute later is not worth a write.
        items[f"{PREFIX}last_engaged"] = max(engaged).astimezone(UTC).date().isoformat()
    return items


def items_hash(items: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()


def writeback_mark(contact: Contact, *, now: datetime) -> None:
    """Mark a Saleor customer due for a write-back if its figures differ from the last one.

    Sets the fields on the instance; the caller saves it. The due time is not pushed back by
    later changes, so a busy contact is still written once per debounce window.
    """
    if not contact.saleor_user_id:
        return
    if items_hash(writeback_items(contact)) == contact.writeback_hash:
        contact.writeback_due_at = None
    elif contact.writeback_due_at is None:
        contact.writeback_due_at = now + DEBOUNCE


def writeback_flush(*, installation_id: int, batch_size: int, now: datetime) -> int:
    """Write one batch of due contacts of an installation; returns how many were written."""
    with transaction.atomic():
        due = list(
            Contact.objects.select_for_update(skip_locked=True)
            .filter(installation_id=installation_id, writeback_due_at__lte=now)
            .exclude(Q(saleor_user_id=None) | Q(saleor_user_id=""))
            .order_by("writeback_due_at", "pk")[:batch_size]
        )
        # Claimed: push them out of reach of other flushes while we call Saleor.
        Contact.objects.filter(pk__in=[c.pk for c in due]).update(
            writeback_due_at=now + RETRY_AFTER
        )
    unchanged = [c.pk for c in due if items_hash(writeback_items(c)) == c.writeback_hash]
    if unchanged:
        Contact.objects.filter(pk__in=unchanged).update(writeback_due_at=None)
    due = [c for c in due if c.pk not in unchanged]
    if not due:
        return len(unchanged)
    writes = {c.pk: MetadataWrite(str(c.saleor_user_id), writeback_items(c)) for c in due}
    installation = Installation.objects.get(pk=installation_id)
    try:
        results = private_metadata_write(saleor_client(installation), list(writes.values()))
    except RetryableError as exc:
        logger.warning("Write-back to %s postponed: %s", installation, exc.message)
        return 0
    written = 0
    for contact, result in zip(due, results, strict=True):
        if result.ok:
            Contact.objects.filter(pk=contact.pk).update(
                writeback_hash=items_hash(writes[contact.pk].items), writeback_due_at=None
            )
            written += 1
        else:
            logger.warning("Write-back of %s failed: %s", contact.saleor_user_id, result.error)
    return written
