"""The catalogue's outbox consumed: each pending ``CatalogueEvent`` becomes the commerce
trigger events of the contacts it concerns (``journeys.commerce_triggers``), in its own
transaction and unit of work, so the journeys those events start begin in the same commit
and the sender wakes after it.

Rows are claimed one at a time with ``SKIP LOCKED`` (workers share the work, nobody applies a
row twice) and ``processed_at`` is set in the transaction that recorded its events. A row that
fails is undone alone, logged, and left pending for the next sweep (its events' dedupe keys
keep a later try from recording anything twice); the rows after it go on. The sweep pages by
id, so it always ends, whatever keeps failing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import shared_task
from django.db import transaction

from saleor_mautomation.catalogue.models import CatalogueEvent
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import NetworkInTransaction
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.commerce_triggers import catalogue_event_apply
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)

BATCH = 200  # pending rows read per page (each then claimed and applied on its own)


@dataclass
class Consumed:
    processed: int = 0  # rows marked processed
    recorded: int = 0  # trigger events recorded on contacts
    failed: int = 0  # rows left pending after an error


def _apply_one(event_id: int) -> tuple[bool, int] | None:
    """Claim and apply one row; (processed, recorded), or None if another worker has it or it
    is done. An error undoes the row's writes and leaves it pending."""
    with transaction.atomic():
        event = (
            CatalogueEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("product", "variant")
            .filter(pk=event_id, processed_at__isnull=True)
            .first()
        )
        if event is None:
            return None
        now = clock.now()
        try:
            with transaction.atomic(), unit_of_work(now=now):
                recorded = catalogue_event_apply(event=event, now=now)
                CatalogueEvent.objects.filter(pk=event.pk).update(processed_at=now)
        except NetworkInTransaction:
            raise  # a defect of ours to see at once (ADR 0014)
        # The item boundary: whatever this row's triggers raise is this row's failure.
        except Exception:
            logger.exception("Catalogue event %s: its triggers failed; tried again later", event_id)
            return (False, 0)
    return (True, recorded)


def catalogue_events_consume(*, installation_id: int, batch_size: int = BATCH) -> Consumed:
    """Apply every pending catalogue event of the installation, oldest first."""
    consumed = Consumed()
    after = 0
    while True:
        ids = list(
            CatalogueEvent.objects.filter(
                installation_id=installation_id, processed_at__isnull=True, pk__gt=after
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
