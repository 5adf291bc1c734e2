from __future__ import annotations

from celery import shared_task

from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.sweeps import email_engagement_sweep, lifecycle_sweep, rfm_sweep
from saleor_mautomation.contacts.writeback import writeback_flush
from saleor_mautomation.core import clock
from saleor_mautomation.saleor.models import Installation


@shared_task(name="saleor_mautomation.contacts.tasks.contacts_nightly_sweep")
def contacts_nightly_sweep() -> None:
    """RFM quintiles, time-driven lifecycle stages and 30/90-day email counts, for every
    active installation."""
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        contacts_sweep.delay(installation_id)


@shared_task(name="saleor_mautomation.contacts.tasks.contacts_sweep")
def contacts_sweep(installation_id: int) -> None:
    config = contacts_config(installation_id)
    now = clock.now()
    lifecycle_sweep(installation_id=installation_id, config=config, now=now)
    rfm_sweep(installation_id=installation_id, now=now)
    email_engagement_sweep(installation_id=installation_id, now=now)


@shared_task(name="saleor_mautomation.contacts.tasks.writeback_all")
def writeback_all() -> None:
    """Flush due write-backs of every active installation (batches of 50 per request)."""
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        while writeback_flush(installation_id=installation_id, batch_size=50, now=clock.now()):
            pass
