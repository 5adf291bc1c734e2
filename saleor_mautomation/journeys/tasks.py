"""Periodic derivation of the triggers Saleor does not send (see ``journeys.triggers``)."""

from __future__ import annotations

import logging

from celery import shared_task

from saleor_mautomation.contacts.services import contacts_config
from saleor_mautomation.core import clock
from saleor_mautomation.journeys.services import runs_wake
from saleor_mautomation.journeys.triggers import triggers_sweep
from saleor_mautomation.messages.tasks import send_soon
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)


@shared_task(name="saleor_mautomation.journeys.tasks.triggers_sweep_all")
def triggers_sweep_all() -> None:
    """One task per active installation: a large shop's sweep never delays a small one's."""
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        triggers_sweep_task.delay(installation_id)


@shared_task(name="saleor_mautomation.journeys.tasks.triggers_sweep")
def triggers_sweep_task(installation_id: int) -> dict[str, int]:
    """Sweep one installation (idempotent: a run repeated or overlapping records nothing twice).

    Spend thresholds are not configured per installation yet (``ContactsConfig`` has no field
    for them), so none are passed and ``spend.threshold_crossed`` stays silent until they are.
    """
    if not Installation.objects.filter(
        pk=installation_id, status=Installation.Status.ACTIVE
    ).exists():
        return {}
    counts = triggers_sweep(
        installation_id=installation_id,
        now=clock.now(),
        config=contacts_config(installation_id),
        spend_thresholds={},
    )
    if counts.total:
        logger.info("Triggers of installation %s: %s", installation_id, counts)
    return {
        "checkout_abandoned": counts.checkout_abandoned,
        "browse_abandoned": counts.browse_abandoned,
        "customer_lapsed": counts.customer_lapsed,
        "spend_threshold_crossed": counts.spend_threshold_crossed,
    }


WAKE_BATCH = 500


@shared_task(name="saleor_mautomation.journeys.tasks.runs_wake")
def runs_wake_task() -> int:
    """Advance every due run, batch by batch (each claimed with SKIP LOCKED, so several
    workers share the work), then wake the sender for what they queued."""
    woken = 0
    while True:
        batch = runs_wake(now=clock.now(), limit=WAKE_BATCH)
        woken += batch
        if batch < WAKE_BATCH:
            break
    if woken:
        send_soon()
    return woken
