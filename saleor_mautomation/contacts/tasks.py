from __future__ import annotations

from celery import shared_task

from saleor_mautomation.contacts.writeback import writeback_flush
from saleor_mautomation.core import clock
from saleor_mautomation.saleor.models import Installation


@shared_task(name="saleor_mautomation.contacts.tasks.writeback_all")
def writeback_all() -> None:
    """Flush due write-backs of every active installation (batches of 50 per request)."""
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        while writeback_flush(installation_id=installation_id, batch_size=50, now=clock.now()):
            pass
