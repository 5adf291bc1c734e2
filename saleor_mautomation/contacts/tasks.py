from __future__ import annotations

import logging
import time
from collections.abc import Callable

from celery import shared_task
from django.conf import settings

from saleor_mautomation.contacts.writeback import Flushed, writeback_flush
from saleor_mautomation.core import clock
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)

# The beat starts a write-back every 30 seconds: one run stops well before the next starts.
SLICE_SECONDS = 20.0


def writeback_installation(
    *,
    installation_id: int,
    batch_size: int,
    interval: float,
    deadline: float,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = clock.monotonic,
) -> list[Flushed]:
    """Flush an installation's due write-backs batch by batch, the starts of two requests at
    least ``interval`` seconds apart (time spent on a request counts), until none is left or
    ``deadline`` (``monotonic``) passes; the rest waits for the next run."""
    flushed: list[Flushed] = []
    last: float | None = None
    while monotonic() < deadline:
        if last is not None:
            remaining = interval - (monotonic() - last)
            if remaining > 0:
                sleep(remaining)
        last = monotonic()
        batch = writeback_flush(
            installation_id=installation_id, batch_size=batch_size, now=clock.now()
        )
        flushed.append(batch)
        if batch.claimed < batch_size or batch.postponed:
            break
    return flushed


@shared_task(name="saleor_mautomation.contacts.tasks.writeback_all")
def writeback_all() -> dict[int, dict[str, int]]:
    """Flush due write-backs of every active installation, paced (``WRITEBACK_BATCH_SIZE``
    customers per request, ``WRITEBACK_MIN_BATCH_INTERVAL`` seconds between requests)."""
    deadline = clock.monotonic() + SLICE_SECONDS
    totals: dict[int, dict[str, int]] = {}
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        batches = writeback_installation(
            installation_id=installation_id,
            batch_size=settings.WRITEBACK_BATCH_SIZE,
            interval=settings.WRITEBACK_MIN_BATCH_INTERVAL,
            deadline=deadline,
        )
        totals[installation_id] = {
            "written": sum(b.written for b in batches),
            "refused": sum(b.refused for b in batches),
        }
        if totals[installation_id]["refused"]:
            logger.warning(
                "Write-back of installation %s: %s customers refused by Saleor",
                installation_id,
                totals[installation_id]["refused"],
            )
    return totals
