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
from saleor_mautomation.messages.providers import PoolDefaults
from saleor_mautomation.messages.sending import messages_recover, messages_send_due

BATCH = 100


def send_soon() -> None:
    """Wake the senders now (called after a commit that queued a message), never waiting on
    the broker (``handoff``); if it is down, the scheduler's periodic sends pick the message
    up within ``MESSAGES_SEND_INTERVAL`` seconds. Each sender claims only its own kind of
    message: the real-time one finds nothing to do after a broadcast's batch, and the bulk
    one nothing after a journey step's."""
    handoff(messages_send)
    handoff(messages_send_bulk)


def _send_all(*, broadcast: bool, batch: int, chunk: int) -> dict[str, int]:
    # Imported here: the unit of work wakes the senders after its commits (``send_soon``).
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
                limit=batch,
                chunk=chunk,
                broadcast=broadcast,
                per_connection=settings.EMAIL_MESSAGES_PER_CONNECTION,
                pool=PoolDefaults(
                    settings.EMAIL_CONNECTIONS,
                    settings.EMAIL_MAX_PER_SECOND,
                    batch=settings.EMAIL_ESP_BATCH,
                ),
                outcomes=outcomes,
            )
            message_steps_follow(message_ids=outcomes)  # each run's log: what became of it
        for status, n in counts.items():
            totals[status] = totals.get(status, 0) + n
        if sum(counts.values()) < batch:
            return totals


@shared_task(name="saleor_mautomation.flows.tasks.messages_send")
def messages_send() -> dict[str, int]:
    """Send due real-time messages (journey steps, confirmations: everything but a
    broadcast's) batch by batch until none is due, each recorded as it is handed over."""
    return _send_all(broadcast=False, batch=BATCH, chunk=1)


@shared_task(name="saleor_mautomation.flows.tasks.messages_send_bulk")
def messages_send_bulk() -> dict[str, int]:
    """Send due broadcast messages on the bulk queue, so a campaign never delays a real-time
    message: ``SEND_BULK_BATCH`` claimed at a time, recorded ``SEND_BULK_CHUNK`` at a time."""
    return _send_all(broadcast=True, batch=settings.SEND_BULK_BATCH, chunk=settings.SEND_BULK_CHUNK)


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
