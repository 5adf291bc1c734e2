from __future__ import annotations

import logging

from celery import shared_task

from saleor_mautomation.core import clock
from saleor_mautomation.predictions.services import predictions_refresh
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)


@shared_task(name="saleor_mautomation.predictions.tasks.predictions_nightly")
def predictions_nightly() -> None:
    """One task per active installation: a large shop's fit never delays a small one's."""
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        predictions_refresh_task.delay(installation_id)


@shared_task(name="saleor_mautomation.predictions.tasks.predictions_refresh")
def predictions_refresh_task(installation_id: int) -> dict[str, object]:
    """Fit and score one installation; one deleted since does nothing."""
    if not Installation.objects.filter(pk=installation_id).exists():
        logger.warning("Predictions of installation %s not refreshed: it is gone", installation_id)
        return {"status": "gone"}
    refreshed = predictions_refresh(installation_id=installation_id, now=clock.now())
    logger.info("Predictions of installation %s: %s", installation_id, refreshed)
    return {
        "status": refreshed.status,
        "buyers": refreshed.buyers,
        "repeat_buyers": refreshed.repeat_buyers,
        "scored": refreshed.scored,
        "valued": refreshed.valued,
        "marked": refreshed.marked,
    }
