"""The catalogue's full sync as Celery work, started with the backfill and paced like it.

It sits with the backfill because it is the same kind of work (pages of Saleor's connections at
install time, time-sliced, resumable, paced by ``PagePacer`` within ``BACKFILL_PAGE_SIZE`` and
``BACKFILL_MIN_PAGE_INTERVAL``); what a page changes is ``catalogue.sync``'s.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings

from saleor_mautomation.backfill.services import LEASE, PagePacer
from saleor_mautomation.catalogue.sync import Outcome, catalogue_sync_execute
from saleor_mautomation.core import clock
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client

logger = logging.getLogger(__name__)

SLICE_SECONDS = 120
RETRY_DELAY = 60
MAX_RETRIES = 8


def catalogue_sync_slice(installation_id: int, *, fresh: bool) -> Outcome:
    """One time slice of an installation's catalogue sync (nothing for an inactive one)."""
    installation = Installation.objects.filter(pk=installation_id).first()
    if installation is None or not installation.is_active:
        return Outcome.IDLE
    return catalogue_sync_execute(
        installation_id=installation_id,
        client=saleor_client(installation),
        fresh=fresh,
        page_size=settings.BACKFILL_PAGE_SIZE,
        pacer=PagePacer(settings.BACKFILL_MIN_PAGE_INTERVAL),
        deadline=clock.monotonic() + SLICE_SECONDS,
    )


@shared_task(
    bind=True, name="saleor_mautomation.backfill.catalogue.catalogue_sync", max_retries=MAX_RETRIES
)
def catalogue_sync(self: Any, installation_id: int, resume_only: bool = False) -> str:
    """Sync (``resume_only``: carry on syncing) an installation's catalogue; a transient fault
    or a sync held by another worker retries later, a finished slice continues at once."""
    outcome = catalogue_sync_slice(installation_id, fresh=not resume_only)
    kwargs = {"installation_id": installation_id, "resume_only": True}
    if outcome == Outcome.PAUSED:
        catalogue_sync.apply_async(kwargs=kwargs)
    elif outcome in (Outcome.RETRY, Outcome.BUSY):
        if self.request.retries >= MAX_RETRIES:
            logger.warning("Catalogue sync of installation %s gave up retrying", installation_id)
        else:
            countdown = (
                LEASE.total_seconds()
                if outcome == Outcome.BUSY
                else RETRY_DELAY * 2**self.request.retries
            )
            raise self.retry(kwargs=kwargs, countdown=countdown)
    return str(outcome)
