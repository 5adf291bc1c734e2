"""The sender as the coordinator's task: each batch of sends is a unit of work.

Sending can change what segments and journeys read: a hard bounce suppresses an address, a
recipient who texted STOP loses their SMS consent while a text is being handed over. Each batch
runs in a unit of work, which has no transaction around the block (the provider is called in
autocommit, never inside a transaction: ADR 0014) and finishes what the batch changed after it.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction

from saleor_mautomation.core import clock
from saleor_mautomation.flows.handoff import handoff
from saleor_mautomation.journeys.outcomes import message_steps_follow
from saleor_mautomation.messages.sending import messages_recover, messages_send_due

BATCH = 100


def send_soon() -> None:
    """Wake the sender now (called after a commit that queued a message), never waiting on
    the broker (``handoff``); if it is down, the scheduler's periodic send picks the message
    up within ``MESSAGES_SEND_INTERVAL`` seconds."""
    handoff(messages_send)


@shared_task(name="saleor_mautomation.flows.tasks.messages_send")
def messages_send() -> dict[str, int]:
    """Send due messages batch by batch until none is due (one provider connection each)."""
    # Imported here: the unit of work wakes this task after its commits (``send_soon``).
    from saleor_mautomation.flows.unit import unit_of_work

    totals: dict[str, int] = {}
    while True:
        now = clock.now()
        outcomes: dict[int, str] = {}
        with unit_of_work(now=now):
            counts = messages_send_due(
                now=now,
                app_url=settings.APP_URL,
                default_from=settings.DEFAULT_FROM_EMAIL,
                allow_private=settings.SALEOR_ALLOW_LOOPBACK,
                limit=BATCH,
                outcomes=outcomes,
            )
            message_steps_follow(message_ids=outcomes)  # each run's log: what became of it
        for status, n in counts.items():
            totals[status] = totals.get(status, 0) + n
        if sum(counts.values()) < BATCH:
            return totals


@shared_task(name="saleor_mautomation.flows.tasks.messages_recover")
def messages_recover_task() -> int:
    """Sends whose worker died: requeued, failed or unknown (``messages_recover``), and the
    journey steps that queued them saying so, in one transaction."""
    now = clock.now()
    recovered: list[int] = []
    with transaction.atomic():
        count = messages_recover(now=now, recovered=recovered)
        message_steps_follow(message_ids=recovered)
    return count
