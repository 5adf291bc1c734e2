"""The catalogue's outbox consumed: each pending ``CatalogueEvent`` becomes the commerce
trigger events of the contacts it concerns (``journeys.commerce_triggers``), in its own
transaction and unit of work, so the journeys those events start begin in the same commit
and the sender wakes after it.

Rows are claimed one at a time with ``SKIP LOCKED`` (workers share the work, nobody applies a
row twice) and ``processed_at`` is set in the transaction that recorded its events. A row that
fails is undone alone, logged, and its try counted with its error: it waits ``RETRY_DELAY``
doubled at each try before the next (its events' dedupe keys keep a later try from recording
anything twice), and after ``MAX_ATTEMPTS`` tries it is given up (``failed_at``) and listed
with the Dashboard's failures, where it is tried again or discarded by hand. The rows after a
failing one go on; the sweep pages by id, so it always ends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.db import transaction
from django.db.models import Q, QuerySet

from saleor_mautomation.catalogue.models import CatalogueEvent
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import NetworkInTransaction, PermanentError
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.commerce_triggers import catalogue_event_apply
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)

BATCH = 200  # pending rows read per page (each then claimed and applied on its own)
# Tries of a row's triggers before it is given up (a failure for the Dashboard).
MAX_ATTEMPTS = 5
# The wait after a row's first failed try, doubled after each further one (1, 2, 4, 8 minutes).
RETRY_DELAY = timedelta(minutes=1)


@dataclass
class Consumed:
    processed: int = 0  # rows marked processed
    recorded: int = 0  # trigger events recorded on contacts
    failed: int = 0  # rows that failed this time (pending again later, or given up)


def _due(now: datetime) -> Q:
    """Rows waiting for a try now: not processed, not given up, past their backoff."""
    return Q(processed_at__isnull=True, failed_at__isnull=True) & (
        Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    )


def _failed_try(event_id: int, error: str, now: datetime) -> None:
    """Count a failed try of a row: its next after the backoff, or given up at the last."""
    event = CatalogueEvent.objects.select_for_update().get(pk=event_id)
    event.attempts += 1
    event.last_error = error[:2000]
    if event.attempts >= MAX_ATTEMPTS:
        event.failed_at, event.retry_at = now, None
    else:
        event.retry_at = now + RETRY_DELAY * 2 ** (event.attempts - 1)
    event.save(update_fields=["attempts", "last_error", "retry_at", "failed_at"])


def _apply_one(event_id: int) -> tuple[bool, int] | None:
    """Claim and apply one row; (processed, recorded), or None if another worker has it or it
    is not due. An error undoes the row's writes and counts the try."""
    with transaction.atomic():
        now = clock.now()
        event = (
            CatalogueEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("product", "variant")
            .filter(_due(now), pk=event_id)
            .first()
        )
        if event is None:
            return None
        try:
            with transaction.atomic(), unit_of_work(now=now):
                recorded = catalogue_event_apply(event=event, now=now)
                CatalogueEvent.objects.filter(pk=event.pk).update(processed_at=now)
        except NetworkInTransaction:
            raise  # a defect of ours to see at once (ADR 0014)
        # The item boundary: whatever this row's triggers raise is this row's failure.
        except Exception as exc:
            logger.exception("Catalogue event %s: its triggers failed", event_id)
            _failed_try(event_id, f"{exc.__class__.__name__}: {exc}", now)
            return (False, 0)
    return (True, recorded)


def catalogue_events_consume(*, installation_id: int, batch_size: int = BATCH) -> Consumed:
    """Apply every pending catalogue event of the installation, oldest first."""
    consumed = Consumed()
    after = 0
    while True:
        ids = list(
            CatalogueEvent.objects.filter(
                _due(clock.now()), installation_id=installation_id, pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        for event_id in ids:
            outcome = _apply_one(event_id)
            if outcome is None:
                continue
            processed, recorded = outcome
            consumed.processed += processed
            consumed.failed += not processed
            consumed.recorded += recorded
        if len(ids) < batch_size:
            return consumed
        after = ids[-1]


@shared_task(name="saleor_mautomation.flows.tasks.triggers_sweep_catalogue")
def catalogue_events_sweep() -> dict[str, int]:
    """The scheduler's sweep (``journeys-commerce-triggers``): every active installation's
    pending catalogue events."""
    total = Consumed()
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        consumed = catalogue_events_consume(installation_id=installation_id)
        total.processed += consumed.processed
        total.recorded += consumed.recorded
        total.failed += consumed.failed
        if consumed.processed or consumed.failed:
            logger.info("Catalogue events of installation %s: %s", installation_id, consumed)
    return {"processed": total.processed, "recorded": total.recorded, "failed": total.failed}


# -- the Dashboard's failures (``flows.failures``) ---------------------------------------------


class CatalogueEventNotFailed(PermanentError):
    """A retry or discard of a catalogue event that is not a failure of this shop."""


def catalogue_events_failed(*, installation_id: int | None) -> QuerySet[CatalogueEvent]:
    """Rows given up after ``MAX_ATTEMPTS`` tries, neither retried nor discarded yet."""
    rows = CatalogueEvent.objects.filter(failed_at__isnull=False, processed_at__isnull=True)
    return rows if installation_id is None else rows.filter(installation_id=installation_id)


def _failed(installation_id: int, event_id: int) -> CatalogueEvent:
    event = (
        catalogue_events_failed(installation_id=installation_id)
        .select_for_update()
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise CatalogueEventNotFailed("No failed catalogue event with this id", code="not_found")
    return event


def catalogue_event_retry(*, installation_id: int, event_id: int) -> None:
    """Try a given-up row again at the next sweep, with its tries counted anew."""
    event = _failed(installation_id, event_id)
    event.attempts, event.failed_at, event.retry_at = 0, None, None
    event.save(update_fields=["attempts", "failed_at", "retry_at"])


def catalogue_event_discard(*, installation_id: int, event_id: int, now: datetime) -> None:
    """Give a row up for good: marked processed, its error kept."""
    event = _failed(installation_id, event_id)
    event.processed_at = now
    event.save(update_fields=["processed_at"])
