"""Right to erasure, the contacts domain's part: the request, and the contact's own data last.

An erasure is asked for here (``erasure_request``: Saleor deleted the customer, an admin, the
person on the preference page) and completed by the coordinator (``flows.erasure``), which
erases what the higher layers hold (messages, journey runs, memberships, raw deliveries) and
then calls ``contact_erase``. The request takes the identity off the contact at once, so a
later delivery in the same batch neither finds the contact nor brings the person back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from saleor_mautomation.commerce.services import commerce_anonymise
from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    ContactAlias,
    ErasedIdentity,
    ErasureRequest,
    PushSubscription,
)
from saleor_mautomation.contacts.selectors import export_row
from saleor_mautomation.contacts.services import (
    _prefetched_forget,  # the batch's look-ups must not answer with the old identity
    email_digest,
    email_normalize,
)
from saleor_mautomation.events.changes import ERASURE_REQUESTED, work_note
from saleor_mautomation.events.services import events_erase, properties_scrub

logger = logging.getLogger(__name__)


def _contact_of(
    installation_id: int, contact_id: int | None, saleor_user_id: str | None, email: str | None
) -> Contact | None:
    contacts = Contact.objects.select_for_update().filter(installation_id=installation_id)
    if contact_id is not None:
        return contacts.filter(pk=contact_id).first()
    found = contacts.filter(saleor_user_id=saleor_user_id).first() if saleor_user_id else None
    if found is None and email:
        found = contacts.filter(email=email).first()
    return found


def erasure_request(
    *,
    installation_id: int,
    source: ErasureRequest.Source,
    now: datetime,
    contact_id: int | None = None,
    saleor_user_id: str | None = None,
    email: str | None = None,
) -> ErasureRequest | None:
    """Ask for a person's erasure: by ``contact_id`` (Dashboard, preference page) or by the
    Saleor identity (a deleted customer, who may be known only from orders). ``None`` when
    there is no one to erase (an unknown contact id, no identity at all).

    At once, in the caller's transaction: a keyed hash of the email is kept (a later order
    for that address stays anonymous), the contact loses its email and Saleor user id (no
    look-up finds it any more), and the request row holds both, encrypted, for the
    coordinator, which is told through ``work_note`` (or finds the row in its sweep).
    """
    email = email_normalize(email)
    _prefetched_forget()
    with transaction.atomic(savepoint=False):
        contact = _contact_of(installation_id, contact_id, saleor_user_id, email)
        if contact_id is not None and contact is None:
            return None
        email = email or (contact.email if contact else None)
        saleor_user_id = saleor_user_id or (contact.saleor_user_id if contact else None)
        if contact is None and not email and not saleor_user_id:
            return None
        if email:
            ErasedIdentity.objects.get_or_create(
                installation_id=installation_id,
                email_digest=email_digest(contacts_config(installation_id), email),
                defaults={"erased_at": now},
            )
        if contact is not None:
            Contact.objects.filter(pk=contact.pk).update(email=None, saleor_user_id=None)
        request = ErasureRequest.objects.create(
            installation_id=installation_id,
            contact=contact,
            source=source,
            email=email or "",
            saleor_user_id=saleor_user_id or "",
            requested_at=now,
        )
    work_note(ERASURE_REQUESTED)
    return request


def contact_erase(
    *,
    installation_id: int,
    contact_id: int | None,
    email: str,
    saleor_user_id: str,
) -> bool:
    """The contacts domain's part of an erasure, after the higher layers did theirs.

    The consent ledger keeps the fact of each consent and its withdrawal (channel, action,
    source, time, the version of the text agreed to) without the link, the IP address and
    personal details; push subscriptions and anonymous ids go; orders and checkouts stay
    (revenue) without any link to the person; events stay rewritten (``events_erase``);
    the contact, with its spend rows, goes last. False when there was no contact.
    """
    commerce_anonymise(installation_id=installation_id, contact_id=contact_id, email=email or None)
    if contact_id is None:
        return False
    records = list(ConsentRecord.objects.filter(contact_id=contact_id))
    for record in records:
        record.contact_id = None
        record.ip_address = None
        record.details = properties_scrub(record.details)
    ConsentRecord.objects.bulk_update(records, ["contact", "ip_address", "details"])
    PushSubscription.objects.filter(contact_id=contact_id).delete()
    ContactAlias.objects.filter(contact_id=contact_id).delete()
    events_erase(contact_id=contact_id, identifiers=[email, saleor_user_id])
    Contact.objects.filter(pk=contact_id).delete()
    logger.info("Erased a contact of installation %s", installation_id)
    return True


def erasure_requests_export(*, contact_id: int) -> list[dict[str, Any]]:
    """The contact's erasure requests still open (the export of someone being erased)."""
    requests = ErasureRequest.objects.filter(contact_id=contact_id).order_by("requested_at", "id")
    return [export_row(request, omit=["email", "saleor_user_id"]) for request in requests]


def erasure_identifiers(request: ErasureRequest) -> Sequence[str]:
    """What names the person outside the rows linked to the contact."""
    return [value for value in (request.email, request.saleor_user_id) if value]
