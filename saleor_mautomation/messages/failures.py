"""Failed messages: listed for the Dashboard, retried or discarded by hand.

A message fails alone (``sending``): a template that does not render for this recipient, an
address the provider refuses, a channel without a transport, ``MAX_ATTEMPTS`` claims that
never got through, or a provider reporting later that it could not send.

A retry puts it back in the queue (``queued``, due now, a fresh count of attempts) only when
it cannot reach the person twice (ADR 0011): never when a provider took it (``sent_at``: the
failure was reported after the hand-over) or when a try of a marketing message ended
``unknown``; never for an erased contact or a template version that is gone. The sending rules
(consent, suppression, caps, quiet hours) apply again when it is sent. The caller wakes the
sender after its transaction commits.

A discard keeps it ``failed`` (that is what happened to it, and what its counts say) and
prefixes its reason with ``DISCARDED``: it leaves the list and the /readyz count, and stays
in the contact's export and the message's history.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.models import Message, MessageAttempt, Template

DISCARDED = "discarded: "
Status = Message.Status


class MessageNotFound(PermanentError):
    """No such message in this installation (another shop's id reads the same)."""

    code = "not_found"


class MessageNotFailed(PermanentError):
    """Not failed, or failed and discarded: there is nothing to retry or discard."""

    code = "not_failed"


class MessageNotRetryable(PermanentError):
    """Failed, but a retry could reach the person twice or cannot be sent at all; ``code``
    says why (``may_have_been_sent``, ``contact_erased``, ``template_gone``)."""


def messages_failed(*, installation_id: int | None) -> QuerySet[Message]:
    """Failed messages not discarded, of one installation or of all (``None``: the /readyz
    count, read through the ``message_due`` index, whose first column is the status)."""
    failed = Message.objects.filter(status=Status.FAILED).exclude(
        status_reason__startswith=DISCARDED
    )
    return failed if installation_id is None else failed.filter(installation_id=installation_id)


def message_unretryable(message: Message) -> MessageNotRetryable | None:
    """Why a failed message may not be retried, or ``None`` when it may."""
    unknown = (
        message.kind == Template.Kind.MARKETING
        and not message.allow_retry_when_unknown
        and MessageAttempt.objects.filter(message=message, outcome=Status.UNKNOWN).exists()
    )
    if message.sent_at is not None or unknown:
        return MessageNotRetryable(
            "The provider may have taken this message: it is not sent again",
            code="may_have_been_sent",
        )
    if message.contact_id is None:
        return MessageNotRetryable("The contact was erased", code="contact_erased")
    if message.template_version_id is None:
        return MessageNotRetryable("The message's template was deleted", code="template_gone")
    return None


def _failed(*, installation_id: int, message_id: int) -> Message:
    message = (
        Message.objects.select_for_update()
        .filter(pk=message_id, installation_id=installation_id)
        .first()
    )
    if message is None:
        raise MessageNotFound("No such message")
    if message.status != Status.FAILED or message.status_reason.startswith(DISCARDED):
        reason = "discarded" if message.status == Status.FAILED else message.status
        raise MessageNotFailed(f"The message is {reason}, not failed")
    return message


def message_retry(*, installation_id: int, message_id: int, now: datetime) -> Message:
    """Back to the queue, due now, no attempts made; its reason stays until it is sent."""
    message = _failed(installation_id=installation_id, message_id=message_id)
    refused = message_unretryable(message)
    if refused is not None:
        raise refused
    message.status, message.send_after, message.attempts = Status.QUEUED, now, 0
    message.save(update_fields=["status", "send_after", "attempts"])
    return message


def message_discard(*, installation_id: int, message_id: int) -> Message:
    """Given up: still ``failed``, its reason behind ``DISCARDED``."""
    message = _failed(installation_id=installation_id, message_id=message_id)
    message.status_reason = f"{DISCARDED}{message.status_reason}"
    message.save(update_fields=["status_reason"])
    return message
