"""Sending as Celery work: due messages in batches, and recovery of lost sends."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import KombuError

from saleor_mautomation.core import clock
from saleor_mautomation.messages.sending import messages_recover, messages_send_due

BATCH = 100
logger = logging.getLogger(__name__)


def send_soon() -> None:
    """Wake the sender now (after commit); if the broker is down, the scheduler's periodic
    send picks the message up within ``MESSAGES_SEND_INTERVAL`` seconds."""
    try:
        messages_send.apply_async()
    except (KombuError, OSError) as exc:
        logger.warning("Could not wake the sender (%s): the periodic send will", exc)


@shared_task(name="saleor_mautomation.messages.tasks.messages_send")
def messages_send() -> dict[str, int]:
    """Send due messages batch by batch until none is due (one provider connection each)."""
    totals: dict[str, int] = {}
    while True:
        counts = messages_send_due(
            now=clock.now(),
            app_url=settings.APP_URL,
            default_from=settings.DEFAULT_FROM_EMAIL,
            allow_private=settings.SALEOR_ALLOW_LOOPBACK,
            limit=BATCH,
        )
        for status, n in counts.items():
            totals[status] = totals.get(status, 0) + n
        if sum(counts.values()) < BATCH:
            return totals


@shared_task(name="saleor_mautomation.messages.tasks.messages_recover")
def messages_recover_task() -> int:
    return messages_recover(now=clock.now())
