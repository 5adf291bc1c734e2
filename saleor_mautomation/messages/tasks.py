"""Recovery of lost sends (the sender itself is the coordinator's task: ``flows.send``)."""

from __future__ import annotations

import logging

from celery import shared_task

from saleor_mautomation.core import clock
from saleor_mautomation.messages.sending import messages_recover

logger = logging.getLogger(__name__)


@shared_task(name="saleor_mautomation.messages.tasks.messages_recover")
def messages_recover_task() -> int:
    return messages_recover(now=clock.now())
