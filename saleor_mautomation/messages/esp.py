"""What an email service provider reports back (through django-anymail's tracking webhooks):
deliveries, bounces, complaints, unsubscribes, opens and clicks, applied to the outbox row,
the suppression list, the contact's consent and its events.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from saleor_mautomation.contacts.consent import Evidence, consent_withdraw
from saleor_mautomation.contacts.figures import engagement_email_refresh
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.send_times import contact_send_time_refresh
from saleor_mautomation.events.services import event_record
from saleor_mautomation.messages.funnel import Reached, message_reached
from saleor_mautomation.messages.models import Message, Suppression
from saleor_mautomation.messages.services import suppression_add

logger = logging.getLogger(__name__)

Status = Message.Status
# Anymail's event types -> (outbox status to set, suppression reason, event type to record).
EFFECTS: dict[str, tuple[str | None, str | None, str | None]] = {
    "delivered": (Status.DELIVERED, None, "email.delivered"),
    "bounced": (Status.BOUNCED, Suppression.Reason.BOUNCE, "email.bounced"),
    "rejected": (Status.BOUNCED, Suppression.Reason.BOUNCE, "email.bounced"),
    "complained": (Status.COMPLAINED, Suppression.Reason.COMPLAINT, "email.complained"),
    "unsubscribed": (None, None, "email.unsubscribed"),
    "opened": (None, None, "email.opened"),
    "clicked": (None, None, "email.clicked"),
    "failed": (Status.FAILED, None, None),
}
# Anymail's event types -> the recipient's funnel step they reach (``messages.funnel``).
REACHED: dict[str, Reached] = {
    "delivered": "delivered",
    "bounced": "bounced",
    "rejected": "bounced",
    "complained": "complained",
    "unsubscribed": "unsubscribed",
    "opened": "opened",
    "clicked": "clicked",
}
# A later report never moves a message back (a delivery reported after its bounce).
FINAL = {Status.BOUNCED, Status.COMPLAINED, Status.FAILED}


def esp_event_apply(
    *,
    esp: str,
    event_type: str,
    provider_id: str | None,
    event_id: str | None,
    detail: str,
    now: datetime,
) -> bool:
    """Apply one provider event; False when it is not about a message we sent."""
    effect = EFFECTS.get(event_type)
    if effect is None or not provider_id:
        return False
    message = Message.objects.filter(provider_id=provider_id).select_related("contact").first()
    if message is None:
        logger.info("%s %s for an unknown message %s", esp, event_type, provider_id)
        return False
    status, suppression, recorded = effect
    with transaction.atomic():
        if status is not None and message.status not in FINAL:
            Message.objects.filter(pk=message.pk).update(status=status, status_reason=detail)
        if event_type in REACHED:
            message_reached(message_id=message.pk, metric=REACHED[event_type], at=now)
        if suppression is not None:
            suppression_add(
                installation_id=message.installation_id,
                address=message.to_address,
                reason=suppression,
                detail=detail,
                now=now,
            )
        contact = message.contact
        if contact is None or recorded is None:
            return True
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        event_record(
            installation_id=message.installation_id,
            contact_id=contact.pk,
            type=recorded,
            occurred_at=now,
            source=f"esp.{esp}",
            dedupe_key=f"esp:{esp}:{event_id or provider_id}:{event_type}",
            properties={"message_id": message.pk, "detail": detail[:500]},
        )
        if event_type in {"complained", "unsubscribed"}:
            consent_withdraw(contact=contact, evidence=Evidence(source=f"esp.{esp}"), now=now)
        if event_type in {"opened", "clicked"}:
            engagement_email_refresh(contact=contact, now=now)
            contact_send_time_refresh(contact=contact, now=now)
    return True
