"""Right to erasure, completed: the coordinator erases what every domain holds about a person.

A lower layer asks (``contacts.erasure.erasure_request`` writes an ``ErasureRequest`` row and
notes ``ERASURE_REQUESTED``); the unit of work that saw the note, the periodic sweep
(``flows.tasks.erasures_sweep``) or an entry point that erases at once (the Dashboard's
``eraseContact``, the preference page) runs ``erasures_run`` / ``erasure_now``. Each domain
erases its own rows, in an order that leaves no dangling link: messages, journey runs,
segment and list memberships, then the contact with its consent ledger, events and orders,
and the raw deliveries that named the person.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DatabaseError, transaction

from saleor_mautomation.contacts.erasure import (
    contact_erase,
    erasure_identifiers,
    erasure_request,
)
from saleor_mautomation.contacts.models import Contact, ErasureRequest
from saleor_mautomation.intake.retention import deliveries_erase
from saleor_mautomation.journeys.privacy import runs_erase
from saleor_mautomation.messages.privacy import messages_erase
from saleor_mautomation.postal.services import postal_items_erase
from saleor_mautomation.segments.privacy import memberships_erase

logger = logging.getLogger(__name__)

BATCH = 100


def erasure_complete(request: ErasureRequest, *, now: datetime) -> bool:
    """Erase the person of ``request`` everywhere; True once nothing is left. False while a
    delivery that names them still waits to be drained: the request stays open and a later
    run (the sweep) erases again, which finds only that delivery left to blank."""
    contact = (
        Contact.objects.select_for_update().filter(pk=request.contact_id).first()
        if request.contact_id is not None
        else None
    )
    contact_id = contact.pk if contact else None
    messages_erase(
        installation_id=request.installation_id,
        contact_id=contact_id,
        addresses=[request.email, contact.phone if contact else ""],
    )
    if contact_id is not None:
        runs_erase(contact_id=contact_id, now=now)
        memberships_erase(contact_id=contact_id)
        postal_items_erase(contact_id=contact_id)
    contact_erase(
        installation_id=request.installation_id,
        contact_id=contact_id,
        email=request.email,
        saleor_user_id=request.saleor_user_id,
    )
    deliveries = deliveries_erase(
        installation_id=request.installation_id, identifiers=erasure_identifiers(request)
    )
    if deliveries.waiting:
        return False
    request.email = request.saleor_user_id = ""
    request.completed_at = now
    request.save(update_fields=["email", "saleor_user_id", "completed_at"])
    return True


def erasures_run(*, now: datetime, limit: int = BATCH) -> int:
    """Complete up to ``limit`` open requests (claimed with SKIP LOCKED, so workers never
    erase the same person twice at once); how many were completed. Each request runs in a
    savepoint: one that fails stays open for the next run and spoils none of the others."""
    completed = 0
    with transaction.atomic():
        requests = list(
            ErasureRequest.objects.select_for_update(skip_locked=True)
            .filter(completed_at__isnull=True)
            .order_by("pk")[:limit]
        )
        for request in requests:
            try:
                with transaction.atomic():
                    completed += erasure_complete(request, now=now)
            except DatabaseError:
                logger.exception("Erasure request %s failed; it stays open", request.pk)
    return completed


def erasure_now(
    *, installation_id: int, contact_id: int, source: ErasureRequest.Source, now: datetime
) -> bool:
    """Erase one contact of the installation at once (Dashboard, preference page): request
    and completion in one transaction. False when there is no such contact."""
    with transaction.atomic():
        request = erasure_request(
            installation_id=installation_id, contact_id=contact_id, source=source, now=now
        )
        if request is None:
            return False
        erasure_complete(request, now=now)
    return True
