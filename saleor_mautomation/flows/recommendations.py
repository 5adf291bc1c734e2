"""Recommendations kept current as orders arrive, whichever way they arrive.

Orders come from webhooks (one by one, in the drain's batches) and from backfill pages (in
bulk, ADR 0031). Rather than a call on each path, a periodic refresh per installation reads
the orders stored since the last one by id (``recommendations_refresh``): a page of a hundred
backfilled orders costs what a hundred webhooks cost, a few statements per batch, and neither
path waits for it. Nightly, a rebuild recounts everything from the orders, which also takes in
what a refresh cannot follow (contacts merged or erased, order lines edited).
"""

from __future__ import annotations

import logging

from celery import shared_task

from saleor_mautomation.core import clock
from saleor_mautomation.recommendations.services import (
    recommendations_rebuild,
    recommendations_refresh,
)
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)


def _active_installations() -> list[int]:
    return list(
        Installation.objects.filter(status=Installation.Status.ACTIVE).values_list("id", flat=True)
    )


@shared_task(name="saleor_mautomation.flows.recommendations.refresh_all")
def recommendations_refresh_all() -> None:
    """One task per active installation: a large shop's refresh never delays a small one's."""
    for installation_id in _active_installations():
        recommendations_refresh_task.delay(installation_id)


@shared_task(name="saleor_mautomation.flows.recommendations.refresh")
def recommendations_refresh_task(installation_id: int) -> dict[str, int]:
    """Count the orders stored since the last refresh, take back the cancelled ones (skipped
    while another refresh or a rebuild holds the installation: the next one catches up)."""
    if not Installation.objects.filter(pk=installation_id).exists():
        return {"counted": 0, "taken_back": 0}
    refreshed = recommendations_refresh(installation_id=installation_id, now=clock.now())
    if refreshed.counted or refreshed.taken_back:
        logger.info(
            "Recommendations of installation %s: %s orders counted, %s taken back",
            installation_id,
            refreshed.counted,
            refreshed.taken_back,
        )
    return {"counted": refreshed.counted, "taken_back": refreshed.taken_back}


@shared_task(name="saleor_mautomation.flows.recommendations.rebuild_all")
def recommendations_rebuild_all() -> None:
    for installation_id in _active_installations():
        recommendations_rebuild_task.delay(installation_id)


@shared_task(name="saleor_mautomation.flows.recommendations.rebuild")
def recommendations_rebuild_task(installation_id: int) -> int:
    """Recount an installation's recommendations from its orders."""
    if not Installation.objects.filter(pk=installation_id).exists():
        return 0
    counted = recommendations_rebuild(installation_id=installation_id, now=clock.now())
    logger.info("Recommendations of installation %s rebuilt: %s orders", installation_id, counted)
    return counted
