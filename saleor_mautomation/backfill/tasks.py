"""The backfill as Celery work, in time slices.

A shop's import can take an hour; one task holding a worker that long would starve the other
queues on a small deployment and outlive the broker's visibility timeout. So each task imports
for at most ``SLICE_SECONDS``, releases the run and enqueues its continuation, which resumes
from the stored cursor like any other run.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app, shared_task
from django.conf import settings

from saleor_mautomation.backfill import services
from saleor_mautomation.backfill.catalogue import catalogue_sync
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.services import Outcome
from saleor_mautomation.core import clock

logger = logging.getLogger(__name__)

SEGMENTS_REBUILD = "saleor_mautomation.flows.tasks.segments_rebuild"
SLICE_SECONDS = 120
# Saleor unavailable: try again after 1, 2, 4 ... minutes.
RETRY_DELAY = 60
MAX_RETRIES = 8


@shared_task(
    bind=True, name="saleor_mautomation.backfill.tasks.backfill_run", max_retries=MAX_RETRIES
)
def backfill_run(self: Any, installation_id: int, resume_only: bool = False) -> dict[str, str]:
    """Import (``resume_only``: carry on importing) an installation's customers, orders and
    open checkouts; a transient fault or a run held by another worker retries later."""
    if not resume_only:
        # The catalogue's full sync starts with the backfill, as a task of its own (named,
        # so it is queued even where tasks run eagerly, as the segments' rebuild below).
        current_app.send_task(catalogue_sync.name, args=[installation_id])
    outcomes = services.backfill_execute(
        installation_id=installation_id,
        resources=list(BackfillRun.Resource),
        fresh=not resume_only,
        page_size=settings.BACKFILL_PAGE_SIZE,
        pacer=services.PagePacer(settings.BACKFILL_MIN_PAGE_INTERVAL),
        deadline=clock.monotonic() + SLICE_SECONDS,
    )
    kwargs = {"installation_id": installation_id, "resume_only": True}
    found = set(outcomes.values())
    if found == {Outcome.DONE}:
        # Imported in bulk: segments are evaluated in bulk too, not contact by contact, then
        # their new members enter journeys: the coordinator's task (named, never imported).
        current_app.send_task(SEGMENTS_REBUILD, args=[installation_id])
    elif Outcome.PAUSED in found:
        backfill_run.apply_async(kwargs=kwargs)
    elif found & {Outcome.RETRY, Outcome.BUSY}:
        if self.request.retries >= MAX_RETRIES:
            logger.warning("Backfill of installation %s gave up retrying", installation_id)
        else:
            # A busy run is resumed once its lease would have expired, had its worker died.
            countdown = (
                services.LEASE.total_seconds()
                if Outcome.BUSY in found
                else RETRY_DELAY * 2**self.request.retries
            )
            raise self.retry(kwargs=kwargs, countdown=countdown)
    return {resource: str(outcome) for resource, outcome in outcomes.items()}
