"""What the messages domain holds about one person: its export and its erasure.

A message is the person's (the address, the personalised subject, the render context, the
provider's ids, what the provider answered) and the shop's (that a message of this template
went out, when, and was opened or clicked). Erasure keeps the second: counts of sends, opens
and clicks per template and journey stay true.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce
from typing import Any

from django.db.models import Q

from saleor_mautomation.contacts.selectors import export_row
from saleor_mautomation.messages.failures import DISCARDED
from saleor_mautomation.messages.models import Message, MessageAttempt, Suppression

# Not handed to a provider yet: after an erasure they are never sent.
UNSENT = (Message.Status.QUEUED, Message.Status.DEFERRED)
ERASED_REASON = "contact erased"


def messages_erase(
    *, installation_id: int, contact_id: int | None, addresses: Sequence[str]
) -> int:
    """Blank the person out of their messages (linked to the contact, or sent to one of
    ``addresses``): address, subject, context, Message-ID and provider id, the provider's
    answers; unsent ones are suppressed. Status, channel, template, times, opens and clicks
    stay. The suppression list forgets the addresses too: with the contact gone nothing is
    sent to them, and a person who comes back is a new wish to be written to."""
    addresses = [address for address in addresses if address]
    matches = [Q(contact_id=contact_id)] if contact_id is not None else []
    if addresses:
        matches.append(Q(installation_id=installation_id, to_address__in=addresses))
    if not matches:
        return 0
    ids = list(Message.objects.filter(reduce(operator.or_, matches)).values_list("pk", flat=True))
    messages = Message.objects.filter(pk__in=ids)
    messages.update(
        contact=None,
        to_address="",
        subject="",
        context={},
        message_id="",
        provider_id="",
        status_reason="",
    )
    messages.filter(status__in=UNSENT).update(
        status=Message.Status.SUPPRESSED, status_reason=ERASED_REASON
    )
    # A failed one cannot be retried without its person: it leaves the Dashboard's failures.
    messages.filter(status=Message.Status.FAILED).update(
        status_reason=f"{DISCARDED}{ERASED_REASON}"
    )
    MessageAttempt.objects.filter(message_id__in=ids).update(detail="")
    if addresses:
        Suppression.objects.filter(installation_id=installation_id, address__in=addresses).delete()
    return len(ids)


def messages_export(*, contact_id: int) -> list[dict[str, Any]]:
    """The contact's messages, newest last, each with its attempts."""
    messages = Message.objects.filter(contact_id=contact_id).order_by("created_at", "id")
    attempts: dict[int, list[dict[str, Any]]] = {}
    for attempt in MessageAttempt.objects.filter(message__contact_id=contact_id).order_by(
        "started_at", "id"
    ):
        attempts.setdefault(attempt.message_id, []).append(export_row(attempt, omit=["message"]))
    return [
        {**export_row(message, omit=["dedupe_key"]), "attempts": attempts.get(message.pk, [])}
        for message in messages
    ]
